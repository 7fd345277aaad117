// Casting a weight tensor to a low-precision float format (float-formats.ts has the exact
// rounding and saturation rules), optionally with a scale per group so that the tensor's range
// uses the format's range:
//   scaling 'none'   — the plain cast (scale 1); the only choice for float16/bfloat16.
//   scaling 'absmax' — S = max|w| / maxFinite per group, so the largest weight lands on the
//                      format's largest value (scaled FP8, as FP8 deployments do per tensor).
//   scaling 'mx'     — OCP MX: a power-of-two shared scale per group (blocks of 32 for MXFP4/
//                      MXFP8), X = 2^(floor(log2 max|w|) − emax), emax the exponent of the
//                      format's largest normal (e2m1: 2, e4m3: 8, e5m2: 15); elements above the
//                      format's max after scaling saturate (the MX spec's clamp).
// A group whose weights are all zero gets scale 1. Stored value = decode(code) · scale.
import { compressError } from './errors.ts';
import { FLOAT_FORMATS, encodeFloat32Array } from './float-formats.ts';
import { checkTensor, groupLayout } from './groups.ts';
import type { FloatFormat, FloatQuantized, Granularity, WeightTensor } from './types.ts';

export type FloatScaling = 'none' | 'absmax' | 'mx';

export interface FloatQuantOptions {
  readonly format: FloatFormat;
  /** Default 'none'. */
  readonly scaling?: FloatScaling;
  /** Default per tensor. */
  readonly granularity?: Granularity;
  /** float8 overflow rule, default true (ONNX's default). */
  readonly saturate?: boolean;
}

export function quantizeFloat(tensor: WeightTensor, options: FloatQuantOptions): FloatQuantized {
  checkTensor(tensor);
  const f = FLOAT_FORMATS[options.format];
  const scaling = options.scaling ?? 'none';
  const granularity = options.granularity ?? { kind: 'tensor' };
  const saturate = options.saturate ?? true;
  if (scaling !== 'none' && f.bits === 16) {
    throw compressError(tensor.name, `scaling '${scaling}' is for float8/float4, not ${options.format}`, "Use scaling 'none' for float16 and bfloat16.");
  }
  if (scaling === 'none' && granularity.kind !== 'tensor') {
    throw compressError(tensor.name, `a ${granularity.kind} granularity needs a scaling`, "Use scaling 'absmax' or 'mx', or a per-tensor granularity.");
  }
  const layout = groupLayout(tensor.name, tensor.shape, granularity);
  const amax = new Float64Array(layout.groups);
  for (let i = 0; i < tensor.data.length; i++) {
    const g = layout.index[i]!;
    const a = Math.abs(tensor.data[i]!);
    if (a > amax[g]!) amax[g] = a;
  }
  const emax = Math.floor(Math.log2(f.maxFinite));
  const scale = new Float32Array(layout.groups);
  for (let g = 0; g < layout.groups; g++) {
    const a = amax[g]!;
    if (scaling === 'none' || a === 0) scale[g] = 1;
    else if (scaling === 'absmax') scale[g] = Math.fround(a / f.maxFinite) || Number.MIN_VALUE;
    else scale[g] = 2 ** Math.max(-127, Math.min(127, floorLog2(a) - emax));
  }
  // the MX clamp: scaled elements above the format's range saturate whatever the float8 rule
  const saturateHere = scaling === 'mx' ? true : saturate;
  // w/S rounded to float32 (as ONNX Runtime computes it) before the cast: float32 has more than
  // twice the format's precision plus two bits, so this double rounding is still correct
  let scaled = tensor.data;
  if (scaling !== 'none') {
    scaled = new Float32Array(tensor.data.length);
    for (let i = 0; i < scaled.length; i++) scaled[i] = tensor.data[i]! / scale[layout.index[i]!]!;
  }
  const codes = encodeFloat32Array(options.format, scaled, saturateHere);
  return {
    kind: 'float', name: tensor.name, shape: [...tensor.shape], format: options.format, saturate: saturateHere,
    granularity, paramShape: layout.paramShape, scale, codes,
  };
}

function floorLog2(a: number): number {
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return e;
}
