/**
 * CloudWatch's errors. The service is query-compatible, so each error carries the
 * query-protocol code the SDK maps back to its exception class (the framing itself is
 * done once, in the core).
 */
import { AwsError } from '../core/errors.js';
import { validationError as coreValidationError } from '../core/validation.js';

export function invalidParameterValue(message: string): AwsError {
  return new AwsError('InvalidParameterValueException', message, 400, 'InvalidParameterValue');
}

export function invalidParameterCombination(message: string): AwsError {
  return new AwsError('InvalidParameterCombinationException', message, 400, 'InvalidParameterCombination');
}

export function missingParameter(message: string): AwsError {
  return new AwsError('MissingRequiredParameterException', message, 400, 'MissingParameter');
}

export function validationError(message: string): AwsError {
  return new AwsError('ValidationException', message, 400, 'ValidationError');
}

/** Constraint violations of nested members, worded as the core words top-level ones. */
export function validationFailed(problems: readonly string[]): AwsError {
  return validationError(coreValidationError(problems).message);
}

export function resourceNotFound(message: string): AwsError {
  return new AwsError('ResourceNotFound', message, 404, 'ResourceNotFound');
}

export function dashboardNotFound(message: string): AwsError {
  return new AwsError('DashboardNotFoundError', message, 404, 'ResourceNotFound');
}

export function dashboardInvalidInput(message: string): AwsError {
  return new AwsError('DashboardInvalidInputError', message, 400, 'InvalidParameterInput');
}

export function invalidNextToken(): AwsError {
  return new AwsError('InvalidNextToken', 'The service cannot process the NextToken.', 400, 'InvalidNextToken');
}
