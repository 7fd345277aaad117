// One message → one line of the wire. Non-finite numbers become the strings the parser accepts
// for measured values ("NaN", "Infinity", "-Infinity"), since JSON cannot carry them.
import type { HostMessage, ProducerMessage } from './messages.ts';

function nonFiniteAsString(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/** The message as one JSON line, newline included. */
export function serializeMessage(message: ProducerMessage | HostMessage): string {
  return JSON.stringify(message, nonFiniteAsString) + '\n';
}
