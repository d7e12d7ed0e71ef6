/**
 * KPU calibration (the source article's Part 1): the request a person sends and the
 * progress/result the calibration workflow reports. Declared once in TypeBox; the API
 * validates and serialises with these schemas, the workflow and the dashboard use the
 * derived types. Pure module: safe in workflows.
 */
import { Type, type Static, type TSchema } from 'typebox';

export const CALIBRATION_STATES = ['preparing', 'measuring', 'restoring', 'completed', 'cancelled', 'failed', 'budget-exhausted'] as const;
export type CalibrationState = (typeof CALIBRATION_STATES)[number];
/** States after which nothing changes any more. */
export const FINAL_CALIBRATION_STATES: readonly CalibrationState[] = ['completed', 'cancelled', 'failed', 'budget-exhausted'];

export const CalibrationBudget = Type.Object(
  {
    maxDurationSeconds: Type.Integer({
      minimum: 10, maximum: 86_400, default: 3600,
      description: 'Wall-clock bound of the whole calibration, restoring included. A plan that cannot fit is refused (400); a run that reaches it stops measuring, restores and reports what it found.',
    }),
    maxCostUsd: Type.Number({
      exclusiveMinimum: 0, maximum: 10_000, default: 5,
      description: 'Bound on what the calibration spends (KPU-hours and shard-hours at the given prices, records at PutRecords prices are not counted). Refused or stopped like the duration.',
    }),
  },
  { additionalProperties: false, default: {} },
);

export const CalibrationPrices = Type.Object(
  {
    kpuHourUsd: Type.Number({ minimum: 0, maximum: 100, default: 0.11 }),
    shardHourUsd: Type.Number({ minimum: 0, maximum: 100, default: 0.015 }),
  },
  { additionalProperties: false, default: {} },
);

export const CalibrationRequest = Type.Object(
  {
    maxRecordsPerSecond: Type.Optional(Type.Integer({
      minimum: 1, maximum: 1_000_000,
      description: 'Top of the ramp: total records/s offered to the stream at the last step. Give this or `rates`.',
    })),
    rates: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 1_000_000 }), {
      minItems: 1, maxItems: 20,
      description: 'Explicit ramp steps, total records/s, strictly increasing. Give this or `maxRecordsPerSecond`.',
    })),
    steps: Type.Integer({ minimum: 2, maximum: 20, default: 6, description: 'Ramp steps up to `maxRecordsPerSecond` (evenly spaced).' }),
    confirmSteps: Type.Integer({
      minimum: 0, maximum: 5, default: 2,
      description: 'Steps after the first saturated one that narrow the sustainable rate down (each between the highest flat and the lowest saturated rate).',
    }),
    stepSeconds: Type.Integer({
      minimum: 5, maximum: 3600, default: 300,
      description: 'How long each rate is held. Must span at least 4 CloudWatch periods of the pipeline (60 s periods on AWS).',
    }),
    parallelism: Type.Optional(Type.Integer({
      minimum: 1, maximum: 256,
      description: 'Parallelism held in every phase (at least the largest ParallelismPerKPU compared, so subtasks share a KPU). ' +
        'Default: each phase runs one task KPU, parallelism = its ParallelismPerKPU — what one KPU processes, as the article measures it, and the cheapest.',
    })),
    parallelismPerKpu: Type.Array(Type.Integer({ minimum: 1, maximum: 8 }), {
      minItems: 1, maxItems: 3, default: [1, 2],
      description: 'ParallelismPerKPU values to measure, in order; comparing 1 with a higher value tells a CPU-bound job from an I/O-bound one.',
    }),
    targetRecordsPerSecond: Type.Optional(Type.Integer({
      minimum: 1, maximum: 10_000_000,
      description: 'Input rate the recommendation is sized for; default the top of the ramp.',
    })),
    headroom: Type.Number({
      minimum: 0, maximum: 4, default: 0.25,
      description: 'Spare capacity the recommendation keeps above the target (0.25: capacity ≥ 1.25 × target).',
    }),
    budget: CalibrationBudget,
    prices: CalibrationPrices,
  },
  { additionalProperties: false, description: 'Give `maxRecordsPerSecond` or `rates`; everything else has a default.' },
);
export type CalibrationRequest = Static<typeof CalibrationRequest>;

/** The request with every default applied and the ramp spelled out; what the workflow runs. */
export const ResolvedCalibrationRequest = Type.Object({
  rates: Type.Array(Type.Integer()),
  confirmSteps: Type.Integer(),
  stepSeconds: Type.Integer(),
  /** null: each phase runs parallelism = its ParallelismPerKPU (one task KPU). */
  parallelism: Type.Union([Type.Integer(), Type.Null()]),
  parallelismPerKpu: Type.Array(Type.Integer()),
  targetRecordsPerSecond: Type.Integer(),
  headroom: Type.Number(),
  budget: Type.Object({ maxDurationSeconds: Type.Integer(), maxCostUsd: Type.Number() }),
  prices: Type.Object({ kpuHourUsd: Type.Number(), shardHourUsd: Type.Number() }),
});
export type ResolvedCalibrationRequest = Static<typeof ResolvedCalibrationRequest>;

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const StepVerdict = Type.Union([Type.Literal('sustainable'), Type.Literal('saturated'), Type.Literal('inconclusive')]);
export type StepVerdict = Static<typeof StepVerdict>;

export const CalibrationStep = Type.Object(
  {
    phase: Type.Integer({ description: 'Index into `request.parallelismPerKpu`.' }),
    kind: Type.Union([Type.Literal('ramp'), Type.Literal('confirm')]),
    parallelism: Type.Integer(),
    parallelismPerKpu: Type.Integer(),
    kpus: Type.Integer({ description: 'Including the orchestration KPU.' }),
    offeredRecordsPerSecond: Type.Number({ description: 'The rate this step asked the load to hold.' }),
    sentRecordsPerSecond: Type.Number({
      description: 'What the stream acknowledged per second in the measured periods (the whole step, for calibrations started before that rule).',
    }),
    processedRecordsPerSecond: Nullable(Type.Number({ description: 'numRecordsInPerSecond, average over the measured window.' })),
    lagStartMs: Nullable(Type.Number()),
    lagEndMs: Nullable(Type.Number()),
    lagSlopeMsPerSecond: Nullable(Type.Number({ description: 'Least-squares trend of millisBehindLatest; > 0 means the job falls behind.' })),
    cpuUtilization: Nullable(Type.Number()),
    containerCpuUtilization: Nullable(Type.Number()),
    heapMemoryUtilization: Nullable(Type.Number()),
    backpressureMsPerSecond: Nullable(Type.Number({ description: 'backPressuredTimeMsPerSecond, average.' })),
    throttledRecords: Type.Number({ description: 'Records the stream refused (and the load re-sent).' }),
    processedRelativeError: Type.Optional(Nullable(Type.Number({
      description: 'Relative standard error of `processedRecordsPerSecond` from the spread of its periods (0.02: ±2 %); feeds the noise margin.',
    }))),
    verdict: StepVerdict,
    reasons: Type.Array(Type.String()),
    attempts: Type.Optional(Type.Integer({
      minimum: 1,
      description: 'Times the rate was held: a step whose load fell short of the rate (a busy machine) is held again, and the last attempt is judged.',
    })),
    startedAt: Type.String(),
    endedAt: Type.String(),
  },
  { description: "One held rate and what the pipeline did with it: the calibration's evidence." },
);
export type CalibrationStep = Static<typeof CalibrationStep>;

export const Bottleneck = Type.Union([Type.Literal('cpu'), Type.Literal('memory'), Type.Literal('io'), Type.Literal('unknown')]);
export type Bottleneck = Static<typeof Bottleneck>;

export const CalibrationPhaseResult = Type.Object({
  parallelismPerKpu: Type.Integer(),
  parallelism: Type.Integer(),
  kpus: Type.Integer(),
  /** Highest offered rate whose lag stayed flat (null: every step saturated). */
  sustainableRecordsPerSecond: Nullable(Type.Number()),
  /** Lowest offered rate that saturated (null: the ramp never saturated, the figure is a lower bound). */
  saturatedRecordsPerSecond: Nullable(Type.Number()),
  recordsPerSecondPerParallelism: Nullable(Type.Number()),
  recordsPerSecondPerKpu: Nullable(Type.Number({ description: 'Per billed KPU, orchestration KPU excluded.' })),
  lowerBound: Type.Boolean({ description: 'True when no step saturated: the job can do at least this much.' }),
  cpuAtSustainable: Nullable(Type.Number()),
  heapAtSustainable: Nullable(Type.Number()),
  bottleneck: Bottleneck,
  throughputRecordsPerSecondPerKpu: Type.Optional(Nullable(Type.Number({
    description: 'What one KPU processed at most: the higher of the sustainable rate and the rate processed while saturated, per task KPU. The CPU/I/O comparison uses it.',
  }))),
});
export type CalibrationPhaseResult = Static<typeof CalibrationPhaseResult>;

export const CalibrationRecommendation = Type.Object({
  targetRecordsPerSecond: Type.Number(),
  headroom: Type.Number(),
  parallelism: Type.Integer(),
  parallelismPerKpu: Type.Integer(),
  kpus: Type.Integer({ description: 'Including the orchestration KPU.' }),
  capacityRecordsPerSecond: Type.Number(),
  costPerHourUsd: Type.Number({ description: 'KPUs only.' }),
  reasons: Type.Array(Type.String()),
});
export type CalibrationRecommendation = Static<typeof CalibrationRecommendation>;

export const CalibrationComparison = Type.Object({
  noise: Type.Number({ description: 'Relative run-to-run noise of a step\'s processed rate, measured from the steps themselves (0.03: 3 %).' }),
  margin: Type.Number({ description: 'A per-KPU difference must exceed this share to count (3 × √2 × noise, at least 5 %).' }),
  samples: Type.Integer({ description: 'Measurements the noise was estimated from.' }),
  perKpuGain: Type.Number({ description: 'Best per-KPU throughput of a higher ParallelismPerKPU ÷ the baseline\'s (1.0: the same).' }),
  parallelismPerKpu: Type.Integer({ description: 'The ParallelismPerKPU the gain belongs to.' }),
}, { description: 'How the CPU/I/O verdict was reached.' });
export type CalibrationComparison = Static<typeof CalibrationComparison>;

export const CalibrationResult = Type.Object({
  /** From the first phase (the baseline ParallelismPerKPU, normally 1). */
  recordsPerSecondPerParallelism: Type.Number(),
  recordsPerSecondPerKpu: Type.Number({ description: 'Best per-KPU rate over the phases.' }),
  bottleneck: Bottleneck,
  workload: Type.Union([Type.Literal('cpu-bound'), Type.Literal('io-bound'), Type.Literal('inconclusive'), Type.Literal('undetermined')], {
    description: '`io-bound`: a higher ParallelismPerKPU processed more per KPU by more than the noise margin. `cpu-bound`: it processed measurably less, ' +
      'or the same within the margin while the vCPU was at its ceiling. `inconclusive`: the difference is inside the noise (or a phase never saturated) — ' +
      'the recommendation keeps the baseline ParallelismPerKPU. `undetermined`: one ParallelismPerKPU measured.',
  }),
  lowerBound: Type.Boolean(),
  costPerMillionRecordsUsd: Type.Number({ description: 'KPU cost of the recommendation per million records, processing the target rate.' }),
  recommendation: CalibrationRecommendation,
  phases: Type.Array(CalibrationPhaseResult),
  comparison: Type.Optional(Nullable(CalibrationComparison)),
  reasons: Type.Array(Type.String()),
});
export type CalibrationResult = Static<typeof CalibrationResult>;

export const CapacityRecord = Type.Object({
  shards: Type.Integer(),
  parallelism: Type.Integer(),
  parallelismPerKpu: Type.Integer(),
});
export type CapacityRecord = Static<typeof CapacityRecord>;

export const CalibrationRestore = Type.Object({
  /** What the pipeline had before; restored afterwards. */
  capacity: Nullable(CapacityRecord),
  autoscalingPaused: Nullable(Type.Boolean({ description: 'Autoscaling was already paused before the calibration.' })),
  replayPaused: Type.Boolean({ description: 'The calibration paused a running replay (and resumes it).' }),
  restored: Nullable(Type.Boolean({ description: 'null until restoring ran; false with `problems` when a step failed.' })),
  problems: Type.Array(Type.String()),
});
export type CalibrationRestore = Static<typeof CalibrationRestore>;

export const CalibrationProgress = Type.Object({
  phase: Type.Integer(),
  phases: Type.Integer(),
  parallelismPerKpu: Nullable(Type.Integer()),
  stepsDone: Type.Integer(),
  /** Upper bound of the remaining plan (ramp + confirmations of every phase). */
  stepsPlanned: Type.Integer(),
  currentRecordsPerSecond: Nullable(Type.Number()),
  elapsedSeconds: Type.Number(),
  spentUsd: Type.Number(),
  percent: Type.Number(),
});
export type CalibrationProgress = Static<typeof CalibrationProgress>;

export const CalibrationStatus = Type.Object(
  {
    pipelineId: Type.String(),
    calibrationId: Type.String(),
    state: Type.Enum([...CALIBRATION_STATES]),
    message: Type.String({ description: 'What the calibration is doing now, or how it ended, in words.' }),
    request: ResolvedCalibrationRequest,
    progress: CalibrationProgress,
    steps: Type.Array(CalibrationStep),
    result: Nullable(CalibrationResult),
    restore: CalibrationRestore,
    error: Nullable(Type.String()),
    startedAt: Type.String(),
    updatedAt: Type.String(),
    finishedAt: Nullable(Type.String()),
  },
  { description: 'Progress and result of the latest calibration of a pipeline.' },
);
export type CalibrationStatus = Static<typeof CalibrationStatus>;

export const CalibrationApplyRequest = Type.Object(
  {
    parallelismPerKpu: Type.Boolean({
      default: false,
      description: 'Also set the recommended ParallelismPerKPU (an UpdateApplication, verified and rolled back like any scaling action).',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type CalibrationApplyRequest = Static<typeof CalibrationApplyRequest>;
