"""The same work (STEPS steps × 4 metrics) through a peer tracker, for the benchmark:
  mlflow-log-metric  MlflowClient.log_metric per value, sqlite backend
  mlflow-log-batch   MlflowClient.log_batch per step, sqlite backend
  tensorboard        torch.utils.tensorboard / tensorboardX SummaryWriter.add_scalar per value
Prints {"seconds": ...} (the whole work, until the data is on disk) as JSON."""
import json
import os
import sys
import time

peer, out = sys.argv[1], sys.argv[2]
steps = int(os.environ.get("STEPS", "100000"))
keys = ("train.loss", "train.acc", "lr", "grad_norm")


def values(step):
    return (1.0 / (step + 1), step / steps, 0.001, 0.5)


start = time.perf_counter()
used = None
if peer.startswith("mlflow"):
    from mlflow.entities import Metric
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri="sqlite:///" + os.path.join(out, "mlflow.db"))
    run_id = client.create_run(client.create_experiment("bench-client")).info.run_id
    if peer == "mlflow-log-metric":
        for step in range(steps):
            now = int(time.time() * 1000)
            for key, value in zip(keys, values(step)):
                client.log_metric(run_id, key, value, timestamp=now, step=step)
    else:
        for step in range(steps):
            now = int(time.time() * 1000)
            client.log_batch(run_id, metrics=[Metric(key, value, now, step) for key, value in zip(keys, values(step))])
    client.set_terminated(run_id)
else:
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:
        from tensorboardX import SummaryWriter
    used = SummaryWriter.__module__.split(".writer")[0]
    writer = SummaryWriter(log_dir=out)
    for step in range(steps):
        for key, value in zip(keys, values(step)):
            writer.add_scalar(key, value, step)
    writer.close()
print(json.dumps({"seconds": time.perf_counter() - start, "writer": used if peer == "tensorboard" else "mlflow"}))
