// Help texts, one per command, and the usage error the dispatcher turns into exit code 2.
import { HyperlabError } from '../core/errors.ts';

export const MAIN_HELP = `hyperlab: train, track and compare neural network runs from the command line

Usage:
  hyperlab runs ls [--experiment E] [--status S] [--tag T] [--sort K] [--limit N] [--json]
  hyperlab runs show ID [--json]
  hyperlab runs export (--csv|--json) [ID...]
  hyperlab runs rm ID... | --status S [--yes]
  hyperlab runs tag ID TAG... [--remove]
  hyperlab runs rename ID NAME
  hyperlab run SPEC [--set path=value ...] [--json]
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
  --tag T          only runs tagged T (hyperlab runs tag ID T)
  --limit N        at most N runs (default 50)
  --json           machine output: a JSON array on stdout (with tags, starred, note)
  --db PATH        the store (default .hyperlab/runs.db)
`,
  'runs show': `Usage: hyperlab runs show ID [--json] [--db PATH]

Show one run: status and reason, params, summary, each metric key with its point count and
last/min/max, artifacts and the tail of the log.
`,
  'runs export': `Usage: hyperlab runs export (--csv|--json) [--wide] [ID...] [--db PATH]

Write metrics in long format (run,key,step,epoch,time,value) to stdout, for the given runs or
for all runs. Time is milliseconds since the epoch.
--wide: one row per run instead, for spreadsheets: id, name, experiment, status, start and end,
then params.<key> for every parameter, metrics.<key> (the last value) and summary.<key>.
`,
  'runs rm': `Usage: hyperlab runs rm ID... | --status S [--yes] [--db PATH]

Delete runs with their metrics, logs and run folders (.hyperlab/runs/ID). --status takes a
comma-separated list (e.g. --status failed,killed). Without --yes it lists what would be deleted
and deletes nothing (exit code 2). A run still going is refused: stop it first.
`,
  'runs tag': `Usage: hyperlab runs tag ID TAG... [--remove] [--db PATH]

Add tags to a run (or take them off with --remove). A tag is 1 to 64 characters without spaces
or commas. Tags show in runs ls, the Run Explorer and Comparison (filter: tag=baseline).
`,
  'runs rename': `Usage: hyperlab runs rename ID NAME [--db PATH]

Give a run a name (1 to 200 characters; quote it if it has spaces).
`,
  run: `Usage: hyperlab run SPEC [--set path=value ...] [--json] [--db PATH]

Validate the spec file, start the training engine on it, record the run in the store, show
progress on stderr and print the summary. --set overrides one field by its dotted path
(e.g. --set train.epochs=3 --set train.optimizer.lr=0.01). Ctrl-C stops the run gracefully.
Exit code 1 when the run fails or diverges.
`,
};

export function usageError(message: string, hint: string): HyperlabError {
  return new HyperlabError('USAGE', message, hint);
}
