import type { Operation } from '../../core/types.js';
import { operationDetails, operationInfo } from '../describe.js';
import type { FlinkEngine } from '../engine.js';
import { invalidArgument, resourceNotFoundOperation } from '../errors.js';
import { APPLICATION_NAME, assertInput, findApplication } from '../input.js';

interface ListApplicationOperationsInput {
  ApplicationName: string;
  Limit?: number;
  NextToken?: string;
  Operation?: string;
  OperationStatus?: string;
}

export function listApplicationOperations(engine: FlinkEngine): Operation<ListApplicationOperationsInput, unknown> {
  return {
    handle(input, ctx) {
      assertInput(input, {
        ApplicationName: APPLICATION_NAME,
        Limit: { type: 'integer', min: 1, max: 50 },
        NextToken: { type: 'string', minLength: 1, maxLength: 512 },
        Operation: { type: 'string', minLength: 1, maxLength: 64 },
        OperationStatus: { type: 'string', enum: ['IN_PROGRESS', 'CANCELLED', 'SUCCESSFUL', 'FAILED'] },
      });
      engine.advance(ctx.nowMs);
      const app = findApplication(engine, input.ApplicationName, ctx.accountId);
      // Newest first, as AWS lists them.
      const matching = [...app.operations]
        .reverse()
        .filter((op) => (input.Operation === undefined || op.operation === input.Operation) && (input.OperationStatus === undefined || op.status === input.OperationStatus));
      const offset = input.NextToken === undefined ? 0 : Number.parseInt(input.NextToken, 10);
      if (!Number.isInteger(offset) || offset < 0) throw invalidArgument('Invalid NextToken.');
      const limit = input.Limit ?? 50;
      const result: Record<string, unknown> = { ApplicationOperationInfoList: matching.slice(offset, offset + limit).map(operationInfo) };
      if (offset + limit < matching.length) result.NextToken = String(offset + limit);
      return result;
    },
  };
}

export function describeApplicationOperation(engine: FlinkEngine): Operation<{ ApplicationName: string; OperationId: string }, unknown> {
  return {
    handle(input, ctx) {
      assertInput(input, { ApplicationName: APPLICATION_NAME, OperationId: { type: 'string', required: true, minLength: 1, maxLength: 64 } });
      engine.advance(ctx.nowMs);
      const app = findApplication(engine, input.ApplicationName, ctx.accountId);
      const op = app.operations.find((o) => o.id === input.OperationId);
      if (!op) throw resourceNotFoundOperation(input.OperationId, app.name);
      return { ApplicationOperationInfoDetails: operationDetails(op) };
    },
  };
}
