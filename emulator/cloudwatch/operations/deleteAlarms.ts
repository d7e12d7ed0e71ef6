import type { Operation } from '../../core/types.js';
import { resourceNotFound } from '../errors.js';
import type { CloudWatchState } from '../state.js';

interface DeleteAlarmsInput {
  AlarmNames: string[];
}

export function deleteAlarms(state: CloudWatchState): Operation<DeleteAlarmsInput, Record<string, never>> {
  return {
    validation: { AlarmNames: { type: 'array', required: true, maxItems: 100 } },
    handle(input) {
      const missing = input.AlarmNames.filter((name) => !state.alarms.has(name));
      // AWS deletes nothing when any named alarm is unknown.
      if (missing.length > 0) throw resourceNotFound(`${missing.length} of the alarms you specified do not exist: ${missing.join(', ')}`);
      for (const name of input.AlarmNames) state.alarms.delete(name);
      return {};
    },
  };
}
