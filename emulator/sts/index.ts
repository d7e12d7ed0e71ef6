/**
 * STS AssumeRole, as AWS answers it on the wire (the query protocol: a form-encoded POST with
 * `Action=AssumeRole&Version=2011-06-15`, an XML answer), so the SDK's own STS client and
 * credential providers work against the emulator unchanged. Each answer mints temporary
 * credentials whose access key id the emulator remembers, so every later call signed with
 * them is logged with the role it used (`CallEntry.role`). Signatures are not verified (as
 * everywhere in the emulator); trust policies are not evaluated.
 * Reference: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/types.js';

/** AWS's rule for RoleArn (an IAM role ARN in any partition). */
export const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** RoleSessionName: 2–64 of [\w+=,.@-]. */
const SESSION_NAME_PATTERN = /^[\w+=,.@-]{2,64}$/;
const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export interface StsAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface StsOptions {
  clock: Clock;
  accountId: string;
}

export interface StsService {
  /** True when the form is an STS request (the emulator's other services use X-Amz-Target). */
  handles(form: URLSearchParams): boolean;
  answer(form: URLSearchParams): StsAnswer;
  /** The role whose temporary credentials signed a request (null: the caller's own credentials). */
  roleOf(authorization: string | undefined): string | null;
  reset(): void;
}

const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const requestId = (): string => randomBytes(16).toString('hex').replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5');

function errorAnswer(status: number, code: string, message: string): StsAnswer {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${code}</Code>` +
      `<Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`,
  };
}

const ACCESS_KEY_IN_SCOPE = /Credential=([^/,\s]+)\//;

export function createStsService(options: StsOptions): StsService {
  /** Access key id → role ARN of every session minted. */
  const sessions = new Map<string, string>();
  return {
    handles: (form) => form.get('Version') === '2011-06-15' && form.has('Action'),
    answer(form) {
      const action = form.get('Action');
      if (action !== 'AssumeRole') return errorAnswer(400, 'InvalidAction', `Could not find operation ${action ?? ''} for version 2011-06-15`);
      const roleArn = form.get('RoleArn') ?? '';
      const sessionName = form.get('RoleSessionName') ?? '';
      if (roleArn === '') return errorAnswer(400, 'ValidationError', "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
      if (!ROLE_ARN_PATTERN.test(roleArn)) return errorAnswer(400, 'ValidationError', `${roleArn} is invalid`);
      if (!SESSION_NAME_PATTERN.test(sessionName)) {
        return errorAnswer(400, 'ValidationError', `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
      }
      const duration = Number(form.get('DurationSeconds') ?? '3600');
      if (!Number.isInteger(duration) || duration < 900 || duration > 43_200) {
        return errorAnswer(400, 'ValidationError', `1 validation error detected: Value '${form.get('DurationSeconds')}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`);
      }
      const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
      sessions.set(accessKeyId, roleArn);
      const expiration = new Date(options.clock.nowMs() + duration * 1000).toISOString();
      const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
      const account = roleArn.split(':')[4] ?? options.accountId;
      return {
        status: 200,
        headers: { 'content-type': 'text/xml' },
        body: `<AssumeRoleResponse xmlns="${XMLNS}"><AssumeRoleResult>` +
          `<AssumedRoleUser><AssumedRoleId>AROA${randomBytes(8).toString('hex').toUpperCase()}:${xmlEscape(sessionName)}</AssumedRoleId>` +
          `<Arn>arn:aws:sts::${account}:assumed-role/${xmlEscape(roleName)}/${xmlEscape(sessionName)}</Arn></AssumedRoleUser>` +
          `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${randomBytes(20).toString('base64')}</SecretAccessKey>` +
          `<SessionToken>${randomBytes(48).toString('base64')}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
          `</AssumeRoleResult><ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
      };
    },
    roleOf(authorization) {
      const key = authorization === undefined ? undefined : ACCESS_KEY_IN_SCOPE.exec(authorization)?.[1];
      return key === undefined ? null : sessions.get(key) ?? null;
    },
    reset: () => sessions.clear(),
  };
}
