import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HyperlabError, errorMessage } from '../../../src/core/errors.ts';

test('a HyperlabError shows its message and its hint', () => {
  const e = new HyperlabError('USAGE', 'unknown command "rnu"', 'Did you mean "run"?');
  assert.equal(errorMessage(e), 'unknown command "rnu"\n  Did you mean "run"?');
  assert.equal(e.code, 'USAGE');
});
