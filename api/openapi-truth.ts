/**
 * Makes the OpenAPI document say what the server enforces, where @fastify/swagger's
 * conversion (or JSON Schema's spelling) would otherwise mislead a client or a fuzzer:
 *
 * - a request field with a `default` is filled in by the server when missing, so it is
 *   not `required` on the wire, whatever TypeBox declares;
 * - `patternProperties` (e.g. policy parameter names) is turned into a bare
 *   `additionalProperties` by the converter, losing the name rule: the rule is restated
 *   as `propertyNames`, which survives.
 *
 * Only the document changes: validation still uses the route schemas as written.
 */
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

function truthful(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(truthful);
  if (!isObject(schema)) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) out[key] = truthful(value);
  const properties = isObject(out.properties) ? out.properties : undefined;
  if (Array.isArray(out.required) && properties) {
    const required = (out.required as string[]).filter((name) => !(isObject(properties[name]) && 'default' in properties[name]));
    if (required.length > 0) out.required = required;
    else delete out.required;
  }
  if (isObject(out.patternProperties) && out.propertyNames === undefined) {
    const patterns = Object.keys(out.patternProperties);
    if (patterns.length === 1) out.propertyNames = { pattern: patterns[0] };
  }
  return out;
}

const REQUEST_PARTS = ['body', 'querystring', 'params', 'headers'] as const;

/** For @fastify/swagger's `transform` option. */
export function truthfulRequestSchemas({ schema, url }: { schema: unknown; url: string }): { schema: Json; url: string } {
  const copy: Json = isObject(schema) ? { ...schema } : {};
  for (const part of REQUEST_PARTS) if (copy[part] !== undefined) copy[part] = truthful(copy[part]);
  return { schema: copy, url };
}
