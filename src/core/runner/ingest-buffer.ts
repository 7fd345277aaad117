// Collects what a producer reports and writes it to the store in batches: on a timer, as soon as
// a batch is full, and once more at the end of the run. Nothing is dropped silently:
// - a busy store (another process holds the write lock past SQLite's 5 s busy timeout) keeps
//   everything queued and is retried with backoff (BUSY_RETRY); while MAX_QUEUED_POINTS points
//   wait, the producer is paused (onBackpressure), so memory stays bounded and nothing is lost;
// - any other failed write (a full disk, a deleted run) is fatal: reported once (onFatal), the
//   points of the failed batch and every later one are counted as not stored, and
//   failureReason() says how many ("disk full: N points not stored").
import { errorMessage } from '../errors.ts';
import type { LayerStat } from '../protocol/messages.ts';
import { sqliteErrorKind } from '../store/sqlite-errors.ts';
import type { LogLine, MetricPoint, Store } from '../store/types.ts';

export interface FlushReport {
  points: number;
  lastStep: number;
  latest: { [key: string]: number };
}

export interface IngestBufferOptions {
  store: Store;
  runId: number;
  maxPoints: number;
  intervalMs: number;
  onFlushed: (report: FlushReport) => void;
  /** A write failed for good; called once with the store's own error. */
  onFatal: (error: unknown) => void;
  /** true: the queue is at its bound, stop reading the producer; false: there is room again. */
  onBackpressure?: (full: boolean) => void;
  /** Overrides of BUSY_RETRY (tests). */
  retry?: Partial<RetrySchedule>;
}

export interface RetrySchedule {
  /** Wait before the first retry; doubled after each busy attempt, up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** A store busy for this long without a single successful write fails the run. */
  giveUpMs: number;
}

/**
 * Between attempts: 50 ms, doubling to 2 s. Each attempt itself waits up to SQLite's busy timeout
 * (5 s) for the lock, so a held lock is retried about every 7 s, for up to 10 minutes.
 */
export const BUSY_RETRY: RetrySchedule = { firstDelayMs: 50, maxDelayMs: 2000, giveUpMs: 10 * 60_000 };

/** Points kept in memory while the store is busy (about 100 bytes each: ~20 MB). */
export const MAX_QUEUED_POINTS = 200_000;

const MAX_PENDING_LOG_LINES = 1000;
const MAX_PENDING_LAYER_STATS = 200;

export class IngestBuffer {
  private readonly options: IngestBufferOptions;
  private readonly retry: RetrySchedule;
  private points: MetricPoint[] = [];
  private layerStats: { step: number; layers: LayerStat[] }[] = [];
  private logLines: Omit<LogLine, 'seq'>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private busySince: number | null = null;
  private busyAttempts = 0;
  private paused = false;
  private written = 0;
  private notStored = 0;
  private failure: { message: string; full: boolean } | null = null;

  constructor(options: IngestBufferOptions) {
    this.options = options;
    this.retry = { ...BUSY_RETRY, ...options.retry };
  }

  /** Points written to the store so far. */
  get pointsWritten(): number {
    return this.written;
  }

  /** True while a busy store holds the queue back (the run's end waits for it). */
  get waiting(): boolean {
    return this.busySince !== null;
  }

  /** Why the run must fail because of the store, or null when every write succeeded. */
  failureReason(): string | null {
    if (!this.failure) return null;
    if (this.failure.full) return `disk full: ${this.notStored} points not stored`;
    return `${this.notStored} points not stored: the store failed: ${this.failure.message}`;
  }

  start(): void {
    this.timer ??= setInterval(() => this.flush(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Writes everything still queued, waiting out a busy store (up to BUSY_RETRY.giveUpMs). */
  async drain(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    for (;;) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      if (this.attempt() === 'done') return;
      await new Promise((resolve) => setTimeout(resolve, this.nextDelay()));
    }
  }

  addPoints(points: readonly MetricPoint[]): void {
    if (this.failure) {
      this.notStored += points.length;
      return;
    }
    for (const point of points) this.points.push(point);
    if (this.points.length >= MAX_QUEUED_POINTS && !this.paused) {
      this.paused = true;
      this.options.onBackpressure?.(true);
    }
    if (this.points.length >= this.options.maxPoints) this.flush();
  }

  addLayerStats(step: number, layers: LayerStat[]): void {
    if (this.failure) return;
    this.layerStats.push({ step, layers });
    if (this.layerStats.length >= MAX_PENDING_LAYER_STATS) this.flush();
  }

  addLog(line: Omit<LogLine, 'seq'>): void {
    if (this.failure) return;
    this.logLines.push(line);
    if (this.logLines.length >= MAX_PENDING_LOG_LINES) this.flush();
  }

  flush(): void {
    // A retry is scheduled: another attempt now would only wait out the lock again.
    if (this.retryTimer) return;
    if (this.attempt() === 'busy') {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.flush();
      }, this.nextDelay());
      this.retryTimer.unref();
    }
  }

  /** One pass over the queue: 'busy' when the store was locked and something still waits. */
  private attempt(): 'done' | 'busy' {
    const { store, runId, maxPoints } = this.options;
    try {
      while (this.points.length > 0) {
        const batch = this.points.length <= maxPoints ? this.points : this.points.slice(0, maxPoints);
        store.appendMetrics(runId, batch);
        this.points = batch === this.points ? [] : this.points.slice(batch.length);
        this.written += batch.length;
        this.report(batch);
      }
      while (this.layerStats.length > 0) {
        const { step, layers } = this.layerStats[0]!;
        store.appendLayerStats(runId, step, layers);
        this.layerStats.shift();
      }
      if (this.logLines.length > 0) {
        store.appendLog(runId, this.logLines);
        this.logLines = [];
      }
    } catch (error) {
      if (sqliteErrorKind(error) === 'busy') return this.onBusy(error);
      this.fail(error);
      return 'done';
    }
    this.busySince = null;
    this.busyAttempts = 0;
    if (this.paused) {
      this.paused = false;
      this.options.onBackpressure?.(false);
    }
    return 'done';
  }

  private onBusy(error: unknown): 'done' | 'busy' {
    const now = Date.now();
    this.busySince ??= now;
    this.busyAttempts++;
    if (now - this.busySince < this.retry.giveUpMs) return 'busy';
    this.fail(new Error(`the store stayed locked by another process for ${Math.round((now - this.busySince) / 1000)} s (${errorMessage(error)})`));
    return 'done';
  }

  private nextDelay(): number {
    return Math.min(this.retry.maxDelayMs, this.retry.firstDelayMs * 2 ** Math.max(0, this.busyAttempts - 1));
  }

  private fail(error: unknown): void {
    this.failure = { message: errorMessage(error), full: sqliteErrorKind(error) === 'full' };
    this.notStored += this.points.length;
    this.points = [];
    this.layerStats = [];
    this.logLines = [];
    this.busySince = null;
    if (this.paused) {
      this.paused = false;
      this.options.onBackpressure?.(false);
    }
    this.options.onFatal(error);
  }

  private report(batch: readonly MetricPoint[]): void {
    const latest: { [key: string]: number } = {};
    let lastStep = 0;
    for (const point of batch) {
      latest[point.key] = point.value;
      if (point.step > lastStep) lastStep = point.step;
    }
    this.options.onFlushed({ points: this.written, lastStep, latest });
  }
}
