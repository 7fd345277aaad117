// The batch script sbatch runs for one run: #SBATCH lines from the spec's execution section,
// the user's setup command, then Hyperlab's job runner (job-runner.ts) with the run's job file.
// The runner starts the producer (the engine, or the user's command) and writes the protocol
// to the channel file in the run's folder, which the host tails.
import path from 'node:path';
import { HyperlabError } from '../errors.ts';
import type { ExecutionSpec } from '../spec/types.ts';

export const CHANNEL_FILE = 'channel.jsonl';
export const JOB_FILE = 'job.json';
export const SCRIPT_FILE = 'job.sbatch';

export interface BatchScriptInput {
  runId: number;
  runDir: string;
  /** The folder the job starts in (#SBATCH --chdir). */
  cwd: string;
  execution: ExecutionSpec;
  /** The job runner's command line on the node, e.g. [node, /opt/hyperlab/dist/cli.cjs, 'slurm-job']. */
  runner: readonly string[];
}

/** Shell-quotes one word. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * A path as one #SBATCH value: sbatch splits a directive at whitespace (a workspace folder with
 * a space was refused: "Invalid directive found in batch script") and reads "..." with
 * backslash escapes as one word. A line break would end the comment and run as shell: refused.
 */
export function sbatchPath(value: string): string {
  if (/[\r\n]/.test(value)) {
    throw new HyperlabError('CLUSTER', `the path ${JSON.stringify(value)} has a line break, which a batch script cannot hold`,
      'Move the workspace (or the store, hyperlab.storePath / --db) to a folder whose path has no line break.');
  }
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** `#SBATCH` option lines for the execution section (what sbatch gets besides the job's own files). */
export function sbatchOptions(execution: ExecutionSpec): string[] {
  const options: string[] = [];
  const add = (flag: string, value: string | number | null) => { if (value !== null && value !== '') options.push(`${flag}=${value}`); };
  add('--partition', execution.partition);
  add('--time', execution.time);
  add('--cpus-per-task', execution.cpusPerTask);
  add('--mem', execution.mem);
  add('--gres', execution.gpus);
  add('--account', execution.account);
  add('--qos', execution.qos);
  add('--constraint', execution.constraint);
  options.push(execution.requeue ? '--requeue' : '--no-requeue');
  for (const extra of execution.sbatch) options.push(extra.trim());
  for (const option of options) {
    if (/[\r\n]/.test(option) || !option.startsWith('-')) {
      throw new HyperlabError('SPEC_INVALID', `execution: sbatch option ${JSON.stringify(option)} is not one option line`,
        'Give each sbatch option as one item starting with "-", e.g. "--exclusive" or "--mail-type=END".');
    }
  }
  return options;
}

/**
 * The job's output file as an sbatch filename pattern: a "%" of the folder is written "%%" so
 * SLURM does not read it as a replacement symbol. A backslash anywhere in the name makes SLURM
 * ignore every symbol, %j included (the host could not find the file): refused.
 */
export function outputPattern(runDir: string): string {
  if (runDir.includes('\\')) {
    throw new HyperlabError('CLUSTER', `the run folder ${runDir} has a backslash in its path: SLURM would then not replace %j in the job's output file name`,
      'Move the workspace (or the store, hyperlab.storePath / --db) to a folder whose path has no backslash.');
  }
  return `${path.join(runDir.replaceAll('%', '%%'), 'slurm-')}%j.out`;
}

export function batchScript(input: BatchScriptInput): string {
  const { runId, runDir, execution } = input;
  const lines = [
    '#!/bin/bash',
    `#SBATCH --job-name=hyperlab-run-${runId}`,
    `#SBATCH --output=${sbatchPath(outputPattern(runDir))}`,
    '#SBATCH --open-mode=append',
    `#SBATCH --chdir=${sbatchPath(input.cwd)}`,
    ...sbatchOptions(execution).map((option) => `#SBATCH ${option}`),
    `# Written by Hyperlab for run ${runId}. The job runner starts the training on the node and`,
    `# writes the protocol to ${path.join(runDir, CHANNEL_FILE)}, which the host on the login node tails.`,
  ];
  if (execution.setup !== null && execution.setup.trim() !== '') {
    lines.push('set -e', '# execution.setup', execution.setup.trim(), 'set +e');
  }
  lines.push(`exec ${[...input.runner, path.join(runDir, JOB_FILE)].map(shellQuote).join(' ')}`, '');
  return lines.join('\n');
}
