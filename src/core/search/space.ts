// What every sampler needs to know about a space: which parameters are active given the others,
// how to draw a value from a parameter's prior, how to snap a number onto its grid, and a key that
// says whether two trials asked for the same point.
import type { Distribution, ParamDef, Params, ParamValue, SearchSpace } from './types.ts';
import type { SearchRng } from './rng.ts';

/** Whether `def` is active given the values chosen so far for the parameters before it. */
export function isActive(def: ParamDef, params: Params): boolean {
  if (def.condition === null) return true;
  if (!(def.condition.path in params)) return false;
  const value = params[def.condition.path];
  return def.condition.oneOf.some((v) => v === value);
}

export function isNumeric(dist: Distribution): dist is Exclude<Distribution, { type: 'categorical' }> {
  return dist.type !== 'categorical';
}

export function isLog(dist: Distribution): boolean {
  return dist.type === 'loguniform' || (dist.type === 'int' && dist.log);
}

/** The quantization step of a numeric distribution, null when continuous. */
export function stepOf(dist: Distribution): number | null {
  if (dist.type === 'int') return dist.log ? null : dist.step;
  if (dist.type === 'uniform') return dist.step;
  return null;
}

/**
 * The interval samplers work in: log space for log scales; widened by half a step on each side
 * for quantized and integer scales, so every grid value owns an equal share (as Optuna does).
 */
export function internalBounds(dist: Exclude<Distribution, { type: 'categorical' }>): { low: number; high: number } {
  if (dist.type === 'loguniform') return { low: Math.log(dist.low), high: Math.log(dist.high) };
  if (dist.type === 'int' && dist.log) return { low: Math.log(dist.low - 0.5), high: Math.log(dist.high + 0.5) };
  const step = stepOf(dist);
  return step === null ? { low: dist.low, high: dist.high } : { low: dist.low - step / 2, high: dist.high + step / 2 };
}

export function toInternal(dist: Exclude<Distribution, { type: 'categorical' }>, value: number): number {
  return isLog(dist) ? Math.log(value) : value;
}

/** An internal coordinate back onto the parameter's own values: exp for logs, snapped to the grid, clipped. */
export function fromInternal(dist: Exclude<Distribution, { type: 'categorical' }>, x: number): number {
  const value = isLog(dist) ? Math.exp(x) : x;
  return snap(dist, value);
}

/** Snaps a value onto the parameter's grid (integers, steps) and into [low, high]. */
export function snap(dist: Exclude<Distribution, { type: 'categorical' }>, value: number): number {
  let v = value;
  if (dist.type === 'int') {
    v = dist.log ? Math.round(v) : dist.low + Math.round((v - dist.low) / dist.step) * dist.step;
  } else if (dist.type === 'uniform' && dist.step !== null) {
    v = dist.low + Math.round((v - dist.low) / dist.step) * dist.step;
    v = roundToStep(v, dist.step);
  }
  return Math.min(dist.high, Math.max(dist.low, v));
}

/** Removes the float noise of low + k·step (0.1 + 3·0.1 = 0.4000000000000001 → 0.4). */
function roundToStep(value: number, step: number): number {
  const decimals = Math.max(0, Math.min(15, Math.ceil(-Math.log10(step)) + 2));
  return Number(value.toFixed(decimals));
}

/** Draws from the parameter's prior: uniform over choices, steps, or (log) interval. */
export function samplePrior(dist: Distribution, rng: SearchRng): ParamValue {
  switch (dist.type) {
    case 'categorical':
      return dist.choices[rng.int(dist.choices.length)]!;
    case 'int':
      if (dist.log) return snap(dist, Math.exp(rng.uniform(Math.log(dist.low - 0.5), Math.log(dist.high + 0.5))));
      return dist.low + rng.int(Math.floor((dist.high - dist.low) / dist.step) + 1) * dist.step;
    case 'uniform':
      if (dist.step !== null) return snap(dist, dist.low + rng.int(Math.floor((dist.high - dist.low) / dist.step + 1e-9) + 1) * dist.step);
      return rng.uniform(dist.low, dist.high);
    case 'loguniform':
      return Math.exp(rng.uniform(Math.log(dist.low), Math.log(dist.high)));
  }
}

/** A whole random point, conditions respected (inactive parameters are absent). */
export function samplePoint(space: SearchSpace, rng: SearchRng): Params {
  const params: Params = {};
  for (const def of space) if (isActive(def, params)) params[def.path] = samplePrior(def.dist, rng);
  return params;
}

/** Drops parameters a condition turned off and draws those it turned on (after a mutation). */
export function repairPoint(space: SearchSpace, params: Params, rng: SearchRng): Params {
  const out: Params = {};
  for (const def of space) {
    if (!isActive(def, out)) continue;
    out[def.path] = def.path in params ? params[def.path]! : samplePrior(def.dist, rng);
  }
  return out;
}

export function choiceIndex(dist: { choices: readonly ParamValue[] }, value: ParamValue | undefined): number {
  return dist.choices.findIndex((c) => c === value);
}

/** A canonical text for a point: equal keys, equal points (numbers compared exactly). */
export function pointKey(space: SearchSpace, params: Params): string {
  return JSON.stringify(space.filter((d) => d.path in params).map((d) => [d.path, params[d.path]]));
}

/** The values a grid takes for one parameter: every choice/step, or `points` (log-)evenly spaced. */
export function gridValues(dist: Distribution, points: number): ParamValue[] {
  switch (dist.type) {
    case 'categorical':
      return [...dist.choices];
    case 'int': {
      if (dist.log) {
        const values = spaced(Math.log(dist.low), Math.log(dist.high), points).map((x) => Math.round(Math.exp(x)));
        return [...new Set(values)];
      }
      const out: number[] = [];
      for (let v = dist.low; v <= dist.high; v += dist.step) out.push(v);
      return out;
    }
    case 'uniform': {
      if (dist.step !== null) {
        const count = Math.floor((dist.high - dist.low) / dist.step + 1e-9) + 1;
        return Array.from({ length: count }, (_, k) => snap(dist, dist.low + k * dist.step!));
      }
      return spaced(dist.low, dist.high, points);
    }
    case 'loguniform':
      return spaced(Math.log(dist.low), Math.log(dist.high), points).map((x, i, all) =>
        // The ends exactly: exp(log(1e-5)) is 1.0000000000000003e-5.
        i === 0 ? dist.low : i === all.length - 1 ? dist.high : Number(Math.exp(x).toPrecision(12)));
  }
}

function spaced(low: number, high: number, points: number): number[] {
  if (points <= 1) return [(low + high) / 2];
  return Array.from({ length: points }, (_, k) => low + ((high - low) * k) / (points - 1));
}
