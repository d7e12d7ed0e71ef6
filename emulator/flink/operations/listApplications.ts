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
      const names = [...engine.apps.keys()].sort();
      // The token is the last name of the previous page, so pages stay stable as applications come and go.
      const start = input.NextToken === undefined ? 0 : names.findIndex((n) => n > (input.NextToken as string));
      if (input.NextToken !== undefined && !/^[a-zA-Z0-9_.-]+$/.test(input.NextToken)) throw invalidArgument('Invalid NextToken.');
      const from = start < 0 ? names.length : start;
      const limit = input.Limit ?? 50;
      const page = names.slice(from, from + limit);
      const result: Record<string, unknown> = {
        ApplicationSummaries: page.map((n) => applicationSummary(engine.apps.get(n) as NonNullable<ReturnType<typeof engine.apps.get>>)),
      };
      if (from + limit < names.length) result.NextToken = page[page.length - 1];
      return result;
    },
  };
}
