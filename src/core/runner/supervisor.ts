// Supervises one producer process: spawns it with a protocol channel on fd 3, feeds what it
// reports into the store in batches, keeps stdout/stderr as the run's log, stops it on request
// (stop message, then SIGTERM, then SIGKILL), and always ends the run with a status and reason.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Duplex } from 'node:stream';
import { errorMessage } from '../errors.ts';
import { silentLogger } from '../log.ts';
import { LineSplitter } from '../protocol/lines.ts';
import { CHANNEL_FD, CHANNEL_FD_ENV, RUN_DIR_ENV, type HostMessage, type Params, type ProducerMessage, type RunIdentity } from '../protocol/messages.ts';
import { MAX_LINE_BYTES, helloVersionError, parseProducerLine, type RejectedKey } from '../protocol/parse.ts';
import { namedPlace, tagRecord } from '../protocol/run-identity.ts';
import { serializeMessage } from '../protocol/serialize.ts';
import { sqliteErrorKind } from '../store/sqlite-errors.ts';
import type { MetricPoint } from '../store/types.ts';
import { ArtifactGuard } from './artifact-guard.ts';
import { Emitter } from './emitter.ts';
import { writeEnd } from './end-writer.ts';
import { BUSY_RETRY, IngestBuffer } from './ingest-buffer.ts';
import { captureLog, type LogBudget } from './log-capture.ts';
import { runDirectory } from './run-directory.ts';
import { decideOutcome, isLossKey, type RunFacts } from './outcome.ts';
import { DEFAULT_RUNNER_LIMITS, type RunEvents, type RunHandle, type RunOutcome, type StartRunOptions } from './types.ts';

export function startRun(options: StartRunOptions): RunHandle {
  return new Supervisor(options).handle;
}

class Supervisor {
  readonly handle: RunHandle;
  private readonly options: StartRunOptions;
  private readonly limits = DEFAULT_RUNNER_LIMITS;
  private readonly logger;
  private readonly events: Emitter<RunEvents>;
  private readonly ingest: IngestBuffer;
  private readonly facts: RunFacts = {
    spawnError: null, storageFailure: null, stop: null, forcedWith: null, divergence: null, done: null,
    exitCode: null, signal: null, lastStderr: null, lastProducerError: null, protocolErrors: 0,
  };
  private readonly logBudget: LogBudget;
  private readonly splitters: LineSplitter[] = [];
  private readonly pendingArtifacts: Promise<void>[] = [];
  private readonly artifacts: ArtifactGuard;
  /** Invalid metric keys already logged: each is logged once, not once per line. */
  private readonly badKeysLogged = new Set<string>();
  private readonly pendingWrites: Promise<void>[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly initialParams: Params;
  private child: ChildProcess | undefined;
  private channel: Duplex | undefined;
  private helloSeen = false;
  private ended = false;
  private resolveDone!: (outcome: RunOutcome) => void;

  constructor(options: StartRunOptions) {
    this.options = options;
    this.limits = { ...DEFAULT_RUNNER_LIMITS, ...options.limits };
    this.logger = options.logger ?? silentLogger;
    this.events = new Emitter<RunEvents>((error) => this.logger.log('error', `run ${options.runId}: event listener failed: ${errorMessage(error)}`));
    this.logBudget = { remaining: this.limits.maxLogLines, dropped: 0 };
    this.initialParams = options.store.getRun(options.runId)?.params ?? {};
    this.ingest = new IngestBuffer({
      store: options.store,
      runId: options.runId,
      maxPoints: this.limits.flushPoints,
      intervalMs: this.limits.flushIntervalMs,
      retry: { giveUpMs: this.limits.storeBusyGiveUpMs },
      onFlushed: (report) => this.events.emit('metrics', { runId: options.runId, ...report }),
      onFatal: (error) => {
        this.warn(`could not write to the store: ${errorMessage(error)}`);
        this.requestStop('storage', 'the store failed');
      },
      // At the queue's bound (the store busy for a long while), the producer waits on its pipe.
      onBackpressure: (full) => (full ? this.channel?.pause() : this.channel?.resume()),
    });
    this.artifacts = new ArtifactGuard({
      runDir: runDirectory(options.store.path, options.runId),
      cwd: options.command.cwd ?? process.cwd(),
      limits: options.artifactLimits,
      record: (artifact) => options.store.addArtifact(options.runId, artifact).id,
      setHash: (id, sha256) => options.store.setArtifactHash(id, sha256),
      note: (text) => this.note(text),
    });
    const done = new Promise<RunOutcome>((resolve) => { this.resolveDone = resolve; });
    const self = this;
    this.handle = {
      runId: options.runId,
      get pid() { return self.child?.pid; },
      stop: (reason) => this.requestStop('user', reason ?? 'stopped by the user'),
      done,
      artifactsHashed: done.then(() => this.artifacts.settled()),
      on: (event, listener) => this.events.on(event, listener),
    };
    this.launch();
  }

  private launch(): void {
    const { command, runId, store } = this.options;
    const [program, ...args] = command.argv;
    if (!program) {
      this.facts.spawnError = 'the producer command is empty';
      queueMicrotask(() => void this.finish());
      return;
    }
    let child: ChildProcess;
    try {
      child = spawn(program, args, {
        cwd: command.cwd,
        env: { ...(command.env ?? process.env), [CHANNEL_FD_ENV]: String(CHANNEL_FD), [RUN_DIR_ENV]: runDirectory(store.path, runId) },
        stdio: [command.stdin ?? 'ignore', 'pipe', 'pipe', 'pipe'],
        windowsHide: true,
        detached: this.ownsGroup(),
      });
    } catch (error) {
      this.facts.spawnError = errorMessage(error);
      queueMicrotask(() => void this.finish());
      return;
    }
    this.child = child;
    child.on('error', (error) => {
      // Spawn failures (ENOENT, EACCES) arrive here with no pid; kill failures after exit are harmless.
      if (child.pid === undefined) this.facts.spawnError = error.message;
      else this.logger.log('warn', `run ${runId}: ${error.message}`);
    });
    if (child.pid !== undefined) {
      const pid = child.pid;
      this.storeWrite('the running status', () => {
        // The run may have ended meanwhile (a retry after a busy store): never revive it.
        if (!this.ended) store.markRunning(runId, pid);
      });
      // After the caller had a chance to subscribe to the handle it is about to receive.
      queueMicrotask(() => this.events.emit('status', { runId, status: 'running', reason: null }));
      this.logger.log('info', `run ${runId}: started ${command.argv.join(' ')} (pid ${child.pid})`);
    }
    this.ingest.start();
    this.attachChannel(child.stdio[3] as Duplex | null);
    this.attachLogs(child);
    this.send({ type: 'start', ...(this.options.start ?? { spec: {}, overrides: {}, seed: 0 }) });
    if (this.options.timeoutMs !== undefined) {
      const ms = this.options.timeoutMs;
      this.timer(ms, () => this.requestStop('timeout', `timed out after ${formatMs(ms)}`));
    }
    const helloMs = this.limits.helloTimeoutMs;
    this.timer(helloMs, () => {
      if (!this.helloSeen) this.requestStop('timeout', `the producer did not say hello within ${formatMs(helloMs)}`);
    });

    let closed = false;
    child.on('close', () => {
      closed = true;
      void this.finish();
    });
    child.on('exit', (code, signal) => {
      this.facts.exitCode = code;
      this.facts.signal = signal;
      // A grandchild that inherited the pipes can keep them open: do not wait for it forever.
      // While a busy store holds the channel paused, its unread lines are still to come: wait.
      const closeWait = () => this.timer(this.limits.closeWaitMs, () => {
        if (closed) return;
        if (this.ingest.waiting) return closeWait();
        for (const stream of [child.stdout, child.stderr, this.channel]) stream?.destroy();
        void this.finish();
      });
      closeWait();
    });
  }

  private attachChannel(channel: Duplex | null): void {
    if (!channel) return;
    this.channel = channel;
    channel.on('error', (error) => this.logger.log('debug', `run ${this.options.runId}: channel: ${error.message}`));
    const splitter = new LineSplitter(MAX_LINE_BYTES, {
      line: (text, invalidUtf8) => {
        if (text.trim() !== '') this.onLine(text, invalidUtf8);
      },
      overlong: (_head, bytes) => this.protocolError(`line of ${bytes} bytes exceeds the ${MAX_LINE_BYTES}-byte limit`),
    });
    this.splitters.push(splitter);
    channel.on('data', (chunk: Buffer) => splitter.push(chunk));
  }

  private attachLogs(child: ChildProcess): void {
    const emit = (line: { stream: 'stdout' | 'stderr'; text: string; time: number }) => {
      if (line.stream === 'stderr' && line.text.trim() !== '') this.facts.lastStderr = line.text.trim().slice(0, 300);
      this.ingest.addLog(line);
    };
    if (child.stdout) this.splitters.push(captureLog(child.stdout, 'stdout', this.limits.maxLogLineBytes, this.logBudget, emit));
    if (child.stderr) this.splitters.push(captureLog(child.stderr, 'stderr', this.limits.maxLogLineBytes, this.logBudget, emit));
  }

  private onLine(text: string, invalidUtf8: boolean): void {
    if (this.facts.stop?.cause === 'protocol') return; // already rejected: ignore the rest
    const parsed = parseProducerLine(text, { invalidUtf8 });
    if (!parsed.ok) {
      // A refused done leaves the run without one: its reason must say why, not only "no done".
      if (parsed.type === 'done') this.facts.lastProducerError = `its done message was refused: ${parsed.error}`.slice(0, 300);
      return this.protocolError(parsed.error);
    }
    const message = parsed.message;
    if (!this.helloSeen && message.type !== 'hello') return this.protocolError(`"${message.type}" before "hello": a producer must say hello first`);
    if (parsed.rejected) this.onRejectedKeys(parsed.rejected);
    this.onMessage(message);
  }

  private onMessage(message: ProducerMessage): void {
    const { store, runId } = this.options;
    switch (message.type) {
      case 'hello': {
        const versionError = helloVersionError(message);
        if (versionError) return this.requestStop('protocol', `rejected: ${versionError}`);
        this.helloSeen = true;
        if (message.run) this.fileAsNamed(message.run);
        return;
      }
      case 'params':
        return this.storeWrite('params', () => store.setParams(runId, { ...this.initialParams, ...message.params }));
      case 'plan': {
        const { type: _type, ...plan } = message;
        this.storeWrite('plan', () => store.setRunPlan(runId, plan));
        this.events.emit('plan', { runId, plan, time: Date.now() });
        return;
      }
      case 'metrics': {
        const points: MetricPoint[] = [];
        for (const [key, value] of Object.entries(message.values)) {
          points.push({ key, step: message.step, epoch: message.epoch ?? null, time: Math.round(message.time * 1000), value });
          if (!Number.isFinite(value) && isLossKey(key) && !this.facts.divergence) this.onDivergence(key, value, message.step);
        }
        this.ingest.addPoints(points);
        return;
      }
      case 'layerStats':
        return this.ingest.addLayerStats(message.step, message.layers);
      case 'artifact':
        // The guard takes artifacts one at a time, in order: the newest settles after every
        // earlier one, so it is the only one to wait for (a flood of messages holds one promise).
        this.pendingArtifacts.splice(0, this.pendingArtifacts.length, this.recordArtifact(message));
        return;
      case 'log':
        return this.ingest.addLog({ stream: 'protocol', text: `[${message.level}] ${message.message}`, time: Date.now() });
      case 'done':
        this.facts.done = message;
        return;
      case 'error':
        this.facts.lastProducerError = message.message.slice(0, 300);
        this.ingest.addLog({ stream: 'protocol', text: `[error] ${message.message}`, time: Date.now() });
        return;
    }
  }

  /** Metric values dropped for a bad key: the rest of their line was kept; each key is logged once. */
  private onRejectedKeys(rejected: readonly RejectedKey[]): void {
    for (const { key, reason } of rejected) {
      if (this.badKeysLogged.has(key) || this.badKeysLogged.size > this.limits.protocolErrorsLogged * 4) continue;
      this.badKeysLogged.add(key);
      const more = this.badKeysLogged.size > this.limits.protocolErrorsLogged * 4 ? ' (further invalid keys are not logged)' : '';
      this.note(`metric ${JSON.stringify(key.slice(0, 60))}: value dropped, the line's other values kept (said once per key): ${reason}${more}`);
    }
  }

  private onDivergence(key: string, value: number, step: number): void {
    this.facts.divergence = `${key} was ${String(value)} at step ${step}`;
    this.warn(`diverged: ${this.facts.divergence}`);
    if (this.options.stopOnDivergence !== false && !this.facts.done) this.requestStop('divergence', `diverged: ${this.facts.divergence}`);
  }

  /** Checks and records the artifact (quick: no read of its content); its hash follows in the background. */
  private async recordArtifact(message: Extract<ProducerMessage, { type: 'artifact' }>): Promise<void> {
    try {
      await this.artifacts.add(message.path, { kind: message.kind, meta: message.meta ?? null });
    } catch (error) {
      this.warn(`could not write artifact to the store: ${errorMessage(error)}`);
    }
  }

  /** A line in the run's log, and a warning. */
  private note(text: string): void {
    this.warn(text);
    this.ingest.addLog({ stream: 'protocol', text, time: Date.now() });
    // Past the run's end the batch timer is gone: write the line now.
    if (this.ended) this.ingest.flush();
  }

  private protocolError(error: string): void {
    const count = ++this.facts.protocolErrors;
    if (count <= this.limits.protocolErrorsLogged) {
      this.ingest.addLog({ stream: 'protocol', text: `invalid protocol line: ${error}`, time: Date.now() });
      this.warn(`invalid protocol line: ${error}`);
    }
    if (count === this.limits.maxProtocolErrors + 1) {
      this.requestStop('protocol', `more than ${this.limits.maxProtocolErrors} invalid protocol lines; the last: ${error}`);
    }
  }

  private requestStop(cause: NonNullable<RunFacts['stop']>['cause'], reason: string): void {
    if (this.ended || this.facts.stop) return;
    this.facts.stop = { cause, reason, doneBefore: this.facts.done !== null };
    this.logger.log('info', `run ${this.options.runId}: stopping (${reason})`);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.send({ type: 'stop', reason });
    this.timer(this.limits.stopGraceMs, () => this.escalate('SIGTERM'));
    this.timer(this.limits.stopGraceMs + this.limits.killGraceMs, () => this.escalate('SIGKILL'));
  }

  private escalate(signal: 'SIGTERM' | 'SIGKILL'): void {
    const child = this.child;
    if (this.ended || !child || child.exitCode !== null || child.signalCode !== null) return;
    this.facts.forcedWith = signal;
    // A producer in its own process group is signalled with its helpers (a shell's child,
    // data-loader workers): killing the leader alone would leave them running, holding its pipes.
    if (this.ownsGroup() && child.pid !== undefined) {
      try {
        process.kill(-child.pid, signal);
        return;
      } catch {
        // The group is gone already: signal the process itself.
      }
    }
    child.kill(signal);
  }

  private ownsGroup(): boolean {
    return this.options.command.ownProcessGroup === true && process.platform !== 'win32';
  }

  private send(message: HostMessage): void {
    const channel = this.channel;
    if (channel && !channel.destroyed && channel.writable) channel.write(serializeMessage(message));
  }

  private async finish(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const splitter of this.splitters) splitter.end();
    await Promise.allSettled(this.pendingArtifacts);
    await Promise.allSettled(this.pendingWrites);
    if (this.logBudget.dropped > 0) {
      this.ingest.addLog({ stream: 'protocol', text: `${this.logBudget.dropped} log lines dropped (limit ${this.limits.maxLogLines} per run)`, time: Date.now() });
    }
    if (this.facts.protocolErrors > this.limits.protocolErrorsLogged) {
      this.ingest.addLog({ stream: 'protocol', text: `${this.facts.protocolErrors} invalid protocol lines in all (first ${this.limits.protocolErrorsLogged} shown)`, time: Date.now() });
    }
    await this.ingest.drain();
    this.facts.storageFailure = this.ingest.failureReason();
    const decided = (this.facts.storageFailure ? null : this.plainCommandOutcome()) ?? decideOutcome(this.facts);
    const summary = this.facts.done?.summary ?? null;
    const { runId } = this.options;
    const end = await writeEnd(this.options.store, runId, { ...decided, summary, endedAt: Date.now() }, this.limits.storeBusyGiveUpMs, this.warn.bind(this));
    // Never report an end the store does not hold: a run that finished but could not say so is
    // failed here (the true status waits beside the store, for the next open, when it could be kept).
    const { status, reason } = end.recorded ? decided : { status: 'failed' as const, reason: end.problem };
    this.logger.log(status === 'finished' ? 'info' : 'warn', `run ${runId}: ${status}${reason ? ` (${reason})` : ''}`);
    this.channel?.destroy();
    const outcome: RunOutcome = {
      runId, status, reason, summary, exitCode: this.facts.exitCode, signal: this.facts.signal,
      points: this.storedPoints(), protocolErrors: this.facts.protocolErrors, droppedLogLines: this.logBudget.dropped,
      recorded: end.recorded,
    };
    this.events.emit('status', { runId, status, reason });
    this.events.emit('end', outcome);
    this.resolveDone(outcome);
  }

  /**
   * Metric points the store holds for the run. A step sent twice for a key is stored once, the
   * last value winning, so this counts what is there, not what was sent.
   */
  private storedPoints(): number {
    try {
      return this.options.store.metricRanges([this.options.runId]).reduce((sum, range) => sum + range.count, 0);
    } catch {
      return this.ingest.pointsWritten;
    }
  }

  /**
   * `hyperlab run -- CMD` runs any command: one that never spoke the protocol (a shell script, a
   * script without the client) and exited 0 finished; it is not a producer that lost its done.
   */
  private plainCommandOutcome(): { status: 'finished'; reason: string } | null {
    const f = this.facts;
    if (this.options.plainCommandMayFinish !== true || this.helloSeen || f.stop || f.spawnError || f.exitCode !== 0 || f.protocolErrors > 0) return null;
    return { status: 'finished', reason: 'the command exited 0 without reporting to Hyperlab (it does not use the client); its output is the run\'s log' };
  }

  private fileAsNamed(identity: RunIdentity): void {
    const { store, runId, producerNamesRun } = this.options;
    const where = namedPlace(identity, producerNamesRun);
    const tags = tagRecord(identity.tags);
    if (where) this.storeWrite('run name', () => store.fileRun(runId, where));
    if (tags) this.storeWrite('tags', () => store.setTags(runId, tags));
  }

  /** A single write (params, an artifact): a busy store is retried in the background, and the run's end waits for it. */
  private storeWrite(what: string, write: () => void): void {
    try {
      write();
    } catch (error) {
      if (sqliteErrorKind(error) === 'busy') this.pendingWrites.push(this.retryWrite(what, write));
      else this.warn(`could not write ${what} to the store: ${errorMessage(error)}`);
    }
  }

  private async retryWrite(what: string, write: () => void): Promise<void> {
    const started = Date.now();
    for (let delay = BUSY_RETRY.firstDelayMs; ; delay = Math.min(BUSY_RETRY.maxDelayMs, delay * 2)) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      try {
        write();
        return;
      } catch (error) {
        if (sqliteErrorKind(error) !== 'busy' || Date.now() - started >= this.limits.storeBusyGiveUpMs) {
          this.warn(`could not write ${what} to the store: ${errorMessage(error)}`);
          return;
        }
      }
    }
  }

  private warn(message: string): void {
    this.logger.log('warn', `run ${this.options.runId}: ${message}`);
    this.events.emit('warning', { runId: this.options.runId, message });
  }

  private timer(ms: number, action: () => void): void {
    const timer = setTimeout(action, ms);
    timer.unref();
    this.timers.push(timer);
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`;
}
