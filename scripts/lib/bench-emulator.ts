/**
 * An emulator with AWS's per-shard write limits in a process of its own, for benchmarks
 * of a producer: as with the real service, the stream's CPU is not the producer's, so
 * the figure measures the producer and the limits, not two programs sharing one thread.
 * Forked by the benchmark; answers `{ url }` once listening and stops when the parent
 * disconnects.
 */
import { startEmulator } from '../../emulator/server.js';

const emulator = await startEmulator({ profile: 'demo', overrides: { port: 0, kinesis: { createStreamMs: 10, limitsEnabled: true } } });
process.send?.({ url: emulator.url });
process.once('disconnect', () => {
  void emulator.close().then(() => process.exit(0));
});
