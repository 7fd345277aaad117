// The experiment a spec's runs are filed under when nothing else names it (CLI and VS Code alike).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { specExperiment } from '../../../src/core/spec/index.ts';

test('the spec\'s name, trimmed; else its file name without .hyperlab.json or .json', () => {
  assert.equal(specExperiment('  mnist-cnn ', '/w/a.hyperlab.json'), 'mnist-cnn');
  assert.equal(specExperiment(null, '/w/lr-search.hyperlab.json'), 'lr-search');
  assert.equal(specExperiment('   ', '/w/plain.json'), 'plain', 'a blank name is no name');
  assert.equal(specExperiment(undefined, '/w/notes.v2.json'), 'notes.v2');
});

test('the file name of a Windows path too (VS Code on Windows hands the spec\'s fsPath)', () => {
  assert.equal(specExperiment(null, 'C:\\Users\\me\\specs\\cnn.hyperlab.json'), 'cnn');
  assert.equal(specExperiment('', 'relative.json'), 'relative');
});
