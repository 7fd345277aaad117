"""A script with a config of its own, for producer specs: it writes what it received (the raw
HYPERLAB_PARAMS, the values it trains with, its cwd, argv and env) to $SIDE (or to PID.json in
$SIDE_DIR), then minimizes
0.5·x² by gradient descent with the config's learning rate, logging train.loss every step and
val.loss at the end of each epoch."""
import json
import os
import sys

import hyperlab

defaults = {"train": {"lr": 0.1, "epochs": 2, "steps": 3}, "model": {"hidden": 8}}
experiment = os.environ.get("EXPERIMENT") or None
with hyperlab.init(experiment=experiment, config=defaults) as run:
    lr = float(run.config["train"]["lr"])
    epochs = int(run.config["train"]["epochs"])
    steps = int(run.config["train"]["steps"])
    side = os.environ.get("SIDE") or (os.path.join(os.environ["SIDE_DIR"], f"{os.getpid()}.json") if os.environ.get("SIDE_DIR") else None)
    if side:
        with open(side, "w") as f:
            json.dump({"HYPERLAB_PARAMS": os.environ.get("HYPERLAB_PARAMS"), "lr": lr, "epochs": epochs, "cwd": os.getcwd(),
                       "argv": sys.argv[1:], "greeting": os.environ.get("GREETING"), "config": dict(run.config)}, f)
    x = 5.0
    for epoch in range(epochs):
        for step in range(steps):
            x -= lr * x
            run.log({"train.loss": 0.5 * x * x}, step=epoch * steps + step, epoch=epoch)
        run.log({"val.loss": 0.5 * x * x}, step=(epoch + 1) * steps - 1, epoch=epoch)
