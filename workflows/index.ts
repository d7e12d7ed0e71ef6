/** Every workflow the worker runs (Temporal bundles this file and what it imports). */
export { pipelineWorkflow } from './pipeline.js';
export { replayWorkflow } from './replay/index.js';
export { calibrationWorkflow } from './calibration/index.js';
