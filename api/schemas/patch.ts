import { Type, type TObject, type TProperties, type TSchema } from 'typebox';

/**
 * A "change" body derived from a model object: every field optional and without its
 * default, so validation does not fill in values the caller did not send (a change of
 * one limit must not reset the others to their defaults). Unknown fields stay rejected.
 */
export function patchOf(object: TObject<TProperties>, description: string): TSchema {
  const properties: Record<string, TSchema> = {};
  for (const [name, schema] of Object.entries(object.properties)) {
    const { default: _ignored, ...withoutDefault } = schema as TSchema & { default?: unknown };
    properties[name] = Type.Optional(withoutDefault as TSchema);
  }
  return Type.Object(properties, { additionalProperties: false, description });
}
