// What the host writes to <run dir>/job.json for the job runner on the compute node: the
// producer's command line, folder and environment additions, the start message, and where the
// channel goes. The host reads it back when it reattaches a run (its channel timeout, whether it
// is a plain command).
import fs from 'node:fs';
import { HyperlabError } from '../errors.ts';
import type { NamesRun } from '../protocol/run-identity.ts';
import type { StartPayload } from '../runner/types.ts';

export interface JobFile {
  version: 1;
  runId: number;
  /** The producer's command line on the node. */
  argv: string[];
  cwd: string;
  /** Added to the node's environment (which SLURM copies from the submitting shell). */
  env: { [key: string]: string };
  /** The start message every producer gets (the engine's spec; an empty one for a user's command). */
  start: StartPayload | null;
  runDir: string;
  channel: string;
  /** `hyperlab run -- CMD`: a command that never says hello may finish by exiting 0. */
  plainCommand: boolean;
  /** How long a running job may take to create its channel file (ms). */
  channelTimeoutMs: number;
  /** Where the script's hello names its run (init(experiment=, name=)), whether that name wins (runner/types.ts producerNamesRun). */
  namesRun?: NamesRun;
}

export function writeJobFile(file: string, job: JobFile): void {
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(job, null, 2) + '\n');
  fs.renameSync(`${file}.tmp`, file);
}

export function readJobFile(file: string): JobFile {
  let job: unknown;
  try {
    job = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new HyperlabError('CLUSTER', `cannot read the job file ${file}: ${(error as Error).message}`,
      'The run\'s folder must be on a filesystem the compute nodes share with the login node (the store\'s folder: put it under your home or a project filesystem, not /tmp).');
  }
  const j = job as Partial<JobFile>;
  if (j.version !== 1 || !Array.isArray(j.argv) || typeof j.channel !== 'string' || typeof j.runDir !== 'string') {
    throw new HyperlabError('CLUSTER', `the job file ${file} is not one this Hyperlab wrote`, 'Submit the run again from the host (hyperlab run, or VS Code).');
  }
  return job as JobFile;
}
