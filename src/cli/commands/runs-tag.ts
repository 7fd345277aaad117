// `hyperlab runs tag ID TAG... [--remove]` and `hyperlab runs rename ID NAME`: what a user says
// about a run, the same store calls as the Run Explorer's Tag and Rename.
import { EXIT, type CliIO, type ExitCode } from '../io.ts';
import { openForWriting } from '../open-store.ts';
import { DB_OPTION, parseCommandArgs, parseRunId, resolveDb } from '../options.ts';
import { usageError } from '../usage.ts';

export function runsTag(args: string[], io: CliIO): ExitCode {
  const { values, positionals } = parseCommandArgs('runs tag', args, { ...DB_OPTION, remove: { type: 'boolean' } } as const);
  const id = parseRunId(positionals[0], 'runs tag');
  const tags = positionals.slice(1);
  if (tags.length === 0) throw usageError('hyperlab runs tag: no tag given', 'e.g. hyperlab runs tag 3 baseline best-lr (--remove to take tags off)');
  const store = openForWriting(resolveDb(values.db, io.cwd));
  try {
    if (values.remove) store.untagRun(id, tags);
    else store.tagRun(id, tags);
    const now = store.annotations([id]).get(id)?.tags ?? [];
    io.stdout(`Run ${id} tags: ${now.length === 0 ? '(none)' : now.join(', ')}\n`);
    return EXIT.ok;
  } finally {
    store.close();
  }
}

export function runsRename(args: string[], io: CliIO): ExitCode {
  const { values, positionals } = parseCommandArgs('runs rename', args, DB_OPTION);
  const id = parseRunId(positionals[0], 'runs rename');
  if (positionals.length !== 2) throw usageError(`hyperlab runs rename: expected ID and one NAME, got ${positionals.length} arguments`, 'Quote a name with spaces: hyperlab runs rename 3 "lr 0.01 adam"');
  const store = openForWriting(resolveDb(values.db, io.cwd));
  try {
    store.renameRun(id, positionals[1]!);
    io.stdout(`Run ${id} is now "${store.getRun(id)!.name}"\n`);
    return EXIT.ok;
  } finally {
    store.close();
  }
}
