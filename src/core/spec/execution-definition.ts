// The spec's `execution` section: where a run (or each trial of a sweep) trains. Absent or
// backend "local": a process on this machine, as always. backend "slurm": a job on a SLURM
// cluster submitted with sbatch from this (login) node; the fields below become #SBATCH lines.
import type { ObjectField } from './fields.ts';

export const EXECUTION_BACKENDS = ['local', 'slurm'] as const;

const text = (description: string) => ({ kind: 'string', default: null, nullable: true, description }) as const;

export const executionDefinition: ObjectField = { kind: 'object', optional: true,
  description: 'Where the run trains: on this machine (local, the default) or as a SLURM job (slurm). Absent = local.',
  fields: {
    backend: { kind: 'enum', values: EXECUTION_BACKENDS, default: 'local', description: 'local: a process on this machine; slurm: one sbatch job per run (per trial in a sweep), tracked through a channel file in the run\'s folder, which must be on a filesystem the compute nodes share.' },
    partition: text('SLURM partition (#SBATCH --partition); null = the cluster\'s default.'),
    time: text('Time limit (#SBATCH --time), e.g. "30", "1:00:00", "1-12:00:00"; a job past it ends TIMEOUT. null = the partition\'s default.'),
    cpusPerTask: { kind: 'number', integer: true, min: 1, default: null, nullable: true, description: 'CPUs for the job (#SBATCH --cpus-per-task); null = the cluster\'s default.' },
    mem: text('Memory per node (#SBATCH --mem), e.g. "4G"; null = the cluster\'s default.'),
    gpus: text('Generic resources (#SBATCH --gres), e.g. "gpu:1" or "gpu:a100:2"; null = none.'),
    account: text('Account to charge (#SBATCH --account); null = your default.'),
    qos: text('Quality of service (#SBATCH --qos); null = the default.'),
    constraint: text('Node features required (#SBATCH --constraint), e.g. "avx512"; null = any node.'),
    sbatch: { kind: 'array', items: { kind: 'string', default: null, description: 'One sbatch option.' }, default: [], description: 'Further sbatch options, one per item, written as #SBATCH lines, e.g. ["--exclusive", "--mail-type=END"].' },
    setup: text('Shell commands run on the node before the training starts, e.g. "module load nodejs/22"; null = none.'),
    node: text('The Node.js program on the compute nodes (version 22.6 or newer); null = the one running Hyperlab now, which must then be visible on the nodes at the same path.'),
    requeue: { kind: 'boolean', default: true, description: 'Let SLURM requeue the job when it is preempted or its node fails (#SBATCH --requeue); the requeued job resumes from the run\'s last checkpoint and its curve continues.' },
    channelTimeout: { kind: 'number', exclusiveMin: 0, default: 120, description: 'Seconds a running job may take to create its channel file in the run\'s folder; past that the run fails, naming the likely cause: a run folder the compute node does not see (not on a shared filesystem).' },
  },
};
