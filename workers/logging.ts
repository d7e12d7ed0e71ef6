/**
 * The worker's log lines. JSON (the default, LOG_FORMAT=json): one object per line with
 * `time`, `level`, `msg`, the SDK's context (workflowId, runId, activityType, taskQueue…)
 * and `pipelineId` derived from the workflow id, so a log shipper can follow one
 * pipeline across workers and restarts. Text (LOG_FORMAT=text): for a terminal.
 */
import type { LogEntry, LogExporterConfig, LogLevel } from '@temporalio/worker';

/** Workflow ids shardpilot starts: `pipeline-<id>` and its replay child `replay-<id>`. */
const PIPELINE_WORKFLOW_ID = /^(?:pipeline|replay)-(.+)$/;

export function pipelineIdOf(workflowId: unknown): string | undefined {
  return typeof workflowId === 'string' ? PIPELINE_WORKFLOW_ID.exec(workflowId)?.[1] : undefined;
}

export type LogFormat = 'json' | 'text';

export function formatLogLine(format: LogFormat, entry: { time: Date; level: LogLevel; message: string; meta?: Record<string, unknown> }): string {
  const meta = entry.meta ?? {};
  if (format === 'text') {
    const context = Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : '';
    return `${entry.time.toISOString()} ${entry.level} ${entry.message}${context}`;
  }
  const pipelineId = pipelineIdOf(meta.workflowId);
  return JSON.stringify({
    time: entry.time.toISOString(),
    level: entry.level.toLowerCase(),
    msg: entry.message,
    ...(pipelineId === undefined ? {} : { pipelineId }),
    ...meta,
  }, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

/** A log function for the SDK's DefaultLogger: every SDK, workflow and activity log line goes through it. */
export function sdkLogFunction(format: LogFormat, write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {
  return (entry: LogEntry): void => {
    write(formatLogLine(format, {
      time: new Date(Number(entry.timestampNanos / 1_000_000n)),
      level: entry.level,
      message: entry.message,
      meta: entry.meta as Record<string, unknown> | undefined,
    }));
  };
}

/**
 * The SDK core's own log lines (e.g. "[TMPRL1104] … Workflow task duration exceeded 5 seconds" when a task is
 * CPU-starved) go straight to the console in the core's text format unless forwarded; forwarded, they reach the
 * runtime logger (sdkLogFunction) like every other line, with their fields and `sdkComponent: "core"`. The core
 * logs at WARN, the SDK's default: its INFO and DEBUG are the SDK's internals, far more lines than a worker's log
 * wants. Native crates other than the core: errors only.
 */
export function coreLogForwarding(level: LogLevel): LogExporterConfig {
  return { filter: { core: level === 'ERROR' ? 'ERROR' : 'WARN', other: 'ERROR' }, forward: {} };
}
