/** Keeps capacity as it is: the yardstick for "what does scaling buy". */
import type { ScalingPolicy } from '../types.js';
import { capacityText, validateAgainst } from './common.js';

export type NoneState = Record<string, never>;

export const nonePolicy: ScalingPolicy<NoneState> = {
  name: 'none',
  description: 'Never scales; capacity stays where it was provisioned or last overridden.',
  defaultParameters: {},
  validateParameters: (parameters) => validateAgainst({}, parameters),
  initialState: () => ({}),
  decide: (state, observation) => ({
    decision: { kind: 'none', target: {}, reasons: [`policy none: keeping ${capacityText(observation.capacity)}`] },
    nextState: state,
  }),
  onActionOutcome: (state) => state,
};
