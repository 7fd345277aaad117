// `npm run bench:client`: 100,000 steps × 4 metrics logged from Python, end to end into the
// store (points per second), Hyperlab's client beside the peers users know on the same work:
// MLflow's log_metric and log_batch (sqlite backend) and TensorBoard's SummaryWriter.add_scalar.
// The peers are installed into the benchmark's own virtual environment, each on its own; for a
// peer whose package cannot be installed (no PyPI) the benchmark says so in one line and runs the rest.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { syncInbox } from '../../../src/core/inbox/index.ts';
import { startRun } from '../../../src/core/runner/index.ts';
import { openStore } from '../../../src/core/store/index.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const PYTHON = process.env['HYPERLAB_PYTHON'] ?? '/usr/bin/python3';
const STEPS = Number(process.env['STEPS'] ?? 100_000);
const POINTS = STEPS * 4;
const OURS = path.join(import.meta.dirname, 'log_ours.py');
const PEERS = path.join(import.meta.dirname, 'log_peers.py');

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function env(extra: { [key: string]: string } = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: path.join(ROOT, 'python'), STEPS: String(STEPS) };
  delete e['HYPERLAB_CHANNEL_FD'];
  delete e['HYPERLAB_PARAMS'];
  delete e['HYPERLAB_DIR'];
  return { ...e, ...extra };
}

const rate = (seconds: number) => `${Math.round(POINTS / seconds).toLocaleString('en-US')} points/s`;

/** Standalone script into the inbox, then `hyperlab sync` (in process): the terminal path. */
function oursInbox(): { seconds: number; script: number; sync: number; perCallUs: number } {
  const dir = tempDir('hyperlab-bench-client-');
  fs.mkdirSync(path.join(dir, '.hyperlab'));
  const t0 = performance.now();
  const ran = spawnSync(PYTHON, [OURS], { cwd: dir, env: env(), encoding: 'utf8' });
  const script = (performance.now() - t0) / 1000;
  if (ran.status !== 0) throw new Error(`log_ours.py failed: ${ran.stderr}`);
  const inner = JSON.parse(ran.stderr.trim().split('\n').at(-1)!) as { log_s: number };
  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'));
  const t1 = performance.now();
  const report = syncInbox(store, path.join(dir, '.hyperlab', 'inbox'));
  const sync = (performance.now() - t1) / 1000;
  store.close();
  if (report.points !== POINTS) throw new Error(`synced ${report.points} points, expected ${POINTS}`);
  fs.rmSync(dir, { recursive: true, force: true });
  return { seconds: script + sync, script, sync, perCallUs: (inner.log_s / STEPS) * 1e6 };
}

/** The script supervised by the runner (what `hyperlab run --` and VS Code do): live into the store. */
async function oursChannel(): Promise<{ seconds: number; perCallUs: number }> {
  const dir = tempDir('hyperlab-bench-client-');
  const store = openStore(path.join(dir, 'runs.db'));
  const run = store.createRun({ experiment: 'bench-client' });
  let stderr = '';
  const t0 = performance.now();
  const handle = startRun({ store, runId: run.id, command: { argv: [PYTHON, OURS], cwd: dir, env: env() } });
  const outcome = await handle.done;
  const seconds = (performance.now() - t0) / 1000;
  stderr = store.log(run.id).filter((l) => l.stream === 'stderr').map((l) => l.text).join('\n');
  store.close();
  if (outcome.status !== 'finished' || outcome.points !== POINTS) throw new Error(`channel run ${outcome.status} with ${outcome.points} points: ${outcome.reason ?? ''}`);
  const inner = JSON.parse(stderr.trim().split('\n').at(-1)!) as { log_s: number };
  fs.rmSync(dir, { recursive: true, force: true });
  return { seconds, perCallUs: (inner.log_s / STEPS) * 1e6 };
}

/** Each peer: the package it needs in the benchmark's virtual environment, and what must import. */
const PEER_NEEDS: { readonly name: string; readonly packages: readonly string[]; readonly imports: readonly string[] }[] = [
  { name: 'mlflow-log-metric', packages: ['mlflow'], imports: ['mlflow'] },
  { name: 'mlflow-log-batch', packages: ['mlflow'], imports: ['mlflow'] },
  // torch.utils.tensorboard writes through the tensorboard package (Debian's PyTorch alone cannot
  // import it); tensorboardX is the same writer without TensorBoard.
  { name: 'tensorboard', packages: ['tensorboard', 'tensorboardX'], imports: ['torch.utils.tensorboard', 'tensorboardX'] },
];

const lastLine = (text: string) => text.trim().split('\n').filter(Boolean).at(-1) ?? '';

/**
 * The benchmark's virtual environment (Debian's PyTorch visible through the system site
 * packages), with each peer's package installed by pip where it can be; for each peer that
 * cannot run, the reason in one line.
 */
function peerEnvironment(): { python: string | null; missing: Map<string, string> } {
  const missing = new Map<string, string>();
  const venv = path.join(os.tmpdir(), 'hyperlab-bench-client-venv');
  const python = path.join(venv, 'bin', 'python');
  if (!fs.existsSync(python)) {
    const made = spawnSync(PYTHON, ['-m', 'venv', '--system-site-packages', venv], { encoding: 'utf8' });
    if (made.status !== 0) {
      fs.rmSync(venv, { recursive: true, force: true });
      const why = `could not create a virtual environment with ${PYTHON} -m venv (${lastLine(made.stderr) || 'python3-venv missing?'})`;
      for (const p of PEER_NEEDS) missing.set(p.name, why);
      return { python: null, missing };
    }
  }
  const imports = (modules: readonly string[]) => modules.some((m) => spawnSync(python, ['-c', `import ${m}`]).status === 0);
  const tried = new Map<string, string | null>(); // package → why pip could not install it (null: installed)
  for (const need of PEER_NEEDS) {
    if (imports(need.imports)) continue;
    const failures: string[] = [];
    for (const pkg of need.packages) {
      if (!tried.has(pkg)) {
        const pip = spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--timeout', '10', '--retries', '1', pkg],
          { encoding: 'utf8', timeout: 240_000 });
        tried.set(pkg, pip.status === 0 ? null : lastLine(pip.stderr) || lastLine(pip.stdout) || String(pip.error ?? 'pip failed'));
      }
      const why = tried.get(pkg);
      if (why === null) break;
      failures.push(`pip install ${pkg}: ${why}`);
    }
    if (!imports(need.imports)) {
      missing.set(need.name, failures.length > 0 ? failures.join('; ') : `installed, but \`import ${need.imports.join('` or `')}\` fails in ${python}`);
    }
  }
  return { python, missing };
}

function peer(python: string, name: string): { seconds: number; writer: string } {
  const dir = tempDir(`hyperlab-bench-${name}-`);
  const t0 = performance.now();
  const ran = spawnSync(python, [PEERS, name, dir], { cwd: dir, env: env(), encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  fs.rmSync(dir, { recursive: true, force: true });
  if (ran.status !== 0) throw new Error(`${name} failed: ${ran.stderr.trim().split('\n').at(-1)}`);
  return { seconds, writer: (JSON.parse(lastLine(ran.stdout)) as { writer: string }).writer };
}

console.log(`client benchmark: ${STEPS.toLocaleString('en-US')} steps × 4 metrics = ${POINTS.toLocaleString('en-US')} points from Python into the store, end to end (process start to the last point stored); ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)}, ${spawnSync(PYTHON, ['--version'], { encoding: 'utf8' }).stdout.trim()}, Node ${process.versions.node}`);
const inbox = oursInbox();
console.log(`hyperlab (terminal → inbox → sync)   ${inbox.seconds.toFixed(2)} s  ${rate(inbox.seconds)}  (script ${inbox.script.toFixed(2)} s, sync ${inbox.sync.toFixed(2)} s; run.log ${inbox.perCallUs.toFixed(2)} µs per call)`);
const channel = await oursChannel();
console.log(`hyperlab (hyperlab run --, channel)  ${channel.seconds.toFixed(2)} s  ${rate(channel.seconds)}  (run.log ${channel.perCallUs.toFixed(2)} µs per call)`);
const ours = Math.min(inbox.seconds, channel.seconds);

const peers = peerEnvironment();
for (const { name } of PEER_NEEDS) {
  const why = peers.missing.get(name);
  if (why !== undefined || peers.python === null) {
    console.log(`${name.padEnd(36)} not run: could not install it into the benchmark's virtual environment: ${why ?? 'no virtual environment'}`);
    continue;
  }
  try {
    const { seconds, writer } = peer(peers.python, name);
    const label = name === 'tensorboard' ? 'tensorboard add_scalar' : name;
    const via = name === 'tensorboard' ? `; ${writer}'s SummaryWriter` : '';
    console.log(`${label.padEnd(36)} ${seconds.toFixed(2)} s  ${rate(seconds)}  ratio hyperlab/peer time: inbox ${(inbox.seconds / seconds).toFixed(3)}, channel ${(channel.seconds / seconds).toFixed(3)} (hyperlab's best ${(seconds / ours).toFixed(1)}× the points/s${via})`);
  } catch (error) {
    console.log(`${name.padEnd(36)} not run: ${error instanceof Error ? error.message : String(error)}`);
  }
}
