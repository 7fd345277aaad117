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
  hyperlab run SPEC [--set path=value ...] [--timeout S] [--start-timeout S] [--detach] [--json]
  hyperlab sweep SPEC [--set path=value ...] [--trials N] [--parallelism N] [--json]
  hyperlab sweep --resume ID [--trials N] [--parallelism N] [--json]
  hyperlab sweep stop ID
  hyperlab sweeps ls [--experiment E] [--json]
  hyperlab sweeps show ID [--json]
  hyperlab tune lr-range SPEC [--set ...] [--min LR] [--max LR] [--steps N] [--json]
  hyperlab tune overfit SPEC [--set ...] [--samples N] [--epochs N] [--json]
  hyperlab tune babysit SPEC [--set ...] [--coarse N] [--fine N] [--json]
  hyperlab run [--experiment E] [--name N] [--set k=v ...] [--execution SPEC [--detach]] [--json] -- CMD [ARGS...]
  hyperlab sync [--silence SECONDS] [--wait] [--json]
  hyperlab import tensorboard DIR [--experiment E] [--json]
  hyperlab import mlflow (mlruns/ | mlflow.db | sqlite:///mlflow.db) [--json]
  hyperlab export RUN [--prune F [--structured|--nm N:M] [--finetune E]] [--quantize M [--per-channel|--per-tensor|--block B] [--calibration minmax|percentile|entropy] [--qat E]]
                  [--variant SPEC ...] [--preset NAME] [--format onnx|triton|torch] --out DIR [--json]
  hyperlab help [COMMAND]

Every command takes --db PATH (default: .hyperlab/runs.db under the current folder).
Exit codes: 0 ok, 1 the run or command failed, 2 usage error, 3 not found.
`;

export const COMMAND_HELP: { [command: string]: string } = {
  'runs ls': `Usage: hyperlab runs ls [options]

List runs, newest first.

Options:
  --experiment E   only runs of experiment E
  --status S       only runs with status S (queued, running, finished, failed, killed, diverged,
                   pruned);
                   a comma-separated list is allowed
  --sort K         id, name, status, createdAt, endedAt, summary.<key> or params.<key>;
                   prefix with - for descending (default: -id); sorted by value (numbers as
                   numbers); params.train.epochs is the flat key "train.epochs" or nested keys
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
  run: `Usage: hyperlab run SPEC [--set path=value ...] [--timeout SECONDS] [--start-timeout SECONDS] [--store-wait SECONDS] [--json] [--db PATH]

Validate the spec file, start the training engine on it, record the run in the store, show
progress on stderr and print the summary. --set overrides one field by its dotted path
(e.g. --set train.epochs=3 --set train.optimizer.lr=0.01). Ctrl-C stops the run gracefully.
A spec with a "producer" section runs that command instead of the engine (in the spec's folder,
or producer.cwd): the spec's other fields, with --set applied (a unique tail of a path is enough:
--set lr=0.01), reach it as HYPERLAB_PARAMS; the run records the params the script reports and
is filed under the experiment it names in hyperlab.init(), else the spec's name.

Options:
  --timeout SECONDS        stop the run and fail it after this long (default: no limit)
  --start-timeout SECONDS  fail the run when the producer has not said hello by then
                           (default 180)
  --detach                 a spec whose execution.backend is slurm: submit the job and return
                           (hyperlab sync reconciles it later)
  --store-wait SECONDS     how long to keep retrying a store that another process holds
                           locked before the run fails (default 600)
  --json                   machine output: the run and its outcome as JSON on stdout
  --db PATH                the store (default .hyperlab/runs.db)

With "execution": {"backend": "slurm", ...} in the spec the run is a SLURM job (see the README,
Running on a cluster): Ctrl-C cancels it (scancel); closing the terminal leaves it running.

Exit code 1 when the run fails or diverges, or when its end could not be recorded in the
store (a full disk, a write lock held past every retry).

Usage: hyperlab run [--experiment E] [--name N] [--set k=v ...] [--execution SPEC [--detach]] [--store-wait SECONDS] [--json] [--db PATH] -- CMD [ARGS...]

Run any command as a tracked run (e.g. a Python script using the hyperlab client, python/):
its stdout and stderr become the run's log, the protocol channel is passed as file descriptor 3
(HYPERLAB_CHANNEL_FD), Ctrl-C stops it (then kills it). --set values reach the script as
HYPERLAB_PARAMS (a JSON object; the client merges it into run.config); the run records only the
params the script reports. The run is filed under --experiment, else the experiment the script
names in hyperlab.init(), else the script's file name. --execution SPEC runs the command where
that spec's execution section says (a SLURM job with "backend": "slurm"); --detach then returns
once it is submitted.
`,
  sync: `Usage: hyperlab sync [--silence SECONDS] [--wait] [--json] [--db PATH]

Ingest the inbox beside the store (.hyperlab/inbox/*.jsonl): runs of scripts that used the
hyperlab Python client outside Hyperlab (a terminal, tmux, a notebook). Safe to repeat and to run
from two places at once: the offset ingested of each file is kept in the store, so no point is
written twice; a half-written last line waits for the next sync. A running run whose file has
been silent for --silence seconds (default 600) is failed with reason "writer stopped reporting",
and running again if its file grows. runs ls and runs show sync first.

Cluster (SLURM) runs still queued or running in the store: what their channel files gained is
ingested, and their jobs' states are reconciled with SLURM (an ended job ends its run).
--wait follows them until every one has ended.
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
  sweep: `Usage: hyperlab sweep SPEC [--set path=value ...] [--trials N] [--parallelism N] [--json] [--db PATH]
       hyperlab sweep --resume ID [--trials N] [--parallelism N] [--json] [--db PATH]

Run the hyperparameter search of the spec's "search" section: each trial is a run of the engine
with the trial's parameters written into the spec (trials appear in hyperlab runs ls); for a spec
with a "producer" section, a run of its command with them in HYPERLAB_PARAMS. One line
per trial event on stderr; the best trial and its parameters on stdout. --trials and
--parallelism override search.budget.trials and search.parallelism (on --resume: the stored ones).
Ctrl-C stops the running trials and leaves the sweep resumable: hyperlab sweep --resume ID runs
the interrupted trials again and the rest of the budget; no finished trial runs twice.
Exit code 0 when the sweep finished, 1 when it was stopped or failed.
`,
  'sweep stop': `Usage: hyperlab sweep stop ID [--db PATH]

Stop a sweep another process is running: its driver stops the running trials (they are
re-queued) and ends the sweep 'stopped'. Resume it with hyperlab sweep --resume ID.
`,
  'sweeps ls': `Usage: hyperlab sweeps ls [--experiment E] [--json] [--db PATH]

List sweeps, newest first: method, status, trials out of the budget, objective and best value.
`,
  'sweeps show': `Usage: hyperlab sweeps show ID [--json] [--db PATH]

Show one sweep: its objective and budget, the best trial with its parameters, and the trial
table (status, epochs, objective value, parameters, reason; * marks the best).
`,
  'tune lr-range': `Usage: hyperlab tune lr-range SPEC [--set ...] [--min LR] [--max LR] [--steps N] [--json] [--db PATH]

Learning-rate range test (Smith 2017): one short run in which the learning rate grows
exponentially from --min (1e-6) to --max (1) over --steps steps (200), stopping early once the
loss explodes (4× its best). The loss against the learning rate is stored as the run's metrics
(lr_range.lr, lr_range.loss, lr_range.smoothed). Suggested range: from the learning rate of the
steepest descent of the smoothed loss to the one of its minimum divided by 10 (the rule is printed).
`,
  'tune overfit': `Usage: hyperlab tune overfit SPEC [--set ...] [--samples N] [--epochs N] [--json] [--db PATH]

Sanity check: train on a tiny subset (--samples, default 100) with regularization off
(dropout, weight decay, L1/L2, augmentation, noise, early stopping) for --epochs (default 50).
A correct model and pipeline fit it: training accuracy must reach 99%. If not, it says
"your model or pipeline has a bug" with the accuracy reached. Exit code 1 when it fails.
`,
  'tune babysit': `Usage: hyperlab tune babysit SPEC [--set ...] [--coarse N] [--fine N] [--epochs-coarse N] [--epochs-fine N] [--json] [--db PATH]

Guided tuning, the course's way: regularization off; a coarse grid of --coarse (5) learning
rates log-spaced over 1e-5 … 1e-1 with few epochs (--epochs-coarse, 1); then a fine grid of
--fine (5) learning rates spaced linearly from half to twice the best, with more epochs
(--epochs-fine, 3). Each step is a sweep of its own (hyperlab sweeps show ID); Ctrl-C stops it.
`,
  export: `Usage: hyperlab export RUN --out DIR [options]

Compress and export a finished run's checkpoint, run every exported model in ONNX Runtime on the
test set against the engine, print the report (size, sparsity, parameters, accuracy, agreement
with the FP32 model, per-class change, latency at batch 1 and 64) and record it as artifacts of
the run. The FP32 model is always exported as the baseline. DIR must not exist; the export is
written beside it and renamed at the end, so a failure leaves nothing behind.

One variant from flags:
  --prune F          remove the fraction F of the weights by magnitude (one threshold over all layers)
    --per-layer      the same fraction of each layer instead
    --structured     remove whole neurons/filters (L2 norm) and the next layer's inputs instead
  --nm N:M           N:M sparsity along each layer's inputs (conv: input channels); each layer's
                     input width must be a multiple of M
    --skip-unfit     leave the layers where it is not dense instead (named in the report)
  --finetune E       fine-tune E epochs after pruning (a run of its own, params parent.run)
  --quantize M       int8 (QDQ, weights + calibrated activations), int4 (opset 21), kmeans4,
                     ternary, fp16 (half initializers, Cast to float), bf16 (bfloat16
                     initializers, Cast to float), fp8 (E4M3FN, opset 21), fp8e5m2 (opset 21),
                     fp4 (E2M1, MX scale per block of 32: ONNX Runtime 1.30 cannot run it, so
                     it is reported with simulated figures and no ONNX file is written)
    --per-channel | --per-tensor | --block B   granularity for int8/int4 (defaults: per-channel,
                     block 32); --block B also sets fp4's block
    --qat E          quantization-aware fine-tuning (int8/int4), E epochs before quantizing: a run
                     of its own (params parent.run, compress.qat) whose forward passes use the
                     weights fake-quantized as exported (fresh min-max scales each step; int8 also
                     its activations, at the calibrated ranges, kept for the export), gradients by
                     the straight-through estimator into the FP32 weights. The report gives the
                     PTQ accuracy of the same scheme beside it (MLP template trained in full,
                     INT4 per tensor: FP32 89.22%, PTQ 88.50%, --qat 2 89.24%). With pruning the
                     masks are held; not with --finetune
More variants: --variant "prune=0.9,finetune=2" or "quantize=int4,per-tensor,qat=2" (repeatable;
keys as the flags), --preset int8-cpu | sparse-2of4-gpu | table.
  --format F         onnx (default), triton (NAME/1/model.onnx + config.pbtxt), torch
                     (model.safetensors + model.py); repeatable
  --checkpoint C     last (default) or best
  --json             the report as JSON on stdout

Exit codes: 1 the export failed (a diverged run, a variant that does not run), 2 usage (DIR
exists or is not writable, an impossible combination such as 2:4 on a layer whose input width is
not a multiple of 4), 3 the run or its checkpoint was not found.
`,
};

export function usageError(message: string, hint: string): HyperlabError {
  return new HyperlabError('USAGE', message, hint);
}
