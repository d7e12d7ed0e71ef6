/** Finding the stream a request names (by StreamName or StreamARN) in the state it needs. */
import { invalidArgument, streamNotFound } from './errors.js';
import type { Stream } from './model.js';
import type { StreamStore } from './store.js';

export interface StreamRef {
  StreamName?: string;
  StreamARN?: string;
}

export function streamNameOf(ref: StreamRef): string {
  const fromArn = ref.StreamARN === undefined ? undefined : ref.StreamARN.slice(ref.StreamARN.indexOf(':stream/') + 8);
  if (ref.StreamName !== undefined && fromArn !== undefined && ref.StreamName !== fromArn) {
    throw invalidArgument(`StreamARN ${ref.StreamARN} does not match StreamName ${ref.StreamName}.`);
  }
  const name = ref.StreamName ?? fromArn;
  if (name === undefined) throw invalidArgument('Either StreamName or StreamARN must be provided.');
  return name;
}

export function findStream(store: StreamStore, ref: StreamRef): Stream {
  return store.get(streamNameOf(ref));
}

/** Records flow while the stream is ACTIVE or UPDATING; otherwise AWS answers as if it did not exist. */
export function findWritableStream(store: StreamStore, ref: StreamRef): Stream {
  const stream = findStream(store, ref);
  if (stream.status !== 'ACTIVE' && stream.status !== 'UPDATING') throw streamNotFound(stream.name, store.accountId);
  return stream;
}
