// What the forms of `hyperlab run` (and sweep, tune, sync) share: reading a spec file, the
// stderr logger, and where the bundled Python client is. Kept apart so that run.ts, which
// dispatches to the other forms, is imported by none of them.
import fs from 'node:fs';
import path from 'node:path';
import { HyperlabError } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import { findClient } from '../../core/producer/launch.ts';
import { applyOverrides, isProducerSpec, parseSpec, type Spec } from '../../core/spec/index.ts';
import type { CliIO } from '../io.ts';

export function readSpecText(specPath: string): string {
  try {
    return fs.readFileSync(specPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new HyperlabError('SPEC_NOT_FOUND', `spec file not found: ${specPath}`, 'Check the path; specs are *.hyperlab.json files (the extension can create one from a template).');
    throw new HyperlabError('SPEC_NOT_FOUND', `cannot read the spec file ${specPath}: ${(error as Error).message}`, 'Check the file permissions.');
  }
}

/** Whether the file's JSON has a producer section (invalid JSON is left for the parser to report). */
export function isProducerSpecText(text: string): boolean {
  try {
    return isProducerSpec(JSON.parse(text));
  } catch {
    return false;
  }
}

/** A producer spec's execution.backend as written (the spec is checked later), or undefined. */
export function producerBackend(text: string): unknown {
  try {
    const raw = JSON.parse(text) as { execution?: { backend?: unknown } } | null;
    return raw?.execution?.backend;
  } catch {
    return undefined;
  }
}

export function loadSpec(specPath: string, assignments: readonly string[], text = readSpecText(specPath)): Spec {
  const spec = parseSpec(text);
  return assignments.length > 0 ? applyOverrides(spec, assignments) : spec;
}

export function stderrLogger(io: CliIO): Logger {
  return { log: (severity, message) => { if (severity === 'warn' || severity === 'error') io.stderr(`hyperlab: ${message}\n`); } };
}

/** The client that ships beside this CLI (python/ of the package): importable without installing it. */
export function bundledClient(programDir: string): string | null {
  // dist/cli.cjs → ../python; src/cli/main.ts → ../../python
  return findClient([path.resolve(programDir, '..', 'python'), path.resolve(programDir, '..', '..', 'python')]);
}
