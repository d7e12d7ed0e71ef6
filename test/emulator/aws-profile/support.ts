/**
 * An emulator in the `aws` profile on a stopped clock that the test moves (metric timing
 * is about minutes, rates about one second: neither should depend on how fast this
 * machine answers), with state transitions shortened to milliseconds. State transitions
 * still run on real timers; the Flink job sees no time pass unless the test advances it.
 */
import type { EmulatorOverrides } from '../../../emulator/config.js';
import { startEmulator, type RunningEmulator } from '../../../emulator/server.js';

export interface AwsProfileEmulator extends RunningEmulator {
  /** Moves the emulator's clock forward. */
  advance(ms: number): void;
  nowMs(): number;
}

const FAST_TRANSITIONS: EmulatorOverrides = {
  port: 0,
  kinesis: { createStreamMs: 10, deleteStreamMs: 10, updateShardCountMs: 20, updateRetentionPeriodMs: 10 },
  flink: { startApplicationMs: 30, updateApplicationMs: 30, stopApplicationMs: 20, forceStopApplicationMs: 10, rollbackApplicationMs: 30, deleteApplicationMs: 10 },
};

/** `startAtMs` defaults to 10 s into a minute, so tests know where minute boundaries fall. */
export async function startAwsProfileEmulator(overrides: EmulatorOverrides = {}, startAtMs = Date.UTC(2026, 0, 1, 12, 0, 10)): Promise<AwsProfileEmulator> {
  let now = startAtMs;
  const emulator = await startEmulator({
    profile: 'aws',
    overrides: {
      ...FAST_TRANSITIONS,
      ...overrides,
      kinesis: { ...FAST_TRANSITIONS.kinesis, ...overrides.kinesis },
      flink: { ...FAST_TRANSITIONS.flink, ...overrides.flink },
    },
    clock: { nowMs: () => now },
  });
  return {
    ...emulator,
    advance(ms) {
      now += ms;
    },
    nowMs: () => now,
  };
}
