/**
 * What a stuck pipeline workflow is waiting on, in words, for a fault test's failure message:
 * its pending workflow task (a task that keeps timing out or failing starves queries too), its
 * pending activities and the last events of its history. A fresh-clone CI run once reported
 * only "phase SCALING" — the last status a query had read minutes before — which could not
 * tell a stuck action from a workflow that no longer answered.
 */
import type { Client } from '@temporalio/client';
import proto, { type temporal } from '@temporalio/proto';

const enums = proto.temporal.api.enums.v1;

type Timestamp = { seconds?: { toString(): string } | null; nanos?: number | null } | null | undefined;

function iso(t: Timestamp): string {
  if (!t?.seconds) return '-';
  return new Date(Number(t.seconds.toString()) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString().slice(11, 23);
}

/** An enum value by its name (the SDK hands numbers), without its prefix. */
function named(values: Record<number, string>, value: unknown, prefix: string): string {
  const name = typeof value === 'number' ? values[value] : typeof value === 'string' ? value : undefined;
  return (name ?? String(value)).replace(prefix, '');
}

function eventLine(e: temporal.api.history.v1.IHistoryEvent): string {
  const details: string[] = [];
  const started = e.workflowTaskStartedEventAttributes ?? e.activityTaskStartedEventAttributes;
  if (started?.identity) details.push(`by ${started.identity}`);
  const scheduled = e.activityTaskScheduledEventAttributes;
  if (scheduled?.activityType?.name) details.push(scheduled.activityType.name);
  const failed = e.workflowTaskFailedEventAttributes;
  if (failed) details.push(`cause ${named(enums.WorkflowTaskFailedCause, failed.cause, 'WORKFLOW_TASK_FAILED_CAUSE_')}: ${failed.failure?.message ?? ''}`.slice(0, 300));
  const timedOut = e.workflowTaskTimedOutEventAttributes ?? e.activityTaskTimedOutEventAttributes;
  if (timedOut && 'timeoutType' in timedOut) details.push(named(enums.TimeoutType, timedOut.timeoutType, 'TIMEOUT_TYPE_'));
  const actFailed = e.activityTaskFailedEventAttributes;
  if (actFailed) details.push(String(actFailed.failure?.message ?? '').slice(0, 200));
  return `#${String(e.eventId)} ${iso(e.eventTime)} ${named(enums.EventType, e.eventType, 'EVENT_TYPE_')}${details.length ? ` (${details.join('; ')})` : ''}`;
}

/**
 * What matching holds for the workflow task queue: a task SCHEDULED for minutes while the backlog is 0
 * was lost between history and matching (or dropped by matching); a backlog of 1 with pollers present
 * is a task matching does not hand out. Tells the two apart for the stall a fresh-clone CI run found.
 */
async function describeQueue(client: Client, name: string): Promise<string> {
  try {
    const r = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace, taskQueue: { name, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: enums.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, reportStats: true,
    });
    const pollers = (r.pollers ?? []).map((p) => `${p.identity ?? '?'} (last ${iso(p.lastAccessTime)})`);
    return `workflow task queue ${name}: backlog ${String(r.stats?.approximateBacklogCount ?? 0)}` +
      ` (oldest ${String(r.stats?.approximateBacklogAge?.seconds ?? 0)} s), pollers ${pollers.length ? pollers.join(', ') : 'none'}`;
  } catch (err) {
    return `could not describe task queue ${name}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** One paragraph: the pending workflow task (and, if any, what matching holds for its queue), pending activities, and the last `tail` history events. */
export async function describeStuck(client: Client, workflowId: string, tail = 15): Promise<string> {
  const lines: string[] = [];
  try {
    const d = await client.workflowService.describeWorkflowExecution({ namespace: client.options.namespace, execution: { workflowId } });
    const wft = d.pendingWorkflowTask;
    lines.push(wft
      ? `pending workflow task: ${named(enums.PendingWorkflowTaskState, wft.state, 'PENDING_WORKFLOW_TASK_STATE_')}, attempt ${wft.attempt}, scheduled ${iso(wft.scheduledTime)} (first ${iso(wft.originalScheduledTime)}), started ${iso(wft.startedTime)}`
      : 'no pending workflow task');
    const queue = d.executionConfig?.taskQueue?.name;
    if (wft && queue) lines.push(await describeQueue(client, queue));
    for (const a of d.pendingActivities ?? []) {
      lines.push(`pending activity ${a.activityType?.name}: ${named(enums.PendingActivityState, a.state, 'PENDING_ACTIVITY_STATE_')}, attempt ${a.attempt}, last started ${iso(a.lastStartedTime)}, ` +
        `last heartbeat ${iso(a.lastHeartbeatTime)}, worker ${a.lastWorkerIdentity ?? '-'}${a.lastFailure?.message ? `, last failure ${a.lastFailure.message}` : ''}`);
    }
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const events = history.events ?? [];
    lines.push(`history: ${events.length} events; last ${Math.min(tail, events.length)}:`, ...events.slice(-tail).map(eventLine));
  } catch (err) {
    lines.push(`could not describe ${workflowId}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return lines.join('\n');
}
