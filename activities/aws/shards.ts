/**
 * The stream's open shards, every page of ListShards (`AT_LATEST`: the shards a write or a
 * reshard can use now, not the closed parents of an earlier one).
 */
import { ListShardsCommand, type KinesisClient, type Shard } from '@aws-sdk/client-kinesis';

export async function listOpenShards(kinesis: KinesisClient, streamName: string): Promise<Shard[]> {
  const open: Shard[] = [];
  let token: string | undefined;
  do {
    const page = await kinesis.send(
      new ListShardsCommand(token === undefined ? { StreamName: streamName, ShardFilter: { Type: 'AT_LATEST' } } : { NextToken: token }),
    );
    open.push(...(page.Shards ?? []));
    token = page.NextToken;
  } while (token !== undefined);
  return open;
}
