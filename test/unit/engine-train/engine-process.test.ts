import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { ProducerMessage } from '../../../src/core/protocol/messages.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const templates = path.join(root, 'media/templates');
const csvSpec = JSON.parse(fs.readFileSync(path.join(templates, 'csv-example.hyperlab.json'), 'utf8'));

/** Starts the engine with a channel on fd 3; `onMessage` may answer through `send`. */
function runEngine(start: object, onMessage: (m: ProducerMessage, send: (o: object) => void) => void = () => {}): Promise<{ messages: ProducerMessage[]; stdout: string; code: number | null }> {
  const child = spawn(process.execPath, [path.join(root, 'src/engine/main.ts')], {
    cwd: templates, env: { ...process.env, HYPERLAB_CHANNEL_FD: '3' }, stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const channel = child.stdio[3] as Duplex;
  const send = (o: object): void => { channel.write(JSON.stringify(o) + '\n'); };
  const messages: ProducerMessage[] = [];
  let stdout = '';
  let buffered = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d; });
  channel.on('data', (d: Buffer) => {
    buffered += d;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const m = JSON.parse(buffered.slice(0, nl)) as ProducerMessage;
      buffered = buffered.slice(nl + 1);
      messages.push(m);
      if (m.type === 'hello') send({ type: 'start', ...start });
      onMessage(m, send);
    }
  });
  // A hung engine fails the test instead of hanging the suite.
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => child.on('close', (code) => { clearTimeout(guard); resolve({ messages, stdout, code }); }));
}

test('engine process: hello → start → params → metrics → artifacts-free done with a summary', async () => {
  const { messages, stdout, code } = await runEngine({ spec: csvSpec, overrides: { 'train.epochs': 3 }, seed: 4 });
  assert.equal(code, 0);
  assert.deepEqual(messages[0], { type: 'hello', protocol: 1, producer: 'hyperlab-engine', pid: (messages[0] as { pid: number }).pid });
  const params = messages.find((m) => m.type === 'params');
  assert.ok(params && params.type === 'params');
  assert.equal(params.params['train.epochs'], 3);
  assert.equal(params.params['train.seed'], 4);
  const epochMetrics = messages.filter((m) => m.type === 'metrics' && 'epoch.val.acc' in m.values);
  assert.equal(epochMetrics.length, 3);
  const done = messages[messages.length - 1]!;
  assert.ok(done.type === 'done');
  assert.equal(done.status, 'finished');
  assert.ok((done.summary['test.acc'] as number) > 0.8);
  assert.match(stdout, /epoch 3\/3: train loss/);
  const plan = messages.find((m) => m.type === 'plan');
  assert.ok(plan && plan.type === 'plan', 'the engine states its plan before training');
  assert.equal(plan.epochs, 3);
  assert.equal(plan.totalSteps, plan.stepsPerEpoch * 3);
  assert.ok(messages.indexOf(plan) < messages.findIndex((m) => m.type === 'metrics'), 'before the first metrics');
  const lastStep = Math.max(...messages.flatMap((m) => (m.type === 'metrics' ? [m.step] : [])));
  assert.equal(lastStep, plan.totalSteps, 'the last metrics are at the planned total: progress reaches 100%');
});

test('engine process: a stop message ends the run within a step, with its metrics so far', async () => {
  let stopped = false;
  const { messages, code } = await runEngine({ spec: csvSpec, overrides: { 'train.epochs': 100000 }, seed: 0 }, (m, send) => {
    if (m.type === 'metrics' && !stopped) {
      stopped = true;
      send({ type: 'stop', reason: 'test' });
    }
  });
  assert.equal(code, 0);
  const done = messages[messages.length - 1]!;
  assert.ok(done.type === 'done');
  assert.equal(done.reason, 'stop requested');
  assert.ok((done.summary['steps'] as number) < 100, `ran ${done.summary['steps']} steps after the stop`);
});

test('engine process: an invalid spec is reported as an error message naming the field', async () => {
  const { messages, code } = await runEngine({ spec: { train: { optimizer: { kind: 'adamm' } } }, overrides: {}, seed: 0 });
  assert.equal(code, 1);
  const error = messages.find((m) => m.type === 'error');
  assert.ok(error && error.type === 'error');
  assert.match(error.message, /train\.optimizer\.kind: "adamm" is not one of .* did you mean "adam"/);
});

test('engine process: a model that cannot fit ends at once with an error naming the layer and the estimate, before any step', async () => {
  const layers = [{ type: 'dense', units: 10_000_000, activation: 'relu' }, { type: 'dense', units: 2 }];
  const { messages, code } = await runEngine({ spec: csvSpec, overrides: { 'model.layers': layers }, seed: 0 });
  assert.equal(code, 1);
  const error = messages.find((m) => m.type === 'error');
  assert.ok(error && error.type === 'error');
  assert.match(error.message, /^model too large.*model\.layers\.0 \(dense 10000000 units on 2 inputs\) needs about/);
  assert.ok(!messages.some((m) => m.type === 'metrics' || m.type === 'done'));
});
