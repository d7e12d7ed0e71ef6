/**
 * Starts the emulator: the services, the AWS JSON dispatcher and the admin API on one
 * port that speaks HTTP/1.1 and h2c. The only file that listens.
 */
import { createAdminRouter, ADMIN_PREFIX } from './core/admin.js';
import { ApiRateLimiter } from './core/apiRates.js';
import { CallLog } from './core/callLog.js';
import type { CallEntry } from './core/callLog.js';
import { Dispatcher } from './core/dispatch.js';
import { AwsError, frameError } from './core/errors.js';
import { FaultInjector } from './core/faults.js';
import type { Fault, FaultSpec } from './core/faults.js';
import { BodyTooLargeError, createDualProtocolServer } from './core/transport.js';
import type { HttpExchange } from './core/transport.js';
import type { Clock } from './core/types.js';
import { resolveEmulatorOptions } from './config.js';
import type { EmulatorOptions, EmulatorOverrides, EmulatorProfile } from './config.js';
import { createServices } from './index.js';
import { createStsService } from './sts/index.js';
import type { EmulatorServices } from './index.js';

export interface StartEmulatorOptions {
  /** Defaults to `test`: near-zero delays. */
  profile?: EmulatorProfile;
  overrides?: EmulatorOverrides;
  clock?: Clock;
  /** Draws for the faults that hit a share of calls (a seeded generator makes a run repeatable). */
  random?: () => number;
}

export interface EmulatorAdmin {
  reset(): void;
  calls(filter?: { operation?: string; service?: string; since?: number }): CallEntry[];
  injectFault(spec: FaultSpec): Fault;
  clearFaults(): void;
}

export interface RunningEmulator {
  url: string;
  port: number;
  options: EmulatorOptions;
  services: EmulatorServices;
  admin: EmulatorAdmin;
  close(): Promise<void>;
}

function header(exchange: HttpExchange, name: string): string | undefined {
  const value = exchange.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseAdminBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return raw.toString('utf8');
  }
}

export async function startEmulator(start: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const options = resolveEmulatorOptions(start.profile ?? 'test', start.overrides);
  const clock: Clock = start.clock ?? { nowMs: () => Date.now() };
  const services = createServices(options, clock);
  const callLog = new CallLog(options.callLogLimit);
  const faults = new FaultInjector(start.random);
  const rates = options.apiRates.enabled ? new ApiRateLimiter(options.apiRates.table) : undefined;
  const admin: EmulatorAdmin = {
    reset() {
      for (const module of services.modules) module.reset();
      sts.reset();
      callLog.clear();
      faults.clear();
      rates?.clear();
    },
    calls: (filter) => callLog.list(filter),
    injectFault: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
  };
  const sts = createStsService({ clock, accountId: options.accountId });
  const dispatcher = new Dispatcher({
    roleOf: (authorization) => sts.roleOf(authorization),
    modules: services.modules,
    callLog,
    faults,
    clock,
    accountId: options.accountId,
    defaultRegion: options.region,
    ...(rates ? { rates } : {}),
  });
  const adminRouter = createAdminRouter({
    modules: services.modules,
    callLog,
    faults,
    reset: admin.reset,
    startedMs: clock.nowMs(),
    nowMs: () => clock.nowMs(),
  });

  const server = createDualProtocolServer(async (exchange) => {
    let body: Buffer;
    try {
      body = await exchange.body(options.maxBodyBytes);
    } catch (err) {
      if (!(err instanceof BodyTooLargeError)) throw err;
      const framed = frameError(new AwsError('SerializationException', err.message, 413));
      exchange.respond(framed.status, framed.headers, framed.body);
      return;
    }
    const url = new URL(exchange.url, 'http://emulator');
    if (url.pathname.startsWith(ADMIN_PREFIX)) {
      const answer = await adminRouter(exchange.method, url, parseAdminBody(body));
      exchange.respond(answer.status, { 'content-type': 'application/json' }, JSON.stringify(answer.body));
      return;
    }
    if (exchange.method !== 'POST') {
      exchange.respond(404, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Not Found' }));
      return;
    }
    const target = header(exchange, 'x-amz-target');
    if (target === undefined && (header(exchange, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
      // STS speaks the query protocol (form in, XML out); every other emulated service names its operation in X-Amz-Target.
      const form = new URLSearchParams(body.toString('utf8'));
      if (sts.handles(form)) {
        const started = clock.nowMs();
        const answer = sts.answer(form);
        callLog.add({
          time: started, service: 'sts', operation: form.get('Action') ?? '',
          params: { RoleArn: form.get('RoleArn'), RoleSessionName: form.get('RoleSessionName'), DurationSeconds: form.get('DurationSeconds') },
          outcome: answer.status === 200 ? 'ok' : 'error', durationMs: clock.nowMs() - started,
          ...(answer.status === 200 ? {} : { error: /<Code>([^<]+)<\/Code>/.exec(answer.body)?.[1] ?? 'ValidationError' }),
        });
        exchange.respond(answer.status, answer.headers, answer.body);
        return;
      }
    }
    const response = await dispatcher.dispatch({
      target,
      authorization: header(exchange, 'authorization'),
      body,
    });
    exchange.respond(response.status, response.headers, response.body);
  });

  const port = await server.listen(options.port, options.host);
  const hostForUrl = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    options,
    services,
    admin,
    async close() {
      await server.close();
      for (const module of services.modules) await module.close?.();
    },
  };
}
