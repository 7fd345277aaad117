// Limits on what a producer can send, at the parser: depth, keys, bad metric keys, bad UTF-8.
// Each case here was accepted (or lost good data) before the limits existed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JSON_LIMITS, jsonLimitError, measureJson } from '../../../src/core/protocol/limits.ts';
import { LineSplitter } from '../../../src/core/protocol/lines.ts';
import { parseProducerLine } from '../../../src/core/protocol/parse.ts';

const nested = (depth: number, leaf = '1') => '{"x":'.repeat(depth) + leaf + '}'.repeat(depth);

test('a done.summary nested 5,000 deep is refused with the limit named, without a stack overflow', () => {
  const result = parseProducerLine(`{"type":"done","summary":${nested(5000)}}`);
  assert.ok(!result.ok, 'the deep summary was accepted');
  assert.equal(result.error, `done.summary is nested more than ${JSON_LIMITS.maxDepth} levels deep (the limit is ${JSON_LIMITS.maxDepth})`);
  assert.equal(result.type, 'done');
  // Exactly at the limit is fine: the summary object is level 1.
  const atLimit = parseProducerLine(`{"type":"done","summary":${nested(JSON_LIMITS.maxDepth - 1)}}`);
  assert.ok(atLimit.ok, atLimit.ok ? '' : atLimit.error);
});

test('params with more keys than the limit are refused; measureJson counts members at every level without recursion', () => {
  const wide = Object.fromEntries(Array.from({ length: JSON_LIMITS.maxKeys + 1 }, (_, i) => [`k${i}`, i]));
  const result = parseProducerLine(JSON.stringify({ type: 'params', params: wide }));
  assert.ok(!result.ok);
  assert.match(result.error, /^params\.params has more than 10,000 keys \(the limit is 10,000\)$/);
  assert.deepEqual(measureJson({ a: { b: [1, { c: 2 }] }, d: [] }), { depth: 4, keys: 4 });
  assert.deepEqual(measureJson(7), { depth: 0, keys: 0 });
  assert.equal(jsonLimitError(JSON.parse(nested(200_000)), 'x'), `x is nested more than ${JSON_LIMITS.maxDepth} levels deep (the limit is ${JSON_LIMITS.maxDepth})`);
});

test('one invalid key in a metrics line drops only its own value; the valid values of the line are kept', () => {
  const long = 'k'.repeat(201);
  const result = parseProducerLine(JSON.stringify({ type: 'metrics', step: 3, time: 1, values: { loss: 0.5, [long]: 1, '': 2, acc: 'high', lr: 0.01 } }));
  assert.ok(result.ok, result.ok ? '' : result.error);
  assert.equal(result.message.type, 'metrics');
  if (result.message.type !== 'metrics') return;
  assert.deepEqual(result.message.values, { loss: 0.5, lr: 0.01 });
  assert.deepEqual(result.rejected?.map((r) => r.key), [long, '', 'acc']);
  assert.match(result.rejected![0]!.reason, /metric keys must be 1 to 200 characters, got 201/);
  assert.match(result.rejected![2]!.reason, /metrics\.values\.acc: expected a number/);
});

test('a key with invalid UTF-8 is refused with a reason; the line splitter flags the line, valid keys are kept', () => {
  const lines: { text: string; invalid: boolean }[] = [];
  const splitter = new LineSplitter(1 << 20, { line: (text, invalid) => lines.push({ text, invalid }), overlong: () => assert.fail('not overlong') });
  const bad = Buffer.concat([Buffer.from('{"type":"metrics","step":1,"time":1,"values":{"'), Buffer.from([0xff, 0xfe]), Buffer.from('":1,"ok":2}}\n')]);
  splitter.push(bad);
  // A real U+FFFD sent as valid UTF-8 is not flagged: only bytes that were not UTF-8 are.
  splitter.push(Buffer.from('{"type":"metrics","step":2,"time":1,"values":{"\uFFFD":3}}\n', 'utf8'));
  assert.deepEqual(lines.map((l) => l.invalid), [true, false]);

  const result = parseProducerLine(lines[0]!.text, { invalidUtf8: lines[0]!.invalid });
  assert.ok(result.ok);
  if (result.message.type !== 'metrics') return assert.fail('metrics expected');
  assert.deepEqual(result.message.values, { ok: 2 });
  assert.equal(result.rejected?.length, 1);
  assert.match(result.rejected![0]!.reason, /not valid UTF-8/);

  // Elsewhere a key made of bad bytes refuses the message: it would be stored as replacement characters.
  const params = Buffer.concat([Buffer.from('{"type":"params","params":{"a'), Buffer.from([0xc3]), Buffer.from('":1}}')]);
  const refused = parseProducerLine(params.toString('utf8'), { invalidUtf8: true });
  assert.ok(!refused.ok);
  assert.match(refused.error, /^params message: key "a\uFFFD" is not valid UTF-8/);
  // Bad bytes in a log message's text are kept as U+FFFD: it is text for a person, not a key.
  assert.ok(parseProducerLine('{"type":"log","message":"caf\uFFFD"}', { invalidUtf8: true }).ok);
});

test('a line with bad bytes and an array of 520,000 items (within the 1 MiB line) is answered, not thrown (the key walk has no spread)', () => {
  // The big array comes last so the walk reaches it before the nested bad key.
  const line = `{"type":"params","params":{"nested":{"a\uFFFD":1},"big":[${'0,'.repeat(519_999)}0]}}`;
  const result = parseProducerLine(line, { invalidUtf8: true });
  assert.ok(!result.ok);
  assert.match(result.error, /key "a\uFFFD" is not valid UTF-8/);
});
