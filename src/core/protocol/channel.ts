// The producer's end of the channel, for Node producers (the engine, Node scripts). The host
// passes a duplex pipe as file descriptor HYPERLAB_CHANNEL_FD; without one (a producer started
// by hand) messages go to an optional fallback sink, so the engine also runs standalone.
import fs from 'node:fs';
import net from 'node:net';
import { HyperlabError } from '../errors.ts';
import { LineSplitter } from './lines.ts';
import { CHANNEL_FD_ENV, type HostMessage, type ProducerMessage } from './messages.ts';
import { MAX_LINE_BYTES, parseHostLine } from './parse.ts';
import { serializeMessage } from './serialize.ts';

export interface ProducerChannel {
  /** True when a host is at the other end (false when standalone, or after the host went away). */
  readonly connected: boolean;
  send(message: ProducerMessage): void;
  /** Host messages (start, stop); while any listener is registered the process stays alive. Returns an unsubscribe function. */
  onHostMessage(listener: (message: HostMessage) => void): () => void;
  /** Resolves once everything sent so far is handed to the OS. */
  flush(): Promise<void>;
  /** Flushes, then closes the channel; the process can then exit without losing messages. */
  close(): Promise<void>;
}

export interface ProducerChannelOptions {
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where messages go when no channel fd exists; default: dropped. */
  fallback?: (line: string, message: ProducerMessage) => void;
  /** Called for host lines that are not valid messages, and for channel I/O errors. */
  onError?: (error: string) => void;
}

export function openProducerChannel(options: ProducerChannelOptions = {}): ProducerChannel {
  const env = options.env ?? process.env;
  const raw = env[CHANNEL_FD_ENV];
  if (raw === undefined || raw === '') return standaloneChannel(options.fallback);
  const fd = Number(raw);
  if (!Number.isSafeInteger(fd) || fd < 3) {
    throw new HyperlabError('PROTOCOL_INVALID', `${CHANNEL_FD_ENV}=${JSON.stringify(raw)} is not a usable file descriptor (an integer ≥ 3)`, `Unset ${CHANNEL_FD_ENV} to run standalone, or start the producer through the Hyperlab runner.`);
  }
  try {
    fs.fstatSync(fd);
  } catch {
    throw new HyperlabError('PROTOCOL_INVALID', `${CHANNEL_FD_ENV}=${fd} but file descriptor ${fd} is not open`, `Unset ${CHANNEL_FD_ENV} to run standalone, or start the producer through the Hyperlab runner.`);
  }
  return socketChannel(new net.Socket({ fd, readable: true, writable: true }), options.onError);
}

function standaloneChannel(fallback: ProducerChannelOptions['fallback']): ProducerChannel {
  return {
    connected: false,
    send: (message) => fallback?.(serializeMessage(message), message),
    onHostMessage: () => () => {},
    flush: async () => {},
    close: async () => {},
  };
}

function socketChannel(socket: net.Socket, onError: ProducerChannelOptions['onError']): ProducerChannel {
  const listeners = new Set<(message: HostMessage) => void>();
  let connected = true;
  // The channel keeps the producer alive only while someone listens for host messages (a
  // producer waiting for `start`); a send-only script still exits when done, and pending
  // writes keep it alive until they are handed to the OS.
  socket.unref();
  socket.on('error', (error) => {
    connected = false;
    onError?.(`channel error: ${error.message}`);
  });
  // The host's end closing while this side is still open means the host is gone (its window or
  // command line exited or crashed). A producer waiting for more would train on for nobody, an
  // orphan no one can stop: listeners get a stop, as if the host had asked, exactly once.
  let closing = false;
  let hostGone = false;
  const onHostGone = () => {
    connected = false;
    if (closing || hostGone) return;
    hostGone = true;
    const stop: HostMessage = { type: 'stop', reason: 'the host closed the channel (its window or command line exited)' };
    for (const listener of listeners) listener(stop);
  };
  socket.on('close', onHostGone);
  const splitter = new LineSplitter(MAX_LINE_BYTES, {
    line: (text) => {
      if (text.trim() === '') return;
      const parsed = parseHostLine(text);
      if (!parsed.ok) return onError?.(`invalid host message: ${parsed.error}`);
      for (const listener of listeners) listener(parsed.message);
    },
    overlong: (_head, bytes) => onError?.(`host line of ${bytes} bytes exceeds ${MAX_LINE_BYTES}`),
  });
  socket.on('data', (chunk: Buffer) => splitter.push(chunk));
  socket.on('end', () => {
    splitter.end();
    onHostGone();
  });

  const flush = () => new Promise<void>((resolve) => {
    if (!connected || socket.writableLength === 0) return resolve();
    // An empty write's callback runs after every earlier write has been handed to the OS.
    socket.write('', () => resolve());
  });

  return {
    get connected() { return connected; },
    send(message) {
      if (connected) socket.write(serializeMessage(message));
    },
    onHostMessage(listener) {
      listeners.add(listener);
      socket.ref();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) socket.unref();
      };
    },
    flush,
    async close() {
      closing = true;
      await flush();
      if (!connected) return;
      await new Promise<void>((resolve) => socket.end(() => resolve()));
      socket.destroy();
      connected = false;
    },
  };
}
