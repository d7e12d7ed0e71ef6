/** The calibration's current details for the Temporal UI (markdown): where it is, what it found so far. */
import type { CalibrationStatus } from '../../model/calibration.js';

const rate = (n: number | null): string => (n === null ? '–' : Math.round(n).toLocaleString('en-US'));

export function calibrationDetails(s: CalibrationStatus): string {
  const lines = [
    `**Calibration of pipeline ${s.pipelineId}** — ${s.state}`,
    '',
    s.message,
    '',
    `Phase ${s.progress.phase + 1}/${s.progress.phases}` +
      (s.progress.parallelismPerKpu === null ? '' : ` (ParallelismPerKPU ${s.progress.parallelismPerKpu})`) +
      ` · step ${s.progress.stepsDone} · ${s.progress.elapsedSeconds} s of ${s.request.budget.maxDurationSeconds} s · ` +
      `$${s.progress.spentUsd.toFixed(4)} of $${s.request.budget.maxCostUsd}`,
  ];
  const recent = s.steps.slice(-6);
  if (recent.length > 0) {
    lines.push('', '| ParallelismPerKPU | offered rec/s | processed rec/s | lag trend ms/s | CPU % | verdict |', '|---|---|---|---|---|---|');
    for (const st of recent) {
      lines.push(`| ${st.parallelismPerKpu} | ${rate(st.offeredRecordsPerSecond)} | ${rate(st.processedRecordsPerSecond)} | ${st.lagSlopeMsPerSecond?.toFixed(1) ?? '–'} | ${rate(st.containerCpuUtilization)} | ${st.verdict} |`);
    }
  }
  if (s.result !== null) {
    const r = s.result;
    lines.push('', `Result: ${rate(r.recordsPerSecondPerParallelism)} records/s per parallelism unit, ${rate(r.recordsPerSecondPerKpu)} per KPU, ${r.workload}, bottleneck ${r.bottleneck}; ` +
      `recommended parallelism ${r.recommendation.parallelism} at ParallelismPerKPU ${r.recommendation.parallelismPerKpu} (${r.recommendation.kpus} KPUs).`);
  }
  return lines.join('\n');
}
