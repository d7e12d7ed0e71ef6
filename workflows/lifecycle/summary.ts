/**
 * Words for the Temporal UI while the pipeline runs ("current details"). Pure. The
 * summaries a starter attaches are part of the public contract (../contract.ts).
 */
import type { PipelineStatus } from '../../model/status.js';

/** For `setCurrentDetails`: where the pipeline stands now. */
export function pipelineCurrentDetails(status: PipelineStatus): string {
  const r = status.resources;
  const c = status.capacity;
  const capacity = c ? `${c.shards} shards, parallelism ${c.parallelism} (${c.kpus} KPUs)` : 'capacity not known yet';
  const lines = [`**${status.phase}** since ${status.updatedAt}`, `\`${r.streamName}\` → \`${r.applicationName}\`: ${capacity}`];
  if (status.lastError) lines.push(`Last error (${status.lastError.step}): ${status.lastError.message}`);
  if (status.attention) lines.push(`**Needs attention:** ${status.attention}`);
  return lines.join('\n\n');
}
