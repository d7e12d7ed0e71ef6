/**
 * The one mapping from failures to problem documents: Temporal's errors become the
 * statuses the API promises, and nothing unexpected leaks its message.
 */
import { QueryNotRegisteredError, ServiceError, WorkflowUpdateFailedError } from '@temporalio/client';
import { STALE_ACTIVATION_REFUSED } from '../../workflows/contract.js';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ProblemError, toProblem } from '../../api/errors.js';

/** What @grpc/grpc-js throws: an Error with a numeric code and metadata. */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
}

describe('toProblem', () => {
  it('maps an unknown workflow to 404 naming the pipeline', () => {
    const problem = toProblem(new WorkflowNotFoundError('not found', 'pipeline-abc', undefined), '/pipelines/abc');
    expect(problem).toMatchObject({ status: 404, title: 'Pipeline not found', detail: 'No pipeline with id "abc".' });
  });

  it('maps a refusal by the workflow to 409 carrying the workflow\'s own message', () => {
    const failure = ApplicationFailure.nonRetryable('20 shards is more than 2× the 8 open shards', 'ScaleRejected');
    const problem = toProblem(new WorkflowUpdateFailedError('Workflow Update failed', failure), '/pipelines/a/scale');
    expect(problem).toMatchObject({ status: 409, title: 'Rejected by the pipeline', detail: '20 shards is more than 2× the 8 open shards' });
  });

  it('maps UNAVAILABLE, also when wrapped in a ServiceError, to 503 without the address', () => {
    const wrapped = new ServiceError('Failed to start Workflow', { cause: grpcError(14, 'No connection established. Last error: connect ECONNREFUSED 10.0.0.7:7233') });
    const problem = toProblem(wrapped, '/pipelines');
    expect(problem).toMatchObject({ status: 503, title: 'Temporal is unreachable' });
    expect(JSON.stringify(problem)).not.toContain('10.0.0.7');
  });

  it('maps DEADLINE_EXCEEDED (no worker answered) to 503 that says what to check', () => {
    const problem = toProblem(new ServiceError('Failed to query Workflow', { cause: grpcError(4, 'Deadline exceeded') }), '/pipelines/a');
    expect(problem).toMatchObject({ status: 503, title: 'Pipeline did not answer' });
    expect(problem.detail).toMatch(/worker/);
  });

  it('maps a query the workflow version does not know to 501', () => {
    expect(toProblem(new QueryNotRegisteredError('unknown query', 3), '/pipelines/a/metrics').status).toBe(501);
  });

  it('maps a query the worker refused at a stale workflow time to 503 (the run is being replayed; retry), not 501', () => {
    const refused = new QueryNotRegisteredError(`${STALE_ACTIVATION_REFUSED}: timer 3 fired at workflow time 2026-12-02T00:07:38.470Z, before its deadline 2026-12-02T00:07:39.355Z`, 3);
    expect(toProblem(refused, '/pipelines/a')).toMatchObject({ status: 503, title: 'Pipeline is recovering' });
  });

  it('passes a deliberate ProblemError through unchanged', () => {
    const problem = toProblem(new ProblemError(409, 'conflict', 'Conflict', 'already exists'), '/pipelines');
    expect(problem).toEqual({ type: 'urn:shardpilot:problem:conflict', title: 'Conflict', status: 409, detail: 'already exists', instance: '/pipelines' });
  });

  it('turns an unknown error into a generic 500 that does not repeat its message', () => {
    const problem = toProblem(new Error('ECONNRESET talking to 10.1.2.3:7233 at /srv/app/secret.ts:12'), '/pipelines');
    expect(problem).toEqual({
      type: 'urn:shardpilot:problem:internal',
      title: 'Internal error',
      status: 500,
      detail: 'The server failed to handle the request; details are in its log.',
      instance: '/pipelines',
    });
  });
});
