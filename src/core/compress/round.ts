// Round half to even, the rounding of ONNX QuantizeLinear ("rounding to nearest ties to even")
// and of IEEE 754's default mode. Math.round rounds halves up (−2.5 → −2, 2.5 → 3), which would
// bias every quantizer; this is exact for every double.

export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const diff = v - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
