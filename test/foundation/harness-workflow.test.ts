import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureActivities } from '../fixtures/workflows/activities.js';
import { fixtureGreetingWorkflow } from '../fixtures/workflows/index.js';
import { createTestClient, runWorker } from '../support/temporal.js';
import { sleep } from '../../scripts/dev-server.js';

describe('test harness: real Temporal dev server and real Worker', () => {
  let client: Client;

  beforeAll(async () => {
    client = await createTestClient();
  });

  afterAll(async () => {
    await client?.connection.close();
  });

  it('runs a workflow and its activity to completion and returns the result', async () => {
    const result = await runWorker({ activities: createFixtureActivities('Hello') }, ({ taskQueue }) =>
      client.workflow.execute(fixtureGreetingWorkflow, {
        taskQueue,
        workflowId: `fixture-${randomUUID()}`,
        args: ['Flink', 'harness-result'],
      }),
    );
    expect(result).toBe('Hello, Flink!');
  });

  it('lists the completed workflow by the PipelineId custom search attribute', async () => {
    const pipelineId = `harness-${randomUUID()}`;
    const workflowId = `fixture-${randomUUID()}`;
    await runWorker({ activities: createFixtureActivities('Hi') }, ({ taskQueue }) =>
      client.workflow.execute(fixtureGreetingWorkflow, { taskQueue, workflowId, args: ['Kinesis', pipelineId] }),
    );

    // Visibility is eventually consistent, even on the dev server.
    let listed: string[] = [];
    for (let attempt = 0; attempt < 40 && listed.length === 0; attempt++) {
      listed = [];
      for await (const execution of client.workflow.list({ query: `PipelineId = '${pipelineId}'` })) {
        listed.push(`${execution.workflowId}:${execution.status.name}`);
      }
      if (listed.length === 0) await sleep(250);
    }
    expect(listed).toEqual([`${workflowId}:COMPLETED`]);
  });
});
