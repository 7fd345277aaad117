// JSON for machine output: non-finite numbers (a NaN loss) are written as the strings the
// protocol uses ("NaN", "Infinity", "-Infinity") instead of silently becoming null.

export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), indent);
}
