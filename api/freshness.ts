/**
 * How a cached read says how old it is: the standard `Age` header (whole seconds) on
 * every read, and the exact figures (`observedAt`, `ageMs`, the bound) in the status body.
 */
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { CachedRead } from './temporal/read-cache.js';

export const FreshnessSchema = Type.Object({
  observedAt: Type.String({ description: 'When the pipeline workflow produced this answer.' }),
  ageMs: Type.Integer({ description: 'Age of the answer when served, ms.' }),
  maxStalenessMs: Type.Integer({ description: 'No answer older than this is ever served (API_READ_MAX_STALENESS_MS).' }),
  source: Type.Union([Type.Literal('query'), Type.Literal('cache')], {
    description: '`query`: this read waited for Temporal\'s answer (the status the workflow published in its memo, visibility, or '
      + 'a query); `cache`: served from the last answer while a background read refreshes it.',
  }),
}, { description: 'How fresh this read is. Reads are served from the last answer (refreshed in the background, coalesced), '
  + 'never older than maxStalenessMs.' });

/** Sets the Age header and returns the value, for routes that wrap it in their own body. */
export function withAge<T>(reply: FastifyReply, read: CachedRead<T>): T {
  reply.header('age', String(Math.floor(read.freshness.ageMs / 1000)));
  reply.header('cache-control', 'private, no-cache');
  return read.value;
}
