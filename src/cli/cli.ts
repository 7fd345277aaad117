// The dispatcher: picks the command, runs it, and maps errors to one line on stderr with a
// hint and an exit code (0 ok, 1 failure, 2 usage, 3 not found).
import { HyperlabError, type ErrorCode } from '../core/errors.ts';
import { run } from './commands/run.ts';
import { runsExport } from './commands/runs-export.ts';
import { runsLs } from './commands/runs-ls.ts';
import { runsShow } from './commands/runs-show.ts';
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
  const name = first === 'runs' ? `runs ${second ?? ''}`.trim() : first;
  const command = COMMANDS[name];
  if (!command) {
    const known = Object.keys(COMMANDS).join(', ');
    if (first === 'runs') throw usageError(second === undefined ? 'hyperlab runs: missing subcommand' : `hyperlab runs: unknown subcommand "${second}"`, 'Use one of: runs ls, runs show ID, runs export (--csv|--json), runs rm ID..., runs tag ID TAG..., runs rename ID NAME');
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
  // A group ("runs") shows the help of each of its commands.
  const group = Object.keys(COMMAND_HELP).filter((name) => name.startsWith(`${topic} `)).map((name) => COMMAND_HELP[name]!).join('\n');
  const text = COMMAND_HELP[topic] ?? COMMAND_HELP[`runs ${topic}`] ?? (group || undefined);
  if (!text) throw usageError(`hyperlab help: no command "${topic}"`, `Help exists for: ${Object.keys(COMMAND_HELP).join(', ')}`);
  io.stdout(text);
  return EXIT.ok;
}

const EXIT_FOR_CODE: { [code in ErrorCode]?: ExitCode } = {
  USAGE: EXIT.usage,
  SPEC_INVALID: EXIT.usage,
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
