import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineSplitter } from '../../../src/core/protocol/index.ts';

function collect(maxBytes: number) {
  const lines: string[] = [];
  const overlong: { head: string; bytes: number }[] = [];
  const splitter = new LineSplitter(maxBytes, { line: (t) => lines.push(t), overlong: (head, bytes) => overlong.push({ head, bytes }) });
  return { splitter, lines, overlong };
}

test('splits across chunk boundaries, strips CR, keeps a final unterminated line', () => {
  const { splitter, lines } = collect(100);
  for (const chunk of ['ab', 'c\nde', 'f\r\n', '\n', 'tail']) splitter.push(Buffer.from(chunk));
  assert.deepEqual(lines, ['abc', 'def', '']);
  splitter.end();
  assert.deepEqual(lines, ['abc', 'def', '', 'tail']);
});

test('multi-byte characters split between chunks decode intact', () => {
  const { splitter, lines } = collect(100);
  const bytes = Buffer.from('größe→✓\n');
  splitter.push(bytes.subarray(0, 3));
  splitter.push(bytes.subarray(3));
  assert.deepEqual(lines, ['größe→✓']);
});

test('an overlong line is cut to its head and reported with its size; the next line is intact', () => {
  const { splitter, lines, overlong } = collect(10);
  splitter.push('0123456789ABCDEF');
  splitter.push('GHIJ\nnext\n');
  assert.deepEqual(overlong, [{ head: '0123456789', bytes: 20 }]);
  assert.deepEqual(lines, ['next']);
});

test('memory stays bounded when a producer never writes a newline', () => {
  const { splitter, overlong } = collect(1024);
  const chunk = Buffer.alloc(64 * 1024, 120);
  for (let i = 0; i < 200; i++) splitter.push(chunk); // 12.5 MiB without a newline
  splitter.end();
  assert.equal(overlong.length, 1);
  assert.equal(overlong[0]!.bytes, 200 * 64 * 1024);
  assert.equal(overlong[0]!.head.length, 1024);
});
