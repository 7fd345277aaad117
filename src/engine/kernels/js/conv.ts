// im2col / col2im for one NCHW sample. Column row r = (c·kh + ki)·kw + kj, column p = oy·outW + ox,
// which makes the conv weight [outC, inC, kh, kw] (PyTorch's layout) a plain (outC × inC·kh·kw) matrix.
// The two are a gather and its adjoint scatter-add over one index map (which input element each
// column entry reads), built once per geometry.
import type { ConvGeometry } from '../types.ts';

/** For each column entry (row-major, rows × outH·outW), its input offset within the sample, or −1 for padding. */
const maps = new WeakMap<ConvGeometry, Int32Array>();

function columnSources(g: ConvGeometry): Int32Array {
  let map = maps.get(g);
  if (map) return map;
  const { channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, outHeight, outWidth } = g;
  map = new Int32Array(channels * kernelH * kernelW * outHeight * outWidth);
  let e = 0;
  for (let c = 0; c < channels; c++) {
    for (let ki = 0; ki < kernelH; ki++) {
      for (let kj = 0; kj < kernelW; kj++) {
        for (let oy = 0; oy < outHeight; oy++) {
          const iy = oy * strideH - padH + ki;
          for (let ox = 0; ox < outWidth; ox++, e++) {
            const ix = ox * strideW - padW + kj;
            map[e] = iy >= 0 && iy < height && ix >= 0 && ix < width ? (c * height + iy) * width + ix : -1;
          }
        }
      }
    }
  }
  maps.set(g, map);
  return map;
}

export function im2col(g: ConvGeometry, x: Float32Array, xOff: number, col: Float32Array): void {
  const map = columnSources(g);
  for (let e = 0; e < map.length; e++) {
    const src = map[e]!;
    col[e] = src >= 0 ? x[xOff + src]! : 0;
  }
}

export function col2im(g: ConvGeometry, col: Float32Array, dx: Float32Array, dxOff: number): void {
  const map = columnSources(g);
  for (let e = 0; e < map.length; e++) {
    const dst = map[e]!;
    if (dst >= 0) dx[dxOff + dst]! += col[e]!;
  }
}
