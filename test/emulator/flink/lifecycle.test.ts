import {
  ConcurrentModificationException, CreateApplicationCommand, DeleteApplicationCommand, DescribeApplicationCommand,
  InvalidArgumentException, ListApplicationsCommand, ResourceInUseException, ResourceNotFoundException,
  StartApplicationCommand, StopApplicationCommand, UpdateApplicationCommand,
  type KinesisAnalyticsV2Client,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allowSlowEndpoints, CODE_BUCKET, CODE_KEY, applicationInput, describeApp, openTarget, removeApplication, waitForApplication,
  type ConformanceTarget,
} from './target.js';

allowSlowEndpoints();

let target: ConformanceTarget;
let flink: KinesisAnalyticsV2Client;
const created: string[] = [];

/** Delays long enough to observe each transitional status even on a loaded machine. */
const DELAYS = { startApplicationMs: 1500, stopApplicationMs: 1500, forceStopApplicationMs: 800, updateApplicationMs: 1500, deleteApplicationMs: 800 };

async function create(label: string, parallelism = 2): Promise<string> {
  const name = target.name(label);
  created.push(name);
  await flink.send(new CreateApplicationCommand(applicationInput(name, parallelism)));
  return name;
}

beforeAll(async () => {
  target = await openTarget({ flink: DELAYS });
  flink = target.flink({ maxAttempts: 1 });
});
afterAll(async () => {
  for (const name of created) await removeApplication(flink, name).catch(() => undefined);
  await target.close();
});

describe('CreateApplication', () => {
  it('creates a READY application at version 1 with the parallelism, properties, code and snapshot settings it was given', async () => {
    const name = target.name('create');
    created.push(name);
    const out = await flink.send(new CreateApplicationCommand(applicationInput(name, 3)));
    const detail = out.ApplicationDetail;
    expect(detail?.ApplicationARN).toMatch(new RegExp(`^arn:aws:kinesisanalytics:[a-z0-9-]+:\\d{12}:application/${name}$`));
    expect(detail?.ApplicationStatus).toBe('READY');
    expect(detail?.ApplicationVersionId).toBe(1);
    expect(detail?.CreateTimestamp).toBeInstanceOf(Date);
    const config = detail?.ApplicationConfigurationDescription;
    expect(config?.FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription).toMatchObject({
      ConfigurationType: 'CUSTOM', Parallelism: 3, ParallelismPerKPU: 1, AutoScalingEnabled: false,
    });
    expect(config?.EnvironmentPropertyDescriptions?.PropertyGroupDescriptions).toEqual([
      { PropertyGroupId: 'FlinkApplicationProperties', PropertyMap: { InputStreamName: 'absent' } },
    ]);
    expect(config?.ApplicationCodeConfigurationDescription?.CodeContentDescription?.S3ApplicationCodeLocationDescription).toMatchObject({
      BucketARN: CODE_BUCKET, FileKey: CODE_KEY,
    });
    expect(config?.ApplicationSnapshotConfigurationDescription?.SnapshotsEnabled).toBe(true);
  });

  it('refuses a second application with the same name (ResourceInUseException)', async () => {
    const name = await create('twice');
    await expect(flink.send(new CreateApplicationCommand(applicationInput(name)))).rejects.toBeInstanceOf(ResourceInUseException);
  });

  it('rejects a parallelism above 256 or a ParallelismPerKPU above 8 (InvalidArgumentException)', async () => {
    const tooWide = applicationInput(target.name('wide'), 300);
    await expect(flink.send(new CreateApplicationCommand(tooWide))).rejects.toBeInstanceOf(InvalidArgumentException);
    const perKpu = applicationInput(target.name('perkpu'));
    const p = perKpu.ApplicationConfiguration?.FlinkApplicationConfiguration?.ParallelismConfiguration;
    if (p) p.ParallelismPerKPU = 9;
    await expect(flink.send(new CreateApplicationCommand(perKpu))).rejects.toBeInstanceOf(InvalidArgumentException);
  });

  it('rejects a name outside [a-zA-Z0-9_.-] (InvalidArgumentException)', async () => {
    await expect(flink.send(new CreateApplicationCommand(applicationInput('bad name!')))).rejects.toBeInstanceOf(InvalidArgumentException);
  });
});

describe('DescribeApplication and ListApplications', () => {
  it('lists created applications and describes them by name', async () => {
    const name = await create('listed');
    const list = await flink.send(new ListApplicationsCommand({}));
    expect(list.ApplicationSummaries?.map((s) => s.ApplicationName)).toContain(name);
    expect((await describeApp(flink, name)).ApplicationName).toBe(name);
  });

  it('pages with Limit and NextToken without repeating an application', async () => {
    await create('page-a');
    await create('page-b');
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await flink.send(new ListApplicationsCommand({ Limit: 1, ...(token ? { NextToken: token } : {}) }));
      expect(page.ApplicationSummaries?.length).toBeLessThanOrEqual(1);
      seen.push(...(page.ApplicationSummaries ?? []).map((s) => s.ApplicationName as string));
      token = page.NextToken;
    } while (token);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining([target.name('page-a'), target.name('page-b')]));
  });

  it('answers ResourceNotFoundException for an unknown application', async () => {
    await expect(flink.send(new DescribeApplicationCommand({ ApplicationName: target.name('ghost') }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});

describe('StartApplication and StopApplication', () => {
  it('goes STARTING → RUNNING, then STOPPING → READY', async () => {
    const name = await create('startstop');
    const start = await flink.send(new StartApplicationCommand({ ApplicationName: name }));
    expect(start.OperationId).toBeTruthy();
    expect((await describeApp(flink, name)).ApplicationStatus).toBe('STARTING');
    const running = await waitForApplication(flink, name, 'RUNNING');
    expect(running.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription?.CurrentParallelism).toBe(2);
    await flink.send(new StopApplicationCommand({ ApplicationName: name }));
    expect((await describeApp(flink, name)).ApplicationStatus).toBe('STOPPING');
    await waitForApplication(flink, name, 'READY');
  });

  it('refuses to start a running application and to stop a ready one (ResourceInUseException)', async () => {
    const name = await create('wrongstate');
    await expect(flink.send(new StopApplicationCommand({ ApplicationName: name }))).rejects.toBeInstanceOf(ResourceInUseException);
    await flink.send(new StartApplicationCommand({ ApplicationName: name }));
    await expect(flink.send(new StartApplicationCommand({ ApplicationName: name }))).rejects.toBeInstanceOf(ResourceInUseException);
    await waitForApplication(flink, name, 'RUNNING');
  });

  it('stops with Force through FORCE_STOPPING, even while the application is still starting', async () => {
    const name = await create('force');
    await flink.send(new StartApplicationCommand({ ApplicationName: name }));
    await flink.send(new StopApplicationCommand({ ApplicationName: name, Force: true }));
    expect((await describeApp(flink, name)).ApplicationStatus).toBe('FORCE_STOPPING');
    await waitForApplication(flink, name, 'READY');
  });
});

describe('UpdateApplication', () => {
  it('applies at once to a READY application and bumps the version', async () => {
    const name = await create('readyupdate');
    const out = await flink.send(
      new UpdateApplicationCommand({
        ApplicationName: name,
        CurrentApplicationVersionId: 1,
        ApplicationConfigurationUpdate: { FlinkApplicationConfigurationUpdate: { ParallelismConfigurationUpdate: { ParallelismUpdate: 5 } } },
      }),
    );
    expect(out.ApplicationDetail?.ApplicationStatus).toBe('READY');
    expect(out.ApplicationDetail?.ApplicationVersionId).toBe(2);
    expect(out.ApplicationDetail?.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription?.Parallelism).toBe(5);
  });

  it('accepts the ConditionalToken instead of the version id, and rejects a stale one (ConcurrentModificationException)', async () => {
    const name = await create('token');
    const token = (await describeApp(flink, name)).ConditionalToken as string;
    const update = (t: string) =>
      flink.send(new UpdateApplicationCommand({
        ApplicationName: name,
        ConditionalToken: t,
        ApplicationConfigurationUpdate: { ApplicationSnapshotConfigurationUpdate: { SnapshotsEnabledUpdate: false } },
      }));
    expect((await update(token)).ApplicationDetail?.ApplicationVersionId).toBe(2);
    await expect(update(token)).rejects.toBeInstanceOf(ConcurrentModificationException);
  });

  it('refuses an update while the application is starting (ResourceInUseException)', async () => {
    const name = await create('busy');
    await flink.send(new StartApplicationCommand({ ApplicationName: name }));
    await expect(
      flink.send(new UpdateApplicationCommand({
        ApplicationName: name,
        CurrentApplicationVersionId: 1,
        ApplicationConfigurationUpdate: { FlinkApplicationConfigurationUpdate: { ParallelismConfigurationUpdate: { ParallelismUpdate: 3 } } },
      })),
    ).rejects.toBeInstanceOf(ResourceInUseException);
    await waitForApplication(flink, name, 'RUNNING');
  });
});

describe('DeleteApplication', () => {
  it('needs the matching CreateTimestamp (InvalidArgumentException), then goes DELETING and disappears', async () => {
    const name = await create('delete');
    const createdAt = (await describeApp(flink, name)).CreateTimestamp as Date;
    await expect(
      flink.send(new DeleteApplicationCommand({ ApplicationName: name, CreateTimestamp: new Date(createdAt.getTime() - 60_000) })),
    ).rejects.toBeInstanceOf(InvalidArgumentException);
    await flink.send(new DeleteApplicationCommand({ ApplicationName: name, CreateTimestamp: createdAt }));
    expect((await describeApp(flink, name)).ApplicationStatus).toBe('DELETING');
    const deadline = Date.now() + 600_000;
    for (;;) {
      const gone = await describeApp(flink, name).then(() => false, (err: unknown) => err instanceof ResourceNotFoundException);
      if (gone) break;
      if (Date.now() > deadline) throw new Error(`${name} was not deleted`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  it('answers ResourceNotFoundException for an unknown application', async () => {
    await expect(
      flink.send(new DeleteApplicationCommand({ ApplicationName: target.name('nobody'), CreateTimestamp: new Date() })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
