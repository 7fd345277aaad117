"""A user's own training script reporting to Hyperlab: any process that writes the protocol's
newline-delimited JSON to the file descriptor named by HYPERLAB_CHANNEL_FD is a producer.

    hyperlab's Run Experiment (setting hyperlab.producerCommand) or the runner starts it; run by
    hand (no channel) it just prints what it would send.

Standard library only. Protocol: src/core/protocol/messages.ts (time in seconds since the epoch).
"""
import json
import math
import os
import sys
import time

PROTOCOL_VERSION = 1


class Channel:
    def __init__(self):
        fd = os.environ.get("HYPERLAB_CHANNEL_FD")
        self.out = os.fdopen(int(fd), "w", buffering=1, closefd=False) if fd else sys.stdout

    def send(self, message):
        self.out.write(json.dumps(message, allow_nan=False) + "\n")


def main():
    steps = int(os.environ.get("STEPS", "20"))
    lr = float(os.environ.get("LR", "0.1"))
    channel = Channel()
    channel.send({"type": "hello", "protocol": PROTOCOL_VERSION, "producer": "python-example", "pid": os.getpid()})
    channel.send({"type": "params", "params": {"lr": lr, "steps": steps, "model": "quadratic"}})
    # Gradient descent on f(x) = x^2 / 2 from x = 5: the loss falls as (1 - lr)^(2t).
    x = 5.0
    for step in range(steps):
        loss = 0.5 * x * x
        channel.send({"type": "metrics", "step": step, "time": time.time(), "values": {"loss": loss, "x": x}})
        print(f"step {step} loss {loss:.6f}", flush=True)
        x -= lr * x
    channel.send({"type": "done", "summary": {"final.loss": 0.5 * x * x, "steps": steps}})


if __name__ == "__main__":
    main()
