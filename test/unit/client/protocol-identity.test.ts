// What the client adds to the protocol: a hello that names its run (and its start time), a done
// that reports the script's own failure or interrupt; and how the runner decides on them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProducerLine } from '../../../src/core/protocol/parse.ts';
import { decideOutcome, type RunFacts } from '../../../src/core/runner/outcome.ts';

test('hello.run: experiment, name and tags are read; bad ones are errors naming the field', () => {
  const ok = parseProducerLine('{"type":"hello","protocol":1,"producer":"hyperlab-python","time":1.5,"run":{"experiment":"e","name":"n","tags":["a","b"]}}');
  assert.deepEqual(ok, { ok: true, message: { type: 'hello', protocol: 1, producer: 'hyperlab-python', time: 1.5, run: { experiment: 'e', name: 'n', tags: ['a', 'b'] } } });
  const empty = parseProducerLine('{"type":"hello","protocol":1,"producer":"p","run":{"experiment":" "}}');
  assert.deepEqual(empty, { ok: false, error: 'hello.run.experiment: expected a name that is not blank and at most 200 characters, got " "', type: 'hello' });
  const tags = parseProducerLine('{"type":"hello","protocol":1,"producer":"p","run":{"tags":"a"}}');
  assert.deepEqual(tags, { ok: false, error: 'hello.run.tags: expected an array of strings', type: 'hello' });
});

test('done.status failed/killed: the script\'s own account is the run\'s end, with its reason', () => {
  const base: RunFacts = { spawnError: null, stop: null, forcedWith: null, divergence: null, done: null, exitCode: 1, signal: null, lastStderr: 'ValueError: x', lastProducerError: null, protocolErrors: 0, storageFailure: null };
  const failed = parseProducerLine('{"type":"done","summary":{},"status":"failed","reason":"Traceback …\\nValueError: x"}');
  assert.ok(failed.ok && failed.message.type === 'done');
  assert.deepEqual(decideOutcome({ ...base, done: failed.message }), { status: 'failed', reason: 'Traceback …\nValueError: x' });
  const killed = parseProducerLine('{"type":"done","summary":{},"status":"killed","reason":"interrupted (Ctrl-C)"}');
  assert.ok(killed.ok && killed.message.type === 'done');
  assert.deepEqual(decideOutcome({ ...base, exitCode: 130, done: killed.message }), { status: 'killed', reason: 'interrupted (Ctrl-C)' });
  // A stop the host asked for still reads as the host's stop.
  assert.deepEqual(decideOutcome({ ...base, done: killed.message, stop: { cause: 'user', reason: 'stopped by the user', doneBefore: false } }), { status: 'killed', reason: 'stopped by the user' });
  // A divergence the host saw wins over the script's interrupt that followed its stop.
  assert.equal(decideOutcome({ ...base, done: killed.message, divergence: 'loss was NaN at step 3', stop: { cause: 'divergence', reason: 'diverged', doneBefore: false } }).status, 'diverged');
  assert.deepEqual(parseProducerLine('{"type":"done","summary":{},"status":"paused"}'), { ok: false, error: 'done.status: expected one of finished, diverged, failed, killed, got string "paused"', type: 'done' });
});
