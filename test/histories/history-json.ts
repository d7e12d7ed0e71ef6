/**
 * History ⇄ proto3 JSON (the format of the Temporal CLI's and UI's history exports).
 * `historyToJSON`/`historyFromJSON` of @temporalio/common 1.24 cannot be used here: npm
 * installs two copies of protobufjs 8 (under @temporalio/common and @temporalio/proto,
 * because gRPC keeps protobufjs 7 at the top), and its converter rejects the other copy's
 * types ("type must be a Type"). This module uses the copy that defines the types.
 */
import { createRequire } from 'node:module';
import type * as protoModule from '@temporalio/proto';
import type { temporal } from '@temporalio/proto';

export type History = temporal.api.history.v1.IHistory;

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}

const require = createRequire(import.meta.url);
const protoRequire = createRequire(require.resolve('@temporalio/proto'));
const protojson = protoRequire('protobufjs/ext/protojson') as ProtoJson;
// The CommonJS module object: the patcher walks its prototype chain, which an ES namespace lacks.
const proto = require('@temporalio/proto') as typeof protoModule;
const { patchProtobufRoot } = require('@temporalio/proto/lib/patch-protobuf-root') as { patchProtobufRoot<T>(root: T): T & { lookupType(name: string): unknown } };
const historyType = patchProtobufRoot(proto).lookupType('temporal.api.history.v1.History');

export function historyToJson(history: History): unknown {
  return protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history));
}

/** Unknown fields (a newer server's) are ignored, as Temporal's own loader does. */
export function historyFromJson(json: unknown): History {
  const loaded = protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
  if (loaded === null || loaded === undefined) throw new TypeError('not a history');
  return loaded as History;
}
