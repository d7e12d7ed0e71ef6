/**
 * Request validation. Bodies are validated strictly — unknown fields are rejected, not
 * silently dropped (`removeAdditional: false`), types are never coerced — while
 * defaults are filled in. Only the URL parts (querystring, params, headers), which are
 * strings on the wire, are coerced to the declared types.
 */
import { Ajv, type Options } from 'ajv';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

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
