/**
 * Kinesis's admin routes under `/_emulator/`: a stream whose next UpdateShardCount
 * never leaves UPDATING (as AWS's occasionally stuck reshards do) until the fault is cleared.
 */
import { AdminRequestError } from '../core/admin.js';
import type { AdminHandler } from '../core/types.js';
import type { StreamStore } from './store.js';

export const KINESIS_FAULTS = ['stuck-updating', 'clear'] as const;

export function kinesisAdminRoutes(store: StreamStore): Record<string, AdminHandler> {
  return {
    /** `stuck-updating`: the next UpdateShardCount stays UPDATING; `clear`: a held reshard completes now. */
    'POST kinesis/faults': ({ body }) => {
      const b = (body ?? {}) as { stream?: unknown; fault?: unknown };
      if (typeof b.stream !== 'string' || !(KINESIS_FAULTS as readonly unknown[]).includes(b.fault)) {
        throw new AdminRequestError(`Body must be {"stream": "<name>", "fault": one of ${KINESIS_FAULTS.join(', ')}}`);
      }
      if (store.find(b.stream) === undefined) throw new AdminRequestError(`No stream ${b.stream}`, 404);
      if (b.fault === 'stuck-updating') {
        store.stickNextUpdate(b.stream);
        return { stream: b.stream, fault: b.fault };
      }
      return { stream: b.stream, fault: b.fault, released: store.releaseStuck(b.stream) };
    },
  };
}
