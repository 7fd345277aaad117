// The IDX format of MNIST and FashionMNIST: a big-endian header (0, 0, type code, rank, then
// `rank` uint32 dimensions) followed by the values. Files may be gzip-compressed.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { HyperlabError } from '../../core/errors.ts';

export interface IdxArray {
  dims: number[];
  /** Unsigned bytes, the only element type the image sets use. */
  data: Uint8Array;
}

const UBYTE = 0x08;

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Parses IDX bytes (raw or gzip); `source` names the file in errors. */
export function parseIdx(input: Uint8Array, source: string): IdxArray {
  const bytes = isGzip(input) ? new Uint8Array(zlib.gunzipSync(input)) : input;
  const bad = (what: string): HyperlabError => new HyperlabError('DATASET_NOT_FOUND', `${source} is not an IDX file: ${what}`,
    'Point data.path at the folder holding the original *-idx1-ubyte / *-idx3-ubyte files (gzip or raw).');
  if (bytes.length < 4) throw bad(`only ${bytes.length} bytes`);
  if (bytes[0] !== 0 || bytes[1] !== 0) throw bad(`magic number starts with ${bytes[0]}, ${bytes[1]} instead of 0, 0`);
  if (bytes[2] !== UBYTE) throw bad(`element type 0x${bytes[2]!.toString(16)} is not unsigned byte (0x08)`);
  const rank = bytes[3]!;
  if (rank < 1 || rank > 4) throw bad(`rank ${rank} is not between 1 and 4`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) throw bad('header is truncated');
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - headerLength !== count) {
    throw bad(`header says ${dims.join('×')} = ${count} values but ${bytes.length - headerLength} bytes follow`);
  }
  return { dims, data: bytes.subarray(headerLength) };
}

export function readIdxFile(file: string): IdxArray {
  return parseIdx(new Uint8Array(fs.readFileSync(file)), file);
}

/** Encodes an IDX file (ubyte); used by tests and fixtures. */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = UBYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
