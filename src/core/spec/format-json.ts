// JSON for spec files people read: an object or array that fits on one line (≤ 100 columns with
// its indent and key) stays on one line, as in the templates, instead of JSON.stringify's one
// value per line (a new spec from a template came out at 60+ lines).
const WIDTH = 100;

export function formatSpecJson(value: unknown): string {
  return `${format(value, '', 0)}\n`;
}

function format(value: unknown, indent: string, used: number): string {
  const compact = inline(value);
  if (value === null || typeof value !== 'object' || indent.length + used + compact.length <= WIDTH) return compact;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${format(v, inner, 0)}`).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as { [key: string]: unknown });
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => {
    const key = `${JSON.stringify(k)}: `;
    return `${inner}${key}${format(v, inner, key.length)}`;
  }).join(',\n')}\n${indent}}`;
}

/** The value on one line: `{ "a": 1, "b": [1, 2] }`. */
function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as { [key: string]: unknown });
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`).join(', ')} }`;
  }
  return JSON.stringify(value) ?? 'null';
}
