// Every command example in README.md, run as shown with the real CLI (dist/cli.cjs) in a fresh
// project folder, each checked for exit code 0 and for its effect (a row, a file, a line). The
// examples are read from the README's fenced code blocks, so an example added there without a
// check here fails this test, and a wrong example fails it too.
//
// What is changed to keep it short, and why (printed by the test as well):
//  - trainings get `--set data.limit=300 --set data.testLimit=300` appended (sweeps also
//    `--set train.epochs=1 --trials 2`): the README trains on the full FashionMNIST; a later
//    --set of the same field wins, so everything else runs as written;
//  - `npm run main` runs its package.json command with the same limit; `bash scripts/setup.sh`
//    and `npm test` are not run (one installs system packages, the other is the suite itself);
//  - the README's IDs are examples: before `runs tag 3` the store gets a finished run (so a #3
//    exists) and a killed one (for `runs rm --status failed,killed`), written directly into it;
//  - `train.py` is the README's Python snippet with its `...` filled in by one step of a real
//    torch model; `python3` is Debian's (with PyTorch), and `python3 train.py` from a terminal
//    finds the client on PYTHONPATH (what `pip install ./python` would give);
//  - `runs/` for `import tensorboard` is the TensorBoard fixture (test/fixtures/import).
// The JSON `search` example is parsed and validated as part of a spec.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseSpec } from '../../../src/core/spec/index.ts';
import { openStore } from '../../../src/core/store/index.ts';
import type { Store } from '../../../src/core/store/types.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.cjs');
const PYTHON = process.env['HYPERLAB_PYTHON'] ?? '/usr/bin/python3';
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const LIMIT = ['--set', 'data.limit=300', '--set', 'data.testLimit=300'];
const skip = fs.existsSync(CLI) ? false : 'dist/cli.cjs is missing: npm run build';

interface Block { lang: string; body: string; line: number }

/** The README's fenced code blocks, with the line each starts on. */
export function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    blocks.push({ lang: open[1]!, body: body.join('\n'), line: start + 1 });
  }
  return blocks;
}

/** A command line without its trailing `# comment`. */
function withoutComment(line: string): string {
  return line.replace(/\s+#\s.*$/, '').trim();
}

/** Shell words: double quotes group, `> FILE` is a redirect. */
function words(line: string): { argv: string[]; stdoutTo?: string } {
  const argv: string[] = [];
  let stdoutTo: string | undefined;
  const tokens = line.match(/"[^"]*"|\S+/g) ?? [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === '>') stdoutTo = tokens[++i];
    else argv.push(t.startsWith('"') ? t.slice(1, -1) : t);
  }
  return stdoutTo === undefined ? { argv } : { argv, stdoutTo };
}

interface Result { code: number | null; stdout: string; stderr: string }
interface Ctx {
  dir: string;
  command: string;
  read<T>(fn: (store: Store) => T): T;
  before: { runs: number; sweeps: number };
  /** Runs written to the inbox by scripts and not yet synced. */
  state: { inbox: number };
}

/** What each README command must have done; a command without an entry fails the test. */
const EFFECTS: [RegExp, (r: Result, c: Ctx) => void][] = [
  [/^run media\/templates\/fashion-mnist-(cnn|mlp)\.hyperlab\.json/, (_r, c) => c.read((s) => {
    const run = s.listRuns({ sortBy: 'id', order: 'desc' })[0]!;
    assert.equal(run.status, 'finished', run.reason ?? '');
    assert.match(run.experimentName, /^fashion-mnist-(cnn|mlp)$/);
  })],
  [/^runs ls --status pruned$/, (r) => assert.match(r.stdout + r.stderr, /\S/)],
  [/^runs ls$/, (r, c) => assert.equal(r.stdout.trim().split('\n').length - 1, c.read((s) => s.listRuns().length), `a row per run:\n${r.stdout}`)],
  [/^runs show 1$/, (r, c) => assert.ok(r.stdout.includes(c.read((s) => s.getRun(1)!.name)), `run 1 shown:\n${r.stdout}`)],
  [/^runs export --csv$/, (_r, c) => assert.ok(fs.readFileSync(path.join(c.dir, 'metrics.csv'), 'utf8').trim().split('\n').length > 10, 'metrics.csv has the points')],
  [/^runs tag 3 baseline$/, (_r, c) => assert.deepEqual(c.read((s) => s.annotations([3]).get(3)?.tags), ['baseline'])],
  [/^runs rename 3 adam lr 0\.01$/, (_r, c) => assert.equal(c.read((s) => s.getRun(3)?.name), 'adam lr 0.01')],
  [/^runs rm --status failed,killed --yes$/, (_r, c) => c.read((s) => {
    assert.equal(s.listRuns().length, c.before.runs - 1, 'the killed run is gone');
    assert.equal(s.listRuns().filter((r) => r.status === 'failed' || r.status === 'killed').length, 0);
  })],
  [/^run (--set \S+ )*-- python3 train\.py$/, (_r, c) => c.read((s) => {
    const run = s.listRuns({ sortBy: 'id', order: 'desc' })[0]!;
    assert.equal(run.status, 'finished', run.reason ?? '');
    assert.equal(run.experimentName, 'fashion-mnist');
    assert.ok(s.points(run.id, 'train.loss').length === 1, 'the logged point');
  })],
  [/^python3 train\.py$/, (_r, c) => {
    assert.ok(fs.readdirSync(path.join(c.dir, '.hyperlab', 'inbox')).some((f) => f.endsWith('.jsonl')), 'the run is in the inbox');
    assert.equal(c.read((s) => s.listRuns().length), c.before.runs, 'not in the store before a sync');
    c.state.inbox++;
  }],
  [/^sync$/, (_r, c) => {
    assert.equal(c.read((s) => s.listRuns().length), c.before.runs + c.state.inbox, 'the inbox\'s runs are in the store');
    c.state.inbox = 0;
  }],
  [/^import tensorboard runs\/$/, (_r, c) => assert.ok(c.read((s) => s.listRuns().length) > c.before.runs, 'runs imported')],
  [/^export 1 .*--out (\S+)$/, (_r, c) => {
    const out = /--out (\S+)$/.exec(c.command)![1]!;
    assert.ok(fs.existsSync(path.join(c.dir, out, 'report.json')), `report.json in ${out}`);
  }],
  [/^sweep media\/templates\/\S+\.hyperlab\.json/, (_r, c) => c.read((s) => {
    const sweep = s.sweeps.list({}).at(-1)!;
    assert.equal(sweep.status, 'finished', sweep.reason ?? '');
    assert.ok(s.listRuns().filter((r) => r.sweepId === sweep.id).length >= 2, 'its trials');
  })],
  [/^sweeps ls$/, (r) => assert.match(r.stdout, /finished/)],
  [/^sweeps show 1$/, (r) => assert.match(r.stdout, /\*/, 'the best trial is starred')],
  [/^sweep --resume 1$/, (_r, c) => assert.equal(c.read((s) => s.sweeps.list({}).find((w) => w.id === 1)?.status), 'finished')],
  [/^sweep stop 1$/, (_r, c) => assert.equal(c.read((s) => s.sweeps.list({}).find((w) => w.id === 1)?.status), 'finished', 'a finished sweep stays finished')],
  [/^tune lr-range /, (r, c) => {
    assert.match(r.stdout, /suggest/i);
    assert.ok(c.read((s) => s.points(s.listRuns({ sortBy: 'id', order: 'desc' })[0]!.id, 'lr_range.loss').length) > 10);
  }],
  [/^tune overfit /, (r) => assert.doesNotMatch(r.stdout, /your model or pipeline has a bug/)],
  [/^tune babysit /, (_r, c) => assert.equal(c.read((s) => s.sweeps.list({}).length) - c.before.sweeps, 2, 'a coarse and a fine sweep')],
];

function pythonSnippet(): string {
  const python = fencedBlocks(README).find((b) => b.lang === 'python' && b.body.includes('hyperlab.init('));
  assert.ok(python, 'the README has the Python client snippet');
  // Its "..." is the user's training code: one step of a real torch model stands in for it.
  const filled = python.body.replace(/^\.\.\.$/m,
    'import torch\nmodel = torch.nn.Linear(4, 1)\nloss = model(torch.ones(2, 4)).pow(2).mean()\nloss.backward()\nstep, epoch = 0, 0');
  assert.notEqual(filled, python.body, 'the snippet\'s "..." line was filled');
  return `${filled}\nrun.finish()\n`;
}

test('every command example in README.md runs as shown (on small data) and does what it says', { skip, timeout: 240_000 }, (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-readme-'));
  const bin = path.join(dir, '.bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(PYTHON, path.join(bin, 'python3'));
  fs.cpSync(path.join(ROOT, 'media'), path.join(dir, 'media'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'test', 'fixtures', 'import', 'tensorboard'), path.join(dir, 'runs'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'train.py'), pythonSnippet());
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}${path.delimiter}${process.env['PATH']}`, PYTHONUNBUFFERED: '1' };
  for (const key of ['HYPERLAB_CHANNEL_FD', 'HYPERLAB_PARAMS', 'HYPERLAB_DIR', 'PYTHONPATH']) delete env[key];
  // A script started from a terminal imports the client as `pip install ./python` would install it;
  // under `hyperlab run` the CLI puts it on the path itself.
  const terminalEnv = { ...env, PYTHONPATH: path.join(ROOT, 'python') };
  const db = path.join(dir, '.hyperlab', 'runs.db');
  const read = <T>(fn: (store: Store) => T): T => {
    const store = openStore(db, { readonly: true });
    try {
      return fn(store);
    } finally {
      store.close();
    }
  };
  const skipped: string[] = [];
  const ran: string[] = [];
  const state = { inbox: 0 };
  try {
    for (const block of fencedBlocks(README).filter((b) => b.lang === 'bash')) {
      for (const raw of block.body.split('\n')) {
        const line = withoutComment(raw);
        if (!line) continue;
        for (const part of line.split(' && ')) {
          if (part === 'bash scripts/setup.sh') { skipped.push(`${part} (installs system packages: the machine's setup, not a test)`); continue; }
          if (part === 'npm test') { skipped.push(`${part} (the whole suite, this test included)`); continue; }
          let { argv, stdoutTo } = words(part);
          if (argv[0] === 'npm' && argv[1] === 'run') {
            const script = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[argv[2]!];
            assert.ok(script, `README line ${block.line}: npm run ${argv[2]} is not a script of package.json`);
            ({ argv } = words(script));
          }
          let program: string;
          let args: string[];
          if (argv[0] === 'node' && argv[1] === 'dist/cli.cjs') [program, args] = [process.execPath, [CLI, ...argv.slice(2)]];
          else if (argv[0] === 'hyperlab') [program, args] = [process.execPath, [CLI, ...argv.slice(1)]];
          else if (argv[0] === 'python3') [program, args] = [PYTHON, argv.slice(1)];
          else assert.fail(`README line ${block.line}: no way to run "${part}"`);
          const shown = (argv[0] === 'node' ? argv.slice(2) : argv[0] === 'hyperlab' ? argv.slice(1) : argv).join(' ');
          const cliArgs = args.slice(1);
          const training = cliArgs[0] === 'run' && cliArgs[1] !== '--' && !cliArgs[1]?.startsWith('--') || cliArgs[0] === 'tune' || (cliArgs[0] === 'sweep' && cliArgs[1]?.endsWith('.json'));
          if (program === process.execPath && training) {
            args.push(...LIMIT);
            if (cliArgs[0] === 'sweep') args.push('--set', 'train.epochs=1', '--trials', '2');
          }
          if (shown === 'runs tag 3 baseline') seedRuns(db);
          const effect = EFFECTS.find(([pattern]) => pattern.test(shown));
          assert.ok(effect, `README line ${block.line}: "${part}" has no check in this test: add one to EFFECTS`);
          const before = fs.existsSync(db) ? { runs: read((s) => s.listRuns().length), sweeps: read((s) => s.sweeps.list({}).length) } : { runs: 0, sweeps: 0 };
          const started = Date.now();
          const result = spawnSync(program, args, { cwd: dir, env: program === PYTHON ? terminalEnv : env, encoding: 'utf8', timeout: 120_000 });
          const r: Result = { code: result.status, stdout: result.stdout, stderr: result.stderr };
          if (stdoutTo) fs.writeFileSync(path.join(dir, stdoutTo), r.stdout);
          assert.equal(r.code, 0, `README line ${block.line}: "${part}" exited ${r.code}\n${r.stderr.slice(-2000)}`);
          effect[1](r, { dir, command: shown, read, before, state });
          ran.push(`${part} (${Date.now() - started} ms)`);
        }
      }
    }
  } finally {
    t.diagnostic(`ran ${ran.length} README commands:\n${ran.join('\n')}`);
    t.diagnostic(`not run:\n${skipped.join('\n')}`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(ran.length >= 25, `${ran.length} commands ran`);
  assert.deepEqual(skipped.map((s) => s.split(' (')[0]), ['bash scripts/setup.sh', 'bash scripts/setup.sh', 'npm test'], 'only these are not run');
});

/** A run #3 for the README's `runs tag 3` and `runs rename 3`, and a killed run for its `runs rm --status failed,killed`. */
function seedRuns(db: string): void {
  const store = openStore(db);
  try {
    for (;;) {
      const run = store.createRun({ experiment: 'seeded', name: 'seeded' });
      store.markRunning(run.id, null);
      store.endRun(run.id, 'finished', null);
      if (run.id >= 3) break;
    }
    const killed = store.createRun({ experiment: 'seeded', name: 'stopped' });
    store.markRunning(killed.id, null);
    store.endRun(killed.id, 'killed', 'stopped by the user');
  } finally {
    store.close();
  }
}

test('the README\'s search section example is a valid spec section', () => {
  const json = fencedBlocks(README).find((b) => b.lang === 'json' && b.body.trimStart().startsWith('"search"'));
  assert.ok(json, 'the README has the search example');
  const template = JSON.parse(fs.readFileSync(path.join(ROOT, 'media', 'templates', 'fashion-mnist-mlp.hyperlab.json'), 'utf8')) as Record<string, unknown>;
  const spec = parseSpec({ ...template, ...(JSON.parse(`{${json.body}}`) as object) });
  assert.equal(spec.search?.method, 'tpe');
  assert.equal(Object.keys(spec.search?.space ?? {}).length, 6);
});

test('the examples in the CLI\'s help texts run: `run SPEC --set …` and `runs rm --status …`', { skip, timeout: 60_000 }, async () => {
  const { COMMAND_HELP } = await import('../../../src/cli/usage.ts');
  const examples = Object.entries(COMMAND_HELP).flatMap(([command, text]) => [...text.matchAll(/\(e\.g\. (--[^)]+)\)/g)].map((m) => ({ command, args: m[1]!.split(/\s+/) })));
  assert.deepEqual(examples.map((e) => e.command), ['runs rm', 'run'], 'every help example has a check below');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-help-'));
  const db = path.join(dir, 'runs.db');
  const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args, '--db', db], { cwd: ROOT, encoding: 'utf8' });
  try {
    // run: the --set pair is applied (with this test's small-data limit appended).
    const run = cli(['run', 'media/templates/fashion-mnist-mlp.hyperlab.json', ...examples.find((e) => e.command === 'run')!.args, ...LIMIT]);
    assert.equal(run.status, 0, run.stderr);
    const store = openStore(db);
    const params = store.listRuns()[0]!.params;
    assert.deepEqual([params['train.epochs'], params['train.optimizer.lr']], [3, 0.01]);
    for (const status of ['failed', 'killed'] as const) {
      const r = store.createRun({ experiment: 'seeded', name: status });
      store.markRunning(r.id, null);
      store.endRun(r.id, status, 'seeded');
    }
    store.close();
    // runs rm --status failed,killed without --yes: lists both and deletes nothing (exit 2, as
    // its help says: nothing was done; with --yes it is the README's example, run above).
    const rm = cli(['runs', 'rm', ...examples.find((e) => e.command === 'runs rm')!.args]);
    assert.equal(rm.status, 2, rm.stderr);
    assert.match(rm.stderr, /Would delete 2 runs[\s\S]*failed[\s\S]*killed[\s\S]*Run again with --yes/);
    const after = openStore(db, { readonly: true });
    assert.equal(after.listRuns().length, 3, 'nothing deleted without --yes');
    after.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
