// TFRecord framing, the container of TensorBoard event files: each record is
//   uint64 length (little-endian) · uint32 masked CRC-32C of the length · data · uint32 masked CRC-32C of the data.
// A record that is cut short (a writer still running or killed) ends the file; a CRC mismatch
// is reported with its offset.

const CASTAGNOLI = 0x82f63b78;
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CASTAGNOLI : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** TensorFlow's masked CRC: rotate right by 15 bits and add a constant. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

export interface TfRecords {
  records: Buffer[];
  /** Why reading stopped before the end of the buffer (a truncated or corrupt record), if it did. */
  stoppedAt: { offset: number; reason: string } | null;
}

export function readTfRecords(data: Buffer): TfRecords {
  const records: Buffer[] = [];
  let offset = 0;
  while (offset < data.length) {
    if (data.length - offset < 12) return { records, stoppedAt: { offset, reason: 'a truncated record header (the writer may still be running)' } };
    const header = data.subarray(offset, offset + 8);
    if (data.readUInt32LE(offset + 8) !== maskedCrc32c(header)) return { records, stoppedAt: { offset, reason: 'the length\'s CRC does not match (a corrupt file)' } };
    const length = Number(data.readBigUInt64LE(offset));
    const start = offset + 12;
    if (data.length - start < length + 4) return { records, stoppedAt: { offset, reason: 'a truncated record (the writer may still be running)' } };
    const record = data.subarray(start, start + length);
    if (data.readUInt32LE(start + length) !== maskedCrc32c(record)) return { records, stoppedAt: { offset, reason: 'the record\'s CRC does not match (a corrupt file)' } };
    records.push(record);
    offset = start + length + 4;
  }
  return { records, stoppedAt: null };
}
