/**
 * FROZEN with ../adaptive.ts (the v5 rules, patch scaling-adaptive-v5): do not change.
 *
 * The v5 rules left this part exactly as v4 had it, so this re-exports the frozen v4 module instead of
 * keeping a second copy. Both stay frozen: v5 never needs a rule here that v4 does not have.
 */
export * from '../../v4/adaptive/constrain.js';
