// Which process a run starts: the spec's own script (its producer section), the command line in
// the `hyperlab.producerCommand` setting (a user's script that speaks the protocol, for specs
// without a producer section), or Hyperlab's engine on the extension host's own runtime.
// Placeholders of the setting: ${execPath} (this runtime, run as plain Node), ${spec} (the spec file).
import * as path from 'node:path';
import { scriptLaunch, withParams } from '../../core/producer/launch.ts';
import type { Params } from '../../core/protocol/messages.ts';
import type { ProducerCommand, StartPayload } from '../../core/runner/types.ts';
import { isProducerSpec, parseProducerSpec, writtenConfig } from '../../core/spec/index.ts';

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

export interface RunStart {
  command: ProducerCommand;
  start: StartPayload;
  /** A script of the user's (not the engine): it reports its own params and names its experiment. */
  script: boolean;
}

/** How a run of this spec starts, with these (resolved) overrides. */
export function runStart(options: { extensionPath: string; specPath: string; spec: Params; overrides: Params; custom: readonly string[] }): RunStart {
  const { spec, overrides, specPath } = options;
  const client = path.join(options.extensionPath, 'python');
  if (isProducerSpec(spec)) {
    const launch = scriptLaunch({ spec: parseProducerSpec(spec), specPath, overrides, env: process.env, clientDir: client });
    return { command: launch.command, start: launch.start, script: true };
  }
  const train = spec.train;
  const seed = typeof train === 'object' && train !== null && !Array.isArray(train) && typeof train.seed === 'number' ? train.seed : 0;
  const start = { spec, overrides, seed };
  const command = producerCommand({ extensionPath: options.extensionPath, specPath, custom: options.custom });
  if (options.custom.length === 0) return { command, start, script: false };
  // The setting's script gets the spec's values with the overrides as HYPERLAB_PARAMS too, like a producer spec's.
  return { command: { ...command, env: withParams(command.env ?? process.env, writtenConfig(spec, overrides), client) }, start, script: true };
}
