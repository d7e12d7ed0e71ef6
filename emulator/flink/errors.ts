/** Managed Flink's errors (the core frames them with `Message`, as this service does). */
import { AwsError } from '../core/errors.js';

export const invalidArgument = (message: string) => new AwsError('InvalidArgumentException', message);
export const invalidRequest = (message: string) => new AwsError('InvalidRequestException', message);
export const resourceInUse = (message: string) => new AwsError('ResourceInUseException', message);
export const limitExceeded = (message: string) => new AwsError('LimitExceededException', message);
export const concurrentModification = (message: string) => new AwsError('ConcurrentModificationException', message);
export const invalidConfiguration = (message: string) => new AwsError('InvalidApplicationConfigurationException', message);

export const tooManyTags = (message: string) => new AwsError('TooManyTagsException', message);

export function applicationNotFound(name: string, accountId: string): AwsError {
  return new AwsError('ResourceNotFoundException', `Application ${name} is not found in account ${accountId}.`);
}

export function resourceNotFoundOperation(operationId: string, applicationName: string): AwsError {
  return new AwsError('ResourceNotFoundException', `Operation ${operationId} is not found for application ${applicationName}.`);
}
