import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateApplicationCommand, DescribeApplicationOperationCommand, InvalidRequestException, LimitExceededException,
  ListApplicationOperationsCommand, ResourceInUseException, RollbackApplicationCommand, StartApplicationCommand,
  StopApplicationCommand, UpdateApplicationCommand, type KinesisAnalyticsV2Client,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allowSlowEndpoints, admin, applicationInput, describeApp, openTarget, removeApplication, waitForApplication, waitUntil, whenEmulator,
  type ConformanceTarget,
} from './target.js';

allowSlowEndpoints();

let target: ConformanceTarget;
let flink: KinesisAnalyticsV2Client;
const created: string[] = [];

const parallelismOf = (detail: Awaited<ReturnType<typeof describeApp>>) =>
  detail.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription;

async function running(label: string, parallelism = 2): Promise<string> {
  const name = target.name(label);
  created.push(name);
  await flink.send(new CreateApplicationCommand(applicationInput(name, parallelism)));
  await flink.send(new StartApplicationCommand({ ApplicationName: name }));
  await waitForApplication(flink, name, 'RUNNING');
  return name;
}

function scaleTo(name: string, version: number, parallelism: number) {
  return flink.send(
    new UpdateApplicationCommand({
      ApplicationName: name,
      CurrentApplicationVersionId: version,
      ApplicationConfigurationUpdate: {
        FlinkApplicationConfigurationUpdate: { ParallelismConfigurationUpdate: { ConfigurationTypeUpdate: 'CUSTOM', ParallelismUpdate: parallelism } },
      },
    }),
  );
}

beforeAll(async () => {
  target = await openTarget({ flink: { updateApplicationMs: 300, rollbackApplicationMs: 300, maxKpus: 16 } });
  flink = target.flink({ maxAttempts: 1 });
});
afterAll(async () => {
  for (const name of created) await removeApplication(flink, name).catch(() => undefined);
  await target.close();
});

describe('KPU limit', () => {
  it('refuses a parallelism that needs more KPUs than the account maximum (LimitExceededException)', async () => {
    const name = await running('kpus');
    // Against the emulator the maximum is 16 KPUs here; AWS's default is 64, so 100 exceeds both.
    await expect(scaleTo(name, 1, 100)).rejects.toBeInstanceOf(LimitExceededException);
    expect((await describeApp(flink, name)).ApplicationVersionId).toBe(1);
  });
});

describe('RollbackApplication', () => {
  it('returns through ROLLING_BACK to RUNNING with the previous version’s parallelism', async () => {
    const name = await running('rollback', 2);
    await scaleTo(name, 1, 3);
    const updated = await waitForApplication(flink, name, 'RUNNING');
    expect(parallelismOf(updated)?.CurrentParallelism).toBe(3);
    const out = await flink.send(new RollbackApplicationCommand({ ApplicationName: name, CurrentApplicationVersionId: 2 }));
    expect(out.ApplicationDetail?.ApplicationStatus).toBe('ROLLING_BACK');
    const back = await waitForApplication(flink, name, 'RUNNING');
    expect(parallelismOf(back)?.CurrentParallelism).toBe(2);
    expect(back.ApplicationVersionId).toBe(3);
    expect(back.ApplicationVersionRolledBackFrom).toBe(2);
  });

  it('refuses an application with no earlier version (InvalidRequestException) and a READY one (ResourceInUseException)', async () => {
    const name = await running('norollback');
    await expect(flink.send(new RollbackApplicationCommand({ ApplicationName: name, CurrentApplicationVersionId: 1 }))).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
    await flink.send(new StopApplicationCommand({ ApplicationName: name }));
    await waitForApplication(flink, name, 'READY');
    await expect(flink.send(new RollbackApplicationCommand({ ApplicationName: name, CurrentApplicationVersionId: 1 }))).rejects.toBeInstanceOf(
      ResourceInUseException,
    );
  });
});

describe('ListApplicationOperations and DescribeApplicationOperation', () => {
  it('lists the start and the update, newest first, and describes the update’s version change', async () => {
    const name = await running('operations');
    const update = await scaleTo(name, 1, 3);
    await waitForApplication(flink, name, 'RUNNING');
    const list = await flink.send(new ListApplicationOperationsCommand({ ApplicationName: name }));
    expect(list.ApplicationOperationInfoList?.map((o) => [o.Operation, o.OperationStatus])).toEqual([
      ['UpdateApplication', 'SUCCESSFUL'],
      ['StartApplication', 'SUCCESSFUL'],
    ]);
    const details = await flink.send(new DescribeApplicationOperationCommand({ ApplicationName: name, OperationId: update.OperationId }));
    expect(details.ApplicationOperationInfoDetails?.ApplicationVersionChangeDetails).toEqual({
      ApplicationVersionUpdatedFrom: 1, ApplicationVersionUpdatedTo: 2,
    });
  });
});

describe('Flink faults (emulator only)', () => {
  it('leaves an application stuck in UPDATING until it is rolled back', async () => {
    const name = await running('stuck');
    await whenEmulator(target, async (emulator) => {
      await admin(emulator, 'POST', 'flink/faults', { application: name, fault: 'stuck-updating' });
      await scaleTo(name, 1, 4);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect((await describeApp(flink, name)).ApplicationStatus).toBe('UPDATING');
      await flink.send(new RollbackApplicationCommand({ ApplicationName: name, CurrentApplicationVersionId: 2 }));
      expect(parallelismOf(await waitForApplication(flink, name, 'RUNNING'))?.CurrentParallelism).toBe(2);
    });
  });

  it('makes an application unhealthy after the next update: RUNNING, but restarting with downtime', async () => {
    const name = await running('unhealthy');
    await whenEmulator(target, async (emulator) => {
      await admin(emulator, 'POST', 'flink/faults', { application: name, fault: 'unhealthy-after-update' });
      await scaleTo(name, 1, 3);
      await waitForApplication(flink, name, 'RUNNING');
      const cloudwatch = target.cloudwatch();
      const latest = async (metric: string) => {
        const out = await cloudwatch.send(
          new GetMetricDataCommand({
            StartTime: new Date(Date.now() - 5000),
            EndTime: new Date(Date.now() + 1000),
            MetricDataQueries: [{
              Id: 'm',
              MetricStat: { Metric: { Namespace: 'AWS/KinesisAnalytics', MetricName: metric, Dimensions: [{ Name: 'Application', Value: name }] }, Period: 1, Stat: 'Maximum' },
            }],
          }),
        );
        return out.MetricDataResults?.[0]?.Values?.[0] ?? -1;
      };
      await waitUntil(async () => (await latest('fullRestarts')) >= 2 && (await latest('downtime')) > 0, 'restarts to climb');
      expect((await describeApp(flink, name)).ApplicationStatus).toBe('RUNNING');
    });
  });
});
