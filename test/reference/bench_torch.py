"""PyTorch side of the engine benchmark (test/bench/engine/run.ts).

A worker: reads one JSON job per line on stdin, answers one JSON line on stdout. Jobs:
  {"model": "mlp"|"lenet", "batch": N, "optimizer": "sgd"|"adam", "steps": S, "warmup": W}
    -> {"samples_per_s": ..., "seconds": ...}
Each step is zero_grad + forward + cross-entropy + backward + optimizer.step on preloaded
random batches, float32, one thread (torch.set_num_threads(1), OPENBLAS_NUM_THREADS=1).
"""
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
try:
    import torch
    import torch.nn as nn
except ImportError as error:
    sys.stderr.write(f"TORCH_MISSING: {error}\n")
    sys.exit(3)

torch.set_num_threads(1)
torch.manual_seed(0)


def build(model):
    if model == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10)), (1, 28, 28)
    if model == "lenet":
        return nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
        ), (1, 28, 28)
    raise ValueError(f"unknown model {model}")


def run(job):
    net, shape = build(job["model"])
    batch = job["batch"]
    if job["optimizer"] == "adam":
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    else:
        opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    batches = [(torch.randn(batch, *shape), torch.randint(0, 10, (batch,))) for _ in range(8)]

    def step(i):
        x, y = batches[i % len(batches)]
        opt.zero_grad(set_to_none=False)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()

    for i in range(job.get("warmup", 10)):
        step(i)
    steps = job["steps"]
    start = time.perf_counter()
    for i in range(steps):
        step(i)
    seconds = time.perf_counter() - start
    return {"samples_per_s": steps * batch / seconds, "seconds": seconds}


for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    try:
        print(json.dumps(run(json.loads(line))), flush=True)
    except Exception as error:  # answered, so the Node side can report it
        print(json.dumps({"error": str(error)}), flush=True)
