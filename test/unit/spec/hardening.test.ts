// Specs and overrides as an attacker would write them. Before the hardening `__proto__.x=1`
// set x on every object of the process, `{"train": {"constructor": 1}}` passed the unknown-field
// check, an optimizer kind "constructor" crashed validation with a TypeError, `layers.-1` was
// silently ignored, and the Run Experiment box (the extension) accepted the same paths.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HyperlabError } from '../../../src/core/errors.ts';
import { applyOverrides, defaultSpec, parseSpec } from '../../../src/core/spec/index.ts';
import { overridesError } from '../../../src/vscode/runs/overrides.ts';

function specError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof HyperlabError, `a HyperlabError, got ${String(error)}`);
    assert.equal(error.code, 'SPEC_INVALID');
    return error.message;
  }
  return assert.fail('no error');
}

test('override paths through __proto__, constructor or prototype are refused and pollute nothing', () => {
  const probe = {} as { [key: string]: unknown };
  try {
    for (const assignment of ['__proto__.polluted=1', 'constructor.prototype.polluted=1', 'train.__proto__.polluted=1', 'model.layers.0.__proto__.polluted=1']) {
      assert.match(specError(() => applyOverrides(defaultSpec(), [assignment])), /is not a spec field and cannot be set/, assignment);
    }
    assert.match(specError(() => applyOverrides(defaultSpec(), { '__proto__.timeoutMs': 50 })), /"__proto__" is not a spec field/);
    assert.equal(probe['polluted'], undefined);
    assert.equal((Object.prototype as { [key: string]: unknown })['polluted'], undefined);
  } finally {
    // Keep the rest of the suite clean if an old build let one through.
    delete (Object.prototype as { [key: string]: unknown })['polluted'];
    delete (Object.prototype as { [key: string]: unknown })['timeoutMs'];
  }
});

test('the extension\'s Run Experiment box refuses the same paths with the same message', () => {
  assert.match(overridesError('__proto__.timeoutMs=50') ?? '', /override "__proto__\.timeoutMs": "__proto__" is not a spec field and cannot be set/);
  assert.match(overridesError('epochs=3 constructor.x=1') ?? '', /"constructor" is not a spec field/);
  assert.equal(overridesError('train.epochs=3'), undefined);
});

test('spec keys __proto__, constructor and prototype are refused wherever they are; a tagged kind "constructor" is a listed problem', () => {
  assert.match(specError(() => parseSpec('{"__proto__": {"epochz": 3}}')), /__proto__: the key "__proto__" is not allowed/);
  assert.match(specError(() => parseSpec({ ...defaultSpec(), train: { ...defaultSpec().train, constructor: 1 } })), /train\.constructor: the key "constructor" is not allowed/);
  assert.match(specError(() => parseSpec('{"search": {"x": {"prototype": 1}}}')), /search\.x\.prototype: the key "prototype" is not allowed/);
  const spec = defaultSpec();
  const tagged = { ...spec, train: { ...spec.train, optimizer: { kind: 'constructor' } } };
  assert.match(specError(() => parseSpec(tagged)), /train\.optimizer\.kind: "constructor" is not one of /);
});

test('an array index must exist: layers.-1, layers.x and an index past the end are errors; length appends', () => {
  const layers = defaultSpec().model.layers;
  assert.match(specError(() => applyOverrides(defaultSpec(), ['model.layers.-1.units=5'])),
    new RegExp(`override model\\.layers\\.-1\\.units: model\\.layers is an array of ${layers.length} items, and "-1" is not one of its indices`));
  assert.match(specError(() => applyOverrides(defaultSpec(), ['model.layers.first.units=5'])), /"first" is not one of its indices/);
  assert.match(specError(() => applyOverrides(defaultSpec(), [`model.layers.${layers.length + 1}.units=5`])), /is not one of its indices/);
  const changed = applyOverrides(defaultSpec(), ['model.layers.1.units=5']);
  assert.equal((changed.model.layers[1] as { units?: number }).units, 5);
});

test('spec size limits: depth, keys and bytes, each named in the message', () => {
  const deep = '{"a":'.repeat(100) + '1' + '}'.repeat(100);
  assert.match(specError(() => parseSpec(`{"search": ${deep}}`)), /^invalid spec: the spec is nested more than 64 levels deep \(the limit is 64\)$/);
  const wide = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`p${i}`, [i]]));
  assert.match(specError(() => parseSpec({ search: wide })), /the spec has more than 10,000 keys/);
  assert.match(specError(() => parseSpec(`{"description": "${'x'.repeat(1024 * 1024)}"}`)), /the spec is 1,048,5\d\d bytes \(the limit is 1,048,576\)/);
});
