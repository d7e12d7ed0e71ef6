/**
 * The scaling extension bound to the policy registry: what workflows/extensions.ts
 * lists for the pipeline workflow.
 */
import { getPolicy } from '../../scaling/index.js';
import type { ExtensionInstaller } from '../extension.js';
import { createScalingInstaller } from './extension.js';

export const installScaling: ExtensionInstaller = createScalingInstaller(getPolicy);
