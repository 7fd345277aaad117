// Runs up to N producers at once; the rest wait in the store as 'queued' runs, first come first
// served. Stopping a queued run ends it 'killed' without starting it.
import { HyperlabError, errorMessage } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { NewRun, Store } from '../store/types.ts';
import { Emitter } from './emitter.ts';
import { localExecutor, type RunExecutor } from './executor.ts';
import type { ProducerCommand, RunEvents, RunHandle, RunnerLimits, RunOutcome, StartPayload } from './types.ts';

export interface RunPoolOptions {
  store: Store;
  /** Producers alive at once (≥ 1). */
  parallelism: number;
  logger?: Logger;
  limits?: Partial<RunnerLimits>;
  /** Where the runs' producers run: local processes (default) or SLURM jobs; parallelism is the jobs in flight. */
  executor?: RunExecutor;
}

export interface RunRequest {
  /** A new run to create (queued), or the id of one already in the store. */
  run: NewRun | { runId: number };
  command: ProducerCommand;
  start?: StartPayload;
  timeoutMs?: number;
  stopOnDivergence?: boolean;
  /** As StartRunOptions.plainCommandMayFinish (a spec's own script that never speaks the protocol). */
  plainCommandMayFinish?: boolean;
}

export interface PooledRun {
  readonly runId: number;
  /** Stops it if running, or ends it 'killed' if still queued. */
  stop(reason?: string): void;
  readonly done: Promise<RunOutcome>;
}

export interface PoolEvents {
  [name: string]: unknown;
  started: { runId: number; handle: RunHandle };
  ended: RunOutcome;
  status: RunEvents['status'];
}

interface Entry {
  runId: number;
  request: RunRequest;
  handle: RunHandle | undefined;
  resolve: (outcome: RunOutcome) => void;
  done: Promise<RunOutcome>;
}

export class RunPool {
  private readonly store: Store;
  private readonly logger: Logger;
  private readonly limits: Partial<RunnerLimits> | undefined;
  private readonly queue: Entry[] = [];
  private readonly active = new Map<number, Entry>();
  private readonly events: Emitter<PoolEvents>;
  private limit: number;
  private readonly executor: RunExecutor;

  constructor(options: RunPoolOptions) {
    this.store = options.store;
    this.executor = options.executor ?? localExecutor;
    this.logger = options.logger ?? silentLogger;
    this.limits = options.limits;
    this.limit = checkParallelism(options.parallelism);
    this.events = new Emitter<PoolEvents>((error) => this.logger.log('error', `run pool listener failed: ${errorMessage(error)}`));
  }

  get parallelism(): number { return this.limit; }
  get runningCount(): number { return this.active.size; }
  get queuedCount(): number { return this.queue.length; }
  runningIds(): number[] { return [...this.active.keys()]; }
  handle(runId: number): RunHandle | undefined { return this.active.get(runId)?.handle; }

  setParallelism(parallelism: number): void {
    this.limit = checkParallelism(parallelism);
    this.pump();
  }

  on<K extends keyof PoolEvents>(event: K, listener: (payload: PoolEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  submit(request: RunRequest): PooledRun {
    const runId = 'runId' in request.run ? request.run.runId : this.store.createRun(request.run).id;
    let resolve!: (outcome: RunOutcome) => void;
    const done = new Promise<RunOutcome>((r) => { resolve = r; });
    const entry: Entry = { runId, request, handle: undefined, resolve, done };
    this.queue.push(entry);
    this.pump();
    return { runId, done, stop: (reason) => this.stop(runId, reason) };
  }

  stop(runId: number, reason = 'stopped by the user'): boolean {
    const running = this.active.get(runId);
    if (running) {
      running.handle?.stop(reason);
      return true;
    }
    const index = this.queue.findIndex((entry) => entry.runId === runId);
    if (index === -1) return false;
    const [entry] = this.queue.splice(index, 1);
    this.endQueued(entry!, reason);
    return true;
  }

  /** Ends every queued run and stops every running one; resolves when all have ended. */
  async stopAll(reason = 'stopped by the user'): Promise<RunOutcome[]> {
    const waiting = [...this.queue, ...this.active.values()].map((entry) => entry.done);
    for (const entry of this.queue.splice(0)) this.endQueued(entry, reason);
    for (const entry of this.active.values()) entry.handle?.stop(reason);
    return Promise.all(waiting);
  }

  /** Resolves once nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.queue.length > 0 || this.active.size > 0) {
      await Promise.all([...this.queue, ...this.active.values()].map((entry) => entry.done));
    }
  }

  private endQueued(entry: Entry, reason: string): void {
    const outcome: RunOutcome = { runId: entry.runId, status: 'killed', reason: `${reason} before it started`, summary: null, exitCode: null, signal: null, points: 0, protocolErrors: 0, droppedLogLines: 0, recorded: true };
    try {
      this.store.endRun(entry.runId, outcome.status, outcome.reason);
    } catch (error) {
      outcome.recorded = false;
      this.logger.log('warn', `run ${entry.runId}: ${errorMessage(error)}`);
    }
    this.settle(entry, outcome);
  }

  /**
   * A queued run that another process (VS Code's Stop Run or Delete Run) ended or deleted while
   * it waited: settled as the store has it, never started (markRunning would revive it).
   */
  private endedElsewhere(entry: Entry): boolean {
    let run;
    try {
      run = this.store.getRun(entry.runId);
    } catch (error) {
      this.logger.log('warn', `run ${entry.runId}: ${errorMessage(error)}`);
      return false;
    }
    if (run?.status === 'queued') return false;
    const ended = run !== undefined && run.status !== 'running' ? run : undefined;
    const outcome: RunOutcome = {
      runId: entry.runId, status: ended ? (ended.status as RunOutcome['status']) : 'killed',
      reason: ended ? ended.reason : run ? 'started elsewhere while queued here' : 'deleted before it started',
      summary: null, exitCode: null, signal: null, points: 0, protocolErrors: 0, droppedLogLines: 0, recorded: ended !== undefined,
    };
    this.logger.log('info', `run ${entry.runId}: not started (${outcome.reason ?? outcome.status})`);
    this.settle(entry, outcome);
    return true;
  }

  private settle(entry: Entry, outcome: RunOutcome): void {
    entry.resolve(outcome);
    this.events.emit('status', { runId: outcome.runId, status: outcome.status, reason: outcome.reason });
    this.events.emit('ended', outcome);
  }

  private pump(): void {
    while (this.active.size < this.limit && this.queue.length > 0) {
      const entry = this.queue.shift()!;
      if (this.endedElsewhere(entry)) continue;
      const { request } = entry;
      const handle = this.executor.start({
        store: this.store, runId: entry.runId, command: request.command, logger: this.logger,
        ...(request.start ? { start: request.start } : {}),
        ...(this.limits ? { limits: this.limits } : {}),
        ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
        ...(request.stopOnDivergence !== undefined ? { stopOnDivergence: request.stopOnDivergence } : {}),
        ...(request.plainCommandMayFinish ? { plainCommandMayFinish: true } : {}),
      });
      entry.handle = handle;
      this.active.set(entry.runId, entry);
      handle.on('status', (event) => { if (event.status === 'running') this.events.emit('status', event); });
      this.events.emit('started', { runId: entry.runId, handle });
      handle.done.then((outcome) => {
        this.active.delete(entry.runId);
        this.settle(entry, outcome);
        this.pump();
      });
    }
  }
}

function checkParallelism(value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new HyperlabError('USAGE', `parallelism must be an integer ≥ 1, got ${value}`, 'Set hyperlab.parallelism (or the pool option) to 1 or more.');
  }
  return value;
}
