// Help texts, one per command, and the usage error the dispatcher turns into exit code 2.
import { HyperlabError } from '../core/errors.ts';

export const MAIN_HELP = `hyperlab: train, track and compare neural network runs from the command line

Usage:
  hyperlab runs ls [--experiment E] [--status S] [--sort K] [--limit N] [--json]
  hyperlab runs show ID [--json]
  hyperlab runs export (--csv|--json) [ID...]
  hyperlab run SPEC [--set path=value ...] [--timeout S] [--start-timeout S] [--json]
  hyperlab help [COMMAND]

Every command takes --db PATH (default: .hyperlab/runs.db under the current folder).
Exit codes: 0 ok, 1 the run or command failed, 2 usage error, 3 not found.
`;

export const COMMAND_HELP: { [command: string]: string } = {
  'runs ls': `Usage: hyperlab runs ls [options]

List runs, newest first.

Options:
  --experiment E   only runs of experiment E
  --status S       only runs with status S (queued, running, finished, failed, killed, diverged);
                   a comma-separated list is allowed
  --sort K         id, name, status, createdAt, endedAt, summary.<key> or params.<key>;
                   prefix with - for descending (default: -id)
  --limit N        at most N runs (default 50)
  --json           machine output: a JSON array on stdout
  --db PATH        the store (default .hyperlab/runs.db)
`,
  'runs show': `Usage: hyperlab runs show ID [--json] [--db PATH]

Show one run: status and reason, params, summary, each metric key with its point count and
last/min/max, artifacts and the tail of the log.
`,
  'runs export': `Usage: hyperlab runs export (--csv|--json) [ID...] [--db PATH]

Write metrics in long format (run,key,step,epoch,time,value) to stdout, for the given runs or
for all runs. Time is milliseconds since the epoch.
`,
  run: `Usage: hyperlab run SPEC [--set path=value ...] [--timeout SECONDS] [--start-timeout SECONDS] [--json] [--db PATH]

Validate the spec file, start the training engine on it, record the run in the store, show
progress on stderr and print the summary. --set overrides one field by its dotted path
(e.g. --set train.epochs=3 --set train.optimizer.lr=0.01). Ctrl-C stops the run gracefully.

Options:
  --timeout SECONDS        stop the run and fail it after this long (default: no limit)
  --start-timeout SECONDS  fail the run when the producer has not said hello by then
                           (default 180)
  --json                   machine output: the run and its outcome as JSON on stdout
  --db PATH                the store (default .hyperlab/runs.db)

Exit code 1 when the run fails or diverges, or when its end could not be recorded in the
store (a full disk, a write lock held past every retry).
`,
};

export function usageError(message: string, hint: string): HyperlabError {
  return new HyperlabError('USAGE', message, hint);
}
