// The work a single validated webview message may ask of the host. Field limits alone do not
// bound it: a Curves request of 100 run ids and 50 keys, each within its limit and repeated, asked
// for 5,000 downsampling queries in 635 characters (84 s on the host's thread over a 1,000,000-point
// run). Requests whose cost multiplies are checked here before any query, and refused with a
// TooMuchMessage the panel shows; repeated ids and keys count once (curveSeries asks once each).
import { LIMITS, type FromWebview, type PanelKind, type TooMuchMessage } from './contract.ts';

const distinct = <T>(items: readonly T[]): number => new Set(items).size;
const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** The refusal for a message that asks for too much at once, or null when it may run. */
export function overloadOf<K extends PanelKind>(kind: K, message: FromWebview<K>): TooMuchMessage | null {
  if (kind === 'curves' && message.type === 'requestSeries') {
    const m = message as Extract<FromWebview<'curves'>, { type: 'requestSeries' }>;
    return seriesOverload(m.requestId, distinct(m.runIds), distinct(m.keys), m.buckets);
  }
  return null;
}

/** Curves: runs × keys curves of `buckets` buckets each. */
export function seriesOverload(requestId: number, runs: number, keys: number, buckets: number): TooMuchMessage | null {
  const curves = runs * keys;
  const base = { type: 'tooMuch', request: 'requestSeries', requestId } as const;
  const asked = `${plural(runs, 'run')} × ${plural(keys, 'metric')} = ${plural(curves, 'curve')}`;
  if (curves > LIMITS.seriesPerRequest) {
    return { ...base, asked: curves, limit: LIMITS.seriesPerRequest,
      message: `Too much at once: ${asked} in one request, and the panel draws at most ${LIMITS.seriesPerRequest} at a time. Show fewer runs (Runs…) or one metric.` };
  }
  const points = curves * buckets;
  if (points > LIMITS.bucketsPerRequest) {
    return { ...base, asked: points, limit: LIMITS.bucketsPerRequest,
      message: `Too much at once: ${asked} of ${plural(buckets, 'point')} each is ${points.toLocaleString('en-US')} points, more than the ${LIMITS.bucketsPerRequest.toLocaleString('en-US')} one request may ask for. Show fewer runs.` };
  }
  return null;
}

/** The most buckets a curve may have when `curves` are asked for together (the webview asks no more). */
export function bucketsWithinBudget(curves: number, wanted: number): number {
  return Math.max(2, Math.min(wanted, Math.floor(LIMITS.bucketsPerRequest / Math.max(1, curves))));
}
