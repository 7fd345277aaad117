// The hover card of a run: status and reason, timing, params and summary as JSON.
import * as vscode from 'vscode';
import type { Run } from '../../core/store/types.ts';
import { formatDuration, runDuration } from './runDescription.ts';
import { statusLook } from './runStatusIcon.ts';

const MAX_JSON_CHARS = 1500;

export function runTooltip(run: Run, now: number): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escape(run.name)}** · run #${run.id} · $(${statusLook(run.status).icon.replace('~spin', '')}) ${statusLook(run.status).label}\n\n`);
  if (run.reason) md.appendMarkdown(`${escape(run.reason)}\n\n`);
  md.appendMarkdown(`Experiment: ${escape(run.experimentName)}`);
  if (run.startedAt !== null) md.appendMarkdown(`  \nStarted: ${new Date(run.startedAt).toLocaleString()}`);
  const duration = runDuration(run, now);
  if (duration !== undefined) md.appendMarkdown(`  \nDuration: ${formatDuration(duration)}`);
  md.appendMarkdown('\n\n**Params**\n');
  md.appendCodeblock(clip(JSON.stringify(run.params, null, 2)), 'json');
  if (run.summary && Object.keys(run.summary).length > 0) {
    md.appendMarkdown('**Summary**\n');
    md.appendCodeblock(clip(JSON.stringify(run.summary, null, 2)), 'json');
  }
  return md;
}

function clip(text: string): string {
  return text.length > MAX_JSON_CHARS ? `${text.slice(0, MAX_JSON_CHARS)}\n…` : text;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, '\\$&');
}
