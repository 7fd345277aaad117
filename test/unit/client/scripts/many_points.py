"""Logs STEPS steps × 4 metrics into the inbox, as fast as it can (for the sync tests and the benchmark)."""
import os

import hyperlab

steps = int(os.environ.get("STEPS", "1000"))
run = hyperlab.init(experiment=os.environ.get("EXPERIMENT", "many"), config={"steps": steps})
log = run.log
for step in range(steps):
    log({"a": step * 0.5, "b": step * 0.25, "c": -step, "d": 1.0 / (step + 1)}, step=step)
run.finish()
