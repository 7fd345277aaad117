// The sweep commands: Run Sweep (the active spec's search section), Stop Sweep and Resume Sweep
// (from the Run Explorer's sweep node or by id). Errors become one notification and an Output line.
import * as vscode from 'vscode';
import type { Logger } from '../../core/log.ts';
import { sweepIdOfArgs } from '../panels/registerPanels.ts';
import type { SweepController } from './sweepController.ts';
import { registerGuardedCommand } from '../commands/guardedCommand.ts';

export const SWEEP_COMMANDS = {
  runSweep: 'hyperlab.runSweep',
  stopSweep: 'hyperlab.stopSweep',
  resumeSweep: 'hyperlab.resumeSweep',
} as const;

export function registerSweepCommands(controller: SweepController, logger: Logger): vscode.Disposable[] {
  const guarded = (id: string, body: (...args: unknown[]) => unknown) => registerGuardedCommand(id, body, logger);
  const idOrAsk = async (args: unknown[], title: string): Promise<number | undefined> => {
    const id = sweepIdOfArgs(args);
    if (id !== undefined) return id;
    const text = await vscode.window.showInputBox({ title, prompt: 'Sweep id (see the Run Explorer or `hyperlab sweeps ls`)', validateInput: (v) => (/^\d+$/.test(v.trim()) ? undefined : 'A sweep id is a number.') });
    return text === undefined ? undefined : Number(text.trim());
  };
  return [
    guarded(SWEEP_COMMANDS.runSweep, (arg, options) => controller.runSweep(arg, isOptions(options) ? options : {})),
    guarded(SWEEP_COMMANDS.stopSweep, async (...args) => {
      const id = await idOrAsk(args, 'Stop Sweep');
      return id === undefined ? false : controller.stopSweep(id);
    }),
    guarded(SWEEP_COMMANDS.resumeSweep, async (...args) => {
      const id = await idOrAsk(args, 'Resume Sweep');
      return id === undefined ? undefined : controller.resumeSweep(id);
    }),
  ];
}

function isOptions(value: unknown): value is { trials?: number; parallelism?: number } {
  return typeof value === 'object' && value !== null && !('kind' in value) && !(value instanceof vscode.Uri);
}
