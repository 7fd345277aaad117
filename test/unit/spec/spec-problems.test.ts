// Spec problems located in the file's text, for the Problems panel.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { specProblems } from '../../../src/core/spec/spec-problems.ts';

test('an unknown field and a wrong type are found at their keys, with the validator\'s message', () => {
  const text = '{\n  "train": {\n    "epochz": 3,\n    "batchSize": "big"\n  }\n}\n';
  const problems = specProblems(text);
  assert.equal(problems.length, 2);
  const unknown = problems.find((p) => p.path === 'train.epochz')!;
  assert.match(unknown.message, /^train\.epochz: unknown field; .*did you mean "epochs"/);
  assert.equal(text.slice(unknown.offset, unknown.offset + unknown.length), '"epochz"');
  const wrong = problems.find((p) => p.path === 'train.batchSize')!;
  assert.equal(text.slice(wrong.offset, wrong.offset + wrong.length), '"batchSize"');
});

test('a valid spec has no problems; broken JSON is one problem near where it broke', () => {
  assert.deepEqual(specProblems('{ "train": { "epochs": 2 } }'), []);
  const broken = specProblems('{ "train": { "epochs": 2, } }');
  assert.equal(broken.length, 1);
  assert.match(broken[0]!.message, /not valid JSON/);
  assert.ok(broken[0]!.offset > 10);
});
