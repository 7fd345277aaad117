// Decodes the host's packed series (see PackedCurveSeries in the contract): each column is
// base64 of little-endian 64-bit floats, viewed in place as a Float64Array (no number parsing).
import type { PackedCurveSeries } from '../../src/core/webview/contract.ts';

export interface CurveColumns {
  runId: number;
  key: string;
  xs: Float64Array;
  ys: Float64Array;
  mins: Float64Array;
  maxs: Float64Array;
}

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;
const fromBase64 = (Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array }).fromBase64;

export function unpackSeries(packed: PackedCurveSeries): CurveColumns {
  const column = (text: string) => float64FromBase64(text, packed.length);
  return { runId: packed.runId, key: packed.key, xs: column(packed.xs), ys: column(packed.ys), mins: column(packed.mins), maxs: column(packed.maxs) };
}

/** `length` doubles from base64; a column of another length is a host bug, reported as such. */
export function float64FromBase64(text: string, length: number): Float64Array {
  const bytes = fromBase64 ? fromBase64(text) : bytesOf(atob(text));
  if (bytes.byteLength !== length * 8) throw new Error(`series column holds ${bytes.byteLength} bytes, expected ${length} doubles`);
  if (LITTLE_ENDIAN) return new Float64Array(bytes.buffer, bytes.byteOffset, length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float64Array.from({ length }, (_, i) => view.getFloat64(i * 8, true));
}

function bytesOf(binary: string): Uint8Array {
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
