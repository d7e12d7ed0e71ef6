/**
 * AWS calls per API in a window of the benchmark, from the emulator's call log: mean and
 * peak per second, errors and throttled calls, beside AWS's documented rate for the API.
 */
import { AWS_API_RATES } from '../../emulator/core/apiRates.js';
import type { BenchStack } from './stack.js';

export function callsPerApi(stack: BenchStack, fromMs: number, toMs: number) {
  const window = stack.emulator.admin.calls({ since: fromMs }).filter((c) => c.time < toMs);
  const seconds = (toMs - fromMs) / 1000;
  const perApi = new Map<string, { calls: number; errors: number; throttled: number; perSecond: Map<number, number> }>();
  for (const call of window) {
    const key = `${call.service}.${call.operation}`;
    const entry = perApi.get(key) ?? { calls: 0, errors: 0, throttled: 0, perSecond: new Map() };
    entry.calls++;
    if (call.outcome === 'error') entry.errors++;
    if (call.error !== undefined && THROTTLING_CODES.has(call.error)) entry.throttled++;
    const second = Math.floor(call.time / 1000);
    entry.perSecond.set(second, (entry.perSecond.get(second) ?? 0) + 1);
    perApi.set(key, entry);
  }
  return [...perApi.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([api, e]) => {
    const [prefix, operation] = api.split('.') as [string, string];
    const rate = AWS_API_RATES[prefix]?.[operation];
    return {
      api,
      calls: e.calls,
      errors: e.errors,
      throttled: e.throttled,
      meanPerSecond: Math.round((e.calls / seconds) * 100) / 100,
      peakPerSecond: Math.max(...e.perSecond.values()),
      awsLimitPerSecond: rate === undefined ? null : `${rate.perSecond}/s per ${rate.scope}`,
    };
  });
}

/** The throttling errors of the three services (see emulator/core/apiRates.ts). */
const THROTTLING_CODES = new Set(['LimitExceededException', 'ThrottlingException', 'Throttling']);
