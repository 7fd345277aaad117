// The limits on what a producer, a spec file or a store row can hand the host, in one place.
// JSON.parse itself is iterative and takes any nesting, but everything after it that walks a
// value recursively (JSON.stringify, structuredClone, formatters, SQLite's json functions, which
// stop at 1000 levels) fails on deep values: a 5,000-level summary overflowed the stack and left
// its run `running`. So every value is measured here, without recursion, before it is used.

/** Longest protocol line either side accepts (bytes of UTF-8; a line is one JSON message). */
export const MAX_LINE_BYTES = 1024 * 1024;

export const JSON_LIMITS = {
  /** Nesting of objects and arrays; `{}` and `[]` at the top are level 1. */
  maxDepth: 64,
  /** Object members in one value, counted at every level. */
  maxKeys: 10_000,
  /** A spec file's size, and a value's own size where it does not arrive inside a protocol line. */
  maxBytes: 1024 * 1024,
} as const;

/** Metric keys: 1 to this many characters, valid UTF-8. */
export const MAX_METRIC_KEY_CHARS = 200;

export interface JsonShape {
  depth: number;
  keys: number;
}

/**
 * Depth and member count of a parsed JSON value, walking iteratively. Stops counting once a limit
 * is passed, so a hostile value costs no more than the limits allow.
 */
export function measureJson(value: unknown, limits: { maxDepth: number; maxKeys: number } = JSON_LIMITS): JsonShape {
  if (typeof value !== 'object' || value === null) return { depth: 0, keys: 0 };
  let depth = 0;
  let keys = 0;
  // Two parallel stacks, not one of {value, depth} pairs: this runs on every metrics line.
  const values: object[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const item = values.pop()!;
    const level = depths.pop()!;
    if (level > depth) depth = level;
    if (depth > limits.maxDepth) break;
    if (Array.isArray(item)) {
      for (const child of item) {
        if (typeof child === 'object' && child !== null) {
          values.push(child);
          depths.push(level + 1);
        }
      }
      continue;
    }
    for (const key in item) {
      keys++;
      const child = (item as { [key: string]: unknown })[key];
      if (typeof child === 'object' && child !== null) {
        values.push(child);
        depths.push(level + 1);
      }
    }
    if (keys > limits.maxKeys) break;
  }
  return { depth, keys };
}

/** Why `value` (named `what` in the message; a function to build the name only when needed) breaks a limit, or null. */
export function jsonLimitError(value: unknown, what: string | (() => string), limits: { maxDepth: number; maxKeys: number } = JSON_LIMITS): string | null {
  const shape = measureJson(value, limits);
  if (shape.depth <= limits.maxDepth && shape.keys <= limits.maxKeys) return null;
  return describeBreach(shape, typeof what === 'string' ? what : what(), limits);
}

function describeBreach(shape: JsonShape, what: string, limits: { maxDepth: number; maxKeys: number }): string | null {
  if (shape.depth > limits.maxDepth) return `${what} is nested more than ${limits.maxDepth} levels deep (the limit is ${limits.maxDepth})`;
  if (shape.keys > limits.maxKeys) return `${what} has more than ${limits.maxKeys.toLocaleString('en-US')} keys (the limit is ${limits.maxKeys.toLocaleString('en-US')})`;
  return null;
}

/** Why `text` is larger than `maxBytes` of UTF-8, or null. */
export function jsonBytesError(text: string, what: string, maxBytes: number = JSON_LIMITS.maxBytes): string | null {
  // A UTF-16 length is at most the UTF-8 length, so short texts need no byte count.
  if (text.length * 3 <= maxBytes) return null;
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > maxBytes ? `${what} is ${bytes.toLocaleString('en-US')} bytes (the limit is ${maxBytes.toLocaleString('en-US')})` : null;
}
