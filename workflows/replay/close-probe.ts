/**
 * Seeing the end of a replay child that this run did not start. A child started before the
 * pipeline continued-as-new cannot be watched from the new run: terminated or cancelled, it
 * sends no final report. So such a child is probed: signalling a closed workflow fails, which
 * tells this run it has ended (patch `lifecycle-replay-close-probe`; runs recorded before it
 * only wait).
 */
import { condition, getExternalWorkflowHandle, patched } from '@temporalio/workflow';
import { PATCHES } from '../lifecycle/patches.js';
import { replayProbeSignal } from './messages.js';

/** The controller's side of an inherited child. */
export interface InheritedChild {
  readonly childId: string;
  /** A child inherited through continue-as-new has not reported its end yet. */
  isActive(): boolean;
  /** It closed without a final report: the controller records how it ended. */
  closedUnreported(): void;
}

/**
 * Waits until `wake()` holds, like `condition(wake)`. While an inherited child is active, it
 * wakes every `probeMs` to probe the child instead: false then (the caller looks again), true
 * once `wake()` held.
 */
export async function waitOrProbe(wake: () => boolean, child: InheritedChild, probeMs: number): Promise<boolean> {
  if (!(child.isActive() && patched(PATCHES.replayCloseProbe))) {
    await condition(wake);
    return true;
  }
  if (await condition(wake, probeMs)) return true;
  try {
    await getExternalWorkflowHandle(child.childId).signal(replayProbeSignal);
  } catch {
    if (child.isActive()) child.closedUnreported();
  }
  return false;
}
