// `hyperlab slurm-job JOBFILE` (internal): what a SLURM batch script runs on the compute node;
// see src/core/slurm/job-runner.ts.
import { runJob } from '../../core/slurm/index.ts';
import type { CliIO, ExitCode } from '../io.ts';
import { usageError } from '../usage.ts';

export async function slurmJob(args: string[], _io: CliIO): Promise<ExitCode> {
  if (args.length !== 1) throw usageError('hyperlab slurm-job: expected the job file', 'It is run by the batch script Hyperlab submits (<run dir>/job.sbatch), not by hand.');
  // The job's exit code (SLURM's ExitCode) is 0 when the producer exited 0, else 1.
  return (await runJob(args[0]!)) === 0 ? 0 : 1;
}
