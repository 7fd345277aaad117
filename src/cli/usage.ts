// Help texts, one per command, and the usage error the dispatcher turns into exit code 2.
import { HyperlabError } from '../core/errors.ts';

export const MAIN_HELP = `hyperlab: train, track and compare neural network runs from the command line

Usage:
  hyperlab runs ls [--experiment E] [--status S] [--sort K] [--limit N] [--json]
  hyperlab runs show ID [--json]
  hyperlab runs export (--csv|--json) [ID...]
  hyperlab run SPEC [--set path=value ...] [--json]
  hyperlab run [--experiment E] [--name N] [--set k=v ...] [--json] -- CMD [ARGS...]
  hyperlab sync [--silence SECONDS] [--json]
  hyperlab import tensorboard DIR [--experiment E] [--json]
  hyperlab import mlflow (mlruns/ | mlflow.db | sqlite:///mlflow.db) [--json]
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
  run: `Usage: hyperlab run SPEC [--set path=value ...] [--json] [--db PATH]

Validate the spec file, start the training engine on it, record the run in the store, show
progress on stderr and print the summary. --set overrides one field by its dotted path
(e.g. --set train.epochs=3 --set train.optimizer.lr=0.01). Ctrl-C stops the run gracefully.
Exit code 1 when the run fails or diverges.

Usage: hyperlab run [--experiment E] [--name N] [--set k=v ...] [--json] [--db PATH] -- CMD [ARGS...]

Run any command as a tracked run (e.g. a Python script using the hyperlab client, python/):
its stdout and stderr become the run's log, the protocol channel is passed as file descriptor 3
(HYPERLAB_CHANNEL_FD), Ctrl-C stops it (then kills it). --set values reach the script as
HYPERLAB_PARAMS (a JSON object; the client merges it into run.config); the run records only the
params the script reports. The run is filed under --experiment, else the experiment the script
names in hyperlab.init(), else the script's file name.
`,
  sync: `Usage: hyperlab sync [--silence SECONDS] [--json] [--db PATH]

Ingest the inbox beside the store (.hyperlab/inbox/*.jsonl): runs of scripts that used the
hyperlab Python client outside Hyperlab (a terminal, tmux, a notebook). Safe to repeat and to run
from two places at once: the offset ingested of each file is kept in the store, so no point is
written twice; a half-written last line waits for the next sync. A running run whose file has
been silent for --silence seconds (default 600) is failed with reason "writer stopped reporting",
and running again if its file grows. runs ls and runs show sync first.
`,
  import: `Usage: hyperlab import tensorboard DIR [--experiment E] [--json] [--db PATH]
       hyperlab import mlflow (mlruns/ | mlflow.db | sqlite:///mlflow.db) [--json] [--db PATH]

tensorboard: every folder under DIR with event files (events.out.tfevents.*) becomes one run,
named by its path under DIR and filed under --experiment (default: DIR's name); scalar tags
(simple_value or TF2 tensor scalars) become metric keys with their steps and wall times.
mlflow: every active run of an MLflow file store or sqlite tracking database, with its
experiment, name, status, times, params, tags and metric histories (steps and timestamps).
A run imported before is skipped, so importing again adds only new runs.
`,
};

export function usageError(message: string, hint: string): HyperlabError {
  return new HyperlabError('USAGE', message, hint);
}
