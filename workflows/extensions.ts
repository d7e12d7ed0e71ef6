/**
 * The features that live inside a RUNNING pipeline, installed in this order at every
 * workflow start (and after every continue-as-new). Names key their carried snapshots.
 */
import type { NamedExtension } from './lifecycle/extensions.js';
import { installReplay } from './replay/install.js';
import { installScaling } from './scaling/install.js';

export const PIPELINE_EXTENSIONS: readonly NamedExtension[] = [
  { name: 'replay', install: installReplay },
  { name: 'scaling', install: installScaling },
];
