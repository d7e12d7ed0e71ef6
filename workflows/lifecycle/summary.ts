/**
 * Words for the Temporal UI: the one-line summary and details a pipeline workflow is
 * started with, and the "current details" it shows while it runs. Pure.
 */
import type { PipelineSpec } from '../../model/spec.js';
import type { PipelineStatus } from '../../model/status.js';

/** For the starter (`staticSummary` of the workflow start options). */
export function pipelineStaticSummary(spec: PipelineSpec): string {
  return `Pipeline ${spec.id}: stream ${spec.stream.name} (${spec.stream.shardCount} shards) → Flink application ` +
    `${spec.application.name} (parallelism ${spec.application.parallelism}), scaling policy ${spec.scaling.policy}`;
}

/** For the starter (`staticDetails`): what was asked for, in Temporal markdown. */
export function pipelineStaticDetails(spec: PipelineSpec): string {
  const replay = spec.replay ? `replay of \`${spec.replay.source}\` at ×${spec.replay.speedup}` : 'no replay';
  return [
    `**Stream** \`${spec.stream.name}\`: ${spec.stream.shardCount} shards${spec.stream.adopt ? ' (adopt if it exists)' : ''}`,
    `**Application** \`${spec.application.name}\`: ${spec.application.runtime}, parallelism ${spec.application.parallelism}` +
      ` (${spec.application.parallelismPerKpu} per KPU)${spec.application.adopt ? ' (adopt if it exists)' : ''}`,
    `**Scaling**: policy ${spec.scaling.policy}${spec.scaling.enabled ? '' : ' (paused)'}; **Replay**: ${replay}`,
  ].join('\n\n');
}

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
