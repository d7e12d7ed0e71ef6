/**
 * Resolving a policy name in the workflow: a name this build does not know (or a registry
 * that throws for it) acts as a policy that keeps capacity, instead of failing the run.
 */
import type { ScalingPolicy } from '../../scaling/types.js';
import type { PolicyResolver } from './rules.js';

export function missingPolicy(name: string): ScalingPolicy {
  return {
    name,
    description: 'not available in this build',
    defaultParameters: {},
    validateParameters: () => [],
    initialState: () => ({}),
    decide: (state) => ({ decision: { kind: 'none', target: {}, reasons: [`policy ${name} is not available in this build; keeping capacity`] }, nextState: state }),
    onActionOutcome: (state) => state,
  };
}

/** A registry may throw for a name it does not know; here that is just "not available". */
export function lenient(registry: PolicyResolver): PolicyResolver {
  return (name) => {
    try {
      return registry(name);
    } catch {
      return undefined;
    }
  };
}
