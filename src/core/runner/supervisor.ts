// Supervises one producer process: spawns it with a protocol channel on fd 3, feeds what it
// reports into the store in batches, keeps stdout/stderr as the run's log, stops it on request
// (stop message, then SIGTERM, then SIGKILL), and always ends the run with a status and reason.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { errorMessage } from '../errors.ts';
import { silentLogger } from '../log.ts';
import { LineSplitter } from '../protocol/lines.ts';
import { CHANNEL_FD, CHANNEL_FD_ENV, RUN_DIR_ENV, type HostMessage, type Params, type ProducerMessage } from '../protocol/messages.ts';
import { MAX_LINE_BYTES, helloVersionError, parseProducerLine } from '../protocol/parse.ts';
import { serializeMessage } from '../protocol/serialize.ts';
import type { MetricPoint } from '../store/types.ts';
import { Emitter } from './emitter.ts';
import { IngestBuffer } from './ingest-buffer.ts';
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
    spawnError: null, stop: null, forcedWith: null, divergence: null, done: null,
    exitCode: null, signal: null, lastStderr: null, lastProducerError: null, protocolErrors: 0,
  };
  private readonly logBudget: LogBudget;
  private readonly splitters: LineSplitter[] = [];
  private readonly pendingArtifacts: Promise<void>[] = [];
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
      onFlushed: (report) => this.events.emit('metrics', { runId: options.runId, ...report }),
      onWriteError: (error) => this.warn(`could not write to the store: ${errorMessage(error)}`),
    });
    const done = new Promise<RunOutcome>((resolve) => { this.resolveDone = resolve; });
    const self = this;
    this.handle = {
      runId: options.runId,
      get pid() { return self.child?.pid; },
      stop: (reason) => this.requestStop('user', reason ?? 'stopped by the user'),
      done,
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
      try {
        store.markRunning(runId, child.pid);
      } catch (error) {
        this.warn(`could not mark the run running: ${errorMessage(error)}`);
      }
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

    let closed = false;
    child.on('close', () => {
      closed = true;
      void this.finish();
    });
    child.on('exit', (code, signal) => {
      this.facts.exitCode = code;
      this.facts.signal = signal;
      // A grandchild that inherited the pipes can keep them open: do not wait for it forever.
      this.timer(this.limits.closeWaitMs, () => {
        if (closed) return;
        for (const stream of [child.stdout, child.stderr, this.channel]) stream?.destroy();
        void this.finish();
      });
    });
  }

  private attachChannel(channel: Duplex | null): void {
    if (!channel) return;
    this.channel = channel;
    channel.on('error', (error) => this.logger.log('debug', `run ${this.options.runId}: channel: ${error.message}`));
    const splitter = new LineSplitter(MAX_LINE_BYTES, {
      line: (text) => {
        if (text.trim() !== '') this.onLine(text);
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

  private onLine(text: string): void {
    if (this.facts.stop?.cause === 'protocol') return; // already rejected: ignore the rest
    const parsed = parseProducerLine(text);
    if (!parsed.ok) return this.protocolError(parsed.error);
    const message = parsed.message;
    if (!this.helloSeen && message.type !== 'hello') return this.protocolError(`"${message.type}" before "hello": a producer must say hello first`);
    this.onMessage(message);
  }

  private onMessage(message: ProducerMessage): void {
    const { store, runId } = this.options;
    switch (message.type) {
      case 'hello': {
        const versionError = helloVersionError(message);
        if (versionError) return this.requestStop('protocol', `rejected: ${versionError}`);
        this.helloSeen = true;
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
        this.pendingArtifacts.push(this.recordArtifact(message));
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

  private onDivergence(key: string, value: number, step: number): void {
    this.facts.divergence = `${key} was ${String(value)} at step ${step}`;
    this.warn(`diverged: ${this.facts.divergence}`);
    if (this.options.stopOnDivergence !== false && !this.facts.done) this.requestStop('divergence', `diverged: ${this.facts.divergence}`);
  }

  private async recordArtifact(message: Extract<ProducerMessage, { type: 'artifact' }>): Promise<void> {
    const file = path.resolve(this.options.command.cwd ?? process.cwd(), message.path);
    let size: number | null = null;
    let sha256: string | null = null;
    try {
      size = (await fs.promises.stat(file)).size;
      sha256 = await hashFile(file);
    } catch (error) {
      this.warn(`artifact ${file}: ${errorMessage(error)}`);
    }
    this.storeWrite('artifact', () => this.options.store.addArtifact(this.options.runId, { kind: message.kind, path: file, size, sha256, meta: message.meta ?? null }));
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
    if (this.logBudget.dropped > 0) {
      this.ingest.addLog({ stream: 'protocol', text: `${this.logBudget.dropped} log lines dropped (limit ${this.limits.maxLogLines} per run)`, time: Date.now() });
    }
    if (this.facts.protocolErrors > this.limits.protocolErrorsLogged) {
      this.ingest.addLog({ stream: 'protocol', text: `${this.facts.protocolErrors} invalid protocol lines in all (first ${this.limits.protocolErrorsLogged} shown)`, time: Date.now() });
    }
    this.ingest.stop();
    const { status, reason } = decideOutcome(this.facts);
    const summary = this.facts.done?.summary ?? null;
    const { store, runId } = this.options;
    this.storeWrite('end', () => store.endRun(runId, status, reason, summary));
    this.logger.log(status === 'finished' ? 'info' : 'warn', `run ${runId}: ${status}${reason ? ` (${reason})` : ''}`);
    this.channel?.destroy();
    const outcome: RunOutcome = {
      runId, status, reason, summary, exitCode: this.facts.exitCode, signal: this.facts.signal,
      points: this.ingest.pointsWritten, protocolErrors: this.facts.protocolErrors, droppedLogLines: this.logBudget.dropped,
    };
    this.events.emit('status', { runId, status, reason });
    this.events.emit('end', outcome);
    this.resolveDone(outcome);
  }

  private storeWrite(what: string, write: () => void): void {
    try {
      write();
    } catch (error) {
      this.warn(`could not write ${what} to the store: ${errorMessage(error)}`);
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

function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(file).on('error', reject).on('data', (chunk) => hash.update(chunk)).on('end', () => resolve(hash.digest('hex')));
  });
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`;
}
