// safetensors: 8-byte little-endian header length, a JSON header (dtype, shape, data_offsets per
// tensor, and "__metadata__" of string values), then the raw little-endian data. Readable by
// the `safetensors` Python/Rust libraries and thus by PyTorch.
import fs from 'node:fs';
import path from 'node:path';
import { HyperlabError } from '../../core/errors.ts';

export interface NamedTensor {
  name: string;
  shape: readonly number[];
  /** Float32Array is written as "F32", Float64Array as "F64". */
  data: Float32Array | Float64Array;
}

export interface SafetensorsFile {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function encodeSafetensors(tensors: readonly NamedTensor[], metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  // wider elements first (stable), as the reference writer orders them: every tensor stays aligned
  const ordered = [...tensors].sort((a, b) => b.data.BYTES_PER_ELEMENT - a.data.BYTES_PER_ELEMENT);
  let offset = 0;
  for (const t of ordered) {
    const bytes = t.data.byteLength;
    header[t.name] = { dtype: t.data instanceof Float64Array ? 'F64' : 'F32', shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned (as the reference writer does).
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of ordered) {
    const view = new DataView(out.buffer, at, t.data.byteLength);
    if (littleEndian) out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    else if (t.data instanceof Float64Array) for (let i = 0; i < t.data.length; i++) view.setFloat64(i * 8, t.data[i]!, true);
    else for (let i = 0; i < t.data.length; i++) view.setFloat32(i * 4, t.data[i]!, true);
    at += t.data.byteLength;
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array, source: string): SafetensorsFile {
  const bad = (what: string): HyperlabError => new HyperlabError('SPEC_INVALID', `${source} is not a readable safetensors file: ${what}`,
    'Point train.checkpoint.resumeFrom at a .safetensors file written by Hyperlab.');
  if (bytes.length < 8) throw bad('shorter than its 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8) throw bad(`header length ${headerLength} exceeds the file`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    throw bad(`header is not JSON (${(error as Error).message})`);
  }
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, NamedTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') { metadata = entry as Record<string, string>; continue; }
    const info = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (info.dtype !== 'F32' && info.dtype !== 'F64') throw bad(`tensor ${name} has dtype ${info.dtype}; only F32 and F64 are supported`);
    const width = info.dtype === 'F64' ? 8 : 4;
    const [begin, end] = info.data_offsets;
    const count = info.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * width || dataStart + end > bytes.length) throw bad(`tensor ${name} offsets [${begin}, ${end}] do not match its shape`);
    const data = width === 8 ? new Float64Array(count) : new Float32Array(count);
    const dv = new DataView(bytes.buffer, bytes.byteOffset + dataStart + begin, end - begin);
    if (data instanceof Float64Array) for (let i = 0; i < count; i++) data[i] = dv.getFloat64(i * 8, true);
    else for (let i = 0; i < count; i++) data[i] = dv.getFloat32(i * 4, true);
    tensors.set(name, { name, shape: info.shape, data });
  }
  return { tensors, metadata };
}

export function writeSafetensors(file: string, tensors: readonly NamedTensor[], metadata: Record<string, string>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, encodeSafetensors(tensors, metadata));
  fs.renameSync(partial, file); // a reader never sees half a checkpoint
}

export function readSafetensors(file: string): SafetensorsFile {
  if (!fs.existsSync(file)) {
    throw new HyperlabError('SPEC_INVALID', `checkpoint ${file} does not exist`, 'Check train.checkpoint.resumeFrom.');
  }
  return decodeSafetensors(new Uint8Array(fs.readFileSync(file)), file);
}
