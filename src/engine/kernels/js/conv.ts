// im2col / col2im for one NCHW sample. Column row r = (c·kh + ki)·kw + kj, column p = oy·outW + ox,
// which makes the conv weight [outC, inC, kh, kw] (PyTorch's layout) a plain (outC × inC·kh·kw) matrix.
import type { ConvGeometry } from '../types.ts';

export function im2col(g: ConvGeometry, x: Float32Array, xOff: number, col: Float32Array): void {
  const { channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, outHeight, outWidth } = g;
  const plane = outHeight * outWidth;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const xPlane = xOff + c * height * width;
    for (let ki = 0; ki < kernelH; ki++) {
      for (let kj = 0; kj < kernelW; kj++, row++) {
        const colRow = row * plane;
        for (let oy = 0; oy < outHeight; oy++) {
          const iy = oy * strideH - padH + ki;
          const dst = colRow + oy * outWidth;
          if (iy < 0 || iy >= height) {
            col.fill(0, dst, dst + outWidth);
            continue;
          }
          const src = xPlane + iy * width;
          for (let ox = 0; ox < outWidth; ox++) {
            const ix = ox * strideW - padW + kj;
            col[dst + ox] = ix >= 0 && ix < width ? x[src + ix]! : 0;
          }
        }
      }
    }
  }
}

export function col2im(g: ConvGeometry, col: Float32Array, dx: Float32Array, dxOff: number): void {
  const { channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, outHeight, outWidth } = g;
  const plane = outHeight * outWidth;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const xPlane = dxOff + c * height * width;
    for (let ki = 0; ki < kernelH; ki++) {
      for (let kj = 0; kj < kernelW; kj++, row++) {
        const colRow = row * plane;
        for (let oy = 0; oy < outHeight; oy++) {
          const iy = oy * strideH - padH + ki;
          if (iy < 0 || iy >= height) continue;
          const src = colRow + oy * outWidth;
          const dst = xPlane + iy * width;
          for (let ox = 0; ox < outWidth; ox++) {
            const ix = ox * strideW - padW + kj;
            if (ix >= 0 && ix < width) dx[dst + ix]! += col[src + ox]!;
          }
        }
      }
    }
  }
}
