import {
  DashboardInvalidInputError, DeleteAlarmsCommand, DeleteDashboardsCommand, DescribeAlarmsCommand, GetDashboardCommand,
  InvalidParameterCombinationException, ListDashboardsCommand, PutDashboardCommand, PutMetricAlarmCommand, ResourceNotFound,
  type CloudWatchClient, type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTarget, type ConformanceTarget } from '../flink/target.js';

let target: ConformanceTarget;
let cloudwatch: CloudWatchClient;

function alarm(name: string): PutMetricAlarmCommandInput {
  return {
    AlarmName: name,
    Namespace: 'AWS/KinesisAnalytics',
    MetricName: 'millisBehindLatest',
    Dimensions: [{ Name: 'Application', Value: 'taxi' }],
    Statistic: 'Maximum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 60_000,
    ComparisonOperator: 'GreaterThanThreshold',
  };
}

beforeAll(async () => {
  target = await openTarget();
  cloudwatch = target.cloudwatch({ maxAttempts: 1 });
});
afterAll(async () => target.close());

describe('metric alarms', () => {
  it('stores alarms, describes them by name or prefix, and deletes them', async () => {
    const prefix = target.name('alarm');
    await cloudwatch.send(new PutMetricAlarmCommand(alarm(`${prefix}-lag`)));
    await cloudwatch.send(new PutMetricAlarmCommand(alarm(`${prefix}-cpu`)));
    const byPrefix = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix }));
    expect(byPrefix.MetricAlarms?.map((a) => a.AlarmName)).toEqual([`${prefix}-cpu`, `${prefix}-lag`]);
    const [lag] = (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [`${prefix}-lag`] }))).MetricAlarms ?? [];
    expect(lag).toMatchObject({ MetricName: 'millisBehindLatest', Threshold: 60_000, ComparisonOperator: 'GreaterThanThreshold' });
    expect(lag?.AlarmArn).toMatch(new RegExp(`^arn:aws:cloudwatch:[a-z0-9-]+:\\d{12}:alarm:${prefix}-lag$`));
    expect(lag?.StateValue).toBeDefined();
    await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: [`${prefix}-lag`, `${prefix}-cpu`] }));
    expect((await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix }))).MetricAlarms).toEqual([]);
  });

  it('refuses AlarmNames together with AlarmNamePrefix (InvalidParameterCombinationException)', async () => {
    await expect(cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['a'], AlarmNamePrefix: 'a' }))).rejects.toBeInstanceOf(
      InvalidParameterCombinationException,
    );
  });

  it('answers ResourceNotFound when deleting an alarm that does not exist', async () => {
    await expect(cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: [target.name('nothing')] }))).rejects.toBeInstanceOf(ResourceNotFound);
  });
});

describe('dashboards', () => {
  it('stores a dashboard, returns its body and lists it by prefix', async () => {
    const name = target.name('dash');
    const body = JSON.stringify({ widgets: [{ type: 'text', x: 0, y: 0, width: 6, height: 3, properties: { markdown: 'taxi' } }] });
    const put = await cloudwatch.send(new PutDashboardCommand({ DashboardName: name, DashboardBody: body }));
    expect(put.DashboardValidationMessages ?? []).toEqual([]);
    const got = await cloudwatch.send(new GetDashboardCommand({ DashboardName: name }));
    expect(got.DashboardName).toBe(name);
    expect(JSON.parse(got.DashboardBody as string)).toEqual(JSON.parse(body));
    expect(got.DashboardArn).toMatch(new RegExp(`^arn:aws:cloudwatch::\\d{12}:dashboard/${name}$`));
    const list = await cloudwatch.send(new ListDashboardsCommand({ DashboardNamePrefix: name }));
    expect(list.DashboardEntries?.map((d) => d.DashboardName)).toEqual([name]);
  });

  it('deletes dashboards all or nothing: an unknown name among them deletes none', async () => {
    const name = target.name('deldash');
    await cloudwatch.send(new PutDashboardCommand({ DashboardName: name, DashboardBody: '{"widgets":[]}' }));
    await expect(cloudwatch.send(new DeleteDashboardsCommand({ DashboardNames: [name, target.name('nodash')] })))
      .rejects.toBeInstanceOf(ResourceNotFound);
    expect((await cloudwatch.send(new GetDashboardCommand({ DashboardName: name }))).DashboardName).toBe(name);
    await cloudwatch.send(new DeleteDashboardsCommand({ DashboardNames: [name] }));
    const list = await cloudwatch.send(new ListDashboardsCommand({ DashboardNamePrefix: name }));
    expect(list.DashboardEntries ?? []).toEqual([]);
  });

  it('answers ResourceNotFound (the query code DashboardNotFoundError shares) for an unknown dashboard', async () => {
    // The SDK resolves query-compatible errors by their query code first, and
    // DashboardNotFoundError's query code is ResourceNotFound.
    await expect(cloudwatch.send(new GetDashboardCommand({ DashboardName: target.name('nodash') }))).rejects.toBeInstanceOf(ResourceNotFound);
  });

  it('refuses a body that is not a JSON object (DashboardInvalidInputError)', async () => {
    await expect(
      cloudwatch.send(new PutDashboardCommand({ DashboardName: target.name('bad'), DashboardBody: '[1, 2' })),
    ).rejects.toBeInstanceOf(DashboardInvalidInputError);
  });
});
