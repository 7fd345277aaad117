// The SLURM command-line tools Hyperlab uses, as typed calls: sbatch (submit, or --test-only to
// check a job before submitting anything), squeue (live states), scontrol show job (a job's end
// state and exit code while slurmctld still knows it), sacct (where accounting answers), the job
// completion file (jobcomp/filetxt) after that, and scancel. Every failure is a HyperlabError
// that quotes SLURM's own message.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { HyperlabError } from '../errors.ts';
import { parseJobcompLine, parseScontrolJob, parseSqueue, type JobInfo } from './states.ts';

/** What scancel says of a job that has ended (or that SLURM no longer knows): the cancel reached nothing. */
const ENDED_ALREADY = /already completing or completed|invalid job id/i;

export interface SlurmCommandsOptions {
  /** The environment the tools run in (PATH finds them); default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** Seconds one call may take (a busy slurmctld answers slowly); default 60. */
  timeoutSeconds?: number;
}

export class SlurmCommands {
  private readonly env: NodeJS.ProcessEnv;
  private readonly timeoutMs: number;
  private jobcompLoc: string | null | undefined;

  constructor(options: SlurmCommandsOptions = {}) {
    this.env = options.env ?? process.env;
    this.timeoutMs = (options.timeoutSeconds ?? 60) * 1000;
  }

  /** Submits a batch script; returns the job id. */
  async sbatch(script: string, cwd: string): Promise<string> {
    const out = await this.call('sbatch', ['--parsable', script], cwd);
    const jobId = out.trim().split(';')[0]!.trim();
    if (!/^\d+$/.test(jobId)) throw new HyperlabError('CLUSTER', `sbatch answered "${out.trim()}" instead of a job id`, 'Check the SLURM installation on this node (sbatch --parsable should print the job id).');
    return jobId;
  }

  /** sbatch --test-only: SLURM checks the script's options (partition, time, account, ...) and submits nothing. */
  async testOnly(script: string, cwd: string): Promise<void> {
    await this.call('sbatch', ['--test-only', script], cwd);
  }

  /** Live states of the given jobs; jobs slurmctld no longer lists are absent. */
  async squeue(jobIds: readonly string[]): Promise<Map<string, JobInfo>> {
    if (jobIds.length === 0) return new Map();
    try {
      return parseSqueue(await this.call('squeue', ['-h', '-t', 'all', '-j', jobIds.join(','), '-o', '%i|%T|%N|%r|%l']));
    } catch (error) {
      // squeue refuses the whole list when none of its ids is known any more.
      if (error instanceof HyperlabError && /invalid job id/i.test(error.message)) return new Map();
      throw error;
    }
  }

  /**
   * A job's state with its exit code: from scontrol while slurmctld keeps the job (MinJobAge),
   * else sacct where accounting is on, else the job completion file; undefined when none knows it.
   */
  async finalState(jobId: string): Promise<JobInfo | undefined> {
    try {
      const line = (await this.call('scontrol', ['show', 'job', '-o', jobId])).split('\n').find((l) => l.startsWith('JobId='));
      if (line) return parseScontrolJob(line);
    } catch (error) {
      if (!(error instanceof HyperlabError && /invalid job id/i.test(error.message))) throw error;
    }
    try {
      const out = await this.call('sacct', ['-n', '-P', '-X', '-j', jobId, '-o', 'JobID,State,ExitCode,NodeList,Timelimit']);
      const [id, state, exitCode, node, timeLimit] = (out.split('\n').find((l) => l.startsWith(`${jobId}|`)) ?? '').split('|');
      if (id && state) return { jobId, state: state.split(' ')[0]!, exitCode: exitCode || null, node: node || null, reason: null, timeLimit: timeLimit || null };
    } catch {
      // Accounting disabled (no slurmdbd): the completion file is the last witness.
    }
    return this.fromJobcomp(jobId);
  }

  /**
   * scancel: true when SLURM took the cancel, false when the job had already ended (not an error).
   * scancel exits 0 for a job that has ended or that it does not know, saying so only with -v.
   */
  async scancel(jobId: string): Promise<boolean> {
    try {
      const { stderr } = await this.run('scancel', ['-v', jobId]);
      return !ENDED_ALREADY.test(stderr);
    } catch (error) {
      if (!(error instanceof HyperlabError && ENDED_ALREADY.test(error.message))) throw error;
      return false;
    }
  }

  private async fromJobcomp(jobId: string): Promise<JobInfo | undefined> {
    if (this.jobcompLoc === undefined) {
      try {
        const config = await this.call('scontrol', ['show', 'config']);
        const type = /^JobCompType\s*=\s*(\S+)/m.exec(config)?.[1];
        this.jobcompLoc = type === 'jobcomp/filetxt' ? (/^JobCompLoc\s*=\s*(\S+)/m.exec(config)?.[1] ?? null) : null;
      } catch {
        this.jobcompLoc = null;
      }
    }
    if (!this.jobcompLoc) return undefined;
    let text: string;
    try {
      text = fs.readFileSync(this.jobcompLoc, 'utf8');
    } catch {
      return undefined;
    }
    // The last record wins: a requeued job has one per run.
    const line = text.split('\n').filter((l) => l.startsWith(`JobId=${jobId} `)).pop();
    return line ? parseJobcompLine(line) : undefined;
  }

  private async call(program: string, args: readonly string[], cwd?: string): Promise<string> {
    return (await this.run(program, args, cwd)).stdout;
  }

  private run(program: string, args: readonly string[], cwd?: string): Promise<{ stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      execFile(program, args, { env: this.env, cwd, timeout: this.timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr });
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          return reject(new HyperlabError('CLUSTER', `${program} is not on PATH: this machine is not a SLURM login node (PATH=${this.env['PATH'] ?? ''})`,
            'Run Hyperlab on the cluster\'s login node (in VS Code: Remote-SSH to it), load SLURM first (e.g. module load slurm), or set execution.backend to "local".'));
        }
        const said = (stderr || stdout || error.message).trim().split('\n').slice(-4).join(' | ');
        reject(new HyperlabError('CLUSTER', `${program} ${args.filter((a) => !a.includes('/')).join(' ')} failed: ${said}`,
          program === 'sbatch' ? 'Fix the execution section of the spec (SLURM\'s message above names what it refused); sinfo lists the partitions.' : 'Check that SLURM answers on this node (sinfo).'));
      });
    });
  }
}
