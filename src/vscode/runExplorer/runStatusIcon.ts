// One icon and color per run status, the same in the tree, quick picks and details.
import * as vscode from 'vscode';
import type { RunStatus } from '../../core/store/types.ts';

interface StatusLook { icon: string; color: string; label: string }

const LOOKS: Record<RunStatus, StatusLook> = {
  queued: { icon: 'clock', color: 'descriptionForeground', label: 'Queued' },
  running: { icon: 'sync~spin', color: 'charts.blue', label: 'Running' },
  finished: { icon: 'pass', color: 'testing.iconPassed', label: 'Finished' },
  failed: { icon: 'error', color: 'testing.iconFailed', label: 'Failed' },
  killed: { icon: 'circle-slash', color: 'descriptionForeground', label: 'Killed' },
  diverged: { icon: 'warning', color: 'list.warningForeground', label: 'Diverged' },
  pruned: { icon: 'debug-step-out', color: 'descriptionForeground', label: 'Pruned' },
};

export function statusLook(status: RunStatus): StatusLook {
  return LOOKS[status];
}

export function statusIcon(status: RunStatus): vscode.ThemeIcon {
  const look = LOOKS[status];
  return new vscode.ThemeIcon(look.icon, new vscode.ThemeColor(look.color));
}
