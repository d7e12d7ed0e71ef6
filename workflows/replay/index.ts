/** Workflow types of the replay, for the worker's workflow bundle. */
export { replayWorkflow } from './workflow.js';
