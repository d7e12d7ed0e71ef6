/**
 * FROZEN with ../adaptive.ts (the v4 rules, patch scaling-adaptive-v4): do not change.
 *
 * The v4 rules left this part exactly as v3 had it, so this re-exports the frozen v3 module instead of
 * keeping a second copy. Both stay frozen: v4 never needs a rule here that v3 does not have.
 */
export * from '../../v3/adaptive/restart-budget.js';
