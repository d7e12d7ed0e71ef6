import type { Operation } from '../../core/types.js';
import { applicationSummary } from '../describe.js';
import type { FlinkEngine } from '../engine.js';
import { invalidArgument } from '../errors.js';
import { assertInput } from '../input.js';

export function listApplications(engine: FlinkEngine): Operation<{ Limit?: number; NextToken?: string }, unknown> {
  return {
    handle(input, ctx) {
      assertInput(input, { Limit: { type: 'integer', min: 1, max: 50 }, NextToken: { type: 'string', minLength: 1, maxLength: 128 } });
      engine.advance(ctx.nowMs);
      const token = input.NextToken;
      if (token !== undefined && !/^[a-zA-Z0-9_.-]+$/.test(token)) throw invalidArgument('Invalid NextToken.');
      const apps = [...engine.apps.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
      // The token is the last name of the previous page, so pages stay stable as applications come and go.
      const start = token === undefined ? 0 : apps.findIndex((a) => a.name > token);
      const from = start < 0 ? apps.length : start;
      const limit = input.Limit ?? 50;
      const page = apps.slice(from, from + limit);
      const result: Record<string, unknown> = { ApplicationSummaries: page.map(applicationSummary) };
      if (from + limit < apps.length) result.NextToken = page[page.length - 1]?.name;
      return result;
    },
  };
}
