// Tuning by hand from the palette: the learning-rate range test, the "overfit a tiny subset"
// check and the babysitting flow run as the bundled `hyperlab tune …` command in a terminal of
// their own (its table and suggestion stay readable there; closing the terminal stops it). Each
// step is an ordinary run or sweep in the store, so the Run Explorer, Curves and the Sweep
// dashboard follow it live.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/log.ts';
import { chooseSpec } from '../runs/specFiles.ts';
import type { StoreSession } from '../store/storeSession.ts';
import { ensureTrusted } from '../trust/workspaceTrust.ts';
import { registerGuardedCommand } from '../commands/guardedCommand.ts';

export const TUNE_COMMANDS = {
  lrRange: { id: 'hyperlab.tuneLrRange', task: 'lr-range', title: 'Learning-rate range test' },
  overfit: { id: 'hyperlab.tuneOverfit', task: 'overfit', title: 'Overfit a tiny subset' },
  babysit: { id: 'hyperlab.tuneBabysit', task: 'babysit', title: 'Babysit the learning rate' },
} as const;

export function registerTuneCommands(session: StoreSession, extensionPath: string, logger: Logger): vscode.Disposable[] {
  return Object.values(TUNE_COMMANDS).map(({ id, task, title }) => registerGuardedCommand(id, async (arg?: unknown) => {
    if (!ensureTrusted(title.toLowerCase())) return undefined;
    const spec = await chooseSpec(arg instanceof vscode.Uri ? arg : undefined);
    if (!spec) return undefined;
    const db = session.require().path;
    const terminal = vscode.window.createTerminal({
      name: `Hyperlab: ${title}`,
      shellPath: process.execPath,
      shellArgs: [path.join(extensionPath, 'dist', 'cli.cjs'), 'tune', task, spec.fsPath, '--db', db],
      cwd: path.dirname(spec.fsPath),
      env: { ELECTRON_RUN_AS_NODE: '1' },
      iconPath: new vscode.ThemeIcon('beaker'),
    });
    terminal.show(true);
    logger.log('info', `${title}: hyperlab tune ${task} ${spec.fsPath} in a terminal`);
    return terminal.name;
  }, logger));
}
