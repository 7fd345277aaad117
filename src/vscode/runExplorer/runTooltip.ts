// The hover card of a run: a short Markdown table (see tooltipMarkdown.ts).
import * as vscode from 'vscode';
import type { ClusterJob, Run, RunAnnotation } from '../../core/store/index.ts';
import { statusLook } from './runStatusIcon.ts';
import { tooltipMarkdown } from './tooltipMarkdown.ts';

export function runTooltip(run: Run, varying: readonly string[], now: number, note?: RunAnnotation, cluster?: ClusterJob): vscode.MarkdownString {
  const look = statusLook(run.status);
  return new vscode.MarkdownString(tooltipMarkdown(run, varying, look.label, now, note, cluster));
}
