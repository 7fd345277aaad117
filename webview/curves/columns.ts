// Decodes the host's packed series (see PackedCurveSeries in the contract): each column is
// base64 of little-endian int32s or 64-bit floats, read as a Float64Array (no number parsing).
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
  const column = (text: string) => unpackColumn(text, packed.length);
  return { runId: packed.runId, key: packed.key, xs: column(packed.xs), ys: column(packed.ys), mins: column(packed.mins), maxs: column(packed.maxs) };
}

/** `length` numbers from one packed column ("i": int32, "f": float64, base64, little-endian). */
export function unpackColumn(text: string, length: number): Float64Array {
  const kind = text.charAt(0);
  const width = kind === 'i' ? 4 : kind === 'f' ? 8 : 0;
  if (!width) throw new Error(`series column starts with "${kind}", expected "i" (int32) or "f" (float64)`);
  const bytes = fromBase64 ? fromBase64(text.slice(1)) : bytesOf(atob(text.slice(1)));
  if (bytes.byteLength !== length * width) throw new Error(`series column holds ${bytes.byteLength} bytes, expected ${length} ${kind === 'i' ? 'int32s' : 'doubles'}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (kind === 'i') return LITTLE_ENDIAN ? Float64Array.from(new Int32Array(bytes.buffer, bytes.byteOffset, length)) : Float64Array.from({ length }, (_, i) => view.getInt32(i * 4, true));
  return LITTLE_ENDIAN ? new Float64Array(bytes.buffer, bytes.byteOffset, length) : Float64Array.from({ length }, (_, i) => view.getFloat64(i * 8, true));
}

function bytesOf(binary: string): Uint8Array {
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
