// The dispatcher: picks the command, runs it, and maps errors to one line on stderr with a
// hint and an exit code (0 ok, 1 failure, 2 usage, 3 not found).
import { HyperlabError, type ErrorCode } from '../core/errors.ts';
import { importRuns } from './commands/import.ts';
import { exportCommand } from './commands/export.ts';
import { run } from './commands/run.ts';
import { runsExport } from './commands/runs-export.ts';
import { runsLs } from './commands/runs-ls.ts';
import { runsShow } from './commands/runs-show.ts';
import { sweep, sweepStop } from './commands/sweep.ts';
import { sweepsLs, sweepsShow } from './commands/sweeps.ts';
import { tuneBabysit, tuneLrRange, tuneOverfit } from './commands/tune.ts';
import { sync } from './commands/sync.ts';
import { slurmJob } from './commands/slurm-job.ts';
import { runsRm } from './commands/runs-rm.ts';
import { runsRename, runsTag } from './commands/runs-tag.ts';
import { StoreMissingError } from './open-store.ts';
import { EXIT, type CliIO, type ExitCode } from './io.ts';
import { COMMAND_HELP, MAIN_HELP, usageError } from './usage.ts';

type Command = (args: string[], io: CliIO) => ExitCode | Promise<ExitCode>;

const COMMANDS: { [name: string]: Command } = {
  'runs ls': runsLs,
  'runs show': runsShow,
  'runs export': runsExport,
  'runs rm': runsRm,
  'runs tag': runsTag,
  'runs rename': runsRename,
  run,
  sweep,
  'sweep stop': sweepStop,
  'sweeps ls': sweepsLs,
  'sweeps show': sweepsShow,
  'tune lr-range': tuneLrRange,
  'tune overfit': tuneOverfit,
  'tune babysit': tuneBabysit,
  sync,
  import: importRuns,
  export: exportCommand,
  // Internal: what a SLURM job runs on the compute node (not in the help).
  'slurm-job': slurmJob,
};

/** Commands with subcommands: the first word, and what to say when the second is missing or wrong. */
const GROUPS: { [first: string]: string } = {
  runs: 'runs ls, runs show ID, runs export (--csv|--json), runs rm ID..., runs tag ID TAG..., runs rename ID NAME',
  sweeps: 'sweeps ls, sweeps show ID',
  tune: 'tune lr-range SPEC, tune overfit SPEC, tune babysit SPEC',
};

export async function runCli(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  try {
    return await dispatch([...argv], io);
  } catch (error) {
    return report(error, io);
  }
}

async function dispatch(argv: string[], io: CliIO): Promise<ExitCode> {
  const [first, second] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    (first === undefined ? io.stderr : io.stdout)(MAIN_HELP);
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === 'help') return help(argv.slice(1).join(' '), io);
  const name = GROUPS[first] !== undefined ? `${first} ${second ?? ''}`.trim() : first === 'sweep' && second === 'stop' ? 'sweep stop' : first;
  const command = COMMANDS[name];
  if (!command) {
    const known = Object.keys(COMMANDS).join(', ');
    const group = GROUPS[first];
    if (group) throw usageError(second === undefined ? `hyperlab ${first}: missing subcommand` : `hyperlab ${first}: unknown subcommand "${second}"`, `Use one of: ${group}`);
    throw usageError(`hyperlab: unknown command "${first}"`, `Commands: ${known}. See: hyperlab --help`);
  }
  const args = argv.slice(name.split(' ').length);
  if (args.includes('--help') || args.includes('-h')) return help(name, io);
  return command(args, io);
}

function help(topic: string, io: CliIO): ExitCode {
  if (topic === '') {
    io.stdout(MAIN_HELP);
    return EXIT.ok;
  }
  // A group ("runs", "sweeps") shows the help of each of its commands.
  const group = Object.keys(COMMAND_HELP).filter((name) => name.startsWith(`${topic} `)).map((name) => COMMAND_HELP[name]!).join('\n');
  const text = COMMAND_HELP[topic] ?? COMMAND_HELP[`runs ${topic}`] ?? COMMAND_HELP[`sweeps ${topic}`] ?? (group || undefined);
  if (!text) throw usageError(`hyperlab help: no command "${topic}"`, `Help exists for: ${Object.keys(COMMAND_HELP).join(', ')}`);
  io.stdout(text);
  return EXIT.ok;
}

const EXIT_FOR_CODE: { [code in ErrorCode]?: ExitCode } = {
  USAGE: EXIT.usage,
  SPEC_INVALID: EXIT.usage,
  COMPRESS_INVALID: EXIT.usage,
  RUN_NOT_FOUND: EXIT.notFound,
  SPEC_NOT_FOUND: EXIT.notFound,
};

function report(error: unknown, io: CliIO): ExitCode {
  if (error instanceof HyperlabError) {
    const message = error.message.startsWith('hyperlab') ? error.message : `hyperlab: ${error.message}`;
    io.stderr(`${message}\n${error.hint ? `  hint: ${error.hint}\n` : ''}`);
    if (error instanceof StoreMissingError) return EXIT.notFound;
    return EXIT_FOR_CODE[error.code] ?? EXIT.failure;
  }
  io.stderr(`hyperlab: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.failure;
}
