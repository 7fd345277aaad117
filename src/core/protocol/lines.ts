// Splits a byte stream into lines with a bound on line length, so a producer that never writes
// a newline cannot make the host buffer forever. An overlong line is cut: its head is reported
// with its full size and the rest is skipped up to the next newline. Bytes that are not valid
// UTF-8 are decoded as U+FFFD, and the line says so, so a reader can refuse what they would corrupt.
import { isUtf8 } from 'node:buffer';

export interface LineSink {
  /** `invalidUtf8`: some of the line's bytes were not UTF-8 and became U+FFFD in `text`. */
  line(text: string, invalidUtf8: boolean): void;
  /** A line longer than the bound: its first `maxBytes` bytes and its whole length in bytes. */
  overlong(head: string, totalBytes: number): void;
}

export class LineSplitter {
  private readonly maxBytes: number;
  private readonly sink: LineSink;
  private parts: Buffer[] = [];
  private partBytes = 0;
  private overflowBytes = 0; // > 0 while skipping the tail of an overlong line

  constructor(maxBytes: number, sink: LineSink) {
    this.maxBytes = maxBytes;
    this.sink = sink;
  }

  push(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    while (start <= bytes.length) {
      const newline = bytes.indexOf(10, start);
      const end = newline === -1 ? bytes.length : newline;
      this.take(bytes.subarray(start, end), newline === -1);
      if (newline === -1) return;
      this.finishLine();
      start = newline + 1;
    }
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    if (this.partBytes > 0 || this.overflowBytes > 0) this.finishLine();
  }

  private take(piece: Buffer, retained: boolean): void {
    if (piece.length === 0) return;
    if (this.overflowBytes > 0) {
      this.overflowBytes += piece.length;
      return;
    }
    const room = this.maxBytes - this.partBytes;
    if (piece.length > room) {
      if (room > 0) this.parts.push(Buffer.from(piece.subarray(0, room)));
      this.partBytes += room;
      this.overflowBytes = piece.length - room;
      return;
    }
    // Copy a partial line: a view would keep the whole read chunk alive.
    this.parts.push(retained ? Buffer.from(piece) : piece);
    this.partBytes += piece.length;
  }

  private finishLine(): void {
    const bytes = Buffer.concat(this.parts, this.partBytes);
    let text = bytes.toString('utf8');
    const total = this.partBytes + this.overflowBytes;
    const overlong = this.overflowBytes > 0;
    this.parts = [];
    this.partBytes = 0;
    this.overflowBytes = 0;
    if (overlong) {
      this.sink.overlong(text, total);
      return;
    }
    if (text.endsWith('\r')) text = text.slice(0, -1);
    // Only a line with U+FFFD can have had bad bytes; a real U+FFFD in valid UTF-8 is checked too.
    this.sink.line(text, text.includes('\uFFFD') && !isUtf8(bytes));
  }
}
