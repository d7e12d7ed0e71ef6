import type { TemporalConfig } from '../config/index.js';
import { pipelineWorkflowId } from '../workflows/contract.js';
import type { PipelineLinks } from './schemas/common.js';

/** Links are relative to the API (it may sit behind a proxy); the Temporal UI link is absolute. */
export function pipelineLinks(id: string, temporal: Pick<TemporalConfig, 'uiUrl' | 'namespace'>): PipelineLinks {
  const workflowId = encodeURIComponent(pipelineWorkflowId(id));
  return {
    self: `/pipelines/${id}`,
    events: `/pipelines/${id}/events`,
    temporalUi: `${temporal.uiUrl}/namespaces/${encodeURIComponent(temporal.namespace)}/workflows/${workflowId}`,
  };
}
