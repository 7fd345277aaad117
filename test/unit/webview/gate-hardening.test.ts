// The gate's bounds beyond field shapes: the work one request may ask for (runs × keys ×
// buckets), answered "too much at once" with one log line; text fields free of bidi overrides,
// C1 controls and lone surrogates (rejected in identifiers, stripped from typed text), and log
// lines that never carry such characters raw.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { memoryLogger } from '../../../src/core/log.ts';
import type { Store } from '../../../src/core/store/types.ts';
import { LIMITS } from '../../../src/core/webview/contract.ts';
import { gateInbound, inspectInbound } from '../../../src/core/webview/gate.ts';
import { checkPanelMessage } from '../../../src/core/webview/inbound-rules.ts';
import { curveSeries } from '../../../src/core/webview/panel-data.ts';
import { bucketsWithinBudget } from '../../../src/core/webview/request-budget.ts';
import { panelFixtureStore } from '../../fixtures/stores/panelStore.ts';

const fixture = panelFixtureStore();
after(() => fixture.remove());

/** The store with its series() calls counted: each is one downsampling query on the host's thread. */
function counting(store: Store): { store: Store; queries: () => number } {
  let queries = 0;
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (key === 'series') return (...args: Parameters<Store['series']>) => { queries++; return target.series(...args); };
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: proxy, queries: () => queries };
}

test('a 485-character request of repeated run ids and keys costs one query per distinct curve (it cost 2,856)', () => {
  const id = fixture.runIds.healthy;
  const message = { type: 'requestSeries', requestId: 10, runIds: Array<number>(102).fill(id), keys: Array<string>(28).fill('loss'), x: 'step', buckets: LIMITS.buckets };
  assert.equal(JSON.stringify(message).length, 485);
  const verdict = inspectInbound('curves', message);
  assert.ok(verdict.ok && verdict.message.type === 'requestSeries');
  const { store, queries } = counting(fixture.store);
  const series = curveSeries(store, verdict.message.runIds, verdict.message.keys, verdict.message.x, verdict.message.buckets);
  assert.equal(series.length, 1);
  assert.equal(queries(), 1);
});

test('more curves than one request may ask for: refused before any query, one log line, a "too much at once" reply', () => {
  const logger = memoryLogger();
  const runIds = Array.from({ length: 51 }, (_, i) => i + 1);
  const result = gateInbound('curves', { type: 'requestSeries', requestId: 7, runIds, keys: ['epoch.train.loss', 'epoch.val.loss'], x: 'epoch', buckets: 500 }, logger, 'Hyperlab Curves');
  assert.ok(!result.ok);
  assert.deepEqual(result.reply, {
    type: 'tooMuch', request: 'requestSeries', requestId: 7, asked: 102, limit: 100,
    message: 'Too much at once: 51 runs × 2 metrics = 102 curves in one request, and the panel draws at most 100 at a time. Show fewer runs (Runs…) or one metric.',
  });
  assert.deepEqual(logger.lines, ['warn: Hyperlab Curves panel: refused a request from its webview: "requestSeries": too much at once (102 asked, at most 100); nothing was computed and the panel shows a notice.']);
});

test('the bound: 100 curves of 2,000 buckets pass, one more curve or bucket does not; repeats count once; the webview asks within it', () => {
  const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
  const ask = (runIds: number[], askKeys: string[], buckets: number) => inspectInbound('curves', { type: 'requestSeries', requestId: 1, runIds, keys: askKeys, x: 'step', buckets });
  assert.ok(ask([1, 2], keys, 2000).ok);
  assert.ok(ask([1, 2, 1, 2, 2], keys, 2000).ok, 'a repeated run id is one run');
  assert.ok(ask([1, 2], [...keys.slice(0, 25), ...keys.slice(0, 25)], 4000).ok, 'a repeated key is one metric: 50 curves × 4,000');
  const extraCurve = ask([1, 2, 3], keys, 2);
  assert.ok(!extraCurve.ok && extraCurve.reply?.asked === 150);
  const extraBucket = ask([1, 2], keys, 2001);
  assert.ok(!extraBucket.ok && extraBucket.reply?.asked === 200_100 && extraBucket.reply.limit === 200_000);
  assert.match(extraBucket.ok ? '' : extraBucket.reply!.message, /^Too much at once: 2 runs × 50 metrics = 100 curves of 2,001 points each is 200,100 points, more than the 200,000 one request may ask for\. Show fewer runs\.$/);
  assert.equal(bucketsWithinBudget(40, 2000), 2000);
  assert.equal(bucketsWithinBudget(150, 2000), 1333);
  assert.equal(bucketsWithinBudget(80, 4000), 2500);
  assert.ok(ask([1, 2], keys.slice(0, 40), bucketsWithinBudget(80, 4000)).ok);
  assert.equal(ask([1, 2], keys.slice(0, 40), bucketsWithinBudget(80, 4000) + 1).ok, false);
});

test('identifiers with bidi overrides, C1 controls or lone surrogates are rejected; the log line shows them escaped', () => {
  const logger = memoryLogger();
  for (const key of ['ssol\u202e', '\u202aloss', '\u2066loss\u2069', 'lo\u0080ss', 'lo\u009fss', '\ud834loss', 'loss\udd1e']) {
    const result = gateInbound('curves', { type: 'requestSeries', requestId: 1, runIds: [1], keys: [key], x: 'step', buckets: 10 }, logger, 'Hyperlab Curves');
    assert.equal(result.ok, false, JSON.stringify(key));
  }
  assert.equal(logger.lines.length, 7);
  assert.match(logger.lines[0]!, /field "keys\[0\]" must be text without bidi overrides, C1 controls or lone surrogates, got U\+202E in the string "ssol\\u202e"/);
  for (const line of logger.lines) assert.doesNotMatch(line, /[\u0080-\u009f\u202a-\u202e\u2066-\u2069\ud800-\udfff]/, 'no raw unsafe character in the Output');
  assert.ok(checkPanelMessage('curves', { type: 'requestSeries', requestId: 1, runIds: [1], keys: ['loss 😀 über'], x: 'step', buckets: 10 }).ok, 'a surrogate pair and accents are text');
  const enumLine = memoryLogger();
  gateInbound('curves', { type: 'requestSeries', requestId: 1, runIds: [1], keys: ['a'], x: '\u202estep', buckets: 10 }, enumLine, 'Hyperlab Curves');
  assert.match(enumLine.lines[0]!, /got the string "\\u202estep"/);
});

test('typed text (run filter, comparison filter) has them stripped and passes', () => {
  const filter = checkPanelMessage('curves', { type: 'filterRuns', text: 'cnn\u202e-\u0085lr\ud800' });
  assert.deepEqual(filter, { ok: true, message: { type: 'filterRuns', text: 'cnn-lr' } });
  const state = { columns: null, sort: null, filter: 'lr>0.01 \u2066adam\u2069', groupBy: null, objective: null, scatterX: null, scatterY: null, experiment: null };
  const saved = checkPanelMessage('comparison', { type: 'saveState', state });
  assert.ok(saved.ok && saved.message.type === 'saveState');
  assert.equal((saved.message.state as { filter: string }).filter, 'lr>0.01 adam');
});
