// im2col / col2im for one NCHW sample, same layout as the JS reference: column row
// r = (c·kh + ki)·kw + kj, column p = oy·outW + ox. Stride-1 rows copy with memory.copy.

export function im2col(x: usize, col: usize, channels: i32, height: i32, width: i32, kernelH: i32, kernelW: i32,
  strideH: i32, strideW: i32, padH: i32, padW: i32, outHeight: i32, outWidth: i32): void {
  const plane = outHeight * outWidth;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const xPlane = x + (<usize>(c * height * width) << 2);
    for (let ki = 0; ki < kernelH; ki++) {
      for (let kj = 0; kj < kernelW; kj++, row++) {
        // the ox range whose input column lies inside the image
        let oxLo = 0;
        while (oxLo < outWidth && oxLo * strideW - padW + kj < 0) oxLo++;
        let oxHi = outWidth;
        while (oxHi > oxLo && (oxHi - 1) * strideW - padW + kj >= width) oxHi--;
        for (let oy = 0; oy < outHeight; oy++) {
          const iy = oy * strideH - padH + ki;
          const dst = col + (<usize>(row * plane + oy * outWidth) << 2);
          if (iy < 0 || iy >= height) { memory.fill(dst, 0, <usize>outWidth << 2); continue; }
          const src = xPlane + (<usize>(iy * width) << 2);
          if (oxLo > 0) memory.fill(dst, 0, <usize>oxLo << 2);
          if (strideW == 1) {
            if (oxHi > oxLo) memory.copy(dst + (<usize>oxLo << 2), src + (<usize>(oxLo - padW + kj) << 2), <usize>(oxHi - oxLo) << 2);
          } else {
            for (let ox = oxLo; ox < oxHi; ox++) store<f32>(dst + (<usize>ox << 2), load<f32>(src + (<usize>(ox * strideW - padW + kj) << 2)));
          }
          if (oxHi < outWidth) memory.fill(dst + (<usize>oxHi << 2), 0, <usize>(outWidth - oxHi) << 2);
        }
      }
    }
  }
}

export function col2im(col: usize, dx: usize, channels: i32, height: i32, width: i32, kernelH: i32, kernelW: i32,
  strideH: i32, strideW: i32, padH: i32, padW: i32, outHeight: i32, outWidth: i32): void {
  const plane = outHeight * outWidth;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const xPlane = dx + (<usize>(c * height * width) << 2);
    for (let ki = 0; ki < kernelH; ki++) {
      for (let kj = 0; kj < kernelW; kj++, row++) {
        let oxLo = 0;
        while (oxLo < outWidth && oxLo * strideW - padW + kj < 0) oxLo++;
        let oxHi = outWidth;
        while (oxHi > oxLo && (oxHi - 1) * strideW - padW + kj >= width) oxHi--;
        for (let oy = 0; oy < outHeight; oy++) {
          const iy = oy * strideH - padH + ki;
          if (iy < 0 || iy >= height) continue;
          const src = col + (<usize>(row * plane + oy * outWidth) << 2);
          const dst = xPlane + (<usize>(iy * width) << 2);
          if (strideW == 1) {
            const base = dst + (<usize>(kj - padW) << 2);
            let ox = oxLo;
            for (; ox + 4 <= oxHi; ox += 4) {
              const o = <usize>ox << 2;
              v128.store(base + o, f32x4.add(v128.load(base + o), v128.load(src + o)));
            }
            for (; ox < oxHi; ox++) { const o = <usize>ox << 2; store<f32>(base + o, load<f32>(base + o) + load<f32>(src + o)); }
          } else {
            for (let ox = oxLo; ox < oxHi; ox++) {
              const d = dst + (<usize>(ox * strideW - padW + kj) << 2);
              store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>ox << 2)));
            }
          }
        }
      }
    }
  }
}
