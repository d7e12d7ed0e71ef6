/**
 * When a pipeline's scaling loop ticks next (PATCHES.tickReadsWhenDue, and tickLocalActivity before it):
 * on its own fixed grid, so pipelines created together do not tick together.
 */

/** FNV-1a of the pipeline id: a stable, well-spread number per pipeline. */
function idHash(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/**
 * How long until this pipeline's next tick slot: every pipeline ticks on its own fixed grid,
 * `intervalSeconds` apart and offset by a phase derived from its id. Pipelines created together
 * (200 at once) would otherwise tick together for ever — bursts of workflow tasks and of
 * AWS calls every interval instead of an even stream — and a tick's own duration no longer
 * pushes every later tick back (no drift). A slot closer than a second (half an interval for
 * shorter ones) is skipped, so a late tick is not followed at once by the next.
 */
export function untilNextTickMs(nowMs: number, intervalSeconds: number, pipelineId: string): number {
  const intervalMs = intervalSeconds * 1000;
  const phaseMs = idHash(pipelineId) % intervalMs;
  const untilSlot = intervalMs - ((((nowMs - phaseMs) % intervalMs) + intervalMs) % intervalMs);
  return untilSlot < Math.min(1000, intervalMs / 2) ? untilSlot + intervalMs : untilSlot;
}
