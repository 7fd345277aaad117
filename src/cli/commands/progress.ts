// The one-line progress of `hyperlab run` on stderr: redrawn in place on a terminal, at most
// one line a second otherwise (logs and CI). With the producer's plan it reads
// `run 3 · step 420/1000 · epoch 3/8 · 42% · 1,850 samples/s · ETA 1m 20s · loss 0.41`.
import { computeProgress, formatProgressLine } from '../../core/progress.ts';
import type { TrainingPlan } from '../../core/protocol/messages.ts';
import { formatNumber } from '../format.ts';
import type { CliIO } from '../io.ts';

/** Latest values shown after the progress: the losses people watch, not the learning rate. */
const SHOWN_VALUES = 2;

export class Progress {
  private readonly io: CliIO;
  private readonly runId: number;
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly latest: { [key: string]: number } = {};
  private plan: { plan: TrainingPlan; time: number } | null = null;
  private lastPrinted = 0;
  private drawn = false;
  /** The last update a plain (non-terminal) output skipped: printed at the end, as the run's final state. */
  private skipped: { step: number; time: number } | null = null;

  constructor(io: CliIO, runId: number, now: () => number = Date.now) {
    this.io = io;
    this.runId = runId;
    this.now = now;
    this.startedAt = now();
    io.stderr(`run ${runId} started\n`);
  }

  setPlan(plan: TrainingPlan, time: number): void {
    this.plan = { plan, time };
  }

  update(step: number, latest: { [key: string]: number }): void {
    Object.assign(this.latest, latest);
    const now = this.now();
    if (!this.io.stderrIsTTY && now - this.lastPrinted < 1000) {
      this.skipped = { step, time: now };
      return;
    }
    this.skipped = null;
    this.lastPrinted = now;
    const line = `run ${this.runId} · ${this.describe(step, now)}`;
    if (this.io.stderrIsTTY) {
      this.io.stderr(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else {
      this.io.stderr(`${line}\n`);
    }
  }

  private describe(step: number, now: number): string {
    const values = Object.entries(this.latest).filter(([k]) => !/(^|\.)lr$/.test(k)).slice(0, SHOWN_VALUES)
      .map(([k, v]) => `${k} ${formatNumber(v)}`);
    if (this.plan === null) return [`step ${step}`, ...values, `${((now - this.startedAt) / 1000).toFixed(1)}s`].join(' · ');
    return [formatProgressLine(computeProgress(this.plan.plan, this.plan.time, step, now)), ...values].join(' · ');
  }

  note(message: string): void {
    this.end();
    this.io.stderr(`${message}\n`);
  }

  end(): void {
    if (this.skipped !== null) this.io.stderr(`run ${this.runId} · ${this.describe(this.skipped.step, this.skipped.time)}\n`);
    this.skipped = null;
    if (this.drawn) this.io.stderr('\n');
    this.drawn = false;
  }
}
