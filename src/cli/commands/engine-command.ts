// Which program `hyperlab run` starts: the bundled engine next to the CLI (dist/engine.cjs), or
// the command in HYPERLAB_ENGINE_COMMAND (a JSON array of argv, or words separated by spaces),
// which tests and custom engines use.
import fs from 'node:fs';
import path from 'node:path';
import { HyperlabError } from '../../core/errors.ts';

export const ENGINE_COMMAND_ENV = 'HYPERLAB_ENGINE_COMMAND';

export function engineCommand(env: NodeJS.ProcessEnv, programDir: string): string[] {
  const override = env[ENGINE_COMMAND_ENV]?.trim();
  if (override) return parseOverride(override);
  // Bundled: dist/cli.cjs beside dist/engine.cjs. From source: src/cli/ → dist/engine.cjs.
  const candidates = [path.join(programDir, 'engine.cjs'), path.join(programDir, '..', '..', 'dist', 'engine.cjs')];
  const engine = candidates.find((file) => fs.existsSync(file));
  if (!engine) {
    throw new HyperlabError('PRODUCER_FAILED', `the training engine is missing (looked for ${candidates.join(' and ')})`, `Build it with: npm run build (or set ${ENGINE_COMMAND_ENV} to a producer command).`);
  }
  return [process.execPath, engine];
}

function parseOverride(text: string): string[] {
  if (!text.startsWith('[')) return text.split(/\s+/);
  let argv: unknown;
  try {
    argv = JSON.parse(text);
  } catch (error) {
    throw new HyperlabError('USAGE', `${ENGINE_COMMAND_ENV} is not valid JSON: ${(error as Error).message}`, 'Give a JSON array of strings, e.g. ["node","producer.mjs"].');
  }
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string')) {
    throw new HyperlabError('USAGE', `${ENGINE_COMMAND_ENV} must be a non-empty JSON array of strings`, 'e.g. ["node","producer.mjs"].');
  }
  return argv as string[];
}
