// Plain-text formatting for people: aligned tables, compact numbers, dates and durations.
import { formatNumber as formatCoreNumber } from '../core/format.ts';

export function table(headers: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly number[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells
    .map((cell, i) => (rightAligned.includes(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
    .join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** Five significant digits: the CLI's tables have room, and runs are compared by these. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return formatCoreNumber(value, 5);
}

export function formatValue(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export function formatTime(ms: number | null): string {
  if (ms === null) return '-';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatDuration(startMs: number | null, endMs: number | null): string {
  if (startMs === null) return '-';
  const seconds = ((endMs ?? Date.now()) - startMs) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export function formatBytes(size: number | null): string {
  if (size === null) return '-';
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KiB`;
  return `${(size / 1024 / 1024).toFixed(1)} MiB`;
}

/** `a=1 b.c=x`, cut to `max` characters. */
export function formatPairs(values: { [key: string]: unknown } | null, max = 60): string {
  if (!values) return '';
  const text = Object.entries(values).map(([k, v]) => `${k}=${formatValue(v)}`).join(' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
