import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/index.js';

const ROOT = resolve(import.meta.dirname, '../..');

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig defaults (an empty environment is the local stack)', () => {
  const config = loadConfig({});

  it('points Temporal at the local dev server, namespace default, task queue shardpilot', () => {
    expect(config.temporal).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'shardpilot',
      uiUrl: 'http://127.0.0.1:8233',
      tls: false,
      apiKey: undefined,
    });
  });

  it('uses real AWS (no endpoint override) in us-east-1 when no AWS_ENDPOINT_URL is set', () => {
    expect(config.aws).toEqual({
      region: 'us-east-1',
      endpoints: { kinesis: undefined, flink: undefined, cloudwatch: undefined },
      local: false,
      publicationDelaySeconds: 120,
      apiRateShare: 1,
    });
  });

  it('serves the API on 127.0.0.1:3000 without a token, the emulator on 4566, data in .data', () => {
    expect(config.api).toEqual({
      host: '127.0.0.1', port: 3000, token: undefined, bodyLimitBytes: 262144,
      readFreshMs: 1000, readMaxStalenessMs: 10_000, writeRateLimitPerMinute: 120,
    });
    expect(config.emulator).toEqual({ host: '127.0.0.1', port: 4566 });
    expect(config.dataDir).toBe('.data');
    expect(config.logLevel).toBe('info');
  });

  it('leaves the build id to the worker (derived from its workflow bundle) unless SHARDPILOT_BUILD_ID names one', () => {
    expect(config.buildId).toBeUndefined();
    expect(loadConfig({ SHARDPILOT_BUILD_ID: 'v1.4.0+g3f9c2ab' }).buildId).toBe('v1.4.0+g3f9c2ab');
  });

  it('leaves the workflow bundle to the worker unless SHARDPILOT_WORKFLOW_BUNDLE names a file', () => {
    expect(loadConfig({}).workflowBundle).toBeUndefined();
    expect(loadConfig({ SHARDPILOT_WORKFLOW_BUNDLE: 'package.json' }).workflowBundle).toBe('package.json');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ API_PORT: '', TEMPORAL_ADDRESS: '', AWS_REGION: '' })).toEqual(config);
  });
});

describe('read cache and write limit settings', () => {
  it('reads the read-path staleness bounds and the per-client write limit', () => {
    expect(loadConfig({ API_READ_FRESH_MS: '500', API_READ_MAX_STALENESS_MS: '3000', API_WRITE_RATE_LIMIT_PER_MINUTE: '30' }).api)
      .toMatchObject({ readFreshMs: 500, readMaxStalenessMs: 3000, writeRateLimitPerMinute: 30 });
  });

  it('refuses a staleness bound below the fresh window, naming the variable', () => {
    expect(() => loadConfig({ API_READ_FRESH_MS: '5000', API_READ_MAX_STALENESS_MS: '1000' }))
      .toThrow('Invalid configuration: API_READ_MAX_STALENESS_MS="1000" — must be at least API_READ_FRESH_MS (5000)');
  });
});

describe('loadConfig reads overrides', () => {
  it('sends every AWS service to AWS_ENDPOINT_URL and marks a loopback endpoint as local', () => {
    const { aws } = loadConfig({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4566/', AWS_REGION: 'eu-west-1' });
    expect(aws).toEqual({
      region: 'eu-west-1',
      endpoints: { kinesis: 'http://127.0.0.1:4566', flink: 'http://127.0.0.1:4566', cloudwatch: 'http://127.0.0.1:4566', sts: 'http://127.0.0.1:4566' },
      local: true,
      publicationDelaySeconds: 0,
      apiRateShare: 1,
    });
  });

  it('allows for CloudWatch\'s publication delay: 120 s against AWS, 0 against an emulator, or CLOUDWATCH_PUBLICATION_DELAY_SECONDS', () => {
    expect(loadConfig({ CLOUDWATCH_PUBLICATION_DELAY_SECONDS: '60', AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }).aws.publicationDelaySeconds).toBe(60);
    expect(() => loadConfig({ CLOUDWATCH_PUBLICATION_DELAY_SECONDS: '-5' })).toThrow(/CLOUDWATCH_PUBLICATION_DELAY_SECONDS.*whole number of seconds from 0 to 3600/);
  });

  it('lets a per-service endpoint win over AWS_ENDPOINT_URL', () => {
    const { aws } = loadConfig({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL_CLOUDWATCH: 'http://localhost:9000' });
    expect(aws.endpoints).toEqual({ kinesis: 'http://127.0.0.1:4566', flink: 'http://127.0.0.1:4566', cloudwatch: 'http://localhost:9000', sts: 'http://127.0.0.1:4566' });
  });

  it('reads a remote Temporal cluster with TLS and an API key', () => {
    const { temporal } = loadConfig({
      TEMPORAL_ADDRESS: 'my-ns.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'my-ns.a1b2c',
      TEMPORAL_TLS: 'true',
      TEMPORAL_API_KEY: 'secret',
      TEMPORAL_TASK_QUEUE: 'pipelines',
    });
    expect(temporal).toMatchObject({ address: 'my-ns.a1b2c.tmprl.cloud:7233', namespace: 'my-ns.a1b2c', tls: true, apiKey: 'secret', taskQueue: 'pipelines' });
  });

  it('reads the share of AWS\'s API rates a worker paces to (0 turns pacing off)', () => {
    expect(loadConfig({ AWS_API_RATE_SHARE: '0.5' }).aws.apiRateShare).toBe(0.5);
    expect(loadConfig({ AWS_API_RATE_SHARE: '0' }).aws.apiRateShare).toBe(0);
  });

  it('accepts ports 0 and 65535 and falls back to AWS_DEFAULT_REGION', () => {
    const config = loadConfig({ API_PORT: '0', EMULATOR_PORT: '65535', AWS_DEFAULT_REGION: 'ap-southeast-2' });
    expect([config.api.port, config.emulator.port, config.aws.region]).toEqual([0, 65535, 'ap-southeast-2']);
  });
});

describe('loadConfig rejects bad values with a message naming the variable and the rule', () => {
  it.each([
    ['API_PORT', 'abc', 'must be a whole number from 0 to 65535'],
    ['API_PORT', '65536', 'must be a whole number from 0 to 65535'],
    ['EMULATOR_PORT', '-1', 'must be a whole number from 0 to 65535'],
    ['TEMPORAL_ADDRESS', 'localhost', 'must be host:port'],
    ['TEMPORAL_TLS', 'maybe', 'must be true or false'],
    ['AWS_REGION', 'mars', 'must be an AWS region'],
    ['AWS_ENDPOINT_URL', 'ftp://x', 'must be an absolute http(s) URL'],
    ['AWS_ENDPOINT_URL_KINESIS', 'not a url', 'must be an absolute http(s) URL'],
    ['LOG_LEVEL', 'loud', 'must be one of'],
    ['API_BODY_LIMIT_BYTES', '0', 'must be a positive whole number'],
    ['AWS_API_RATE_SHARE', '1.5', 'must be a number from 0 to 1'],
    ['AWS_API_RATE_SHARE', 'half', 'must be a number from 0 to 1'],
    ['SHARDPILOT_BUILD_ID', 'release 7', 'must be 1 to 255 letters, digits'],
    ['SHARDPILOT_BUILD_ID', '-rc1', 'starting with a letter or digit'],
    ['SHARDPILOT_BUILD_ID', 'x'.repeat(256), 'must be 1 to 255'],
    ['SHARDPILOT_WORKFLOW_BUNDLE', 'dist/no-such-bundle.js', 'must name an existing workflow bundle file'],
    ['SHARDPILOT_WORKFLOW_BUNDLE', 'dist', 'must name an existing workflow bundle file'],
  ])('%s=%s is rejected', (variable, value, rule) => {
    const err = errorOf({ [variable]: value });
    expect(err.variable).toBe(variable);
    expect(err.message).toContain(`${variable}=${JSON.stringify(value)}`);
    expect(err.message).toContain(rule);
  });

  it('stops an entry point with exactly one stderr line naming the variable and exit code 1', () => {
    const script = "import { loadConfigOrExit } from './config/index.ts'; loadConfigOrExit(); console.log('started');";
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, API_PORT: 'abc' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: API_PORT="abc" — must be a whole number/);
  });
});
