// Spec files as people read them: short objects on one line, the rest one entry per line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { formatSpecJson } from '../../../src/core/spec/format-json.ts';

const TEMPLATES = path.resolve(import.meta.dirname, '..', '..', '..', 'media', 'templates');

test('a new spec from each template reads like the template: same values, at most as many lines, no line over 100 columns', () => {
  for (const file of fs.readdirSync(TEMPLATES).filter((f) => f.endsWith('.hyperlab.json'))) {
    const text = fs.readFileSync(path.join(TEMPLATES, file), 'utf8');
    const written = formatSpecJson(JSON.parse(text));
    assert.deepEqual(JSON.parse(written), JSON.parse(text), file);
    const lines = written.trimEnd().split('\n');
    assert.ok(lines.length <= text.trimEnd().split('\n').length + 2, `${file}: ${lines.length} lines`);
    assert.ok(lines.length < JSON.stringify(JSON.parse(text), null, 2).split('\n').length / 1.5, `${file}: shorter than one value per line`);
    for (const line of lines) assert.ok(line.length <= 100 || !line.trimStart().startsWith('{'), `${file}: ${line}`);
  }
});

test('strings holding brackets and quotes survive; empty objects and arrays stay short', () => {
  const value = { description: 'see [ x ] and { y }', list: [], obj: {}, nested: { a: [1, 2, { b: 'c"d' }] } };
  const written = formatSpecJson(value);
  assert.deepEqual(JSON.parse(written), value);
  assert.match(written, /"list": \[\],\n/);
  assert.match(written, /"nested": \{ "a": \[1, 2, \{ "b": "c\\"d" \}\] \}/);
});
