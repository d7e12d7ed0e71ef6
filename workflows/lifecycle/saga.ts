/**
 * The provisioning saga's undo list: each step that created something pushes how to
 * remove it; on failure they run newest first. A failing compensation does not stop
 * the others (each removes an independent resource), and its failure is returned and
 * recorded, never swallowed.
 */

export interface Compensation {
  /** What the compensation undoes, in words ("delete stream taxi-trips"). */
  description: string;
  /** Resolves with a sentence saying what happened; rejects when the undo failed. */
  run(): Promise<string>;
}

export interface CompensationOutcome {
  description: string;
  ok: boolean;
  message: string;
}

export interface CompensationRecorder {
  (outcome: CompensationOutcome): void;
}

export class Saga {
  private readonly steps: Compensation[] = [];

  add(compensation: Compensation): void {
    this.steps.push(compensation);
  }

  get pending(): readonly Compensation[] {
    return this.steps;
  }

  /** Runs every compensation, newest first; the list is empty afterwards. */
  async compensate(describeError: (err: unknown) => string, recorder: CompensationRecorder): Promise<CompensationOutcome[]> {
    const outcomes: CompensationOutcome[] = [];
    while (this.steps.length > 0) {
      const step = this.steps.pop() as Compensation;
      let outcome: CompensationOutcome;
      try {
        outcome = { description: step.description, ok: true, message: await step.run() };
      } catch (err) {
        outcome = { description: step.description, ok: false, message: describeError(err) };
      }
      recorder(outcome);
      outcomes.push(outcome);
    }
    return outcomes;
  }
}
