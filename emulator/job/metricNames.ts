/**
 * Metric names by Flink runtime. Flink 2.2 on Managed Service for Apache Flink removed
 * `fullRestarts` (use `numRestarts`) and deprecated `uptime`/`downtime` (still published);
 * earlier runtimes publish `fullRestarts`. Source: AWS's "Metrics and dimensions in
 * Managed Service for Apache Flink" page (emulator/README.md).
 */
export function flinkMajor(runtime: string | undefined): number {
  const match = /^FLINK-(\d+)_/.exec(runtime ?? '');
  return match ? Number(match[1]) : 1;
}

export function restartMetricName(runtime: string | undefined): 'numRestarts' | 'fullRestarts' {
  return flinkMajor(runtime) >= 2 ? 'numRestarts' : 'fullRestarts';
}
