/** Input checks shared by the operations, worded as AWS words them. */
import { checkTable } from '../core/validation.js';
import type { ValidationTable } from '../core/types.js';
import { applicationNotFound, concurrentModification, invalidArgument } from './errors.js';
import type { FlinkEngine } from './engine.js';
import type { Application } from './model.js';

export const APPLICATION_NAME = { type: 'string', required: true, minLength: 1, maxLength: 128, pattern: '[a-zA-Z0-9_.-]+' } as const;

/** Managed Flink reports constraint violations as InvalidArgumentException. */
export function assertInput(input: unknown, table: ValidationTable): void {
  const problems = checkTable((input ?? {}) as Record<string, unknown>, table);
  if (problems.length > 0) {
    throw invalidArgument(`${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`);
  }
}

export function findApplication(engine: FlinkEngine, name: string, accountId: string): Application {
  const app = engine.apps.get(name);
  if (!app) throw applicationNotFound(name, accountId);
  return app;
}

/** UpdateApplication/RollbackApplication must name the version they change (or its token). */
export function assertCurrentVersion(app: Application, versionId: number | undefined, token: string | undefined): void {
  if (versionId === undefined && token === undefined) {
    throw invalidArgument('Either CurrentApplicationVersionId or ConditionalToken must be provided.');
  }
  if (versionId !== undefined && versionId !== app.current.versionId) {
    throw concurrentModification(
      `Provided CurrentApplicationVersionId ${versionId} does not match the current application version id ${app.current.versionId} for application ${app.name}. Describe the application to get the current version.`,
    );
  }
  if (token !== undefined && token !== app.conditionalToken) {
    throw concurrentModification(`Provided ConditionalToken does not match the current token of application ${app.name}. Describe the application to get the current token.`);
  }
}
