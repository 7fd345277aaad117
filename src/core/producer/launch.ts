// How a spec's own script is started (its producer section), the same way from the CLI, the
// VS Code window and a sweep's trials: the command in the spec's folder (or producer.cwd), the
// spec's env over the host's, and the script's config (the spec's values with the run's
// overrides) as HYPERLAB_PARAMS, which the Python client merges into run.config.
import fs from 'node:fs';
import path from 'node:path';
import { HyperlabError } from '../errors.ts';
import type { Params } from '../protocol/messages.ts';
import type { ProducerCommand, StartPayload } from '../runner/types.ts';
import { PARAMS_ENV, producerConfig, type ProducerSpec } from '../spec/producer.ts';
import type { JsonValue } from '../spec/types.ts';

export interface ScriptLaunch {
  command: ProducerCommand;
  /** The protocol's start message: the config the script receives, for a producer that reads it there. */
  start: StartPayload;
  /** What HYPERLAB_PARAMS holds. */
  config: { [key: string]: JsonValue };
}

export interface ScriptLaunchOptions {
  spec: ProducerSpec;
  /** Absolute path of the spec file: producer.cwd is relative to its folder. */
  specPath: string;
  /** Overrides with their keys resolved (resolveProducerOverrides); a sweep's trial passes its sampled values. */
  overrides: { readonly [path: string]: unknown };
  /** The environment the script's env is set over (the host's). */
  env: NodeJS.ProcessEnv;
  /** A folder holding the Python client (hyperlab/__init__.py), appended to PYTHONPATH; null = none. */
  clientDir: string | null;
}

export function scriptLaunch(options: ScriptLaunchOptions): ScriptLaunch {
  const { spec, specPath } = options;
  const config = producerConfig(spec, options.overrides);
  const cwd = path.resolve(path.dirname(specPath), spec.producer.cwd ?? '.');
  const env = withParams({ ...options.env, ...spec.producer.env }, config, options.clientDir);
  return {
    command: { argv: [spec.producer.command, ...spec.producer.args], cwd, env, ownProcessGroup: true },
    start: { spec: config as Params, overrides: options.overrides as Params, seed: 0 },
    config,
  };
}

/**
 * The environment of a script Hyperlab starts: its config as HYPERLAB_PARAMS (replacing any
 * inherited one), Python's output unbuffered (a pipe's 8 KiB blocks would make the run's log lag
 * the training), and the client importable without installing it.
 */
export function withParams(env: NodeJS.ProcessEnv, config: { readonly [key: string]: unknown } | null, clientDir: string | null): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  if (config !== null && Object.keys(config).length > 0) out[PARAMS_ENV] = paramsText(config);
  else delete out[PARAMS_ENV];
  out['PYTHONUNBUFFERED'] ??= '1';
  if (clientDir !== null) out['PYTHONPATH'] = out['PYTHONPATH'] ? `${out['PYTHONPATH']}${path.delimiter}${clientDir}` : clientDir;
  return out;
}

/** Linux refuses to start a process with one environment string longer than this (MAX_ARG_STRLEN, with the name). */
export const MAX_PARAMS_BYTES = 128 * 1024 - PARAMS_ENV.length - 2;

function paramsText(config: { readonly [key: string]: unknown }): string {
  const text = JSON.stringify(config);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_PARAMS_BYTES) {
    throw new HyperlabError('SPEC_INVALID', `the script's config is ${bytes.toLocaleString('en-US')} bytes as JSON; ${PARAMS_ENV} holds at most ${MAX_PARAMS_BYTES.toLocaleString('en-US')} (an environment variable's limit)`,
      'Keep large values (data, lists of files) in a file and put its path in the spec.');
  }
  return text;
}

/** The first of the folders that holds the Python client, or null. */
export function findClient(candidates: readonly string[]): string | null {
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'hyperlab', '__init__.py'))) ?? null;
}
