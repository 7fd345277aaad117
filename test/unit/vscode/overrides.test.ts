// What a person types in the Run Experiment box becomes the same overrides as the CLI's --set.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HyperlabError } from '../../../src/core/errors.ts';
import { overridesError, parseOverrides } from '../../../src/vscode/runs/overrides.ts';

test('key=value pairs, JSON values, brackets and quotes kept together, --set allowed', () => {
  assert.deepEqual(parseOverrides('train.epochs=3 train.optimizer.kind=adam --set model.hidden=[128, 64] name="a b" flag=true'), {
    'train.epochs': 3, 'train.optimizer.kind': 'adam', 'model.hidden': [128, 64], name: 'a b', flag: true,
  });
  assert.deepEqual(parseOverrides('   '), {});
});

test('a token without a value is a typed error that says how to write it', () => {
  assert.throws(() => parseOverrides('train.epochs=3 lr'), (e: unknown) => e instanceof HyperlabError && /"lr"/.test(e.message) && /train\.epochs=3/.test(e.hint ?? ''));
  assert.match(overridesError('lr') ?? '', /path=value/);
  assert.equal(overridesError('lr=0.1'), undefined);
});

test('the box\'s own example runs against every template (its keys resolve to full paths and the spec validates)', async () => {
  const { OVERRIDES_EXAMPLE } = await import('../../../src/vscode/runs/overrides.ts');
  const { resolveOverridePaths } = await import('../../../src/core/spec/override-paths.ts');
  const { applyOverrides } = await import('../../../src/core/spec/index.ts');
  const fs = await import('node:fs');
  const path = await import('node:path');
  const dir = path.join(import.meta.dirname, '..', '..', '..', 'media', 'templates');
  const templates = fs.readdirSync(dir).filter((f) => f.endsWith('.hyperlab.json'));
  assert.ok(templates.length >= 3);
  for (const file of templates) {
    const spec = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as object;
    const overrides = resolveOverridePaths(spec, parseOverrides(OVERRIDES_EXAMPLE));
    assert.deepEqual(Object.keys(overrides), ['train.optimizer.lr', 'train.epochs'], file);
    const applied = applyOverrides(spec, overrides);
    assert.equal(applied.train.epochs, 3, file);
  }
});
