/**
 * The custom search attributes the pipeline workflow keeps current (registered on the
 * server by scripts/dev-server.ts). The API declares the same keys on its side.
 */
import { defineSearchAttributeKey } from '@temporalio/common';

export const pipelineIdKey = defineSearchAttributeKey('PipelineId', 'KEYWORD');
export const pipelinePhaseKey = defineSearchAttributeKey('PipelinePhase', 'KEYWORD');
export const streamNameKey = defineSearchAttributeKey('StreamName', 'KEYWORD');
export const applicationNameKey = defineSearchAttributeKey('ApplicationName', 'KEYWORD');
