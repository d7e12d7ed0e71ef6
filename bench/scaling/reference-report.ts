/**
 * The causal reference's report (npm run bench:scaling-reference): per grid setting the
 * suite figures, the frontier, and the hindsight question — on how many traces does SOME
 * setting meet all four targets (an upper bound on what tuning this controller reaches).
 */
import { SUITE_SLO_BOUND, TARGETS, type TargetName } from './benchmark.js';
import type { ReferenceTrace, Setting, SettingResult } from './reference-suite.js';

const TARGET_NAMES = Object.keys(TARGETS) as TargetName[];
const ALL_FOUR_GOAL = 0.95;
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const allFour = (s: SettingResult) => TARGET_NAMES.every((t) => s.met[t]);

export interface SuiteFigures {
  sloMinutes: number;
  oracleSloMinutes: number;
  ratio: number;
  share: Record<TargetName | 'all', number>;
}

export function suiteFigures(results: SettingResult[], traces: ReferenceTrace[]): SuiteFigures {
  const sloMinutes = results.reduce((a, r) => a + r.sloMinutes, 0);
  const oracleSloMinutes = traces.reduce((a, t) => a + t.rows.find((r) => r.policy === 'oracle')!.sloMinutes, 0);
  const n = Math.max(1, results.length);
  const share = Object.fromEntries(TARGET_NAMES.map((t) => [t, results.filter((r) => r.met[t]).length / n])) as Record<TargetName, number>;
  return { sloMinutes, oracleSloMinutes, ratio: sloMinutes / Math.max(1, oracleSloMinutes), share: { ...share, all: results.filter(allFour).length / n } };
}

function adaptiveResult(t: ReferenceTrace): SettingResult {
  const a = t.rows.find((r) => r.policy === 'adaptive')!;
  return { sloMinutes: a.sloMinutes, cost: a.cost, costVsOracle: a.costVsOracle, restarts: a.restarts, shardUpdates: a.shardUpdates, met: t.adaptiveMet };
}

function line(label: string, f: SuiteFigures): string {
  return `${label.padEnd(44)} ${String(f.sloMinutes).padStart(6)} ${f.ratio.toFixed(2).padStart(6)}× ${TARGET_NAMES.map((t) => pct(f.share[t]).padStart(8)).join(' ')} ${pct(f.share.all).padStart(8)}`;
}

/** Per trace, the setting hindsight would pick: the fewest SLO minutes among those meeting all four; else among those
 * within the cost bound; else the fewest SLO minutes at all. */
function hindsightPick(results: SettingResult[]): SettingResult {
  const fewest = (xs: SettingResult[]) => xs.reduce((a, b) => (b.sloMinutes < a.sloMinutes || (b.sloMinutes === a.sloMinutes && b.cost < a.cost) ? b : a));
  const four = results.filter(allFour);
  if (four.length) return fewest(four);
  const cheap = results.filter((r) => r.met.oracleCost);
  return fewest(cheap.length ? cheap : results);
}

export interface PartReport {
  label: string;
  traces: number;
  adaptive: SuiteFigures;
  settings: Array<{ label: string } & SuiteFigures>;
  /** Settings with suite SLO ≤ 3 × oracle and ≥ 95 % all four. */
  reaching: string[];
  /** Settings no other setting beats on both the suite ratio and the all-four share. */
  frontier: string[];
  hindsight: {
    anyAllFour: number;
    anyTarget: Record<TargetName, number>;
    /** Some setting meets fewestSlo and some meets the cost bound, but none meets both. */
    sloVsCost: number;
    pickedSuite: SuiteFigures;
    /** The fewest SLO minutes any setting reaches per trace, whatever its cost. */
    fewestAnySetting: { sloMinutes: number; ratio: number };
    adaptiveVariantsAnyAllFour: number | null;
    unreachable: string[];
  };
}

export function partReport(label: string, traces: ReferenceTrace[], grid: Setting[]): PartReport {
  const settings = grid.map((s, i) => ({ label: s.label, ...suiteFigures(traces.map((t) => t.settings[i]!), traces) }));
  const reaching = settings.filter((s) => s.ratio <= SUITE_SLO_BOUND && s.share.all >= ALL_FOUR_GOAL).map((s) => s.label);
  const frontier = settings.filter((s) => !settings.some((o) => o.ratio <= s.ratio && o.share.all >= s.share.all && (o.ratio < s.ratio || o.share.all > s.share.all))).map((s) => s.label);
  const n = Math.max(1, traces.length);
  const anyTarget = Object.fromEntries(TARGET_NAMES.map((t) => [t, traces.filter((tr) => tr.settings.some((s) => s.met[t])).length / n])) as Record<TargetName, number>;
  const picks = traces.map((t) => hindsightPick(t.settings));
  const fewest = traces.reduce((a, t) => a + Math.min(...t.settings.map((s) => s.sloMinutes)), 0);
  const oracle = traces.reduce((a, t) => a + t.rows.find((r) => r.policy === 'oracle')!.sloMinutes, 0);
  const withVariants = traces.filter((t) => t.adaptiveVariants.length > 0);
  const unreachable = traces.filter((t) => !t.settings.some(allFour)).map((t) => {
    const best = hindsightPick(t.settings);
    const peers = t.rows.filter((r) => r.policy !== 'adaptive' && r.policy !== 'none').map((r) => `${r.policy} ${r.sloMinutes}`).join(', ');
    return `gen-${t.seed}-${t.family}: best setting ${best.sloMinutes} SLO min at ${best.costVsOracle.toFixed(2)}× oracle, misses ${TARGET_NAMES.filter((x) => !best.met[x]).join(' + ')}; fewest SLO any setting ${Math.min(...t.settings.map((s) => s.sloMinutes))}, cheapest ${Math.min(...t.settings.map((s) => s.costVsOracle)).toFixed(2)}×; ${peers}`;
  });
  return {
    label,
    traces: traces.length,
    adaptive: suiteFigures(traces.map(adaptiveResult), traces),
    settings,
    reaching,
    frontier,
    hindsight: {
      anyAllFour: traces.filter((t) => t.settings.some(allFour)).length / n,
      anyTarget,
      sloVsCost: traces.filter((t) => t.settings.some((s) => s.met.fewestSlo) && t.settings.some((s) => s.met.oracleCost) && !t.settings.some((s) => s.met.fewestSlo && s.met.oracleCost)).length / n,
      pickedSuite: suiteFigures(picks, traces),
      fewestAnySetting: { sloMinutes: fewest, ratio: fewest / Math.max(1, oracle) },
      adaptiveVariantsAnyAllFour: withVariants.length ? withVariants.filter((t) => t.adaptiveVariants.some(allFour)).length / withVariants.length : null,
      unreachable,
    },
  };
}

export function printPart(r: PartReport): string {
  const header = `${'setting'.padEnd(44)} ${'SLO'.padStart(6)} ${'÷orcl'.padStart(7)} ${TARGET_NAMES.map((t) => t.padStart(8)).join(' ')} ${'all4'.padStart(8)}`;
  const h = r.hindsight;
  return [
    `${r.label} (${r.traces} traces; oracle ${r.adaptive.oracleSloMinutes} SLO minutes)`,
    header,
    line('adaptive (v6, for comparison)', r.adaptive),
    ...r.settings.map((s) => line(s.label, s)),
    `settings reaching suite ≤ ${SUITE_SLO_BOUND}× AND ≥ ${100 * ALL_FOUR_GOAL} % all four: ${r.reaching.length ? r.reaching.join('; ') : 'none'}`,
    `frontier (no setting better on both suite ratio and all four): ${r.frontier.map((l) => {
      const s = r.settings.find((x) => x.label === l)!;
      return `${l} (${s.ratio.toFixed(2)}×, ${pct(s.share.all)})`;
    }).join('; ')}`,
    `hindsight: some setting meets all four on ${pct(h.anyAllFour)} of traces; some setting meets ${TARGET_NAMES.map((t) => `${t} ${pct(h.anyTarget[t])}`).join(', ')}`,
    `  fewestSlo and the cost bound each met by some setting but never by the same one: ${pct(h.sloVsCost)}`,
    `  per-trace best pick (fewest SLO among all-four settings, else within cost): suite ${h.pickedSuite.sloMinutes} SLO min = ${h.pickedSuite.ratio.toFixed(2)}× oracle, all four ${pct(h.pickedSuite.share.all)}`,
    `  fewest SLO minutes any setting reaches per trace, whatever the cost: ${h.fewestAnySetting.sloMinutes} = ${h.fewestAnySetting.ratio.toFixed(2)}× oracle`,
    ...(h.adaptiveVariantsAnyAllFour !== null ? [`  adaptive, 8 settings of its insurance knobs: some setting meets all four on ${pct(h.adaptiveVariantsAnyAllFour)}`] : []),
    `  traces no setting meets all four on (${h.unreachable.length}):`,
    ...h.unreachable.map((u) => `    ${u}`),
  ].join('\n');
}
