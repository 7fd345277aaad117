// A multi-line error (the spec's problems as a list) is not one run-on notification: the first
// problem and a count, the whole list behind Show Details (the Output channel).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorMessage } from '../../../src/core/errors.ts';
import { parseSpec } from '../../../src/core/spec/index.ts';
import { errorNotice } from '../../../src/vscode/commands/errorNotice.ts';

test('the spec\'s problem list: its first problem and how many more, with details', () => {
  let message = '';
  try {
    parseSpec({ train: { epochs: -1, optimizer: { kind: 'adamm' } }, bogus: 1 });
  } catch (error) {
    message = errorMessage(error);
  }
  assert.ok(message.includes('\n  - '), 'the real message is a bullet list');
  const notice = errorNotice(message);
  assert.equal(notice.hasDetails, true);
  assert.match(notice.text, /^Hyperlab: invalid spec \(3 problems\): bogus: unknown field; allowed: .* \(and 2 more in Show Details\)$/);
  assert.doesNotMatch(notice.text, /\n/);
});

test('one line stays as it is, without details', () => {
  assert.deepEqual(errorNotice('run 4 is not in the store'), { text: 'Hyperlab: run 4 is not in the store', hasDetails: false });
  assert.deepEqual(errorNotice('first line\nsecond line'), { text: 'Hyperlab: first line (more in Show Details)', hasDetails: true });
});
