// Turns a producer's stdout or stderr into log lines: split on newlines, long lines cut, and a
// cap on lines per run (the rest counted, reported once at the end).
import { LineSplitter } from '../protocol/lines.ts';
import type { LogLine } from '../store/types.ts';

export interface LogBudget {
  remaining: number;
  dropped: number;
}

export function captureLog(
  stream: NodeJS.ReadableStream,
  name: 'stdout' | 'stderr',
  maxLineBytes: number,
  budget: LogBudget,
  emit: (line: Omit<LogLine, 'seq'> & { stream: 'stdout' | 'stderr' }) => void,
): LineSplitter {
  const keep = (text: string) => {
    if (budget.remaining <= 0) {
      budget.dropped++;
      return;
    }
    budget.remaining--;
    emit({ stream: name, text, time: Date.now() });
  };
  const splitter = new LineSplitter(maxLineBytes, {
    line: keep,
    overlong: (head, totalBytes) => keep(`${head}… [line cut: ${totalBytes} bytes]`),
  });
  stream.on('data', (chunk: Buffer) => splitter.push(chunk));
  return splitter;
}
