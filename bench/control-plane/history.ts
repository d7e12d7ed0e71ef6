/**
 * What the pipelines' Temporal histories say about the control plane: how long each
 * workflow task ran and waited, whether any timed out, how late each control-loop tick
 * started against its schedule, and how large the histories grew.
 */
import type { Client } from '@temporalio/client';
import proto, { type temporal } from '@temporalio/proto';

const { EventType, TaskQueueKind, TimeoutType } = proto.temporal.api.enums.v1;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

function ms(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  if (!ts || ts.seconds === undefined || ts.seconds === null) return NaN;
  return Number(ts.seconds) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

function durationMs(d: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  return ms(d);
}

export interface HistoryFacts {
  workflowId: string;
  events: number;
  /** Workflow task start → completion, ms. */
  taskRunMs: number[];
  /** When each of those tasks started (epoch ms, same order), to tell the steady window from create/delete. */
  taskStartedAtMs: number[];
  /** Workflow task scheduled → started (queueing for a worker), ms. */
  taskWaitMs: number[];
  /** The same for tasks on the worker's sticky queue, which time out after 10 s unstarted (SCHEDULE_TO_START), ms. */
  stickyWaitMs: number[];
  /** When each of those sticky tasks was scheduled (epoch ms, same order), to tell create, steady and delete apart. */
  stickyScheduledAtMs: number[];
  taskTimeouts: number;
  /** The timeouts by kind: SCHEDULE_TO_START (a sticky task no worker took in time) or START_TO_CLOSE (taken, not completed in time). */
  taskTimeoutTypes: Record<string, number>;
  /** When each timeout was recorded (epoch ms), to tell create, steady and delete apart. */
  taskTimeoutAtMs: number[];
  taskFailures: number;
  /** Each control-loop tick: when the workflow task its timer woke started, minus when the timer was due, ms. */
  tickLatenessMs: number[];
  /** When each of those ticks was due (epoch ms, same order), to tell the steady window from create/delete. */
  tickDueAtMs: number[];
  continuedAsNew: boolean;
}

export function analyseHistory(workflowId: string, events: HistoryEvent[]): HistoryFacts {
  const byId = new Map<number, HistoryEvent>();
  for (const e of events) byId.set(Number(e.eventId), e);
  const facts: HistoryFacts = {
    workflowId, events: events.length, taskRunMs: [], taskStartedAtMs: [], taskWaitMs: [], stickyWaitMs: [], stickyScheduledAtMs: [], taskTimeouts: 0, taskTimeoutTypes: {}, taskTimeoutAtMs: [], taskFailures: 0, tickLatenessMs: [], tickDueAtMs: [], continuedAsNew: false,
  };
  // A tick starts with the workflow task its timer wakes (it may call no activity at all: PATCHES.tickReadsWhenDue).
  let dueAt: number | undefined;
  for (const e of events) {
    switch (e.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED: {
        const scheduled = byId.get(Number(e.workflowTaskStartedEventAttributes?.scheduledEventId));
        if (scheduled) {
          facts.taskWaitMs.push(ms(e.eventTime) - ms(scheduled.eventTime));
          if (scheduled.workflowTaskScheduledEventAttributes?.taskQueue?.kind === TaskQueueKind.TASK_QUEUE_KIND_STICKY) {
            facts.stickyWaitMs.push(ms(e.eventTime) - ms(scheduled.eventTime));
            facts.stickyScheduledAtMs.push(ms(scheduled.eventTime));
          }
        }
        if (dueAt !== undefined) {
          facts.tickLatenessMs.push(ms(e.eventTime) - dueAt);
          facts.tickDueAtMs.push(dueAt);
        }
        dueAt = undefined;
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: {
        const started = byId.get(Number(e.workflowTaskCompletedEventAttributes?.startedEventId));
        if (started) {
          facts.taskRunMs.push(ms(e.eventTime) - ms(started.eventTime));
          facts.taskStartedAtMs.push(ms(started.eventTime));
        }
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT: {
        facts.taskTimeouts++;
        const type = (TimeoutType[e.workflowTaskTimedOutEventAttributes?.timeoutType ?? 0] ?? 'UNSPECIFIED').replace('TIMEOUT_TYPE_', '');
        facts.taskTimeoutTypes[type] = (facts.taskTimeoutTypes[type] ?? 0) + 1;
        facts.taskTimeoutAtMs.push(ms(e.eventTime));
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
        facts.taskFailures++;
        break;
      case EventType.EVENT_TYPE_TIMER_FIRED: {
        const started = byId.get(Number(e.timerFiredEventAttributes?.startedEventId));
        if (started) dueAt = ms(started.eventTime) + durationMs(started.timerStartedEventAttributes?.startToFireTimeout);
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
        facts.continuedAsNew = true;
        break;
      default:
        break;
    }
  }
  return facts;
}

/** Every run of the workflow (continue-as-new chains included), newest last. */
export async function fetchFacts(client: Client, workflowId: string): Promise<HistoryFacts[]> {
  const runs: HistoryFacts[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    const history = await client.workflow.getHandle(workflowId, execution.runId).fetchHistory();
    runs.push(analyseHistory(workflowId, history.events ?? []));
  }
  return runs;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export interface Distribution { count: number; p50: number; p90: number; p99: number; max: number }

export function distribution(values: number[]): Distribution {
  return {
    count: values.length,
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    max: values.reduce((a, b) => Math.max(a, b), values.length === 0 ? NaN : -Infinity),
  };
}
