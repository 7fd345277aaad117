// The webview → host gate: malformed, oversized and hostile messages are rejected, change
// nothing in the store, and each costs exactly one clear log line; good messages pass as
// fresh copies holding only their declared fields.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { memoryLogger } from '../../../src/core/log.ts';
import { gateInbound } from '../../../src/core/webview/gate.ts';
import { checkPanelMessage, checkPanelState } from '../../../src/core/webview/inbound-rules.ts';
import { curveSeries } from '../../../src/core/webview/panel-data.ts';
import { panelFixtureStore } from '../../fixtures/stores/panelStore.ts';

const fixture = panelFixtureStore();
after(() => fixture.remove());

const fiftyMegabytes = 'x'.repeat(50 * 1024 * 1024);
const hostile: [string, unknown][] = [
  ['not an object', 'ready'],
  ['null', null],
  ['an array', [{ type: 'ready' }]],
  ['no type', { runIds: [1] }],
  ['a numeric type', { type: 7 }],
  ['an unknown kind', { type: 'dropTables' }],
  ['a prototype-named kind', { type: '__proto__' }],
  ['a run id as a SQL fragment', { type: 'requestSeries', requestId: 1, runIds: ['1; DROP TABLE runs; --'], keys: ['loss'], x: 'step', buckets: 100 }],
  ['a run id as a float', { type: 'requestSeries', requestId: 1, runIds: [1.5], keys: ['loss'], x: 'step', buckets: 100 }],
  ['a negative run id', { type: 'setRuns', runIds: [-1] }],
  ['a key with a NUL byte', { type: 'requestSeries', requestId: 1, runIds: [1], keys: ['loss\u0000'], x: 'step', buckets: 100 }],
  ['an unknown x axis', { type: 'requestSeries', requestId: 1, runIds: [1], keys: ['loss'], x: 'step); DELETE FROM metrics; --', buckets: 100 }],
  ['too many buckets', { type: 'requestSeries', requestId: 1, runIds: [1], keys: ['loss'], x: 'step', buckets: 1e9 }],
  ['NaN buckets', { type: 'requestSeries', requestId: 1, runIds: [1], keys: ['loss'], x: 'step', buckets: Number.NaN }],
  ['a missing field', { type: 'requestSeries', requestId: 1, runIds: [1], keys: ['loss'], x: 'step' }],
  ['an extra field', { type: 'pickRuns', sql: 'SELECT 1' }],
  ['too many run ids', { type: 'setRuns', runIds: Array.from({ length: 10_000 }, (_, i) => i + 1) }],
  ['a 50 MB string field', { type: 'filterRuns', text: fiftyMegabytes }],
  ['a 50 MB string as the type', { type: fiftyMegabytes }],
  ['a 50 MB string in an extra field', { type: 'ready', padding: fiftyMegabytes }],
  ['deep nesting', { type: 'saveState', state: { runIds: [[[[[[[[1]]]]]]]] } }],
  ['a key with a right-to-left override', { type: 'requestSeries', requestId: 1, runIds: [1], keys: ['ssol\u202e'], x: 'step', buckets: 100 }],
  ['a key with a bidi isolate', { type: 'requestSeries', requestId: 1, runIds: [1], keys: ['\u2067loss'], x: 'step', buckets: 100 }],
  ['a key with a C1 control', { type: 'requestSeries', requestId: 1, runIds: [1], keys: ['lo\u0085ss'], x: 'step', buckets: 100 }],
  ['a key with a lone surrogate', { type: 'requestSeries', requestId: 1, runIds: [1], keys: ['loss\ud800'], x: 'step', buckets: 100 }],
  ['a hidden layer name with a lone low surrogate', { type: 'saveState', state: { runIds: [1], metric: '\udc00', x: 'step', logY: false, smoothing: 0.5, hidden: [] } }],
  ['a wrong state shape', { type: 'saveState', state: { runIds: [1], metric: null, x: 'step', logY: 'yes', smoothing: 0.5, hidden: [] } }],
];

test('hostile and malformed messages are rejected with exactly one log line each, naming the problem', () => {
  const logger = memoryLogger();
  for (const [name, message] of hostile) {
    const before = logger.lines.length;
    const passed = gateInbound('curves', message, logger, 'Hyperlab Curves');
    assert.deepEqual(passed.ok ? passed : { ok: passed.ok, reply: passed.reply }, { ok: false, reply: null }, `${name} must be rejected`);
    assert.equal(logger.lines.length, before + 1, `${name}: one log line`);
    const line = logger.lines.at(-1)!;
    assert.match(line, /^warn: Hyperlab Curves panel: rejected a message from its webview: .+; it was ignored\.$/, name);
    assert.ok(line.length < 400, `${name}: the line stays short (${line.length} chars), no 50 MB echo`);
  }
});

test('rejection lines say which field and rule', () => {
  const reason = (m: unknown) => { const v = checkPanelMessage('curves', m); assert.equal(v.ok, false); return (v as { reason: string }).reason; };
  assert.match(reason(hostile[7]![1]), /field "runIds\[0\]" must be an integer in \[1, \d+\], got the string "1; DROP TABLE runs; --"/);
  assert.match(reason({ type: 'dropTables' }), /unknown message type "dropTables" \(expected one of ready, requestSeries/);
  assert.match(reason({ type: 'filterRuns', text: fiftyMegabytes }), /larger than 65536 characters/);
  assert.match(reason({ type: 'pickRuns', sql: 'x' }), /unexpected field "sql"/);
  assert.match(reason({ type: 'requestSeries', requestId: 1, runIds: [1], keys: ['loss'], x: 'step' }), /missing field "buckets"/);
});

test('rejected messages change nothing in the store', () => {
  const { store } = fixture;
  const counter = store.changeCounter();
  const runs = store.listRuns().map((r) => `${r.id}:${r.status}`);
  const logger = memoryLogger();
  for (const [, message] of hostile) {
    for (const kind of ['curves', 'gradients', 'detail'] as const) gateInbound(kind, message, logger, kind);
  }
  assert.equal(store.changeCounter(), counter);
  assert.deepEqual(store.listRuns().map((r) => `${r.id}:${r.status}`), runs);
  assert.equal(store.series(fixture.runIds.healthy, 'loss', { buckets: 10 }).length, 10);
});

test('a valid request passes as a fresh copy and the store answers it', () => {
  const raw = { type: 'requestSeries', requestId: 3, runIds: [fixture.runIds.healthy], keys: ['loss'], x: 'epoch', buckets: 50 };
  const verdict = checkPanelMessage('curves', raw);
  assert.ok(verdict.ok);
  const message = verdict.message;
  assert.notEqual(message, raw);
  assert.ok(message.type === 'requestSeries');
  const [series] = curveSeries(fixture.store, message.runIds, message.keys, message.x, message.buckets);
  assert.equal(series!.xs.length, 50);
  assert.ok(series!.xs.at(-1)! > 5.9 && series!.xs.at(-1)! <= 6, `last point in epoch 6, got ${series!.xs.at(-1)}`);
});

test('each panel accepts its own messages and rejects the others\'', () => {
  assert.ok(checkPanelMessage('gradients', { type: 'openSpecField', runId: 1, field: 'train.clip.norm' }).ok);
  assert.equal(checkPanelMessage('gradients', { type: 'openSpecField', runId: 1, field: '../../etc/passwd' }).ok, false);
  assert.ok(checkPanelMessage('detail', { type: 'requestDetail', runId: 2, logLines: 200 }).ok);
  assert.equal(checkPanelMessage('detail', { type: 'requestSeries', requestId: 1, runIds: [1], keys: ['loss'], x: 'step', buckets: 100 }).ok, false);
  assert.equal(checkPanelMessage('curves', { type: 'requestDetail', runId: 2, logLines: 200 }).ok, false);
});

test('a saved state restored after a reload is validated too', () => {
  assert.ok(checkPanelState('curves', { runIds: [1, 2], metric: 'loss', x: 'time', logY: true, smoothing: 0.9, hidden: [2] }).ok);
  assert.equal(checkPanelState('curves', { runIds: ['1 OR 1=1'], metric: 'loss', x: 'time', logY: true, smoothing: 0.9, hidden: [] }).ok, false);
  assert.equal(checkPanelState('detail', undefined).ok, false);
  assert.ok(checkPanelState('detail', { runId: null }).ok);
});

test('Compress & Export: a variant\'s QAT epochs must be a whole number in [0, 100]; a variant without the field (an older panel) is refused, naming it', () => {
  const good = { prune: 0, pruneKind: 'global', finetune: 0, quantize: 'int4', granularity: 'tensor', block: 32, qat: 2 };
  const start = (variant: Record<string, unknown>) => checkPanelMessage('compress', { type: 'startExport', runId: 7, variants: [variant], format: 'onnx' });
  const passed = start(good);
  assert.ok(passed.ok);
  assert.equal((passed.message as unknown as { variants: { qat: number }[] }).variants[0]!.qat, 2);
  for (const qat of [-1, 1.5, '2', 101, Number.NaN, null]) {
    const verdict = start({ ...good, qat });
    assert.equal(verdict.ok, false, `qat ${String(qat)}`);
    assert.match((verdict as { reason: string }).reason, /qat/);
  }
  const { qat: _qat, ...older } = good;
  assert.match((start(older) as { reason: string }).reason, /qat/);
  assert.equal(checkPanelState('compress', { runId: 7, variants: [{ ...good, qat: 1e9 }], format: 'onnx' }).ok, false);
});
