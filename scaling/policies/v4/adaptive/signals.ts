/**
 * FROZEN with ../adaptive.ts (the v4 rules, patch scaling-adaptive-v4): do not change.
 *
 * What adaptive reads from CloudWatch samples (demand, trend, backlog, true rate). Today's rules read them exactly as the
 * frozen v2 rules do, so this re-exports that module rather than keeping a second copy.
 * The v2 file stays frozen (patch scaling-adaptive-v3): when today's signals need to
 * change, copy it back here and change the copy, never the v2 file.
 */
export * from '../../v2/adaptive-signals.js';
