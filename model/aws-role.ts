/**
 * The per-pipeline IAM role (spec `roleArn`, issue 15): its ARN rule, shared by the API's
 * validation and the emulator's STS, and the marker the workflow appends to an activity's
 * arguments so the worker makes that call as the role (activities/aws/roles.ts). Pure module:
 * safe in workflows.
 */

/** An IAM role ARN in any partition: `arn:aws:iam::<12-digit account>:role/<optional path/>name`. */
export const ROLE_ARN_PATTERN = '^arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}$';

export const ROLE_MARKER_KEY = 'shardpilotAssumeRole';

/** Appended as the last activity argument when the pipeline names a role. */
export interface RoleMarker {
  [ROLE_MARKER_KEY]: string;
}
