import { Type, type TObject, type TProperties, type TSchema } from 'typebox';

/** The same schema without its `default`, so validation does not fill in a value the caller did not send. */
export function withoutDefault<T extends TSchema>(schema: T): T {
  const { default: _ignored, ...rest } = schema as T & { default?: unknown };
  return rest as T;
}

/**
 * A "change" body derived from a model object: every field optional and without its
 * default (a change of one limit must not reset the others to their defaults).
 * Unknown fields stay rejected.
 */
export function patchOf(object: TObject<TProperties>, description: string): TSchema {
  const properties: Record<string, TSchema> = {};
  for (const [name, schema] of Object.entries(object.properties)) properties[name] = Type.Optional(withoutDefault(schema));
  return Type.Object(properties, { additionalProperties: false, description });
}
