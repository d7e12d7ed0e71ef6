/**
 * Ids of `patched()` calls in the calibration workflow: each gates a change of its command
 * sequence, so a calibration started by earlier code replays unchanged. Never rename or
 * reuse one.
 */
export const CALIBRATION_PATCHES = {
  /** A later phase ramps to its own scaled rates (2× at ParallelismPerKPU 2), so an I/O-bound job can show its gain. */
  phaseRamps: 'calibration-phase-ramps',
  /**
   * A step is judged on what the stream accepted in the periods whose metrics it reads (not the
   * whole step's average), re-run when the load fell short of the rate asked for, and a flat lag
   * outweighs a processed-vs-accepted shortfall; a phase's measured ceiling bounds its search, and
   * a confirmation that saturated is followed by one just below it.
   */
  measuredWindow: 'calibration-measured-window',
  /**
   * A step that saturated while processing less than a rate its phase already sustained is
   * drained and held again (`contradictsPhase`), instead of being taken for the ceiling.
   */
  recheckContradiction: 'calibration-recheck-contradiction',
  /** A later phase's probe (the first phase's sustained rate) that saturated is drained and held once more (`saturatedProbe`). */
  recheckProbe: 'calibration-recheck-probe',
  /** A phase's first decisive step that saturated, with no probe to check it against, is drained and held once more (`saturatedOpening`). */
  recheckOpening: 'calibration-recheck-opening',
} as const;
