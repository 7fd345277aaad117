// The inbound gate a panel host runs every webview message through: validated messages within
// the work budget pass; anything malformed is dropped with exactly one log line naming the panel,
// the field and the rule; a well-formed request that asks for too much at once is refused with
// one log line and a TooMuchMessage for the webview to show (request-budget.ts).
import type { Logger } from '../log.ts';
import type { FromWebview, PanelKind, TooMuchMessage } from './contract.ts';
import { checkPanelMessage } from './inbound-rules.ts';
import { overloadOf } from './request-budget.ts';

export type InboundResult<K extends PanelKind> =
  | { ok: true; message: FromWebview<K> }
  | { ok: false; reason: string; reply: TooMuchMessage | null };

/** The gate without its log line (the component tests' stand-in host uses it too). */
export function inspectInbound<K extends PanelKind>(kind: K, raw: unknown): InboundResult<K> {
  const verdict = checkPanelMessage(kind, raw);
  if (!verdict.ok) return { ok: false, reason: verdict.reason, reply: null };
  const overload = overloadOf(kind, verdict.message);
  if (overload) return { ok: false, reason: `"${overload.request}": too much at once (${overload.asked.toLocaleString('en-US')} asked, at most ${overload.limit.toLocaleString('en-US')})`, reply: overload };
  return verdict;
}

export function gateInbound<K extends PanelKind>(kind: K, raw: unknown, logger: Logger, panelTitle: string): InboundResult<K> {
  const result = inspectInbound(kind, raw);
  if (!result.ok) {
    logger.log('warn', result.reply
      ? `${panelTitle} panel: refused a request from its webview: ${result.reason}; nothing was computed and the panel shows a notice.`
      : `${panelTitle} panel: rejected a message from its webview: ${result.reason}; it was ignored.`);
  }
  return result;
}
