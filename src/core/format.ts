// Numbers as a person reads them in a table or a tree: whole numbers in full, tiny and huge ones
// in exponent form, the rest to `significant` digits without trailing zeros.

export function formatNumber(value: number, significant = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(significant - 2);
  return String(Number(value.toPrecision(significant)));
}
