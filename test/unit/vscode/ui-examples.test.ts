// The examples the UI shows in its input boxes and hints, each run through the code that consumes
// it. Covered elsewhere, so not repeated here: the Run Experiment box's placeholder
// (OVERRIDES_EXAMPLE: overrides.test.ts against every template, and typed in the real workbench
// by everyday.test.ts) and the Comparison filter's placeholder (typed into the real webview by
// everyday.test.ts). The boxes without an example (which spec, which run, a sweep id, a note)
// have nothing to run.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadComparison } from '../../../src/core/compare/load.ts';
import { EMPTY_STATE, tableView } from '../../../src/core/compare/table-model.ts';
import { HyperlabError } from '../../../src/core/errors.ts';
import { openStore } from '../../../src/core/store/index.ts';
import { checkName, checkTag, parseTagList, TAG_FILTER_EXAMPLE, TAGS_EXAMPLE } from '../../../src/core/store/run-annotations.ts';

test('the Tag Run box\'s example tags a run, and its Comparison filter example finds that run and only it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-ui-examples-'));
  const store = openStore(path.join(dir, 'runs.db'));
  try {
    const tagged = store.createRun({ experiment: 'mlp', name: 'a', params: { 'train.optimizer.lr': 0.01 } });
    store.createRun({ experiment: 'mlp', name: 'b', params: { 'train.optimizer.lr': 0.1 } });
    const tags = parseTagList(TAGS_EXAMPLE);
    assert.deepEqual(tags, ['baseline', 'best-lr']);
    store.tagRun(tagged.id, tags);
    assert.deepEqual(store.annotations([tagged.id]).get(tagged.id)?.tags, ['baseline', 'best-lr']);
    const { dataset } = loadComparison(store, 'mlp');
    const view = tableView(dataset, { ...EMPTY_STATE, filter: TAG_FILTER_EXAMPLE });
    assert.deepEqual(view.errors, []);
    assert.deepEqual(view.matched.map((i) => dataset.runIds[i]), [tagged.id]);
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the examples in the hints of a bad tag and a bad name are themselves accepted', () => {
  const tagHint = (() => { try { checkTag('two words'); } catch (e) { return (e as HyperlabError).hint ?? ''; } return ''; })();
  const tagExamples = /e\.g\. (.+)\.$/.exec(tagHint)?.[1]?.split(/, | or /) ?? [];
  assert.deepEqual(tagExamples, ['baseline', 'best-lr', 'needs-rerun']);
  for (const tag of tagExamples) assert.equal(checkTag(tag), tag);
  const nameHint = (() => { try { checkName(' '); } catch (e) { return (e as HyperlabError).hint ?? ''; } return ''; })();
  const nameExample = /e\.g\. (.+)\.$/.exec(nameHint)?.[1];
  assert.equal(nameExample, 'lr=0.01 adam');
  assert.equal(checkName(nameExample!), 'lr=0.01 adam');
});
