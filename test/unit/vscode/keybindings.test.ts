// The Run Explorer's keys are scoped to it: F2 renames the selected run and Delete deletes the
// selection only while the Run Explorer has focus, so F2 in an editor still renames a symbol and
// Delete still deletes text (the real workbench test presses them: everyday.test.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { keybindings: { command: string; key: string; when?: string }[]; menus: { [menu: string]: { command: string; when?: string }[] } };
};

test('F2 and Delete act on runs only while the Run Explorer has focus', () => {
  const bindings = manifest.contributes.keybindings;
  const f2 = bindings.filter((b) => b.key === 'f2');
  assert.deepEqual(f2.map((b) => [b.command, b.when]), [['hyperlab.renameRun', 'focusedView == hyperlab.runs']]);
  const del = bindings.filter((b) => b.key === 'delete');
  assert.deepEqual(del.map((b) => [b.command, b.when]), [['hyperlab.deleteRun', 'focusedView == hyperlab.runs']]);
});

test('a run\'s context menu offers Rename, Run Again with Changes and, while it runs, Stop', () => {
  const menu = manifest.contributes.menus['view/item/context']!;
  const when = (command: string) => menu.filter((m) => m.command === command).map((m) => m.when ?? '');
  assert.ok(when('hyperlab.renameRun').some((w) => w.includes('view == hyperlab.runs') && w.includes('hyperlabRun')));
  assert.ok(when('hyperlab.runAgainWithChanges').some((w) => w.includes('hyperlabRun')));
  assert.ok(when('hyperlab.stopRun').every((w) => /running\|queued/.test(w)), 'Stop only on running or queued runs');
});
