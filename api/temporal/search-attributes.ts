/**
 * The pipeline's custom search attributes as the API writes them at start and reads
 * them from visibility. Names match what the dev server registers (scripts/dev-server.ts)
 * and what the pipeline workflow upserts.
 */
import { defineSearchAttributeKey } from '@temporalio/common';

export const pipelineIdKey = defineSearchAttributeKey('PipelineId', 'KEYWORD');
export const pipelinePhaseKey = defineSearchAttributeKey('PipelinePhase', 'KEYWORD');
export const streamNameKey = defineSearchAttributeKey('StreamName', 'KEYWORD');
export const applicationNameKey = defineSearchAttributeKey('ApplicationName', 'KEYWORD');
