// How an error reads in a notification. A notification is one paragraph: a bullet list (the
// spec's problems, one per line) ran into one. A multi-line message shows its first line and a
// count there, and the whole text goes to the Output channel behind "Show Details".
export interface ErrorNotice {
  /** The notification's text. */
  text: string;
  /** True when the full message has more than the text shows (offer Show Details). */
  hasDetails: boolean;
}

const BULLET = /^\s*[-•*]\s+/;
const MAX_ITEM = 120;

export function errorNotice(message: string): ErrorNotice {
  const lines = message.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  if (lines.length <= 1) return { text: `Hyperlab: ${message.trim()}`, hasDetails: false };
  const head = lines[0]!.replace(/:$/, '');
  const items = lines.slice(1).filter((l) => BULLET.test(l)).map((l) => l.replace(BULLET, ''));
  if (items.length === 0) return { text: `Hyperlab: ${head} (more in Show Details)`, hasDetails: true };
  const first = items[0]!.length > MAX_ITEM ? `${items[0]!.slice(0, MAX_ITEM - 1)}…` : items[0]!;
  return { text: `Hyperlab: ${head}: ${first}${items.length > 1 ? ` (and ${items.length - 1} more in Show Details)` : ''}`, hasDetails: true };
}
