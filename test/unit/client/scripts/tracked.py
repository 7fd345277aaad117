"""A training script tracked by the hyperlab client, for the client's tests. Its behaviour comes
from the environment: STEPS, MODE (finish | raise | wait: flush then wait to be killed), SIDE (a
file where it writes what it logged, for the test to compare with the store)."""
import json
import math
import os
import sys
import time

import hyperlab

steps = int(os.environ.get("STEPS", "30"))
mode = os.environ.get("MODE", "finish")
side = os.environ.get("SIDE")

run = hyperlab.init(experiment="client-test", name=os.environ.get("RUN_NAME", "quadratic"),
                    config={"lr": 0.25, "optimizer": {"kind": "sgd", "momentum": 0.0}, "steps": steps}, tags=["test", "quadratic"])
lr = float(run.config["lr"])
x = 5.0
logged = []
for step in range(steps):
    loss = 0.5 * x * x
    values = {"train.loss": loss, "x": x, "weird": math.nan if step == 2 else (math.inf if step == 3 else -math.inf if step == 4 else step)}
    run.log(values, step=step, epoch=step // 10)
    logged.append(loss)
    print(f"step {step} loss {loss:.6f}")
    x -= lr * x
    if mode == "raise" and step == 7:
        raise ValueError(f"bad batch at step {step}")

def write_side():
    # Written whole, then renamed: a test that sees the file never reads half of it.
    with open(side + ".tmp", "w") as f:
        json.dump({"pid": os.getpid(), "losses": logged, "config": dict(run.config)}, f)
    os.replace(side + ".tmp", side)


if mode == "wait":
    run.flush()
    write_side()
    while True:
        time.sleep(0.05)
    # killed by the test

with open("artifact.txt", "w") as f:
    f.write("weights\n")
run.log_artifact("artifact.txt", kind="checkpoint", meta={"step": steps})
run.summary["final.loss"] = 0.5 * x * x
if side:
    write_side()
run.finish()
