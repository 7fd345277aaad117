// The inbound gate a panel host runs every webview message through: validated messages pass,
// anything else is dropped with exactly one log line naming the panel, the field and the rule.
import type { Logger } from '../log.ts';
import type { FromWebview, PanelKind } from './contract.ts';
import { checkPanelMessage } from './inbound-rules.ts';

export function gateInbound<K extends PanelKind>(kind: K, raw: unknown, logger: Logger, panelTitle: string): FromWebview<K> | undefined {
  const verdict = checkPanelMessage(kind, raw);
  if (verdict.ok) return verdict.message;
  logger.log('warn', `${panelTitle} panel: rejected a message from its webview: ${verdict.reason}; it was ignored.`);
  return undefined;
}
