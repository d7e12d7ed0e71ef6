/**
 * The pipeline's live state: the status answered by `statusQuery`, the bounded event
 * list answered by `eventsQuery`, and what is carried through continue-as-new. Plain
 * class with its effects injected (time, phase changes), so it is testable without a
 * workflow around it.
 */
import type { PipelineSpec } from '../../model/spec.js';
import { kpusFor } from '../../model/spec.js';
import type {
  CapacityStatus, ErrorInfo, PipelineEvent, PipelinePhase, PipelineResources, PipelineStatus,
} from '../../model/status.js';

/** Enough to read the whole life of a pipeline's current run without bloating history payloads. */
export const EVENT_LIMIT = 200;

/** The life cycle's slice of the carried state (lifecycle/carried.ts): plain JSON. */
export interface PipelineCarried {
  phase: PipelinePhase;
  resources: PipelineResources;
  capacity: CapacityStatus | null;
  events: PipelineEvent[];
  lastError: ErrorInfo | null;
  attention: string | null;
  createdAt: string;
  /** How many continue-as-new hops led to the run that receives this state. */
  continuedAsNewCount: number;
}

export interface StateEffects {
  nowIso(): string;
  /** Called after every phase change (search attribute, UI details). */
  phaseChanged(status: PipelineStatus): void;
}

function initialResources(spec: PipelineSpec): PipelineResources {
  return {
    streamName: spec.stream.name,
    streamArn: null,
    applicationName: spec.application.name,
    applicationArn: null,
    applicationVersionId: null,
    createdStream: false,
    createdApplication: false,
  };
}

export function capacityOf(shards: number, parallelism: number, parallelismPerKpu: number): CapacityStatus {
  return { shards, parallelism, parallelismPerKpu, kpus: kpusFor(parallelism, parallelismPerKpu) };
}

export class PipelineState {
  readonly status: PipelineStatus;
  private eventList: PipelineEvent[];

  constructor(
    spec: PipelineSpec,
    carried: PipelineCarried | undefined,
    private readonly effects: StateEffects,
  ) {
    const now = effects.nowIso();
    const s = spec.scaling;
    this.eventList = carried ? carried.events.slice(-EVENT_LIMIT) : [];
    this.status = {
      id: spec.id,
      phase: carried?.phase ?? 'PROVISIONING',
      spec,
      resources: carried?.resources ?? initialResources(spec),
      capacity: carried?.capacity ?? null,
      autoscaling: {
        policy: s.policy,
        paused: !s.enabled,
        intervalSeconds: s.intervalSeconds,
        periodSeconds: s.periodSeconds,
        cooldownSeconds: s.cooldownSeconds,
        limits: { ...s.limits },
        parameters: { ...s.parameters },
      },
      activeAction: null,
      replay: null,
      lastError: carried?.lastError ?? null,
      attention: carried?.attention ?? null,
      shardUpdatesLast24h: 0,
      createdAt: carried?.createdAt ?? now,
      updatedAt: now,
      continuedAsNewCount: carried?.continuedAsNewCount ?? 0,
    };
  }

  get events(): PipelineEvent[] {
    return this.eventList;
  }

  get phase(): PipelinePhase {
    return this.status.phase;
  }

  record(event: Omit<PipelineEvent, 'at'>): void {
    const at = this.effects.nowIso();
    this.eventList.push({ at, ...event });
    if (this.eventList.length > EVENT_LIMIT) this.eventList.splice(0, this.eventList.length - EVENT_LIMIT);
    this.status.updatedAt = at;
  }

  setPhase(phase: PipelinePhase, why: string): void {
    const from = this.status.phase;
    this.status.phase = phase;
    this.record({ kind: 'phase', message: `${from} → ${phase}: ${why}`, data: { from, to: phase } });
    this.effects.phaseChanged(this.status);
  }

  /** Records a failure as the pipeline's last error (it stays until a later failure replaces it). */
  recordError(step: string, message: string): void {
    this.status.lastError = { at: this.effects.nowIso(), step, message };
    this.record({ kind: 'error', message: `${step}: ${message}` });
  }

  fail(step: string, message: string, attention: string): void {
    this.recordError(step, message);
    this.status.attention = attention;
    this.setPhase('FAILED', `${step} failed`);
  }

  setCapacity(capacity: CapacityStatus): void {
    this.status.capacity = capacity;
    this.status.updatedAt = this.effects.nowIso();
  }

  toCarried(): PipelineCarried {
    const s = this.status;
    return {
      phase: s.phase,
      resources: { ...s.resources },
      capacity: s.capacity === null ? null : { ...s.capacity },
      events: this.eventList.slice(-EVENT_LIMIT),
      lastError: s.lastError,
      attention: s.attention,
      createdAt: s.createdAt,
      continuedAsNewCount: s.continuedAsNewCount + 1,
    };
  }
}
