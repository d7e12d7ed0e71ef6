/**
 * Everything the API asks of Temporal about pipelines: start (idempotently), list
 * from visibility, and the pipeline workflow's signals, queries and updates. Routes
 * stay thin; errors surface as the client throws them and api/errors.ts maps them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes.js';
import proto, { type temporal } from '@temporalio/proto';
import { crossFieldErrors, resolveSpec, type PipelineSpec, type PipelineSpecInput } from '../../model/spec.js';
import {
  PIPELINE_PHASES, type PipelineEvent, type PipelinePhase, type PipelineStatus, type ReplayProgress, type ScalingRecord,
} from '../../model/status.js';
import type { MetricsSample } from '../../scaling/types.js';
import {
  PIPELINE_WORKFLOW_TYPE, applicationNameKey, autoscalingUpdate, pipelineIdKey, pipelinePhaseKey, pipelineStaticDetails,
  pipelineStaticSummary, streamNameKey, eventsQuery, metricsQuery, pipelineWorkflowId, replayControlUpdate,
  replayProgressQuery, scaleOverrideUpdate, scalingHistoryQuery, startReplayUpdate, statusQuery, STATUS_MEMO_KEY, teardownSignal,
  type AutoscalingChange, type PipelineWorkflow, type ReplayControlRequest, type ReplayStartRequest, type ScaleOverrideRequest,
} from '../../workflows/contract.js';
import { conflict, pipelineClosed, unprocessable, type FieldError } from '../errors.js';
import { policyParameterErrors } from '../validation.js';
import { decodePageToken, encodePageToken } from './page-token.js';
import { DEFAULT_READ_CACHE, ReadCache, type CachedRead, type ReadCacheOptions } from './read-cache.js';

export interface PipelineGatewayOptions {
  namespace: string;
  taskQueue: string;
  /** How long a query or update may wait for the pipeline's worker before the API answers 503. */
  callTimeoutMs: number;
  /** The read path's cache and staleness bound (defaults: DEFAULT_READ_CACHE). */
  readCache?: Partial<ReadCacheOptions>;
}

export interface CreateResult {
  id: string;
  workflowId: string;
  runId: string;
  created: boolean;
}

export interface PipelineListItem {
  id: string;
  workflowId: string;
  runId: string;
  phase: PipelinePhase | null;
  streamName: string | null;
  applicationName: string | null;
  execution: string;
  startedAt: string | null;
  closedAt: string | null;
}

export interface ListPage {
  pipelines: PipelineListItem[];
  nextPageToken: string | null;
}

/** Key order must not change the hash: the same spec sent twice is the same pipeline. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function specHash(spec: PipelineSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex');
}

export function generatePipelineId(): string {
  return `p-${randomBytes(6).toString('hex')}`;
}

// CommonJS package: its namespaces are reachable through the default export only.
const { WorkflowExecutionStatus } = proto.temporal.api.enums.v1;
const EXECUTION_STATUS_PREFIX = 'WORKFLOW_EXECUTION_STATUS_';

function isoOf(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): string | null {
  if (!ts || ts.seconds === undefined || ts.seconds === null) return null;
  const millis = Number(ts.seconds) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
  return new Date(millis).toISOString();
}

function asPhase(value: unknown): PipelinePhase | null {
  return typeof value === 'string' && (PIPELINE_PHASES as readonly string[]).includes(value) ? (value as PipelinePhase) : null;
}

const LIST_SCOPE = 'list';

/** A memo value is trusted as the pipeline's status only when it has that shape and names this pipeline. */
function isPublishedStatus(value: unknown, id: string): value is PipelineStatus {
  if (value === null || typeof value !== 'object') return false;
  const status = value as Partial<PipelineStatus>;
  return status.id === id && typeof status.phase === 'string' && typeof status.spec === 'object' && status.spec !== null;
}

export class PipelineGateway {
  private readonly reads: ReadCache;
  /** Visibility lists, under the same bounds: 50 clients listing share one visibility query. */
  private readonly lists: ReadCache;

  constructor(
    private readonly client: Client,
    private readonly options: PipelineGatewayOptions,
  ) {
    this.reads = new ReadCache({ ...DEFAULT_READ_CACHE, ...options.readCache });
    this.lists = new ReadCache({ ...DEFAULT_READ_CACHE, ...options.readCache, maxEntries: 1_000 });
  }

  /**
   * Starts the pipeline workflow unless one with this id runs already. The spec's hash
   * travels in the memo, so a repeat is recognised without asking the workflow (which
   * may have no worker yet): same hash → the existing run, different → 409. Temporal's
   * id conflict policy makes racing creates start one workflow at most.
   */
  async create(input: PipelineSpecInput, idempotencyKey: string | undefined): Promise<CreateResult> {
    if (input.id !== undefined && idempotencyKey !== undefined && input.id !== idempotencyKey) {
      throw unprocessable([{ field: '/id', rule: 'must equal the Idempotency-Key header when both are given', in: 'body' }]);
    }
    const id = input.id ?? idempotencyKey ?? generatePipelineId();
    const spec = resolveSpec(input, id);
    const specErrors: FieldError[] = [
      ...crossFieldErrors(spec).map(([field, rule]) => ({ field, rule, in: 'body' })),
      ...policyParameterErrors(spec.scaling.policy, spec.scaling.parameters, '/scaling/parameters'),
    ];
    if (specErrors.length > 0) throw unprocessable(specErrors);
    const workflowId = pipelineWorkflowId(id);
    const hash = specHash(spec);
    try {
      const handle = await this.client.workflow.start<PipelineWorkflow>(PIPELINE_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: this.options.taskQueue,
        args: [{ spec }],
        memo: { specHash: hash },
        typedSearchAttributes: [
          { key: pipelineIdKey, value: id },
          { key: pipelinePhaseKey, value: 'PROVISIONING' },
          { key: streamNameKey, value: spec.stream.name },
          { key: applicationNameKey, value: spec.application.name },
        ],
        staticSummary: pipelineStaticSummary(spec),
        staticDetails: pipelineStaticDetails(spec),
        workflowIdConflictPolicy: 'FAIL',
        // A closed pipeline (deleted or failed) does not block reusing its id.
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      });
      this.lists.forget(LIST_SCOPE);
      return { id, workflowId, runId: handle.firstExecutionRunId, created: true };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const existing = await this.client.workflow.getHandle(workflowId).describe();
      if (existing.memo?.specHash !== hash) {
        throw conflict(`Pipeline "${id}" already exists with a different spec; choose another id or delete it first.`);
      }
      return { id, workflowId, runId: existing.runId, created: false };
    }
  }

  /** Lists go through their own read cache (coalesced, bounded staleness), as status reads do. */
  list(filter: { phase?: PipelinePhase; pageSize: number; nextPageToken?: string }): Promise<CachedRead<ListPage>> {
    const serverToken = filter.nextPageToken === undefined ? undefined : decodePageToken(filter.nextPageToken);
    if (filter.nextPageToken !== undefined && serverToken === undefined) {
      return Promise.reject(unprocessable([{ field: '/nextPageToken', rule: 'is not a token this API returned', in: 'querystring' }]));
    }
    const kind = `${filter.phase ?? '*'}\u0000${filter.pageSize}\u0000${filter.nextPageToken ?? ''}`;
    return this.lists.read(LIST_SCOPE, kind, () => this.bounded(() => this.listNow(filter.phase, filter.pageSize, serverToken)));
  }

  private async listNow(phase: PipelinePhase | undefined, pageSize: number, serverToken: Uint8Array | undefined): Promise<ListPage> {
    // `phase` is validated against the enum by the route schema, so it cannot inject into the query.
    // A long-lived pipeline is a chain of runs (continue-as-new); only its latest run stands for it.
    const query = `WorkflowType = '${PIPELINE_WORKFLOW_TYPE}' AND ExecutionStatus != 'ContinuedAsNew'`
      + (phase ? ` AND PipelinePhase = '${phase}'` : '');
    const response: temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse = await this.client.workflowService.listWorkflowExecutions({
      namespace: this.options.namespace,
      query,
      pageSize,
      nextPageToken: serverToken,
    });
    const pipelines = response.executions.map((e): PipelineListItem => {
      const attrs = decodeTypedSearchAttributes(e.searchAttributes?.indexedFields);
      const workflowId = e.execution?.workflowId ?? '';
      const status = WorkflowExecutionStatus[e.status ?? 0] ?? 'UNSPECIFIED';
      return {
        id: attrs.get(pipelineIdKey) ?? workflowId.replace(/^pipeline-/, ''),
        workflowId,
        runId: e.execution?.runId ?? '',
        phase: asPhase(attrs.get(pipelinePhaseKey)),
        streamName: attrs.get(streamNameKey) ?? null,
        applicationName: attrs.get(applicationNameKey) ?? null,
        execution: status.replace(EXECUTION_STATUS_PREFIX, ''),
        startedAt: isoOf(e.startTime),
        closedAt: isoOf(e.closeTime),
      };
    });
    const token = response.nextPageToken && response.nextPageToken.length > 0 ? encodePageToken(response.nextPageToken) : null;
    return { pipelines, nextPageToken: token };
  }

  /** Reads go through the read cache (coalesced, bounded staleness); see read-cache.ts. */
  status(id: string): Promise<CachedRead<PipelineStatus>> {
    return this.reads.read(id, 'status', () => this.bounded(() => this.publishedStatus(id)));
  }

  /**
   * The status the workflow published in its memo (workflows/lifecycle/publish.ts), from
   * DescribeWorkflowExecution: the Temporal server answers it without the pipeline's worker, so a
   * read never waits behind workflow tasks. A run started before the workflow published its status
   * has none in its memo and answers the status query instead.
   */
  private async publishedStatus(id: string): Promise<PipelineStatus> {
    const handle = this.handle(id);
    const description = await handle.describe();
    const published = description.memo?.[STATUS_MEMO_KEY];
    if (isPublishedStatus(published, id)) return published;
    return handle.query(statusQuery);
  }

  events(id: string): Promise<CachedRead<PipelineEvent[]>> {
    return this.reads.read(id, 'events', () => this.bounded(() => this.handle(id).query(eventsQuery)));
  }

  metrics(id: string): Promise<CachedRead<MetricsSample[]>> {
    return this.reads.read(id, 'metrics', () => this.bounded(() => this.handle(id).query(metricsQuery)));
  }

  scalingHistory(id: string): Promise<CachedRead<ScalingRecord[]>> {
    return this.reads.read(id, 'scaling', () => this.bounded(() => this.handle(id).query(scalingHistoryQuery)));
  }

  replayProgress(id: string): Promise<CachedRead<ReplayProgress | null>> {
    return this.reads.read(id, 'replay', () => this.bounded(() => this.handle(id).query(replayProgressQuery)));
  }

  scale(id: string, request: ScaleOverrideRequest) {
    return this.update(id, () => this.handle(id).executeUpdate(scaleOverrideUpdate, { args: [request] }));
  }

  changeAutoscaling(id: string, change: AutoscalingChange) {
    return this.update(id, () => this.handle(id).executeUpdate(autoscalingUpdate, { args: [change] }));
  }

  startReplay(id: string, request: ReplayStartRequest) {
    return this.update(id, () => this.handle(id).executeUpdate(startReplayUpdate, { args: [request] }));
  }

  controlReplay(id: string, request: ReplayControlRequest) {
    return this.update(id, () => this.handle(id).executeUpdate(replayControlUpdate, { args: [request] }));
  }

  /** Signals teardown. Resolves false when the workflow exists but has already closed. */
  async teardown(id: string, reason: string | undefined): Promise<{ alreadyClosed: boolean }> {
    const handle = this.handle(id);
    try {
      const description = await handle.describe();
      if (description.status.name !== 'RUNNING') return { alreadyClosed: true };
      await handle.signal(teardownSignal, reason === undefined ? {} : { reason });
      return { alreadyClosed: false };
    } finally {
      this.reads.forget(id);
      this.lists.forget(LIST_SCOPE);
    }
  }

  /** Stops the read caches' background refreshes (the app is closing). */
  close(): void {
    this.reads.close();
    this.lists.close();
  }

  /** Temporal answers at all (used by /readyz). */
  async ping(timeoutMs: number): Promise<void> {
    await this.client.connection.withDeadline(Date.now() + timeoutMs, () => this.client.workflowService.getSystemInfo({}));
  }

  private handle(id: string): WorkflowHandle {
    return this.client.workflow.getHandle(pipelineWorkflowId(id));
  }

  /**
   * Temporal reports an update to a finished workflow as "not found"; the caller should
   * hear that the pipeline exists but is closed.
   */
  private async update<T>(id: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.bounded(fn);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      const closed = await this.handle(id).describe().then(() => true, () => false);
      if (closed) throw pipelineClosed(id);
      throw err;
    } finally {
      // Whatever the outcome, the next read asks the workflow: the caller reads its own write.
      this.reads.forget(id);
    }
  }

  /** A query or update waits for a worker; without a deadline a missing worker would hang the HTTP request. */
  private bounded<T>(fn: () => Promise<T>): Promise<T> {
    return this.client.connection.withDeadline(Date.now() + this.options.callTimeoutMs, fn);
  }
}
