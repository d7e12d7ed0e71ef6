/**
 * Evaluates declarative validation tables with AWS's (Coral) wording, so a bad request
 * gets the same `ValidationException` text real AWS sends. Type mismatches that AWS
 * rejects while deserializing become `SerializationException`, as on AWS.
 */
import { AwsError, serializationError } from './errors.js';
import type { FieldRule, ValidationTable } from './types.js';

/** `StreamName` → `streamName`, the member path AWS prints. */
export function memberPath(wireName: string): string {
  return wireName.charAt(0).toLowerCase() + wireName.slice(1);
}

function shown(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return `'${String(value)}'`;
}

function violation(value: unknown, path: string, constraint: string): string {
  return `Value ${shown(value)} at '${path}' failed to satisfy constraint: Member must ${constraint}`;
}

const NOT_BASE64 = /[^A-Za-z0-9+/=]/;

/** Record data is the hottest input of all: one unanchored scan for a stray character, then the padding. */
export function isBase64(text: string): boolean {
  const length = text.length;
  if (length % 4 !== 0 || NOT_BASE64.test(text)) return false;
  const firstPad = text.indexOf('=');
  return firstPad === -1 || firstPad === length - 1 || (firstPad === length - 2 && text.charCodeAt(length - 1) === 61);
}

const compiled = new Map<string, RegExp>();
function anchored(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    regex = new RegExp(`^(?:${pattern})$`);
    compiled.set(pattern, regex);
  }
  return regex;
}

function typeMismatch(value: unknown, expected: string, path: string): AwsError {
  const kind = Array.isArray(value) ? 'START_ARRAY' : value !== null && typeof value === 'object' ? 'START_OBJECT' : `${(typeof value).toUpperCase()}_VALUE`;
  return serializationError(`${kind} can not be converted to ${expected} (at '${path}')`);
}

/** Throws `SerializationException` when the JSON type cannot be read as the member's type. */
function checkType(value: unknown, rule: FieldRule, path: string): void {
  switch (rule.type) {
    case 'string':
      if (typeof value !== 'string') throw typeMismatch(value, 'a String', path);
      break;
    case 'blob':
      if (typeof value !== 'string') throw typeMismatch(value, 'a Blob', path);
      if (!isBase64(value)) throw serializationError(`Base64 encoded value at '${path}' is not valid`);
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw typeMismatch(value, 'an Integer', path);
      break;
    case 'number':
      if (typeof value !== 'number') throw typeMismatch(value, 'a Number', path);
      break;
    case 'timestamp':
      if (typeof value !== 'number') throw typeMismatch(value, 'a Timestamp', path);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') throw typeMismatch(value, 'a Boolean', path);
      break;
    case 'object':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw typeMismatch(value, 'a Structure', path);
      break;
    case 'array':
      if (!Array.isArray(value)) throw typeMismatch(value, 'a List', path);
      break;
    default:
      break;
  }
}

function measuredLength(value: unknown, rule: FieldRule): number | undefined {
  if (Array.isArray(value)) return value.length;
  if (typeof value !== 'string') return undefined;
  // Blob lengths are of the decoded bytes, as AWS measures them.
  if (rule.type === 'blob') return Buffer.byteLength(value, 'base64');
  return value.length;
}

/**
 * The constraint violations of one member, in AWS's order (null, enum, length, pattern,
 * range). Type errors throw instead, because AWS rejects them before validating.
 */
export function checkField(value: unknown, rule: FieldRule, path: string): string[] {
  if (value === undefined || value === null) {
    return rule.required ? [violation(null, path, 'not be null')] : [];
  }
  checkType(value, rule, path);
  const problems: string[] = [];
  if (rule.enum && !rule.enum.includes(value as string)) {
    problems.push(violation(value, path, `satisfy enum value set: [${rule.enum.join(', ')}]`));
  }
  const length = measuredLength(value, rule);
  const minLength = rule.minLength ?? rule.minItems;
  const maxLength = rule.maxLength ?? rule.maxItems;
  if (length !== undefined && minLength !== undefined && length < minLength) {
    problems.push(violation(value, path, `have length greater than or equal to ${minLength}`));
  }
  if (length !== undefined && maxLength !== undefined && length > maxLength) {
    problems.push(violation(value, path, `have length less than or equal to ${maxLength}`));
  }
  if (rule.pattern !== undefined && typeof value === 'string' && !anchored(rule.pattern).test(value)) {
    problems.push(violation(value, path, `satisfy regular expression pattern: ${rule.pattern}`));
  }
  if (typeof value === 'number' && rule.min !== undefined && value < rule.min) {
    problems.push(violation(value, path, `have value greater than or equal to ${rule.min}`));
  }
  if (typeof value === 'number' && rule.max !== undefined && value > rule.max) {
    problems.push(violation(value, path, `have value less than or equal to ${rule.max}`));
  }
  return problems;
}

/** All violations of a table against an input, with member paths as AWS prints them. */
export function checkTable(input: Record<string, unknown>, table: ValidationTable, pathPrefix = ''): string[] {
  return Object.entries(table).flatMap(([name, rule]) => checkField(input[name], rule, pathPrefix + memberPath(name)));
}

/** `1 validation error detected: …` / `N validation errors detected: …; …` */
export function validationError(problems: readonly string[]): AwsError {
  const count = problems.length;
  const head = `${count} validation error${count === 1 ? '' : 's'} detected: `;
  return new AwsError('ValidationException', head + problems.join('; '));
}

export function assertValid(input: Record<string, unknown>, table: ValidationTable): void {
  const problems = checkTable(input, table);
  if (problems.length > 0) throw validationError(problems);
}
