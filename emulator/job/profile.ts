/**
 * What one KPU of the simulated job can do: the resource profile that KPU calibration
 * measures. A KPU is 1 vCPU (+ 4 GB) shared by `ParallelismPerKPU` subtasks.
 *
 * - `uniform` (the default, what EMULATOR.md specifies): every subtask processes its
 *   rate whatever ParallelismPerKPU is; CPU is processed ÷ capacity.
 * - `cpu-bound` (like the article's statistics): a subtask at its true rate
 *   keeps a whole vCPU busy. Subtasks sharing a KPU share that vCPU, and each extra one
 *   costs 5 % in context switches, so ParallelismPerKPU > 1 lowers the rate per subtask
 *   and per KPU.
 * - `io-bound` (enrichment through external calls): a subtask mostly waits; at its true
 *   rate it uses only `ioCpuShare` of a vCPU, so up to 1 ÷ ioCpuShare subtasks share a
 *   KPU at full speed and the rate per KPU grows with ParallelismPerKPU.
 *
 * Either way the job is saturated when demand exceeds this capacity: records stay
 * unread (lag grows), the source is backpressured and CPU sits at its ceiling.
 */
export const JOB_PROFILES = ['uniform', 'cpu-bound', 'io-bound'] as const;
export type JobProfileKind = (typeof JOB_PROFILES)[number];

export interface JobProfile {
  kind: JobProfileKind;
  /** Share of one vCPU an I/O-bound subtask uses at its true rate (0 < share ≤ 1). */
  ioCpuShare: number;
}

export const DEFAULT_JOB_PROFILE: JobProfile = { kind: 'uniform', ioCpuShare: 0.2 };
/** Throughput a CPU-bound KPU loses per extra subtask sharing it (context switches, cache). */
const CONTEXT_SWITCH_PENALTY = 0.05;

export interface KpuLoad {
  profile: JobProfile;
  /** True records/s of one subtask with a vCPU to itself (CPU-bound) or its own I/O (I/O-bound). */
  recordsPerSecondPerSubtask: number;
  parallelism: number;
  parallelismPerKpu: number;
}

/** Task-manager KPUs (the orchestration KPU does no processing). */
function taskKpus(load: KpuLoad): number {
  return Math.max(1, Math.ceil(load.parallelism / Math.max(1, load.parallelismPerKpu)));
}

/** vCPU-seconds one record costs. */
function cpuSecondsPerRecord(load: KpuLoad): number {
  const rate = load.recordsPerSecondPerSubtask;
  if (rate <= 0) return 0;
  if (load.profile.kind === 'io-bound') return load.profile.ioCpuShare / rate;
  if (load.profile.kind === 'uniform') return taskKpus(load) / (rate * load.parallelism);
  const sharing = Math.min(load.parallelism, Math.max(1, load.parallelismPerKpu));
  const efficiency = Math.max(0.1, 1 - CONTEXT_SWITCH_PENALTY * (sharing - 1));
  return 1 / (rate * efficiency);
}

/** Records/s each subtask can process: its own bound, or its share of the pooled vCPUs when they bind first. */
export function effectiveSubtaskRate(load: KpuLoad): number {
  const perRecord = cpuSecondsPerRecord(load);
  if (load.parallelism <= 0 || perRecord === 0) return 0;
  const cpuBound = taskKpus(load) / perRecord;
  return Math.min(load.parallelism * load.recordsPerSecondPerSubtask, cpuBound) / load.parallelism;
}

/** Container CPU utilisation (percent) when the job processes `recordsPerSecond`. */
export function cpuUtilizationFor(load: KpuLoad, recordsPerSecond: number): number {
  return Math.min(100, (100 * recordsPerSecond * cpuSecondsPerRecord(load)) / taskKpus(load));
}

/** Reads a profile from the application's emulator properties; unknown or bad values keep the default. */
export function profileFromProperties(kind: string | undefined, ioCpuShare: string | undefined): JobProfile {
  const share = Number(ioCpuShare);
  return {
    kind: (JOB_PROFILES as readonly string[]).includes(kind ?? '') ? (kind as JobProfileKind) : DEFAULT_JOB_PROFILE.kind,
    ioCpuShare: Number.isFinite(share) && share > 0 && share <= 1 ? share : DEFAULT_JOB_PROFILE.ioCpuShare,
  };
}
