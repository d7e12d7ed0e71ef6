/**
 * The one place that reads the environment. Every other module receives a typed
 * `AppConfig` (or a part of it) as an argument, so tests build their own.
 */
import { readFileSync, statSync } from 'node:fs';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly rule: string,
    readonly value: string,
  ) {
    super(`Invalid configuration: ${variable}=${JSON.stringify(value)} — ${rule}`);
    this.name = 'ConfigError';
  }
}

export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  /** Web UI base URL used for links in API responses. */
  uiUrl: string;
  tls: boolean;
  apiKey: string | undefined;
  /** mTLS client certificate and key (PEM files), e.g. for Temporal Cloud; implies TLS. */
  clientCert?: { certPath: string; keyPath: string } | undefined;
  /** CA (PEM file) that signed the server's certificate, for a private CA; implies TLS. */
  serverCaPath?: string | undefined;
  /** Name to verify the server's certificate against, when it differs from the address's host. */
  serverName?: string | undefined;
}

export interface AwsEndpoints {
  kinesis: string | undefined;
  flink: string | undefined;
  cloudwatch: string | undefined;
  /** STS, for pipelines that name a role to assume (optional so hand-built configs need not spell it out). */
  sts?: string | undefined;
}

export interface AwsConfig {
  region: string;
  endpoints: AwsEndpoints;
  /** True when any endpoint points at a local emulator (dummy credentials are used then). */
  local: boolean;
  /**
   * How long after a period ends CloudWatch may take to publish its datapoint
   * (CLOUDWATCH_PUBLICATION_DELAY_SECONDS; default 120 against AWS, 0 against a local emulator).
   * Health verification waits this long past a period before calling its data missing.
   */
  publicationDelaySeconds: number;
  /**
   * The share of AWS's per-account request rates the worker paces its calls to
   * (AWS_API_RATE_SHARE, from 0 to 1, default 1; 0 sends at once and leaves throttling to retries).
   * Lower it when other workers or tools call the same account (activities/aws/pacing.ts).
   */
  apiRateShare: number;
}

export interface ApiConfig {
  host: string;
  port: number;
  token: string | undefined;
  bodyLimitBytes: number;
  /** Status reads younger than this are served from the API's cache without querying the workflow. */
  readFreshMs: number;
  /** The oldest status the API ever serves (stated in each response); older reads wait for the workflow. */
  readMaxStalenessMs: number;
  /** Mutating requests allowed per client (token or address) per minute. */
  writeRateLimitPerMinute: number;
}

export interface EmulatorConfig {
  host: string;
  port: number;
}

export interface ObservabilityConfig {
  /** `json` (one object per line, for log shippers) or `text` (for people at a terminal). */
  logFormat: 'json' | 'text';
  /** The worker's Prometheus endpoint (Temporal runtime metrics and shardpilot's own); undefined = off. */
  metrics: { host: string; port: number } | undefined;
  /** The worker's `/healthz` port (200 while it polls), on the metrics host; undefined = off. */
  workerHealthPort: number | undefined;
  /** Address the worker's metrics and health endpoints listen on (METRICS_HOST). */
  host: string;
}

export interface AppConfig {
  temporal: TemporalConfig;
  aws: AwsConfig;
  api: ApiConfig;
  emulator: EmulatorConfig;
  dataDir: string;
  /**
   * The worker's build id (`SHARDPILOT_BUILD_ID`, e.g. the release tag or git sha set by CI);
   * undefined means the worker derives it from its workflow bundle (workers/build-id.ts).
   */
  buildId: string | undefined;
  /**
   * A workflow bundle built beforehand (`SHARDPILOT_WORKFLOW_BUNDLE`, e.g. `dist/workflow-bundle.js`
   * from `npm run build`) for a worker started from TypeScript, which otherwise bundles at start
   * (seconds of CPU). Optional so configs built by hand (tests) need not spell it out.
   */
  workflowBundle?: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Optional so configs built by hand (tests) need not spell it out; loadConfig always sets it. */
  observability?: ObservabilityConfig;
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  return raw;
}

function optionalText(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

export function readPort(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, 'must be a whole number from 0 to 65535', raw);
  const port = Number(raw);
  if (port > 65535) throw new ConfigError(name, 'must be a whole number from 0 to 65535', raw);
  return port;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new ConfigError(name, 'must be a positive whole number', raw);
  return Number(raw);
}

function wholeSeconds(env: Env, name: string, fallback: number): number {
  const raw = optionalText(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > 3600) throw new ConfigError(name, 'must be a whole number of seconds from 0 to 3600', raw);
  return value;
}

function share(env: Env, name: string, fallback: number): number {
  const raw = optionalText(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || value > 1) throw new ConfigError(name, 'must be a number from 0 to 1', raw);
  return value;
}

function readCacheBounds(env: Env): Pick<ApiConfig, 'readFreshMs' | 'readMaxStalenessMs'> {
  const readFreshMs = positiveInt(env, 'API_READ_FRESH_MS', 1_000);
  const readMaxStalenessMs = positiveInt(env, 'API_READ_MAX_STALENESS_MS', Math.max(10_000, readFreshMs));
  if (readMaxStalenessMs < readFreshMs) {
    throw new ConfigError('API_READ_MAX_STALENESS_MS', `must be at least API_READ_FRESH_MS (${readFreshMs})`, String(readMaxStalenessMs));
  }
  return { readFreshMs, readMaxStalenessMs };
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, 'must be true or false', raw);
}

function url(env: Env, name: string): string | undefined {
  const raw = optionalText(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be an absolute http(s) URL such as http://127.0.0.1:4566', raw);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(name, 'must be an absolute http(s) URL such as http://127.0.0.1:4566', raw);
  }
  return raw.replace(/\/+$/, '');
}

function hostPort(env: Env, name: string, fallback: string): string {
  const raw = text(env, name, fallback);
  if (!/^[A-Za-z0-9_.\-[\]:]+:\d{1,5}$/.test(raw)) {
    throw new ConfigError(name, 'must be host:port, e.g. 127.0.0.1:7233', raw);
  }
  return raw;
}

/** A PEM file the process will read at start: checked now so a typo fails fast, naming the variable. */
function pemFile(env: Env, name: string): string | undefined {
  const path = optionalText(env, name);
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(name, 'must name a readable PEM file', path);
  }
  if (!text.includes('-----BEGIN ')) throw new ConfigError(name, 'must name a PEM file (no -----BEGIN line found)', path);
  return path;
}

function temporalTls(env: Env): Pick<TemporalConfig, 'clientCert' | 'serverCaPath' | 'serverName'> {
  const certPath = pemFile(env, 'TEMPORAL_TLS_CERT');
  const keyPath = pemFile(env, 'TEMPORAL_TLS_KEY');
  if ((certPath === undefined) !== (keyPath === undefined)) {
    const missing = certPath === undefined ? 'TEMPORAL_TLS_CERT' : 'TEMPORAL_TLS_KEY';
    throw new ConfigError(missing, 'must be set together with ' + (missing === 'TEMPORAL_TLS_CERT' ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT') + ' (mTLS needs both)', '');
  }
  return {
    clientCert: certPath !== undefined && keyPath !== undefined ? { certPath, keyPath } : undefined,
    serverCaPath: pemFile(env, 'TEMPORAL_TLS_CA'),
    serverName: optionalText(env, 'TEMPORAL_TLS_SERVER_NAME'),
  };
}

function observability(env: Env): ObservabilityConfig {
  const logFormat = text(env, 'LOG_FORMAT', 'json');
  if (logFormat !== 'json' && logFormat !== 'text') throw new ConfigError('LOG_FORMAT', 'must be json or text', logFormat);
  const metricsPort = optionalText(env, 'METRICS_PORT') === undefined ? undefined : readPort(env, 'METRICS_PORT', 0);
  const healthPort = optionalText(env, 'WORKER_HEALTH_PORT') === undefined ? undefined : readPort(env, 'WORKER_HEALTH_PORT', 0);
  const host = text(env, 'METRICS_HOST', '127.0.0.1');
  return {
    logFormat,
    metrics: metricsPort === undefined ? undefined : { host, port: metricsPort },
    workerHealthPort: healthPort,
    host,
  };
}

/** A path to an existing file; read when the worker starts. */
function existingFile(env: Env, name: string): string | undefined {
  const path = optionalText(env, name);
  if (path === undefined) return undefined;
  let file = false;
  try {
    file = statSync(path).isFile();
  } catch {
    // Missing or unreadable: the same message.
  }
  if (!file) throw new ConfigError(name, 'must name an existing workflow bundle file (npm run build writes dist/workflow-bundle.js)', path);
  return path;
}

/** Temporal allows 255 characters; a deploy tool or shell must be able to pass it unquoted. */
function buildId(env: Env, name: string): string | undefined {
  const raw = optionalText(env, name);
  if (raw === undefined) return undefined;
  if (raw.length > 255 || !/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(raw)) {
    throw new ConfigError(name, 'must be 1 to 255 letters, digits, ".", "_", "+" or "-", starting with a letter or digit (e.g. a release tag or git sha)', raw);
  }
  return raw;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads and validates the whole configuration; throws `ConfigError` naming the first bad variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  const common = url(env, 'AWS_ENDPOINT_URL');
  const endpoints: AwsEndpoints = {
    kinesis: url(env, 'AWS_ENDPOINT_URL_KINESIS') ?? common,
    flink: url(env, 'AWS_ENDPOINT_URL_KINESIS_ANALYTICS_V2') ?? common,
    cloudwatch: url(env, 'AWS_ENDPOINT_URL_CLOUDWATCH') ?? common,
    sts: url(env, 'AWS_ENDPOINT_URL_STS') ?? common,
  };
  const region = text(env, 'AWS_REGION', text(env, 'AWS_DEFAULT_REGION', 'us-east-1'));
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new ConfigError(env.AWS_REGION ? 'AWS_REGION' : 'AWS_DEFAULT_REGION', 'must be an AWS region such as us-east-1', region);
  }
  const logLevel = text(env, 'LOG_LEVEL', 'info');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`, logLevel);
  }
  const local = [endpoints.kinesis, endpoints.flink, endpoints.cloudwatch].some(
    (e) => e !== undefined && /^https?:\/\/(127\.|localhost|\[::1\])/.test(e),
  );
  const namespace = text(env, 'TEMPORAL_NAMESPACE', 'default');
  const taskQueue = text(env, 'TEMPORAL_TASK_QUEUE', 'shardpilot');
  return {
    temporal: {
      address: hostPort(env, 'TEMPORAL_ADDRESS', '127.0.0.1:7233'),
      namespace,
      taskQueue,
      uiUrl: url(env, 'TEMPORAL_UI_URL') ?? 'http://127.0.0.1:8233',
      tls: bool(env, 'TEMPORAL_TLS', false),
      apiKey: optionalText(env, 'TEMPORAL_API_KEY'),
      ...temporalTls(env),
    },
    aws: {
      region,
      endpoints,
      local,
      publicationDelaySeconds: wholeSeconds(env, 'CLOUDWATCH_PUBLICATION_DELAY_SECONDS', local ? 0 : 120),
      apiRateShare: share(env, 'AWS_API_RATE_SHARE', 1),
    },
    api: {
      host: text(env, 'API_HOST', '127.0.0.1'),
      port: readPort(env, 'API_PORT', 3000),
      token: optionalText(env, 'API_TOKEN'),
      bodyLimitBytes: positiveInt(env, 'API_BODY_LIMIT_BYTES', 256 * 1024),
      ...readCacheBounds(env),
      writeRateLimitPerMinute: positiveInt(env, 'API_WRITE_RATE_LIMIT_PER_MINUTE', 120),
    },
    emulator: {
      host: text(env, 'EMULATOR_HOST', '127.0.0.1'),
      port: readPort(env, 'EMULATOR_PORT', 4566),
    },
    dataDir: text(env, 'SHARDPILOT_DATA_DIR', '.data'),
    buildId: buildId(env, 'SHARDPILOT_BUILD_ID'),
    workflowBundle: existingFile(env, 'SHARDPILOT_WORKFLOW_BUNDLE'),
    logLevel: logLevel as AppConfig['logLevel'],
    observability: observability(env),
  };
}

/** For entry points: load the config or print one clear line and exit 1. */
export function loadConfigOrExit(env: Env = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
