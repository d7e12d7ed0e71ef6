export { calibrationWorkflow } from './workflow.js';
