// The engine process: hello → wait for `start {spec, overrides, seed}` (or `--spec FILE` when run
// by hand) → params → metrics / layerStats / artifacts / logs → done {summary}. A `stop` is
// honoured between steps. stdout/stderr carry the human-readable log of the run.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage, HyperlabError } from '../core/errors.ts';
import { openProducerChannel, type ProducerChannel } from '../core/protocol/channel.ts';
import { PROTOCOL_VERSION, RUN_DIR_ENV, type HostMessage, type LogLevel, type Params, type ProducerMessage } from '../core/protocol/messages.ts';
import { applyOverrides, flattenSpec, parseSpec, type Spec } from '../core/spec/index.ts';
import type { TrainControl, TrainReporter } from './train/reporter.ts';
import { runExperiment } from './train/run.ts';
import { parseTask, runTask, TASK_ENV } from './train/task.ts';

type StartMessage = Extract<HostMessage, { type: 'start' }>;

function writeLog(level: LogLevel, message: string): void {
  const line = `[${new Date().toISOString().slice(11, 19)}] ${level === 'info' ? '' : level + ': '}${message}\n`;
  (level === 'warn' || level === 'error' ? process.stderr : process.stdout).write(line);
}

function standaloneSpec(argv: string[]): { spec: Spec; specDir: string } | null {
  const { values } = parseArgs({ args: argv, options: { spec: { type: 'string' }, set: { type: 'string', multiple: true } }, strict: true });
  if (!values.spec) return null;
  const file = path.resolve(values.spec);
  if (!fs.existsSync(file)) throw new HyperlabError('SPEC_NOT_FOUND', `spec file not found: ${file}`, 'Pass an existing *.hyperlab.json to --spec.');
  const spec = applyOverrides(parseSpec(fs.readFileSync(file, 'utf8')), values.set ?? []);
  return { spec, specDir: path.dirname(file) };
}

function waitForStart(channel: ProducerChannel): Promise<StartMessage> {
  return new Promise((resolve) => {
    const off = channel.onHostMessage((message) => {
      if (message.type === 'start') {
        off();
        resolve(message);
      }
    });
  });
}

function specFromStart(start: StartMessage): Spec {
  const spec = applyOverrides(parseSpec(start.spec), start.overrides);
  return Number.isInteger(start.seed) && start.seed >= 0 ? applyOverrides(spec, { 'train.seed': start.seed }) : spec;
}

async function main(): Promise<number> {
  const channel = openProducerChannel({ onError: (e) => writeLog('warn', e) });
  const send = (m: ProducerMessage): void => channel.send(m);
  send({ type: 'hello', protocol: PROTOCOL_VERSION, producer: 'hyperlab-engine', pid: process.pid });
  let stopReason: string | null = null;
  const offStop = channel.onHostMessage((m) => { if (m.type === 'stop') stopReason = m.reason ?? 'stop requested'; });
  // In a SLURM job (set by the job runner) SIGTERM is the scheduler's stop: scancel, the time
  // limit, preemption. Stop between steps like on a stop message, keeping the last checkpoint;
  // SLURM kills the job KillWait seconds later. Elsewhere SIGTERM keeps its default meaning.
  if (process.env['HYPERLAB_STOP_ON_SIGTERM'] === '1') process.on('SIGTERM', () => { stopReason ??= 'SIGTERM from the scheduler'; });
  try {
    let job = standaloneSpec(process.argv.slice(2));
    if (job === null) {
      if (!channel.connected) {
        throw new HyperlabError('USAGE', 'no spec: the engine needs a start message from the host or --spec FILE', 'Run it as: node dist/engine.cjs --spec experiment.hyperlab.json [--set train.epochs=3]');
      }
      job = { spec: specFromStart(await waitForStart(channel)), specDir: process.cwd() };
    }
    const { spec, specDir } = job;
    send({ type: 'params', params: flattenSpec(spec) as Params });
    const reporter: TrainReporter = {
      metrics: (step, epoch, values) => send({ type: 'metrics', step, ...(epoch === undefined ? {} : { epoch }), time: Date.now() / 1000, values }),
      layerStats: (step, layers) => send({ type: 'layerStats', step, layers }),
      log: (level, message) => {
        writeLog(level, message);
        if (level === 'warn' || level === 'error') send({ type: 'log', level, message });
      },
      artifact: (kind, file, meta) => send({ type: 'artifact', kind, path: file, ...(meta ? { meta } : {}) }),
      plan: (plan) => send({ type: 'plan', ...plan }),
    };
    const control: TrainControl = {
      shouldStop: () => stopReason !== null,
      pause: () => new Promise((resolve) => setImmediate(resolve)),
    };
    const task = parseTask(process.env[TASK_ENV]);
    if (task !== null) {
      const { summary } = await runTask(task, spec, specDir, reporter, control);
      send({ type: 'done', summary, status: 'finished' });
      return 0;
    }
    const checkpointDir = spec.train.checkpoint.dir ?? process.env[RUN_DIR_ENV] ?? null;
    const result = await runExperiment({ spec, specDir, reporter, control, checkpointDir: checkpointDir === null ? null : path.resolve(specDir, checkpointDir) });
    if (result.status === 'stopped') writeLog('info', `stopped (${stopReason}) after ${String(result.summary['steps'])} steps`);
    send({
      type: 'done', summary: result.summary, status: result.status === 'diverged' ? 'diverged' : 'finished',
      ...(result.reason ? { reason: result.reason } : {}),
    });
    writeLog('info', `done: ${result.status}`);
    return 0;
  } catch (error) {
    const message = errorMessage(error);
    writeLog('error', message);
    send({ type: 'error', message });
    return 1;
  } finally {
    offStop();
    await channel.close();
  }
}

main().then((code) => { process.exitCode = code; }, (error: unknown) => {
  process.stderr.write(`engine crashed: ${errorMessage(error)}\n`);
  process.exitCode = 1;
});
