// A PyTorch run watched by the client feeds the Gradient Monitor exactly as an engine run does:
// the panel's message (layerStatsMessage, what the VS Code panel host sends) raises the
// exploding-gradient alert for an exploding learning rate, and none for a sane one; its remedies
// are PyTorch code (the run has no spec whose fields they could name).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { syncInbox } from '../../../src/core/inbox/index.ts';
import { openStore } from '../../../src/core/store/index.ts';
import { layerStatsMessage } from '../../../src/core/webview/gradients-data.ts';
import { tempDir } from '../runner/helpers.ts';
import { SCRIPTS, python } from './helpers.ts';

test('Gradient Monitor on a watched torch.nn.Module: exploding alert at lr 0.5, none at lr 0.001', () => {
  const dir = tempDir('hyperlab-alert-');
  fs.mkdirSync(path.join(dir, '.hyperlab'));
  for (const lr of ['0.001', '0.5']) {
    const ran = python(path.join(SCRIPTS, 'exploding.py'), dir, { LR: lr, STEPS: '4' });
    assert.equal(ran.code, 0, ran.stderr);
  }
  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'));
  try {
    syncInbox(store, path.join(dir, '.hyperlab', 'inbox'));
    const byName = (name: string) => store.listRuns().find((r) => r.name === name)!;
    const sane = layerStatsMessage(store, byName('lr=0.001').id, 500)!;
    const exploding = layerStatsMessage(store, byName('lr=0.5').id, 500)!;
    assert.equal(sane.steps.length, 4);
    assert.deepEqual(sane.layers.map((l) => l.name), ['Linear 0', 'Linear 2', 'Linear 4']);
    assert.deepEqual(sane.alerts.filter((a) => a.kind === 'exploding'), []);
    const alert = exploding.alerts.find((a) => a.kind === 'exploding');
    assert.ok(alert, `an exploding alert, got ${JSON.stringify(exploding.alerts)}`);
    assert.match(alert.message, /Exploding gradients/);
    // A script's run has no spec: the remedies are PyTorch code, with no spec field to open.
    assert.match(alert.remedies.map((r) => r.detail).join(' '), /torch\.nn\.utils\.clip_grad_norm_/);
    assert.deepEqual(alert.remedies.filter((r) => r.field !== undefined), []);
    // (After 4 steps at lr 0.5 the norms are ~1e13 but still finite; a few steps later they are NaN.)
  } finally {
    store.close();
  }
});
