import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_LINE_BYTES, PROTOCOL_VERSION, helloVersionError, parseHostLine, parseProducerLine, serializeMessage, type ProducerMessage } from '../../../src/core/protocol/index.ts';

function ok(line: string): ProducerMessage {
  const result = parseProducerLine(line);
  assert.ok(result.ok, `expected ok, got ${result.ok ? '' : result.error}`);
  return result.message;
}

function error(line: string): string {
  const result = parseProducerLine(line);
  assert.ok(!result.ok, `expected an error for ${line.slice(0, 80)}`);
  return result.error;
}

test('every producer message type round-trips through the serializer', () => {
  const messages: ProducerMessage[] = [
    { type: 'hello', protocol: 1, producer: 'engine', pid: 42 },
    { type: 'params', params: { lr: 0.1, model: { layers: [1, 2] }, name: 'x', flag: true, none: null } },
    { type: 'metrics', step: 3, epoch: 1, time: 1700000000000, values: { loss: 0.5, acc: 0.9 } },
    { type: 'layerStats', step: 3, layers: [{ name: 'dense1', gradNorm: 1, weightNorm: 2, updateRatio: 0.01, deadFraction: 0.2 }] },
    { type: 'artifact', kind: 'checkpoint', path: 'ckpt/last.safetensors', meta: { epoch: 2 } },
    { type: 'artifact', kind: 'checkpoint', path: '/w/ckpt.pt', size: 15, sha256: 'ab'.repeat(32) },
    { type: 'log', level: 'warn', message: 'slow data loader' },
    { type: 'done', summary: { loss: 0.1 }, status: 'diverged', reason: 'loss exploded' },
    { type: 'error', message: 'out of memory' },
  ];
  for (const message of messages) {
    const line = serializeMessage(message);
    assert.ok(line.endsWith('\n'));
    assert.deepEqual(ok(line), message);
  }
});

test('non-finite metric values travel as "NaN"/"Infinity"/"-Infinity" strings', () => {
  const line = serializeMessage({ type: 'metrics', step: 0, time: 1, values: { loss: Number.NaN, up: Infinity, down: -Infinity } });
  assert.match(line, /"loss":"NaN"/);
  const message = ok(line);
  assert.equal(message.type, 'metrics');
  if (message.type !== 'metrics') return;
  assert.ok(Number.isNaN(message.values['loss']));
  assert.equal(message.values['up'], Infinity);
  assert.equal(message.values['down'], -Infinity);
  // A bad value drops its key only (see limits.test.ts); the line itself is valid.
  const bad = parseProducerLine('{"type":"metrics","step":0,"time":1,"values":{"loss":"nan"}}');
  assert.ok(bad.ok);
  assert.match(bad.rejected?.[0]?.reason ?? '', /metrics\.values\.loss: expected a number or "NaN"/);
});

test('malformed lines yield errors that name the field', () => {
  assert.match(error('not json at all'), /not JSON/);
  assert.match(error('[1,2]'), /expected a JSON object/);
  assert.match(error('"hello"'), /expected a JSON object/);
  assert.match(error('null'), /expected a JSON object/);
  assert.match(error('{"step":1}'), /no "type"/);
  assert.match(error('{"type":"teleport"}'), /unknown message type "teleport"; expected one of hello, params/);
  assert.match(error('{"type":"metrics","step":"1","time":1,"values":{}}'), /metrics\.step: expected a non-negative integer, got string "1"/);
  assert.match(error('{"type":"metrics","step":1.5,"time":1,"values":{}}'), /metrics\.step: expected a non-negative integer/);
  assert.match(error('{"type":"metrics","step":1,"values":{}}'), /metrics\.time: expected a finite number, got nothing/);
  assert.match(error('{"type":"metrics","step":1,"time":1,"values":[1]}'), /metrics\.values: expected an object, got an array/);
  assert.match(error('{"type":"metrics","step":1,"time":"NaN","values":{}}'), /metrics\.time: expected a finite number/);
  assert.match(error('{"type":"hello","protocol":"1","producer":"x"}'), /hello\.protocol: expected an integer/);
  assert.match(error('{"type":"hello","protocol":1}'), /hello\.producer: expected a string/);
  assert.match(error('{"type":"params","params":[1]}'), /params\.params: expected an object/);
  assert.match(error('{"type":"layerStats","step":1,"layers":[{"name":"a","gradNorm":1,"weightNorm":true,"updateRatio":0}]}'), /layerStats\.layers\[0\]\.weightNorm/);
  assert.match(error('{"type":"log","level":"loud","message":"x"}'), /log\.level: expected one of debug, info, warn, error/);
  assert.match(error('{"type":"done","summary":{},"status":"great"}'), /done\.status: expected one of finished, diverged/);
  assert.match(error('{"type":"artifact","kind":"x"}'), /artifact\.path: expected a string/);
  assert.match(error('{"type":"artifact","kind":"x","path":"/a","sha256":"xyz"}'), /artifact\.sha256: expected 64 hex digits, got "xyz"/);
  assert.match(error('{"type":"artifact","kind":"x","path":"/a","size":-1}'), /artifact\.size: expected the file's size in bytes/);
  assert.match(error(''), /empty line/);
});

test('an artifact\'s digest is optional: null is absent, upper-case hex is read as lower case', () => {
  assert.deepEqual(ok('{"type":"artifact","kind":"x","path":"/a","size":null,"sha256":null}'), { type: 'artifact', kind: 'x', path: '/a' });
  assert.deepEqual(ok(`{"type":"artifact","kind":"x","path":"/a","size":3,"sha256":"${'AB'.repeat(32)}"}`), { type: 'artifact', kind: 'x', path: '/a', size: 3, sha256: 'ab'.repeat(32) });
});

test('the parser survives hostile input without throwing', () => {
  const deep = '['.repeat(100000) + ']'.repeat(100000);
  const inputs = [deep, '{"type":"metrics","step":1e400,"time":1,"values":{}}', '{"__proto__":{"type":"hello"}}', '\u0000\u0001', '{"type":"params","params":' + '{"a":'.repeat(5000) + '1' + '}'.repeat(5001), '{'.repeat(10)];
  for (const input of inputs) assert.equal(typeof parseProducerLine(input).ok, 'boolean');
  assert.match(error('x'.repeat(MAX_LINE_BYTES + 1)), /exceeds the 1048576-byte limit/);
  // A prototype-polluting key is just data.
  assert.equal(({} as { type?: unknown }).type, undefined);
});

test('unknown extra fields are ignored and not passed on', () => {
  const message = ok('{"type":"log","level":"info","message":"hi","extra":{"x":1}}');
  assert.deepEqual(message, { type: 'log', level: 'info', message: 'hi' });
  assert.deepEqual(ok('{"type":"log","message":"default level"}'), { type: 'log', level: 'info', message: 'default level' });
});

test('hello with another protocol version is rejected with a reason naming both versions', () => {
  const hello = ok('{"type":"hello","protocol":7,"producer":"old-engine"}');
  assert.equal(hello.type, 'hello');
  if (hello.type !== 'hello') return;
  const reason = helloVersionError(hello);
  assert.match(reason ?? '', /"old-engine" speaks protocol version 7, this host speaks version 1/);
  assert.equal(helloVersionError({ ...hello, protocol: PROTOCOL_VERSION }), null);
});

test('host lines: start and stop parse, anything else is an error', () => {
  const start = parseHostLine(serializeMessage({ type: 'start', spec: { a: 1 }, overrides: { 'train.lr': 0.1 }, seed: 7 }));
  assert.deepEqual(start, { ok: true, message: { type: 'start', spec: { a: 1 }, overrides: { 'train.lr': 0.1 }, seed: 7 } });
  assert.deepEqual(parseHostLine('{"type":"stop","reason":"user"}'), { ok: true, message: { type: 'stop', reason: 'user' } });
  const bad = parseHostLine('{"type":"start","spec":{},"seed":"x"}');
  assert.ok(!bad.ok && /start\.seed: expected an integer/.test(bad.error));
  const producerType = parseHostLine('{"type":"hello","protocol":1,"producer":"x"}');
  assert.ok(!producerType.ok && /unknown message type "hello"; expected one of start, stop/.test(producerType.error));
});

test('a metric named like an Object property ("__proto__", "constructor") is kept, not swallowed', () => {
  const parsed = parseProducerLine('{"type":"metrics","step":1,"time":2,"values":{"__proto__":0.5,"constructor":1}}');
  assert.ok(parsed.ok);
  assert.equal(parsed.message.type, 'metrics');
  if (parsed.message.type !== 'metrics') return;
  assert.deepEqual(Object.entries(parsed.message.values), [['__proto__', 0.5], ['constructor', 1]]);
  assert.equal(Object.getPrototypeOf(parsed.message.values), Object.prototype);
});

test('plan: the producer\'s totals parse, optional fields stay optional, a bad count names its field', () => {
  assert.deepEqual(ok('{"type":"plan","epochs":8,"stepsPerEpoch":125,"totalSteps":1000}'), { type: 'plan', epochs: 8, stepsPerEpoch: 125, totalSteps: 1000 });
  const full = { type: 'plan', epochs: 8, stepsPerEpoch: 125, totalSteps: 1000, batchSize: 64, startStep: 250, startEpoch: 2 } as const;
  assert.deepEqual(ok(serializeMessage(full)), full);
  assert.match(error('{"type":"plan","epochs":8,"stepsPerEpoch":0,"totalSteps":1000}'), /plan\.stepsPerEpoch: expected an integer ≥ 1, got 0/);
  assert.match(error('{"type":"plan","epochs":"8","stepsPerEpoch":1,"totalSteps":8}'), /plan\.epochs/);
  assert.match(error('{"type":"plan","epochs":8,"stepsPerEpoch":1,"totalSteps":8,"batchSize":1.5}'), /plan\.batchSize/);
});
