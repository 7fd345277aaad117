// Turns the protocol messages of one chunk of an inbox file into store writes, the way the
// runner's supervisor does for a live producer, minus the process: the run is created by the
// file's hello, ended by its done, and never stopped from here.
import { fileDigestSync } from '../protocol/file-digest.ts';
import { helloVersionError } from '../protocol/parse.ts';
import { tagRecord } from '../protocol/run-identity.ts';
import type { ProducerMessage, RunIdentity } from '../protocol/messages.ts';
import type { MetricPoint, Store } from '../store/index.ts';

export const DEFAULT_INBOX_EXPERIMENT = 'inbox';

export interface FileRunState {
  runId: number | null;
  helloSeen: boolean;
  /**
   * The run exists already and its host decides its end (a cluster job's channel file): a hello
   * creates nothing (a requeued job says hello again), and a done is returned in the report
   * instead of ending the run.
   */
  attached?: boolean;
}

export interface ApplyReport {
  points: number;
  runCreated: boolean;
  ended: boolean;
  problems: string[];
  /** attached: the producer's done message, when these messages held it. */
  done?: Extract<ProducerMessage, { type: 'done' }>;
  /** attached: what the producer's hello named about its run (init(experiment=, name=, tags=)); the host decides what to file. */
  identity?: RunIdentity;
  /** The last metrics step seen and each key's latest value in these messages. */
  lastStep?: number;
  latest?: { [key: string]: number };
  /** The last error message the producer sent in these messages. */
  lastError?: string;
}

/** Applies the messages in order; call inside the ledger's transaction. Mutates `state`. */
export function applyMessages(store: Store, fileName: string, state: FileRunState, messages: readonly ProducerMessage[], now: number): ApplyReport {
  const report: ApplyReport = { points: 0, runCreated: false, ended: false, problems: [] };
  let points: MetricPoint[] = [];
  const flushPoints = () => {
    if (points.length > 0 && state.runId !== null) {
      store.appendMetrics(state.runId, points);
      report.points += points.length;
    }
    points = [];
  };
  const problem = (text: string) => {
    report.problems.push(text);
    if (state.runId !== null) store.appendLog(state.runId, [{ stream: 'protocol', text: `invalid inbox line: ${text}`, time: now }]);
  };
  for (const message of messages) {
    if (message.type === 'hello' && state.attached) {
      const versionError = helloVersionError(message);
      if (versionError) problem(versionError);
      state.helloSeen = true;
      if (message.run) report.identity = message.run;
      continue;
    }
    if (message.type === 'hello') {
      if (state.helloSeen) { problem('a second "hello" in the same file (one file is one run)'); continue; }
      state.helloSeen = true;
      const versionError = helloVersionError(message);
      if (versionError) { report.problems.push(versionError); continue; }
      const run = store.createRun({ experiment: message.run?.experiment ?? DEFAULT_INBOX_EXPERIMENT, ...(message.run?.name ? { name: message.run.name } : {}) });
      state.runId = run.id;
      report.runCreated = true;
      // No pid: the writer may live on another host, where a liveness check here would be wrong.
      store.markRunning(run.id, null);
      if (message.time !== undefined) store.setRunTimes(run.id, { createdAt: Math.round(message.time * 1000), startedAt: Math.round(message.time * 1000) });
      const tags = tagRecord(message.run?.tags);
      if (tags) store.setTags(run.id, tags);
      store.appendLog(run.id, [{ stream: 'protocol', text: `ingested from the inbox file ${fileName}${message.pid ? ` (writer pid ${message.pid})` : ''}`, time: now }]);
      continue;
    }
    const runId = state.runId;
    if (runId === null) {
      if (!state.helloSeen && report.problems.length === 0) report.problems.push(`"${message.type}" before "hello": the file does not start like a run written by a Hyperlab client (skipped)`);
      continue;
    }
    if (message.type === 'metrics') {
      const time = Math.round(message.time * 1000);
      for (const [key, value] of Object.entries(message.values)) points.push({ key, step: message.step, epoch: message.epoch ?? null, time, value });
      report.lastStep = Math.max(report.lastStep ?? message.step, message.step);
      report.latest = { ...report.latest, ...message.values };
      continue;
    }
    flushPoints(); // keep the file's order between points and everything else
    switch (message.type) {
      case 'params':
        store.setParams(runId, message.params);
        break;
      case 'layerStats':
        store.appendLayerStats(runId, message.step, message.layers);
        break;
      case 'artifact': {
        // The writer's size and hash describe the file as it was logged; this host's read, later, may find it gone or rewritten.
        const digest = message.sha256 !== undefined && message.size !== undefined ? { size: message.size, sha256: message.sha256 } : fileDigestSync(message.path);
        store.addArtifact(runId, { kind: message.kind, path: message.path, size: digest?.size ?? null, sha256: digest?.sha256 ?? null, meta: message.meta ?? null });
        break;
      }
      case 'log':
        store.appendLog(runId, [{ stream: 'protocol', text: `[${message.level}] ${message.message}`, time: now }]);
        break;
      case 'error':
        report.lastError = message.message.slice(0, 300);
        store.appendLog(runId, [{ stream: 'protocol', text: `[error] ${message.message}`, time: now }]);
        break;
      case 'done':
        if (state.attached) { report.done = message; break; }
        store.endRun(runId, message.status ?? 'finished', message.reason ?? null, message.summary);
        if (message.time !== undefined) store.setRunTimes(runId, { endedAt: Math.round(message.time * 1000) });
        report.ended = true;
        break;
    }
  }
  flushPoints();
  return report;
}
