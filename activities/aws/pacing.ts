/**
 * The worker paces its own calls to AWS's rate-limited operations at the per-account rates
 * AWS documents, instead of sending them and being throttled.
 *
 * Found with 200 pipelines deleted at once (bench:control-plane, issue 11): every teardown
 * called StopApplication, DeleteApplication and DeleteStream at once, 5 per second each
 * under AWS's rates, so about 5,900 of 8,000 calls in the delete were throttled and retried.
 * Each of those costs the worker's one main thread a signed request, an error parsed and a
 * retry; the worker then delivered workflow tasks late, and with the Temporal server on the
 * same two cores the teardown's first tasks waited up to 9 s on the sticky queue (its timeout
 * is 10 s). Paced, a call waits its turn on a timer in this process, which costs nothing.
 *
 * A gate per operation, counted on a sliding window a little longer than a second, at
 * `share` of the account's rate (AWS_API_RATE_SHARE: other tools and workers may call the same
 * account; 0 turns pacing off). Only account-wide rates are paced: a per-stream or per-shard
 * rate (ListShards, GetShardIterator, PutRecords) is not shared across pipelines. The gate sits
 * inside the SDK's retry loop, so a retried attempt waits its turn too, and before signing, so
 * a signature is never older than its send.
 */
import pThrottle from 'p-throttle';

/** The wire protocol's target prefix of each service, the rate table's first key. */
export const SERVICE_TARGETS = {
  kinesis: 'Kinesis_20131202',
  flink: 'KinesisAnalytics_20180523',
  cloudwatch: 'GraniteServiceVersion20100801',
} as const;
export type PacedService = keyof typeof SERVICE_TARGETS;

/**
 * Calls per second per account and region, per operation, as AWS documents them — the same numbers
 * the emulator enforces (emulator/core/apiRates.ts, each cited in emulator/README.md; the Managed Flink
 * ones are not published and are assumed). test/activities/aws/pacing.test.ts keeps the two equal.
 */
export const ACCOUNT_RATES: Record<string, Record<string, number>> = {
  [SERVICE_TARGETS.kinesis]: {
    CreateStream: 5, DeleteStream: 5, DescribeStream: 10, DescribeStreamSummary: 20, ListStreams: 5,
    SplitShard: 5, MergeShards: 5, AddTagsToStream: 5, ListTagsForStream: 5, RemoveTagsFromStream: 5, DescribeLimits: 1,
  },
  [SERVICE_TARGETS.flink]: {
    DescribeApplication: 20, ListApplications: 20, CreateApplication: 5, DeleteApplication: 5, StartApplication: 5,
    StopApplication: 5, UpdateApplication: 5, RollbackApplication: 5,
  },
  [SERVICE_TARGETS.cloudwatch]: {
    GetMetricData: 50, GetMetricStatistics: 400, ListMetrics: 25, PutMetricData: 500, DescribeAlarms: 9,
    PutMetricAlarm: 3, DeleteAlarms: 3,
  },
};

/**
 * A rate's second, with a margin: two calls a second apart in this process can arrive less than a
 * second apart (the first one delayed on the wire), and AWS would count both in one second.
 */
const PACING_WINDOW_MS = 1100;

type Gate = () => Promise<unknown>;

/** One account's gates, shared by the clients that call it (a pipeline role's clients get their own). */
export class AccountPacer {
  private readonly gates = new Map<string, Gate>();

  constructor(share: number, rates: Record<string, Record<string, number>> = ACCOUNT_RATES) {
    if (!(share >= 0 && share <= 1)) throw new RangeError(`pacing share must be from 0 to 1, not ${share}`);
    if (share === 0) return;
    for (const [target, operations] of Object.entries(rates)) {
      for (const [operation, perSecond] of Object.entries(operations)) {
        const limit = Math.max(1, Math.floor(perSecond * share));
        this.gates.set(`${target}.${operation}`, pThrottle({ limit, interval: PACING_WINDOW_MS, strict: true })(async () => undefined));
      }
    }
  }

  /** Resolves when `operation` of `service` may be sent (at once for an operation without an account rate). */
  async admit(service: PacedService, operation: string): Promise<void> {
    await this.gate(service, operation)?.();
  }

  /** The operation's gate; none for an operation without an account rate (PutRecords: no wait, no extra await). */
  gate(service: PacedService, operation: string): Gate | undefined {
    return this.gates.get(`${SERVICE_TARGETS[service]}.${operation}`);
  }
}

/** A finalize-step middleware of any client (the SDK's types, spelled out: they are not a dependency of ours). */
type Middleware = <I, O>(next: (args: I) => Promise<O>, context: { commandName?: string }) => (args: I) => Promise<O>;
interface Paceable {
  middlewareStack: { addRelativeTo(middleware: Middleware, options: { name: string; relation: 'before'; toMiddleware: string }): void };
}

/** Makes every attempt of `client`'s rate-limited operations wait for `pacer` before it is signed and sent. */
export function paceClient<C extends Paceable>(client: C, service: PacedService, pacer: AccountPacer): C {
  const pacing: Middleware = (next, context) => {
    const gate = pacer.gate(service, (context.commandName ?? '').replace(/Command$/, ''));
    return gate === undefined ? next : async (args) => {
      await gate();
      return next(args);
    };
  };
  client.middlewareStack.addRelativeTo(pacing, { name: 'shardpilotPacing', relation: 'before', toMiddleware: 'httpSigningMiddleware' });
  return client;
}
