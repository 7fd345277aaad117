// Which process a run starts: Hyperlab's engine on the extension host's own runtime, or the
// command line in the `hyperlab.producerCommand` setting (a user's script that speaks the
// protocol). Placeholders: ${execPath} (this runtime, run as plain Node), ${spec} (the spec file).
import * as path from 'node:path';
import type { ProducerCommand } from '../../core/runner/types.ts';

export function producerCommand(options: { extensionPath: string; specPath: string; custom: readonly string[] }): ProducerCommand {
  // The extension host is Electron (desktop) or Node (server); ELECTRON_RUN_AS_NODE makes
  // either run a script as plain Node, so no separate Node install is needed.
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  const cwd = path.dirname(options.specPath);
  if (options.custom.length > 0) {
    const argv = options.custom.map((part) => part.replaceAll('${execPath}', process.execPath).replaceAll('${spec}', options.specPath));
    return { argv, cwd, env, ownProcessGroup: true };
  }
  // Its own process group: a forced stop also ends what the producer started (a shell's child,
  // data-loader workers). Should the window die, the producer sees its channel close and stops.
  return { argv: [process.execPath, path.join(options.extensionPath, 'dist', 'engine.cjs')], cwd, env, ownProcessGroup: true };
}
