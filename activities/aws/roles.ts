/**
 * Per-pipeline IAM roles (spec `roleArn`): the worker assumes the pipeline's role with STS
 * AssumeRole and makes that pipeline's Kinesis, Flink and CloudWatch calls with the role's
 * temporary credentials. Credentials are cached per role and refreshed before they expire
 * (REFRESH_BEFORE_EXPIRY_MS), so a pipeline running for months never signs with stale keys
 * and STS sees one call per role per ~hour, not one per AWS call.
 *
 * How a call knows its role: the workflow appends a role marker ({@link RoleMarker}) to the
 * activity's arguments (workflows/aws-role.ts); {@link roleAwareActivities} strips it and
 * runs the activity inside an AsyncLocalStorage context; the clients handed to activities
 * are proxies that pick the role's clients from that context ({@link routeByRole}). An
 * activity without a marker uses the worker's own credentials, exactly as before.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { ApplicationFailure } from '@temporalio/common';
import { ROLE_MARKER_KEY, type RoleMarker } from '../../model/aws-role.js';
import type { AwsClients } from './clients.js';

/** Refresh this long before expiry (the SDK's own credential providers use 5 minutes). */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;
/** Session length asked for (AWS's default; a role may allow up to 12 h). */
export const SESSION_SECONDS = 3600;

/** Temporary credentials as the SDK's credential providers return them. */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

const roleContext = new AsyncLocalStorage<string>();

/** The role the current activity runs as (undefined: the worker's own credentials). */
export function currentRole(): string | undefined {
  return roleContext.getStore();
}

export function isRoleMarker(value: unknown): value is RoleMarker {
  return value !== null && typeof value === 'object' && typeof (value as Record<string, unknown>)[ROLE_MARKER_KEY] === 'string'
    && Object.keys(value).length === 1;
}

/**
 * Wraps every activity: a trailing role marker is removed from the arguments and becomes the
 * activity's role. A worker that cannot assume roles (`canAssume` false) refuses such a call
 * rather than silently making it with its own credentials.
 */
export function roleAwareActivities<T extends Record<string, (...args: never[]) => unknown>>(activities: T, canAssume: boolean): T {
  const wrapped: Record<string, (...args: unknown[]) => unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    const call = fn as (...args: unknown[]) => unknown;
    wrapped[name] = async (...args: unknown[]) => {
      const last = args[args.length - 1];
      if (!isRoleMarker(last)) return call(...args);
      const roleArn = last[ROLE_MARKER_KEY];
      if (!canAssume) {
        throw ApplicationFailure.nonRetryable(`the pipeline's role ${roleArn} cannot be assumed: this worker was started without STS (roles)`, 'RoleNotSupported');
      }
      return roleContext.run(roleArn, () => call(...args.slice(0, -1)));
    };
  }
  return wrapped as unknown as T;
}

/**
 * Temporary credentials of one role, cached; a call within REFRESH_BEFORE_EXPIRY_MS of expiry
 * (or after it) assumes the role again. Concurrent callers share one AssumeRole in flight.
 */
export class AssumedRoleCredentials {
  private cached: AwsCredentialIdentity | null = null;
  private inFlight: Promise<AwsCredentialIdentity> | null = null;

  constructor(
    private readonly sts: STSClient,
    readonly roleArn: string,
    private readonly sessionName: string,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** An SDK credential provider (`credentials:` of any v3 client). */
  readonly provider = (): Promise<AwsCredentialIdentity> => this.get();

  async get(): Promise<AwsCredentialIdentity> {
    const c = this.cached;
    if (c !== null && c.expiration.getTime() - this.nowMs() > REFRESH_BEFORE_EXPIRY_MS) return c;
    this.inFlight ??= this.assume().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async assume(): Promise<AwsCredentialIdentity> {
    const out = await this.sts.send(new AssumeRoleCommand({
      RoleArn: this.roleArn, RoleSessionName: this.sessionName, DurationSeconds: SESSION_SECONDS,
    }));
    const k = out.Credentials;
    if (k?.AccessKeyId === undefined || k.SecretAccessKey === undefined || k.SessionToken === undefined || k.Expiration === undefined) {
      throw new Error(`STS AssumeRole of ${this.roleArn} answered without credentials`);
    }
    this.cached = { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey, sessionToken: k.SessionToken, expiration: k.Expiration };
    return this.cached;
  }
}

/** One set of clients per role, created on first use with that role's cached credentials. */
export class RoleClients {
  private readonly byRole = new Map<string, AwsClients>();

  constructor(private readonly create: (credentials: AssumedRoleCredentials) => AwsClients, private readonly credentialsFor: (roleArn: string) => AssumedRoleCredentials) {}

  get(roleArn: string): AwsClients {
    let clients = this.byRole.get(roleArn);
    if (clients === undefined) {
      clients = this.create(this.credentialsFor(roleArn));
      this.byRole.set(roleArn, clients);
    }
    return clients;
  }

  destroy(): void {
    for (const c of this.byRole.values()) {
      c.kinesis.destroy();
      c.flink.destroy();
      c.cloudwatch.destroy();
    }
    this.byRole.clear();
  }
}

/** A client that forwards each use to the current activity's role's client (or `own` when no role). */
function routed<C extends object>(own: C, forRole: (roleArn: string) => C): C {
  return new Proxy(own, {
    get(_target, property) {
      const role = currentRole();
      const client = role === undefined ? own : forRole(role);
      const value = Reflect.get(client, property, client) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(client) : value;
    },
  });
}

/** The clients activities receive: the worker's own, or the current role's (see the module comment). */
export function routeByRole(own: AwsClients, roles: RoleClients): AwsClients {
  return {
    kinesis: routed(own.kinesis, (r) => roles.get(r).kinesis),
    flink: routed(own.flink, (r) => roles.get(r).flink),
    cloudwatch: routed(own.cloudwatch, (r) => roles.get(r).cloudwatch),
  };
}

