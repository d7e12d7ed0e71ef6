import type { Operation } from '../../core/types.js';
import { invalidNextToken, invalidParameterCombination } from '../errors.js';
import type { CloudWatchState, StoredAlarm } from '../state.js';
import { decodeToken, encodeToken } from '../wire.js';

interface DescribeAlarmsInput {
  AlarmNames?: string[];
  AlarmNamePrefix?: string;
  AlarmTypes?: string[];
  StateValue?: string;
  ActionPrefix?: string;
  MaxRecords?: number;
  NextToken?: string;
}

function toWire(alarm: StoredAlarm): Record<string, unknown> {
  return {
    ActionsEnabled: true,
    OKActions: [],
    AlarmActions: [],
    InsufficientDataActions: [],
    ...alarm.definition,
    AlarmArn: alarm.arn,
    AlarmConfigurationUpdatedTimestamp: alarm.updatedMs / 1000,
    StateValue: 'INSUFFICIENT_DATA',
    StateReason: 'Unchecked: Initial alarm creation',
    StateUpdatedTimestamp: alarm.stateUpdatedMs / 1000,
    StateTransitionedTimestamp: alarm.stateUpdatedMs / 1000,
  };
}

export function describeAlarms(state: CloudWatchState): Operation<DescribeAlarmsInput, Record<string, unknown>> {
  return {
    validation: {
      AlarmNames: { type: 'array', maxItems: 100 },
      AlarmNamePrefix: { type: 'string', minLength: 1, maxLength: 255 },
      AlarmTypes: { type: 'array' },
      StateValue: { type: 'string', enum: ['OK', 'ALARM', 'INSUFFICIENT_DATA'] },
      ActionPrefix: { type: 'string', minLength: 1, maxLength: 1024 },
      MaxRecords: { type: 'integer', min: 1, max: 100 },
      NextToken: { type: 'string' },
    },
    handle(input) {
      if (input.AlarmNames !== undefined && input.AlarmNamePrefix !== undefined) {
        throw invalidParameterCombination('The parameters AlarmNames and AlarmNamePrefix are mutually exclusive and you have specified both.');
      }
      const offset = decodeToken(input.NextToken);
      if (offset === null) throw invalidNextToken();
      const wantMetricAlarms = input.AlarmTypes === undefined || input.AlarmTypes.includes('MetricAlarm');
      const matching = [...state.alarms.values()]
        .filter(
          (a) =>
            wantMetricAlarms &&
            (input.AlarmNames === undefined || input.AlarmNames.includes(a.definition.AlarmName)) &&
            (input.AlarmNamePrefix === undefined || a.definition.AlarmName.startsWith(input.AlarmNamePrefix)) &&
            (input.StateValue === undefined || input.StateValue === 'INSUFFICIENT_DATA') &&
            (input.ActionPrefix === undefined ||
              ['AlarmActions', 'OKActions', 'InsufficientDataActions'].some((k) =>
                ((a.definition[k] as string[] | undefined) ?? []).some((action) => action.startsWith(input.ActionPrefix as string)),
              )),
        )
        .sort((a, b) => a.definition.AlarmName.localeCompare(b.definition.AlarmName));
      const size = input.MaxRecords ?? 50;
      const page = matching.slice(offset, offset + size).map(toWire);
      const result: Record<string, unknown> = { MetricAlarms: page, CompositeAlarms: [] };
      if (offset + size < matching.length) result.NextToken = encodeToken(offset + size);
      return result;
    },
  };
}
