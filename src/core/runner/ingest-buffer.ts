// Collects what a producer reports and writes it to the store in batches: on a timer, as soon as
// a batch is full (so a flood cannot grow memory), and once more at the end of the run.
import type { LayerStat } from '../protocol/messages.ts';
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
  onWriteError: (error: unknown) => void;
}

const MAX_PENDING_LOG_LINES = 1000;
const MAX_PENDING_LAYER_STATS = 200;

export class IngestBuffer {
  private readonly options: IngestBufferOptions;
  private points: MetricPoint[] = [];
  private layerStats: { step: number; layers: LayerStat[] }[] = [];
  private logLines: Omit<LogLine, 'seq'>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private written = 0;

  constructor(options: IngestBufferOptions) {
    this.options = options;
  }

  /** Points written to the store so far. */
  get pointsWritten(): number {
    return this.written;
  }

  start(): void {
    this.timer ??= setInterval(() => this.flush(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }

  addPoints(points: readonly MetricPoint[]): void {
    for (const point of points) this.points.push(point);
    if (this.points.length >= this.options.maxPoints) this.flush();
  }

  addLayerStats(step: number, layers: LayerStat[]): void {
    this.layerStats.push({ step, layers });
    if (this.layerStats.length >= MAX_PENDING_LAYER_STATS) this.flush();
  }

  addLog(line: Omit<LogLine, 'seq'>): void {
    this.logLines.push(line);
    if (this.logLines.length >= MAX_PENDING_LOG_LINES) this.flush();
  }

  flush(): void {
    const { store, runId } = this.options;
    const points = this.points;
    const layerStats = this.layerStats;
    const logLines = this.logLines;
    this.points = [];
    this.layerStats = [];
    this.logLines = [];
    // Each kind is written on its own so one failing write (a full disk, a deleted run) is
    // reported without hiding the others.
    if (points.length > 0) {
      try {
        store.appendMetrics(runId, points);
        this.written += points.length;
        const latest: { [key: string]: number } = {};
        let lastStep = 0;
        for (const point of points) {
          latest[point.key] = point.value;
          if (point.step > lastStep) lastStep = point.step;
        }
        this.options.onFlushed({ points: this.written, lastStep, latest });
      } catch (error) {
        this.options.onWriteError(error);
      }
    }
    for (const { step, layers } of layerStats) {
      try {
        store.appendLayerStats(runId, step, layers);
      } catch (error) {
        this.options.onWriteError(error);
        break;
      }
    }
    if (logLines.length > 0) {
      try {
        store.appendLog(runId, logLines);
      } catch (error) {
        this.options.onWriteError(error);
      }
    }
  }
}
