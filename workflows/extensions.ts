/**
 * The features that live inside a RUNNING pipeline, installed in this order at every
 * workflow start (and after every continue-as-new).
 */
import type { NamedExtension } from './lifecycle/extensions.js';

export const PIPELINE_EXTENSIONS: readonly NamedExtension[] = [];
