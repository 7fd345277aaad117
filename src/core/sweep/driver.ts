// The sweep driver: asks the sampler for trials, trains them through a RunPool at the sweep's
// parallelism, prunes weak ones on their per-epoch values, keeps to the budget, and writes its
// state with every trial and every event so another process can resume it after a crash.
// PBT members train in segments of `interval` epochs, each segment resuming the member's
// checkpoint (or a better member's, copied) with the member's current parameters.
import fs from 'node:fs';
import path from 'node:path';
import { HyperlabError, errorMessage } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { RunPool } from '../runner/pool.ts';
import { runDirectory } from '../runner/run-directory.ts';
import type { RunHandle, RunOutcome } from '../runner/types.ts';
import type { Params as ProtocolParams } from '../protocol/messages.ts';
import { bestTrial, createPbt, createPruner, createSampler, lossOf, materializeTrial } from '../search/index.ts';
import type { PbtController, Pruner, Sampler, SearchConfig, TrialRecord } from '../search/types.ts';
import { scriptLaunch } from '../producer/launch.ts';
import { flattenSpec, isProducerSpec, parseProducerSpec, parseSpec, type ProducerSpec, type Spec } from '../spec/index.ts';
import type { JsonObject, Store, Sweep, SweepTrial } from '../store/types.ts';
import { Emitter } from '../runner/emitter.ts';
import { trialRecord } from './objective.ts';
import { hostName, isAlive, killOrphan } from './owner.ts';
import type { BestTrial, DriverState, PbtMemberState, SweepDriverOptions, SweepEvents, SweepOutcome } from './types.ts';

const PRUNE_PREFIX = 'pruned: ';

/** The reason orphan repair gives a run whose supervising process is gone (VS Code's and the core's wording). */
const ORPHANED = /process (that ran it )?.*is gone|its process is gone/;

export class SweepDriver {
  private readonly store: Store;
  private readonly sweepId: number;
  private readonly options: SweepDriverOptions;
  private readonly logger: Logger;
  private readonly events: Emitter<SweepEvents>;
  private sweep!: Sweep;
  private config!: SearchConfig;
  private baseSpec!: Spec;
  /** A spec with a producer section: each trial runs its script with the sampled values in HYPERLAB_PARAMS. */
  private script: ProducerSpec | null = null;
  private state!: DriverState;
  private sampler: Sampler | null = null;
  private pbt: PbtController | null = null;
  private pruner: Pruner | null = null;
  private pool: RunPool | null = null;
  /** Trials waiting to (re)start: interrupted ones first, then PBT members between segments. */
  private readonly pending: SweepTrial[] = [];
  /** Trials a dead driver left running as cluster jobs that still run: followed again, not restarted. */
  private readonly reattached = new Map<number, { trial: SweepTrial; handle: RunHandle }>();
  private readonly active = new Map<number, { trial: SweepTrial; judgedStep: number }>();
  private readonly pruning = new Map<number, { step: number; reason: string }>();
  /** Ended trials' records never change: kept so pruning reads the store only for running ones. */
  private readonly ended = new Map<number, TrialRecord>();
  private exhausted = false;
  private stopping: string | null = null;
  private startedAt = 0;
  private elapsedBase = 0;
  private timer: NodeJS.Timeout | null = null;
  private finished: Promise<SweepOutcome> | null = null;
  private readonly hashing: Promise<unknown>[] = [];
  private resolveFinished!: (outcome: SweepOutcome) => void;

  constructor(options: SweepDriverOptions) {
    this.options = options;
    this.store = options.store;
    this.sweepId = options.sweepId;
    this.logger = options.logger ?? silentLogger;
    this.events = new Emitter<SweepEvents>((error) => this.logger.log('error', `sweep ${this.sweepId}: event listener failed: ${errorMessage(error)}`));
  }

  on<K extends keyof SweepEvents>(event: K, listener: (payload: SweepEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** Runs the sweep until its budget is spent, its space exhausted, or stop() is called. Call once. */
  run(): Promise<SweepOutcome> {
    if (this.finished) return this.finished;
    this.finished = new Promise<SweepOutcome>((resolve) => { this.resolveFinished = resolve; });
    try {
      this.begin();
    } catch (error) {
      this.finished = null;
      this.abandon(error);
      throw error;
    }
    return this.finished;
  }

  /** Stops the running trials (they are re-queued, not lost) and ends the sweep 'stopped', resumable. */
  stop(reason = 'stopped by the user'): void {
    if (this.stopping !== null || !this.pool) return;
    this.stopping = reason;
    this.logger.log('info', `sweep ${this.sweepId}: stopping (${reason})`);
    for (const runId of this.active.keys()) this.stopTrial(runId, `sweep ${reason}`);
    if (this.active.size === 0) this.finish();
  }

  /** A start that failed after taking the sweep: give it up, so no one waits on a live owner. */
  private abandon(error: unknown): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    try {
      if (this.store.sweeps.get(this.sweepId)?.ownerPid === process.pid) {
        this.store.sweeps.update(this.sweepId, { status: 'failed', reason: errorMessage(error), ownerPid: null, ownerHost: null });
      }
    } catch (writeError) {
      this.logger.log('warn', `sweep ${this.sweepId}: ${errorMessage(writeError)}`);
    }
    void this.pool?.stopAll('the sweep failed to start');
    this.pool = null;
  }

  // ---- start, resume ----

  private begin(): void {
    const sweep = this.store.sweeps.get(this.sweepId);
    if (!sweep) throw new HyperlabError('RUN_NOT_FOUND', `there is no sweep with id ${this.sweepId}`, 'List sweeps with `hyperlab sweeps ls`.');
    if (sweep.status === 'running' && sweep.ownerPid !== null && sweep.ownerPid !== process.pid && sweep.ownerHost === hostName() && isAlive(sweep.ownerPid)) {
      throw new HyperlabError('USAGE', `sweep ${sweep.id} is being run by process ${sweep.ownerPid}`,
        `Stop it first (hyperlab sweep stop ${sweep.id}), or wait for it to end.`);
    }
    if (sweep.spec === null) throw new HyperlabError('SEARCH_STATE', `sweep ${sweep.id} has no stored spec (created by an older Hyperlab)`, 'Start a new sweep from its spec file.');
    this.sweep = sweep;
    this.config = sweep.config as unknown as SearchConfig;
    if (isProducerSpec(sweep.spec)) this.script = parseProducerSpec(sweep.spec);
    else this.baseSpec = parseSpec(sweep.spec);
    this.state = readState(sweep.state);
    if (this.config.method === 'pbt') this.pbt = createPbt(this.config, this.state.sampler);
    else this.sampler = createSampler(this.config, this.state.sampler);
    this.pruner = this.config.method === 'pbt' ? null : createPruner(this.config);
    this.elapsedBase = sweep.elapsedMs;
    // A new sweep's time budget runs from its creation (what `sweeps ls` and the user see), not
    // from the moment this driver got going; a resumed one adds to the time it had already spent.
    const fresh = sweep.elapsedMs === 0 && this.store.sweeps.trials(this.sweepId).length === 0;
    this.startedAt = fresh ? Math.min(Date.now(), sweep.createdAt) : Date.now();
    this.sweep = this.store.sweeps.update(this.sweepId, { status: 'running', reason: null, ownerPid: process.pid, ownerHost: hostName(), heartbeatAt: Date.now(), endedAt: null });
    this.recover();
    this.pool = new RunPool({
      store: this.store, parallelism: Math.max(1, this.sweep.parallelism), logger: this.logger,
      ...(this.options.limits ? { limits: this.options.limits } : {}), ...(this.options.executor ? { executor: this.options.executor } : {}),
    });
    this.pool.on('started', ({ runId, handle }) => this.watch(runId, handle));
    for (const { trial, handle } of this.reattached.values()) this.follow(trial, handle);
    this.timer = setInterval(() => this.heartbeat(), this.options.pollMs ?? 1000);
    this.timer.unref();
    this.fill();
  }

  /** Trials a dead driver left queued or running (or failed as orphans) go back in the queue, their producers killed. */
  private recover(): void {
    const argv = this.script ? [this.script.producer.command, ...this.script.producer.args] : this.options.command.argv;
    const program = argv[argv.length - 1];
    for (const trial of this.store.sweeps.trials(this.sweepId)) {
      // A trial failed only because its supervisor died (another process's orphan repair got to
      // it first) was interrupted, not tried: it runs again like a trial left 'running'.
      const orphaned = trial.status === 'failed' && ORPHANED.test(trial.reason ?? '');
      // Orphan repair (any process opening the store) may already have put a running trial back in the queue.
      const requeuedByRepair = trial.status === 'queued' && trial.startedAt !== null;
      if (trial.status !== 'queued' && trial.status !== 'running' && !orphaned) {
        this.ended.set(trial.number, trialRecord(this.store, trial, this.config.objective));
        continue;
      }
      // A cluster job outlives its driver: follow it again rather than start the trial over.
      const handle = this.options.executor?.attach?.(trial.runId);
      if (handle) {
        this.reattached.set(trial.runId, { trial, handle });
        this.logger.log('info', `sweep ${this.sweepId}: trial ${trial.number} (run ${trial.runId}) still runs as a cluster job: followed again`);
        continue;
      }
      const run = this.store.getRun(trial.runId);
      if (trial.status === 'running' && run?.pid) killOrphan(run.pid, program);
      const isPbt = this.config.method === 'pbt';
      this.store.sweeps.requeueTrial(trial.runId, isPbt);
      const again = { ...trial, status: 'queued' as const };
      this.pending.push(again);
      if (trial.status === 'running' || orphaned || requeuedByRepair) {
        this.events.emit('trial-requeued', { sweepId: this.sweepId, number: trial.number, runId: trial.runId, reason: 'its driver ended while it ran' });
        this.logger.log('info', `sweep ${this.sweepId}: trial ${trial.number} (run ${trial.runId}) was interrupted; it runs again${isPbt ? ' from its last checkpoint' : ''}`);
      }
    }
  }

  // ---- the loop ----

  private fill(): void {
    const limit = this.pool!.parallelism;
    while (this.stopping === null && this.active.size < limit) {
      const trial = this.pbt ? this.askNew() ?? this.behindmost() : this.pending.shift() ?? this.askNew();
      if (!trial) break;
      this.launch(trial);
    }
    if (this.active.size === 0) this.finish();
  }

  /**
   * PBT: the waiting member with the fewest epochs trained, so a population larger than the
   * parallelism advances together and members are compared at about the same epoch.
   */
  private behindmost(): SweepTrial | null {
    if (this.pending.length === 0) return null;
    const epochOf = (t: SweepTrial) => this.state.members?.[String(t.number)]?.epoch ?? 0;
    let index = 0;
    this.pending.forEach((t, i) => { if (epochOf(t) < epochOf(this.pending[index]!)) index = i; });
    return this.pending.splice(index, 1)[0]!;
  }

  private trialCount(): number {
    return this.state.nextNumber;
  }

  private timeUp(): boolean {
    const seconds = this.sweep.budgetSeconds;
    return seconds !== null && this.elapsedMs() >= seconds * 1000;
  }

  private budgetTrials(): number | null {
    if (this.config.method === 'pbt') return this.config.pbt.populationSize;
    return this.sweep.budgetTrials;
  }

  private askNew(): SweepTrial | null {
    const budget = this.budgetTrials();
    if (this.exhausted || this.timeUp() || (budget !== null && this.trialCount() >= budget)) return null;
    const history = this.history();
    let params;
    try {
      params = this.pbt ? this.pbt.ask(history) : this.sampler!.ask(history);
    } catch (error) {
      if (error instanceof HyperlabError && error.code === 'SEARCH_EXHAUSTED') {
        this.exhausted = true;
        this.logger.log('info', `sweep ${this.sweepId}: ${error.message}`);
        return null;
      }
      throw error;
    }
    const number = this.state.nextNumber;
    const next: DriverState = { ...this.state, sampler: (this.pbt ?? this.sampler)!.state(), nextNumber: number + 1 };
    if (this.pbt) next.members = { ...next.members, [String(number)]: { params, epoch: 0, checkpoint: null, history: [] } };
    // A script's trial records the params its script reports, not the values it was sent.
    let runParams: JsonObject = this.script ? {} : params as JsonObject;
    if (!this.script) {
      try {
        runParams = flattenSpec(materializeTrial(this.baseSpec, params, this.config)) as JsonObject;
        delete runParams['search'];
      } catch {
        // launch() fails the trial with the reason; the run still records what was asked
      }
    }
    const trial = this.store.sweeps.addTrial(this.sweepId, { number, params: params as JsonObject, runParams }, next as unknown as JsonObject);
    this.state = next;
    return trial;
  }

  private trialSpec(trial: SweepTrial): Spec {
    const member = this.state.members?.[String(trial.number)];
    const params = member ? member.params : (trial.params as TrialRecord['params']);
    const spec = materializeTrial(this.baseSpec, params, this.config) as Spec & { search?: unknown };
    delete spec.search;
    if (member) {
      spec.train.epochs = Math.min(this.baseSpec.train.epochs, member.epoch + this.config.pbt.interval);
      spec.train.checkpoint = { ...spec.train.checkpoint, dir: null, last: true, resumeFrom: member.checkpoint };
    }
    return spec;
  }

  private launch(trial: SweepTrial): void {
    if (this.script) return this.launchScript(trial, this.script);
    let spec: Spec;
    try {
      spec = this.trialSpec(trial);
    } catch (error) {
      // A point the spec rejects (e.g. a layer field that does not exist) fails that trial only.
      this.store.endRun(trial.runId, 'failed', `its parameters make an invalid spec: ${errorMessage(error)}`);
      this.afterEnd(trial, { runId: trial.runId, status: 'failed', reason: errorMessage(error), summary: null, exitCode: null, signal: null, points: 0, protocolErrors: 0, droppedLogLines: 0, recorded: true });
      return;
    }
    this.active.set(trial.runId, { trial, judgedStep: -Infinity });
    const command = { ...this.options.command, cwd: this.options.command.cwd ?? (this.sweep.specPath ? path.dirname(this.sweep.specPath) : process.cwd()), ownProcessGroup: true };
    const pooled = this.pool!.submit({
      run: { runId: trial.runId }, command,
      start: { spec: spec as unknown as ProtocolParams, overrides: {}, seed: spec.train.seed },
    });
    const member = this.state.members?.[String(trial.number)];
    this.events.emit('trial-started', { sweepId: this.sweepId, number: trial.number, runId: trial.runId, params: member?.params ?? (trial.params as TrialRecord['params']), segment: member ? member.epoch : 0 });
    pooled.done.then((outcome) => this.onEnded(trial, outcome), (error: unknown) => {
      this.logger.log('error', `sweep ${this.sweepId}: trial ${trial.number}: ${errorMessage(error)}`);
    });
  }

  /** A reattached trial: active like one the pool started, ended through the same path. */
  private follow(trial: SweepTrial, handle: RunHandle): void {
    this.active.set(trial.runId, { trial, judgedStep: -Infinity });
    this.watch(trial.runId, handle);
    handle.done.then((outcome) => {
      this.reattached.delete(trial.runId);
      this.onEnded(trial, outcome);
    }, (error: unknown) => this.logger.log('error', `sweep ${this.sweepId}: trial ${trial.number}: ${errorMessage(error)}`));
  }

  private stopTrial(runId: number, reason: string): void {
    const reattached = this.reattached.get(runId);
    if (reattached) reattached.handle.stop(reason);
    else this.pool?.stop(runId, reason);
  }

  /** A trial of a producer spec: its script, with the spec's config and the trial's values as HYPERLAB_PARAMS. */
  private launchScript(trial: SweepTrial, script: ProducerSpec): void {
    const params = trial.params as TrialRecord['params'];
    let launch;
    try {
      launch = scriptLaunch({
        spec: script, specPath: this.sweep.specPath ?? path.join(process.cwd(), 'sweep.hyperlab.json'), overrides: params,
        env: this.options.command.env ?? process.env, clientDir: this.options.clientDir ?? null,
      });
    } catch (error) {
      this.store.endRun(trial.runId, 'failed', `its parameters make an invalid config: ${errorMessage(error)}`);
      this.afterEnd(trial, { runId: trial.runId, status: 'failed', reason: errorMessage(error), summary: null, exitCode: null, signal: null, points: 0, protocolErrors: 0, droppedLogLines: 0, recorded: true });
      return;
    }
    this.active.set(trial.runId, { trial, judgedStep: -Infinity });
    const pooled = this.pool!.submit({ run: { runId: trial.runId }, command: launch.command, start: launch.start, plainCommandMayFinish: true });
    this.events.emit('trial-started', { sweepId: this.sweepId, number: trial.number, runId: trial.runId, params, segment: 0 });
    pooled.done.then((outcome) => this.onEnded(trial, outcome), (error: unknown) => {
      this.logger.log('error', `sweep ${this.sweepId}: trial ${trial.number}: ${errorMessage(error)}`);
    });
  }

  private watch(runId: number, handle: RunHandle): void {
    // The sweep's outcome waits for its trials' artifact hashes: the caller may close the store then.
    this.hashing.push(handle.artifactsHashed.catch(() => undefined));
    handle.on('metrics', (event) => {
      const entry = this.active.get(runId);
      if (!entry || this.pruning.has(runId)) return;
      const metric = this.config.objective.metric;
      if (!(metric in event.latest) && !(`epoch.${metric}` in event.latest)) return;
      this.judge(entry);
    });
  }

  /**
   * On each new per-epoch value of the objective: report it, and ask the pruner. Values that
   * arrive together (a fast epoch, one store flush) are judged one at a time, as if each had
   * arrived alone, so no rung is skipped.
   */
  private judge(entry: { trial: SweepTrial; judgedStep: number }): void {
    const record = trialRecord(this.store, { ...entry.trial, status: 'running' }, this.config.objective);
    const fresh = record.intermediate.filter((point) => point.step > entry.judgedStep);
    if (fresh.length === 0) return;
    const others = this.pruner && this.stopping === null ? this.history().filter((t) => t.number !== record.number) : [];
    for (const point of fresh) {
      entry.judgedStep = point.step;
      this.events.emit('trial-report', { sweepId: this.sweepId, number: entry.trial.number, runId: entry.trial.runId, step: point.step, value: point.value });
      if (!this.pruner || this.stopping !== null) continue;
      const upTo = { ...record, intermediate: record.intermediate.filter((p) => p.step <= point.step) };
      const decision = this.pruner.shouldPrune(upTo, [...others, upTo]);
      if (!decision.prune) continue;
      this.pruning.set(entry.trial.runId, { step: point.step, reason: decision.reason });
      this.logger.log('info', `sweep ${this.sweepId}: pruning trial ${entry.trial.number} (run ${entry.trial.runId}): ${decision.reason}`);
      this.stopTrial(entry.trial.runId, `${PRUNE_PREFIX}${decision.reason}`);
      return;
    }
  }

  private onEnded(trial: SweepTrial, outcome: RunOutcome): void {
    this.active.delete(trial.runId);
    try {
      this.afterEnd(trial, outcome);
    } catch (error) {
      this.logger.log('error', `sweep ${this.sweepId}: after trial ${trial.number}: ${errorMessage(error)}`);
    }
    try {
      this.fill();
    } catch (error) {
      this.logger.log('error', `sweep ${this.sweepId}: ${errorMessage(error)}`);
      this.stopping ??= `failed: ${errorMessage(error)}`;
      if (this.active.size === 0) this.finish();
    }
  }

  private afterEnd(trial: SweepTrial, outcome: RunOutcome): void {
    const pruned = this.pruning.get(trial.runId);
    if (this.stopping !== null && outcome.status === 'killed' && !pruned) {
      // Stopped with the sweep: it runs again when the sweep resumes.
      this.store.sweeps.requeueTrial(trial.runId, this.config.method === 'pbt');
      this.events.emit('trial-requeued', { sweepId: this.sweepId, number: trial.number, runId: trial.runId, reason: this.stopping });
      this.saveProgress();
      return;
    }
    if (pruned && outcome.status === 'killed') {
      this.store.sweeps.markPruned(trial.runId, `${PRUNE_PREFIX}${pruned.reason}`);
      this.events.emit('trial-pruned', { sweepId: this.sweepId, number: trial.number, runId: trial.runId, step: pruned.step, reason: pruned.reason });
    }
    this.pruning.delete(trial.runId);
    if (this.pbt && outcome.status === 'finished' && this.nextSegment(trial)) {
      this.saveProgress();
      return;
    }
    const ended = this.store.sweeps.trials(this.sweepId).find((t) => t.runId === trial.runId) ?? trial;
    const record = trialRecord(this.store, ended, this.config.objective);
    this.ended.set(trial.number, record);
    const best = this.best();
    this.events.emit('trial-ended', { sweepId: this.sweepId, number: trial.number, runId: trial.runId, status: ended.status, value: record.value, reason: ended.reason, best });
    this.saveProgress();
  }

  // ---- PBT ----

  /** After a member's segment: exploit/explore, then queue its next segment. False when it is done. */
  private nextSegment(trial: SweepTrial): boolean {
    const key = String(trial.number);
    const member = this.state.members?.[key];
    if (!member) return false;
    const epoch = Math.min(this.baseSpec.train.epochs, member.epoch + this.config.pbt.interval);
    const dir = runDirectory(this.store.path, trial.runId);
    const last = path.join(dir, 'last.safetensors');
    // Each segment's end is kept under its own name: the next segment overwrites last.safetensors,
    // and another member may copy this one meanwhile.
    const snapshot = path.join(dir, `pbt-epoch-${epoch}.safetensors`);
    if (fs.existsSync(last)) fs.copyFileSync(last, snapshot);
    let next: PbtMemberState = { ...member, epoch, checkpoint: fs.existsSync(snapshot) ? snapshot : member.checkpoint };
    if (epoch >= this.baseSpec.train.epochs) {
      this.state = { ...this.state, members: { ...this.state.members, [key]: next } };
      return false;
    }
    const record = trialRecord(this.store, { ...trial, status: 'running' }, this.config.objective);
    record.params = member.params;
    const population = this.populationRecords(trial.number, record);
    const decision = this.pbt!.decide(record, population);
    if (decision.kind === 'exploit') {
      const source = this.state.members?.[String(decision.source)];
      if (source?.checkpoint) {
        const copy = path.join(dir, `pbt-epoch-${epoch}-from-${decision.source}.safetensors`);
        fs.copyFileSync(source.checkpoint, copy);
        const change = Object.entries(decision.perturbed).map(([p, how]) => `${p} ${how}`).join(', ');
        next = { params: decision.params, epoch, checkpoint: copy, history: [...member.history, `epoch ${epoch}: copied member ${decision.source} (${change})`] };
        this.store.appendLog(trial.runId, [{ stream: 'protocol', text: `[pbt] after epoch ${epoch}: copied member ${decision.source}'s checkpoint; ${JSON.stringify(decision.params)} (${change})`, time: Date.now() }]);
        this.events.emit('pbt-exploit', { sweepId: this.sweepId, number: trial.number, runId: trial.runId, source: decision.source, epoch, params: decision.params, perturbed: decision.perturbed });
        this.logger.log('info', `sweep ${this.sweepId}: member ${trial.number} copies member ${decision.source} after epoch ${epoch} (${change})`);
      }
    }
    this.state = { ...this.state, members: { ...this.state.members, [key]: next } };
    this.store.sweeps.requeueTrial(trial.runId, true);
    this.pending.push({ ...trial, status: 'queued' });
    return true;
  }

  private populationRecords(self: number, own: TrialRecord): TrialRecord[] {
    return this.store.sweeps.trials(this.sweepId).map((t) => {
      if (t.number === self) return own;
      const record = trialRecord(this.store, t, this.config.objective);
      const member = this.state.members?.[String(t.number)];
      // between segments a member's run reads 'finished' or 'queued', but it is still training
      const done = member !== undefined && member.epoch >= this.baseSpec.train.epochs && t.status === 'finished';
      return { ...record, params: member?.params ?? record.params, state: done ? 'complete' : record.state === 'complete' ? 'running' : record.state };
    });
  }

  // ---- bookkeeping ----

  private history(): TrialRecord[] {
    return this.store.sweeps.trials(this.sweepId).map((t) => {
      const known = this.ended.get(t.number);
      if (known && t.status !== 'queued' && t.status !== 'running') return known;
      return trialRecord(this.store, t, this.config.objective);
    });
  }

  private best(): BestTrial | null {
    const records = [...this.ended.values()];
    const best = bestTrial(records, this.config.objective.direction);
    if (!best || !Number.isFinite(lossOf(best, this.config.objective.direction))) return null;
    const trial = this.store.sweeps.trials(this.sweepId).find((t) => t.number === best.number);
    const member = this.state.members?.[String(best.number)];
    return { number: best.number, runId: trial?.runId ?? -1, value: best.value!, params: member?.params ?? best.params };
  }

  private elapsedMs(): number {
    return this.elapsedBase + (Date.now() - this.startedAt);
  }

  private saveProgress(): void {
    this.store.sweeps.update(this.sweepId, { state: this.state as unknown as JsonObject, elapsedMs: this.elapsedMs(), heartbeatAt: Date.now() });
    this.events.emit('progress', {
      sweepId: this.sweepId, ended: this.ended.size, running: this.active.size, budget: this.budgetTrials(),
      best: this.best(), elapsedMs: this.elapsedMs(),
    });
  }

  private heartbeat(): void {
    try {
      const row = this.store.sweeps.get(this.sweepId);
      if (row?.status === 'stopped' && this.stopping === null) {
        this.stop(row.reason ?? 'stop requested');
        return;
      }
      this.store.sweeps.update(this.sweepId, { elapsedMs: this.elapsedMs(), heartbeatAt: Date.now() });
      // the time budget also ends trials that would run past it
      if (this.timeUp() && this.active.size > 0 && this.stopping === null) {
        this.logger.log('info', `sweep ${this.sweepId}: the time budget is spent; no new trial starts`);
      }
    } catch (error) {
      this.logger.log('warn', `sweep ${this.sweepId}: heartbeat: ${errorMessage(error)}`);
    }
  }

  private finish(): void {
    if (!this.finished || !this.pool || this.active.size > 0) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const stopped = this.stopping !== null;
    const failed = this.stopping?.startsWith('failed: ') === true;
    const reason = stopped ? this.stopping : this.exhausted ? 'every cell of the grid was tried' : this.timeUp() ? 'the time budget was spent' : null;
    const status = failed ? 'failed' : stopped ? 'stopped' : 'finished';
    const elapsedMs = this.elapsedMs();
    this.store.sweeps.update(this.sweepId, {
      status, reason, state: this.state as unknown as JsonObject, elapsedMs, ownerPid: null, ownerHost: null,
      heartbeatAt: Date.now(), endedAt: status === 'finished' ? Date.now() : null,
    });
    const trials = this.store.sweeps.trials(this.sweepId);
    const byStatus: SweepOutcome['byStatus'] = {};
    for (const t of trials) byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
    const outcome: SweepOutcome = { sweepId: this.sweepId, status, reason, trials: trials.length, byStatus, best: this.best(), elapsedMs };
    const resolve = this.resolveFinished;
    this.pool = null;
    this.events.emit('ended', outcome);
    void Promise.allSettled(this.hashing).then(() => resolve(outcome));
  }
}

function readState(value: unknown): DriverState {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return { sampler: null, nextNumber: 0 };
  const raw = value as Partial<DriverState>;
  return {
    sampler: raw.sampler ?? null,
    nextNumber: typeof raw.nextNumber === 'number' ? raw.nextNumber : 0,
    ...(raw.members ? { members: raw.members } : {}),
  };
}
