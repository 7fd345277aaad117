// One logging seam for core code: the extension routes it to its Output channel, the CLI to
// stderr, tests to an array. Core modules take a Logger; they never write to the console.

export type LogSeverity = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(severity: LogSeverity, message: string): void;
}

export const silentLogger: Logger = { log() {} };

export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (severity, message) => lines.push(`${severity}: ${message}`) };
}
