// Column values arrive untyped from either driver; these pin them down (numbers, text, NaN).
import type { SqlValue } from './driver.ts';

export function num(value: SqlValue | undefined): number {
  return typeof value === 'bigint' ? Number(value) : typeof value === 'number' ? value : Number(value);
}

export function numOrNull(value: SqlValue | undefined): number | null {
  return value === null || value === undefined ? null : num(value);
}

/** SQLite stores NaN as NULL; a metric value read back as NULL was a NaN. */
export function metricValue(value: SqlValue | undefined): number {
  return value === null || value === undefined ? Number.NaN : num(value);
}

export function str(value: SqlValue | undefined): string {
  return typeof value === 'string' ? value : String(value);
}

export function strOrNull(value: SqlValue | undefined): string | null {
  return value === null || value === undefined ? null : str(value);
}
