/**
 * Visibility page tokens, made opaque and self-checking. Temporal answers a token it
 * cannot parse with a retryable UNKNOWN error (slow, then a 5xx), so the API prefixes
 * each token with a short digest and refuses, as a 400, any token it did not issue.
 * The digest guards against garbage, not forgery: a forged token only reaches Temporal.
 */
import { createHash } from 'node:crypto';

const DIGEST_BYTES = 8;

function digest(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest().subarray(0, DIGEST_BYTES);
}

export function encodePageToken(serverToken: Uint8Array): string {
  return Buffer.concat([digest(serverToken), serverToken]).toString('base64url');
}

/** The server's token, or undefined when the text is not a token this API issued. */
export function decodePageToken(token: string): Uint8Array | undefined {
  const raw = Buffer.from(token, 'base64url');
  if (raw.length <= DIGEST_BYTES) return undefined;
  const serverToken = raw.subarray(DIGEST_BYTES);
  return digest(serverToken).equals(raw.subarray(0, DIGEST_BYTES)) ? serverToken : undefined;
}
