/** Kinesis's errors with AWS's wording; framed on the wire by the core. */
import { AwsError } from '../core/errors.js';

export function streamNotFound(name: string, account: string): AwsError {
  return new AwsError('ResourceNotFoundException', `Stream ${name} under account ${account} not found.`);
}

export function streamAlreadyExists(name: string, account: string): AwsError {
  return new AwsError('ResourceInUseException', `Stream ${name} under account ${account} already exists.`);
}

export function streamNotActive(name: string, account: string, status: string): AwsError {
  return new AwsError('ResourceInUseException', `Stream ${name} under account ${account} not ACTIVE, instead in state ${status}`);
}

export function shardNotFound(shardId: string, name: string, account: string): AwsError {
  return new AwsError('ResourceNotFoundException', `Shard ${shardId} in stream ${name} under account ${account} does not exist`);
}

export function invalidArgument(message: string): AwsError {
  return new AwsError('InvalidArgumentException', message);
}

export function retentionOutOfBounds(hours: number, minHours: number, maxHours: number): AwsError {
  return hours < minHours
    ? invalidArgument(`Minimum allowed retention period is ${minHours} hours. Requested retention period (${hours} hours) is too short.`)
    : invalidArgument(`Maximum allowed retention period is ${maxHours} hours. Requested retention period (${hours} hours) is too long.`);
}

export function retentionNotIncreased(hours: number, name: string, current: number): AwsError {
  return invalidArgument(
    `Requested retention period (${hours} hours) for stream ${name} can not be shorter than existing retention period (${current} hours). Use DecreaseRetentionPeriod API.`,
  );
}

export function retentionNotDecreased(hours: number, name: string, current: number): AwsError {
  return invalidArgument(
    `Requested retention period (${hours} hours) for stream ${name} can not be longer than existing retention period (${current} hours). Use IncreaseRetentionPeriod API.`,
  );
}

export function limitExceeded(message: string): AwsError {
  return new AwsError('LimitExceededException', message);
}

export function writeThroughputMessage(shardId: string, name: string, account: string): string {
  return `Rate exceeded for shard ${shardId} in stream ${name} under account ${account}.`;
}

export function writeThroughputExceeded(shardId: string, name: string, account: string): AwsError {
  return new AwsError('ProvisionedThroughputExceededException', writeThroughputMessage(shardId, name, account));
}

export function readThroughputExceeded(shardId: string, name: string, account: string): AwsError {
  return new AwsError(
    'ProvisionedThroughputExceededException',
    `Rate exceeded for Shard - ${shardId} in stream ${name} under account ${account}.`,
  );
}

export function expiredIterator(issuedMs: number, nowMs: number, ttlMs: number): AwsError {
  return new AwsError(
    'ExpiredIteratorException',
    `Iterator expired. The iterator was created at time ${new Date(issuedMs).toUTCString()} while right now it is ` +
      `${new Date(nowMs).toUTCString()} which is further in the future than the tolerated delay of ${ttlMs} milliseconds.`,
  );
}
