// Shapes the runner and the pool share with their callers.
import type { Logger } from '../log.ts';
import type { Params, RunEndStatus, TrainingPlan } from '../protocol/messages.ts';
import type { RunStatus, Store } from '../store/types.ts';
import type { NamesRun } from '../protocol/run-identity.ts';
import type { ArtifactLimits } from './artifact-guard.ts';

/** Any command line that speaks the protocol on fd 3: the engine, or a user's script. */
export interface ProducerCommand {
  /** Program and arguments, e.g. [process.execPath, 'dist/engine.cjs']. */
  argv: readonly string[];
  cwd?: string;
  /** The producer's environment; default: this process's. HYPERLAB_CHANNEL_FD is added. */
  env?: NodeJS.ProcessEnv;
  /** 'pipe' leaves the producer's stdin open (closed at the end); default 'ignore'. */
  stdin?: 'ignore' | 'pipe';
  /**
   * POSIX: start the producer in its own process group, so a Ctrl-C at the terminal reaches only
   * the host, which then stops the run gracefully, and a forced stop (SIGTERM, SIGKILL) reaches
   * the whole group, the producer's own child processes included. Ignored on Windows.
   */
  ownProcessGroup?: boolean;
}

/** The host's `start` message. */
export interface StartPayload {
  spec: Params;
  overrides: Params;
  seed: number;
}

export interface RunnerLimits {
  /** Metrics, layer stats and log lines are written at least this often (ms). */
  flushIntervalMs: number;
  /** ...and as soon as this many points wait, which bounds memory under a flood. */
  flushPoints: number;
  /** Invalid protocol lines tolerated before the run is failed. */
  maxProtocolErrors: number;
  /** Invalid protocol lines copied into the run's log (the rest are only counted). */
  protocolErrorsLogged: number;
  /** Longer stdout/stderr lines are cut to this many bytes. */
  maxLogLineBytes: number;
  /** Log lines kept per run; later ones are counted and dropped. */
  maxLogLines: number;
  /** After the stop message, how long before SIGTERM (ms). */
  stopGraceMs: number;
  /** After SIGTERM, how long before SIGKILL (ms). */
  killGraceMs: number;
  /** After the process exits, how long to wait for its pipes to close (a grandchild may hold them). */
  closeWaitMs: number;
  /** A producer that has not said hello this long after it started is stopped and the run failed. */
  helloTimeoutMs: number;
  /**
   * How long a store locked by another process is retried (BUSY_RETRY in ingest-buffer.ts)
   * before the run fails, for its points and for its end status.
   */
  storeBusyGiveUpMs: number;
}

export const DEFAULT_RUNNER_LIMITS: RunnerLimits = {
  flushIntervalMs: 100,
  flushPoints: 10_000,
  maxProtocolErrors: 1000,
  protocolErrorsLogged: 5,
  maxLogLineBytes: 16 * 1024,
  maxLogLines: 100_000,
  stopGraceMs: 3000,
  killGraceMs: 3000,
  closeWaitMs: 2000,
  helloTimeoutMs: 180_000,
  storeBusyGiveUpMs: 10 * 60_000,
};

export interface StartRunOptions {
  store: Store;
  /** A run already created in the store (status queued). */
  runId: number;
  command: ProducerCommand;
  /** Sent as the `start` message; default: an empty spec, no overrides, seed 0. */
  start?: StartPayload;
  logger?: Logger;
  limits?: Partial<RunnerLimits>;
  /** Stop the run (and fail it) after this long; default: no limit. */
  timeoutMs?: number;
  /** Limits on the run's artifacts (size, count, bytes hashed); default ARTIFACT_LIMITS. */
  artifactLimits?: Partial<ArtifactLimits>;
  /** Stop the producer as soon as a loss metric is NaN or infinite (default true). */
  stopOnDivergence?: boolean;
  /**
   * Where the producer's hello names its run (the Python client's init(experiment=, name=)),
   * file it there: for each part, true lets the script's name win over the run's current one
   * (default: neither; its tags are always recorded).
   */
  producerNamesRun?: NamesRun;
  /** A command that never says hello and exits 0 finished (`hyperlab run -- CMD`); default: failed, as a producer without its done. */
  plainCommandMayFinish?: boolean;
}

export interface RunOutcome {
  runId: number;
  status: RunEndStatus;
  reason: string | null;
  summary: Params | null;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Metric points the store holds for the run (a step repeated for a key counts once: the last value sent wins). */
  points: number;
  protocolErrors: number;
  droppedLogLines: number;
  /**
   * Whether the store holds this end status. When it could not be written (a full disk, a lock
   * held past every retry), status is 'failed' and reason says so; the true end then waits in a
   * file beside the store (pending-end.ts) for the next process that opens it.
   */
  recorded: boolean;
}

export interface RunEvents {
  [name: string]: unknown;
  status: { runId: number; status: RunStatus; reason: string | null };
  /** After each batch is written. */
  metrics: { runId: number; lastStep: number; points: number; latest: { [key: string]: number } };
  warning: { runId: number; message: string };
  /** The producer's training plan, once stored (time: ms since epoch when it arrived). */
  plan: { runId: number; plan: TrainingPlan; time: number };
  end: RunOutcome;
}

export interface RunHandle {
  readonly runId: number;
  /** The producer's pid, once spawned. */
  readonly pid: number | undefined;
  /** Graceful stop (stop message, then SIGTERM, then SIGKILL); the run ends 'killed'. */
  stop(reason?: string): void;
  readonly done: Promise<RunOutcome>;
  /**
   * Settles after `done`, once every artifact's hash is stored or given up. A run's end never
   * waits for hashing; a caller about to close the store waits for this to keep the hashes.
   */
  readonly artifactsHashed: Promise<void>;
  on<K extends keyof RunEvents>(event: K, listener: (payload: RunEvents[K]) => void): () => void;
}
