"""The benchmark's work through Hyperlab's client: STEPS steps × 4 metrics, one run.log per step.
Prints the time spent in run.log calls and in finish (seconds) as JSON on stderr's last line."""
import json
import os
import sys
import time

import hyperlab

steps = int(os.environ.get("STEPS", "100000"))
start = time.perf_counter()
run = hyperlab.init(experiment="bench-client", config={"steps": steps})
log = run.log
t0 = time.perf_counter()
for step in range(steps):
    log({"train.loss": 1.0 / (step + 1), "train.acc": step / steps, "lr": 0.001, "grad_norm": 0.5}, step=step)
t1 = time.perf_counter()
run.finish()
t2 = time.perf_counter()
print(json.dumps({"init_s": t0 - start, "log_s": t1 - t0, "finish_s": t2 - t1, "calls": steps}), file=sys.stderr)
