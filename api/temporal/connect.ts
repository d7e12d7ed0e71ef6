/**
 * Builds the API's Temporal client from configuration. The connection is lazy, so the
 * API starts (and `/readyz` reports 503) while Temporal is still coming up, and the
 * gRPC retry budget is short: an HTTP caller should get a 503 in seconds, not after
 * the SDK's default minute of retries.
 */
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { TemporalConfig } from '../../config/index.js';
import { temporalAuthOptions } from '../../config/temporal-connection.js';

export function createTemporalClient(config: TemporalConfig): Client {
  const connection = Connection.lazy({
    address: config.address,
    ...temporalAuthOptions(config),
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 3, initialIntervalMs: () => 100 }))],
  });
  return new Client({ connection, namespace: config.namespace });
}
