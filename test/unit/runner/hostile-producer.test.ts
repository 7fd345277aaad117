// A producer that sends what an attacker, or a buggy script, would: artifacts outside its run
// folder, symlinks out of it, a FIFO, /dev/zero, a huge file; a summary nested 5,000 deep; bad
// metric keys next to good values; repeated steps; keys that are not UTF-8. Real processes (the
// producer writes its lines byte for byte), a real store, real files. Each case failed before
// the hardening: the host hashed /etc/passwd, hung forever on the FIFO and /dev/zero, left the
// deep-summary run `running`, lost the good values, said 8 points for 4 and stored a U+FFFD key.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ARTIFACT_LIMITS, runDirectory, startRun, type StartRunOptions } from '../../../src/core/runner/index.ts';
import { FAST_STOP, FIXTURES, pointCounts, tempStore } from './helpers.ts';

const LINES_PRODUCER = path.join(FIXTURES, 'producer-lines.mjs');
/** A hang in the old code shows as this test timeout, not as a wait forever. */
const HANG_GUARD = { timeout: 30_000 };

const hello = JSON.stringify({ type: 'hello', protocol: 1, producer: 'hostile' });
const done = JSON.stringify({ type: 'done', summary: { ok: 1 } });
const artifact = (file: string) => JSON.stringify({ type: 'artifact', kind: 'checkpoint', path: file });

/** Starts a run whose producer sends `lines` (strings or raw bytes, one per line); `prepare` fills the run folder first. */
function launch(lines: (string | Buffer)[], prepare: (runDir: string, dir: string) => void = () => {}, extra: Partial<StartRunOptions> = {}) {
  const { store, dir } = tempStore();
  const run = store.createRun({ experiment: 'hostile', params: {} });
  const runDir = runDirectory(store.path, run.id);
  fs.mkdirSync(runDir, { recursive: true });
  prepare(runDir, dir);
  const linesFile = path.join(dir, 'lines.bin');
  fs.writeFileSync(linesFile, Buffer.concat(lines.map((line) => Buffer.concat([typeof line === 'string' ? Buffer.from(line) : line, Buffer.from('\n')]))));
  const started = Date.now();
  const handle = startRun({
    store, runId: run.id, limits: FAST_STOP, ...extra,
    command: { argv: [process.execPath, LINES_PRODUCER], cwd: dir, env: { ...process.env, HL_LINES_FILE: linesFile } },
  });
  return { store, dir, runDir, runId: run.id, handle, started };
}

function protocolLog(store: ReturnType<typeof tempStore>['store'], runId: number): string[] {
  return store.log(runId).filter((line) => line.stream === 'protocol').map((line) => line.text);
}

test('artifacts outside the run folder (/etc/passwd, ../../etc/passwd, /proc/self/environ, /etc/shadow) are refused with a reason; one inside is kept and hashed', HANG_GUARD, async (t) => {
  const { store, dir, runDir, runId, handle, started } = launch(
    [hello, artifact('/etc/passwd'), artifact('../../etc/passwd'), artifact('/proc/self/environ'), artifact('/etc/shadow'), artifact('runs/1/model.bin'), done],
    (folder) => fs.writeFileSync(path.join(folder, 'model.bin'), 'weights'),
  );
  const outcome = await handle.done;
  t.diagnostic(`run ended ${Date.now() - started} ms after it started`);
  assert.equal(outcome.status, 'finished');
  await handle.artifactsHashed;
  const artifacts = store.artifacts(runId);
  assert.deepEqual(artifacts.map((a) => a.path), [path.join(runDir, 'model.bin')]);
  assert.equal(artifacts[0]!.size, 7);
  assert.equal(artifacts[0]!.sha256, createHash('sha256').update('weights').digest('hex'));
  const log = protocolLog(store, runId);
  const relative = path.resolve(dir, '../../etc/passwd');
  for (const file of ['/etc/passwd', relative, '/proc/self/environ', '/etc/shadow']) {
    assert.ok(log.some((line) => line.startsWith(`artifact refused: ${file}: outside the run's folder`) && line.includes('write artifacts inside the run\'s folder')), `${file} refused in the log:\n${log.join('\n')}`);
  }
  store.close();
});

test('symlinks out of the run folder, to a file or through a folder, are resolved first and refused', HANG_GUARD, async () => {
  const { store, runDir, runId, handle } = launch(
    [hello, artifact('runs/1/passwd-link'), artifact('runs/1/etc/passwd'), done],
    (folder) => {
      fs.symlinkSync('/etc/passwd', path.join(folder, 'passwd-link'));
      fs.symlinkSync('/etc', path.join(folder, 'etc'));
    },
  );
  const outcome = await handle.done;
  assert.equal(outcome.status, 'finished');
  await handle.artifactsHashed;
  assert.deepEqual(store.artifacts(runId), []);
  const log = protocolLog(store, runId);
  assert.ok(log.includes(`artifact refused: ${path.join(runDir, 'passwd-link')}: outside the run's folder (it resolves to /etc/passwd); write artifacts inside the run's folder ${runDir} ($HYPERLAB_RUN_DIR)`), log.join('\n'));
  assert.ok(log.some((line) => line.startsWith(`artifact refused: ${path.join(runDir, 'etc', 'passwd')}: outside the run's folder (it resolves to /etc/passwd)`)), log.join('\n'));
  store.close();
});

test('a FIFO in the run folder is refused at once (it used to block the run\'s end forever); the run still finishes', HANG_GUARD, async (t) => {
  const { store, runDir, runId, handle, started } = launch(
    [hello, artifact('runs/1/pipe'), JSON.stringify({ type: 'metrics', step: 0, time: 1, values: { loss: 1 } }), done],
    (folder) => execFileSync('mkfifo', [path.join(folder, 'pipe')]),
  );
  const outcome = await handle.done;
  t.diagnostic(`run ended ${Date.now() - started} ms after it started`);
  assert.equal(outcome.status, 'finished');
  assert.equal(store.getRun(runId)!.status, 'finished');
  assert.deepEqual(store.artifacts(runId), []);
  assert.ok(protocolLog(store, runId).includes(`artifact refused: ${path.join(runDir, 'pipe')}: a FIFO (named pipe), not a regular file`), protocolLog(store, runId).join('\n'));
  assert.deepEqual(pointCounts(store, runId), { loss: 1 });
  store.close();
});

test('/dev/zero, named directly or through a symlink in the run folder, and a folder are refused at once', HANG_GUARD, async (t) => {
  const { store, runDir, runId, handle, started } = launch(
    [hello, artifact('/dev/zero'), artifact('runs/1/zero'), artifact('runs/1/sub'), done],
    (folder) => {
      fs.symlinkSync('/dev/zero', path.join(folder, 'zero'));
      fs.mkdirSync(path.join(folder, 'sub'));
    },
  );
  const outcome = await handle.done;
  t.diagnostic(`run ended ${Date.now() - started} ms after it started`);
  assert.equal(outcome.status, 'finished');
  assert.deepEqual(store.artifacts(runId), []);
  const log = protocolLog(store, runId);
  assert.ok(log.some((line) => line.startsWith('artifact refused: /dev/zero: outside the run\'s folder')), log.join('\n'));
  assert.ok(log.some((line) => line.startsWith(`artifact refused: ${path.join(runDir, 'zero')}: outside the run's folder (it resolves to /dev/zero)`)), log.join('\n'));
  assert.ok(log.includes(`artifact refused: ${path.join(runDir, 'sub')}: a folder, not a regular file`), log.join('\n'));
  store.close();
});

test(`an artifact over the size cap (${ARTIFACT_LIMITS.maxBytes} bytes) is refused without being read; past the per-run count, artifacts are refused once`, HANG_GUARD, async () => {
  const { store, runDir, runId, handle } = launch(
    [hello, artifact('runs/1/huge.bin'), artifact('runs/1/a'), artifact('runs/1/b'), artifact('runs/1/c'), artifact('runs/1/d'), done],
    (folder) => {
      // Sparse: a size without the disk space.
      fs.closeSync(fs.openSync(path.join(folder, 'huge.bin'), 'w'));
      fs.truncateSync(path.join(folder, 'huge.bin'), ARTIFACT_LIMITS.maxBytes + 1);
      for (const name of ['a', 'b', 'c', 'd']) fs.writeFileSync(path.join(folder, name), name);
    },
    { artifactLimits: { maxPerRun: 2 } },
  );
  const outcome = await handle.done;
  assert.equal(outcome.status, 'finished');
  await handle.artifactsHashed;
  assert.deepEqual(store.artifacts(runId).map((a) => path.basename(a.path)), ['a', 'b']);
  const log = protocolLog(store, runId);
  assert.ok(log.includes(`artifact refused: ${path.join(runDir, 'huge.bin')}: 1,073,741,825 bytes, over the 1,073,741,824-byte limit on an artifact`), log.join('\n'));
  assert.equal(log.filter((line) => line.includes('more than 2 artifacts in this run')).length, 1, log.join('\n'));
  store.close();
});

test('a done.summary nested 5,000 deep: refused with the limit named, and the run ends failed instead of staying running', HANG_GUARD, async () => {
  const deep = '{"x":'.repeat(5000) + '1' + '}'.repeat(5000);
  const { store, runId, handle } = launch([hello, JSON.stringify({ type: 'metrics', step: 0, time: 1, values: { loss: 1 } }), `{"type":"done","summary":${deep}}`]);
  const outcome = await handle.done;
  assert.equal(outcome.status, 'failed');
  const run = store.getRun(runId)!;
  assert.equal(run.status, 'failed');
  assert.equal(run.reason, 'exited with code 0 without a done message; producer error: its done message was refused: done.summary is nested more than 64 levels deep (the limit is 64)');
  assert.deepEqual(pointCounts(store, runId), { loss: 1 });
  store.close();
});

test('one invalid key keeps the valid values of its line, and is logged once however often it is sent', HANG_GUARD, async () => {
  const line = (step: number) => JSON.stringify({ type: 'metrics', step, time: 1, values: { loss: 1 / (step + 1), ['k'.repeat(300)]: 1, acc: step / 10 } });
  const { store, runId, handle } = launch([hello, line(0), line(1), line(2), done]);
  const outcome = await handle.done;
  assert.equal(outcome.status, 'finished');
  assert.equal(outcome.protocolErrors, 0);
  assert.deepEqual(pointCounts(store, runId), { acc: 3, loss: 3 });
  const log = protocolLog(store, runId).filter((text) => text.includes('kkkk'));
  assert.equal(log.length, 1, log.join('\n'));
  assert.match(log[0]!, /value dropped, the line's other values kept .*metric keys must be 1 to 200 characters, got 300/);
  store.close();
});

test('repeated steps: the last value sent wins, and the outcome counts the points the store holds (4, not the 8 sent)', HANG_GUARD, async () => {
  const metrics = [0, 1, 2, 3, 0, 1, 2, 3].map((step, i) => JSON.stringify({ type: 'metrics', step, time: 1, values: { loss: i } }));
  const { store, runId, handle } = launch([hello, ...metrics, done]);
  const outcome = await handle.done;
  assert.equal(outcome.status, 'finished');
  assert.equal(outcome.points, 4);
  assert.deepEqual(store.points(runId, 'loss').map((p) => [p.step, p.value]), [[0, 4], [1, 5], [2, 6], [3, 7]]);
  store.close();
});

test('a metric key that is not UTF-8 is refused with a reason; no key of replacement characters is created', HANG_GUARD, async () => {
  const bad = Buffer.concat([Buffer.from('{"type":"metrics","step":0,"time":1,"values":{"loss":0.5,"'), Buffer.from([0xff, 0xfe, 0xfd]), Buffer.from('":1}}')]);
  const { store, runId, handle } = launch([hello, bad, done]);
  const outcome = await handle.done;
  assert.equal(outcome.status, 'finished');
  assert.deepEqual(store.metricKeys(runId), ['loss']);
  assert.ok(protocolLog(store, runId).some((line) => line.startsWith('metric "\uFFFD\uFFFD\uFFFD": value dropped') && line.endsWith('the key is not valid UTF-8 (its bad bytes would become U+FFFD); send keys as UTF-8 text')), protocolLog(store, runId).join('\n'));
  store.close();
});
