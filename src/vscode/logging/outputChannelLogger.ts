// The one Output channel of the extension, seen by core code as its Logger.
import * as vscode from 'vscode';
import type { Logger, LogSeverity } from '../../core/log.ts';

export interface ChannelLogger extends Logger {
  readonly channel: vscode.LogOutputChannel;
}

export function createChannelLogger(name: string): ChannelLogger {
  const channel = vscode.window.createOutputChannel(name, { log: true });
  const write: Record<LogSeverity, (message: string) => void> = {
    debug: (m) => channel.debug(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
  };
  return { channel, log: (severity, message) => write[severity](message) };
}
