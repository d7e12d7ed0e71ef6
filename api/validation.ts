/**
 * Request validation. Bodies are validated strictly — unknown fields are rejected, not
 * silently dropped (`removeAdditional: false`), types are never coerced — while
 * defaults are filled in. Only the URL parts (querystring, params, headers), which are
 * strings on the wire, are coerced to the declared types.
 */
import { Ajv, type Options } from 'ajv';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import type { PolicyName } from '../model/spec.js';
import { getPolicy } from '../scaling/index.js';
import type { FieldError } from './errors.js';

const common: Options = {
  removeAdditional: false,
  useDefaults: true,
  allErrors: true,
  // TypeBox adds documentation keywords (e.g. `default` inside unions) that strict mode rejects.
  strict: false,
};

const bodyAjv = new Ajv({ ...common, coerceTypes: false });
const urlAjv = new Ajv({ ...common, coerceTypes: true });

export const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : urlAjv).compile(schema as object);

/** The chosen policy judges its own parameters (names and ranges), before anything starts. */
export function policyParameterErrors(policy: PolicyName, parameters: Record<string, number>, pointer: string): FieldError[] {
  return getPolicy(policy).validateParameters(parameters).map(([name, rule]) => ({ field: `${pointer}/${name}`, rule, in: 'body' }));
}
