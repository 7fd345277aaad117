// Help texts, one per command, and the usage error the dispatcher turns into exit code 2.
import { HyperlabError } from '../core/errors.ts';

export const MAIN_HELP = `hyperlab: train, track and compare neural network runs from the command line

Usage:
  hyperlab runs ls [--experiment E] [--status S] [--sort K] [--limit N] [--json]
  hyperlab runs show ID [--json]
  hyperlab runs export (--csv|--json) [ID...]
  hyperlab run SPEC [--set path=value ...] [--json]
  hyperlab export RUN [--prune F [--structured|--nm N:M] [--finetune E]] [--quantize M [--per-channel|--block B]]
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
                     ternary, fp16 (half initializers, Cast to float), fp8 (E4M3FN)
    --per-channel | --per-tensor | --block B   granularity for int8/int4 (defaults: per-channel, block 32)
More variants: --variant "prune=0.9,finetune=2" (repeatable; keys as the flags), --preset
int8-cpu | sparse-2of4-gpu | table.
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
