// `hyperlab run SPEC` and `hyperlab run --execution SPEC -- CMD` when the execution section says
// slurm: check the configuration (nothing is submitted when SLURM refuses it), record the run,
// submit it as a job, and follow it (or, with --detach, return once it is submitted).
import type { Params } from '../../core/protocol/messages.ts';
import type { NamesRun } from '../../core/protocol/run-identity.ts';
import type { ProducerCommand, StartPayload } from '../../core/runner/index.ts';
import type { ExecutionSpec } from '../../core/spec/index.ts';
import type { NewRun } from '../../core/store/index.ts';
import { formatNumber, formatPairs } from '../format.ts';
import { EXIT, type CliIO, type ExitCode } from '../io.ts';
import { toJson } from '../json.ts';
import { openForWriting } from '../open-store.ts';
import { followClusterRun, slurmExecutor } from './cluster.ts';
import { stderrLogger } from './run-support.ts';

export interface SlurmRunRequest {
  dbPath: string;
  execution: ExecutionSpec;
  run: NewRun;
  command: ProducerCommand;
  start?: StartPayload;
  /** `hyperlab run -- CMD`: a command that never speaks the protocol finishes by exiting 0. */
  plainCommand: boolean;
  /** Whether the script's init(experiment=, name=) files the run (runner/types.ts producerNamesRun). */
  producerNamesRun?: NamesRun;
  detach: boolean;
  json: boolean;
}

export async function runOnSlurm(request: SlurmRunRequest, io: CliIO): Promise<ExitCode> {
  const store = openForWriting(request.dbPath);
  const executor = slurmExecutor(store, request.execution, io, stderrLogger(io));
  try {
    await executor.preflight(request.command.cwd ?? io.cwd);
    const record = store.createRun(request.run);
    const handle = executor.start({
      store, runId: record.id, command: request.command,
      ...(request.start ? { start: request.start } : {}),
      ...(request.plainCommand ? { plainCommandMayFinish: true } : {}),
      ...(request.producerNamesRun ? { producerNamesRun: request.producerNamesRun } : {}),
    });
    const submitted = await executor.whenSubmitted(record.id);
    const job = store.cluster.get(record.id);
    if (!submitted || !job) {
      const outcome = await handle.done;
      io.stdout(`Run ${record.id} ${outcome.status}: ${outcome.reason ?? ''}\n`);
      return EXIT.failure;
    }
    io.stderr(`hyperlab: run ${record.id} submitted as SLURM job ${job.jobId}; its protocol: ${job.channel}\n`);
    if (request.detach) {
      if (request.json) io.stdout(toJson({ run: store.getRun(record.id), cluster: job }) + '\n');
      else io.stdout(`Run ${record.id} submitted as SLURM job ${job.jobId}; follow it with: hyperlab sync --wait (or runs show ${record.id})\n`);
      return EXIT.ok;
    }
    const followed = await followClusterRun(io, handle, record.id);
    if (followed.detached) {
      io.stderr(`hyperlab: left run ${record.id} running as SLURM job ${job.jobId}; hyperlab sync (or VS Code) picks it up again\n`);
      return EXIT.failure;
    }
    const { outcome } = followed;
    const finalRun = store.getRun(record.id);
    if (request.json) {
      io.stdout(toJson({ run: finalRun, cluster: store.cluster.get(record.id), outcome }) + '\n');
    } else {
      io.stdout(`Run ${record.id} (${finalRun?.experimentName ?? request.run.experiment}) ${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ''}\n`);
      if (outcome.summary && Object.keys(outcome.summary).length > 0) io.stdout(`  summary: ${formatPairs(outcome.summary as Params, 400)}\n`);
      io.stdout(`  ${formatNumber(outcome.points)} metric points; SLURM job ${job.jobId}; details: hyperlab runs show ${record.id}\n`);
    }
    return outcome.status === 'finished' ? EXIT.ok : EXIT.failure;
  } finally {
    executor.close();
    store.close();
  }
}
