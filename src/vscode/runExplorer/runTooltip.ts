// The hover card of a run: a short Markdown table (see tooltipMarkdown.ts).
import * as vscode from 'vscode';
import type { Params } from '../../core/protocol/messages.ts';
import type { ClusterJob, Run, RunAnnotation } from '../../core/store/index.ts';
import { statusLook } from './runStatusIcon.ts';
import { tooltipMarkdown } from './tooltipMarkdown.ts';

export function runTooltip(run: Run, varying: readonly string[], now: number, note?: RunAnnotation, changes?: Params, cluster?: ClusterJob): vscode.MarkdownString {
  const look = statusLook(run.status);
  return new vscode.MarkdownString(tooltipMarkdown(run, varying, look.label, now, note, changes, cluster));
}
