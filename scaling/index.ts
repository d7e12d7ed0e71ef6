/**
 * Where scaling decisions are made: the registry of pure policies, shared by the
 * pipeline workflow and the offline benchmark.
 */
import type { PolicyName } from '../model/spec.js';
import type { ScalingPolicy } from './types.js';
import { adaptivePolicy } from './policies/adaptive.js';
import { articleStepPolicy } from './policies/article-step.js';
import { awsCpuPolicy } from './policies/aws-cpu.js';
import { ds2Policy } from './policies/ds2.js';
import { nonePolicy } from './policies/none.js';

export const policies: Record<PolicyName, ScalingPolicy> = {
  'article-step': articleStepPolicy,
  adaptive: adaptivePolicy,
  'aws-cpu': awsCpuPolicy,
  ds2: ds2Policy,
  none: nonePolicy,
};

export function getPolicy(name: PolicyName): ScalingPolicy {
  const policy = policies[name];
  if (!policy) throw new Error(`unknown scaling policy '${String(name)}'`);
  return policy;
}

export type { ScalingPolicy } from './types.js';
