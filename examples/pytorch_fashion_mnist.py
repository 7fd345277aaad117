"""A real PyTorch CNN on FashionMNIST, tracked by Hyperlab with the Python client: config,
per-step loss, per-epoch validation, per-layer statistics for the Gradient Monitor (run.watch),
the checkpoint as an artifact, test accuracy in the summary.

    hyperlab run -- python3 examples/pytorch_fashion_mnist.py             # supervised: live in VS Code / the CLI
    hyperlab run --set epochs=1 --set limit=5000 -- python3 examples/pytorch_fashion_mnist.py
    python3 examples/pytorch_fashion_mnist.py                              # from any terminal: into .hyperlab/inbox

Data: the idx files of /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist), or
the folder in FASHION_MNIST_DIR.
"""
import gzip
import os
import sys
import time

import torch
from torch import nn

try:
    import hyperlab
except ImportError:  # not installed: use the client beside this example in the repository
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
    import hyperlab

DATA = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def read_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def load(split, limit):
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(f"{prefix}-images-idx3-ubyte.gz")[:limit].float().div(255).sub(0.2860).div(0.3530).unsqueeze(1)
    labels = read_idx(f"{prefix}-labels-idx1-ubyte.gz")[:limit].long()
    return images, labels


def model_for(config):
    c1, c2 = config["channels"]
    return nn.Sequential(
        nn.Conv2d(1, c1, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(c2 * 7 * 7, config["hidden"]), nn.ReLU(), nn.Linear(config["hidden"], 10),
    )


def evaluate(model, images, labels, batch=1000):
    model.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(images), batch):
            out = model(images[i:i + batch])
            loss += nn.functional.cross_entropy(out, labels[i:i + batch], reduction="sum").item()
            correct += (out.argmax(1) == labels[i:i + batch]).sum().item()
    model.train()
    return loss / len(images), correct / len(images)


def main():
    defaults = {"epochs": 3, "batch_size": 64, "lr": 1e-3, "limit": 60000, "val_fraction": 0.1,
                "channels": [16, 32], "hidden": 128, "seed": 0, "watch_every": 50}
    with hyperlab.init(experiment="pytorch-fashion-mnist", config=defaults, tags=["pytorch", "cnn"]) as run:
        config = run.config
        torch.manual_seed(int(config["seed"]))
        images, labels = load("train", int(config["limit"]))
        n_val = int(len(images) * float(config["val_fraction"]))
        order = torch.randperm(len(images))
        val_x, val_y = images[order[:n_val]], labels[order[:n_val]]
        train_x, train_y = images[order[n_val:]], labels[order[n_val:]]
        test_x, test_y = load("test", 10000)
        model = model_for(config)
        optimizer = torch.optim.Adam(model.parameters(), lr=float(config["lr"]))
        run.watch(model, every=int(config["watch_every"]))
        batch = int(config["batch_size"])
        step = 0
        started = time.time()
        for epoch in range(int(config["epochs"])):
            perm = torch.randperm(len(train_x))
            for i in range(0, len(train_x), batch):
                idx = perm[i:i + batch]
                optimizer.zero_grad()
                out = model(train_x[idx])
                loss = nn.functional.cross_entropy(out, train_y[idx])
                loss.backward()
                optimizer.step()
                if step % 10 == 0:
                    accuracy = (out.argmax(1) == train_y[idx]).float().mean().item()
                    run.log({"train.loss": loss.item(), "train.accuracy": accuracy}, step=step, epoch=epoch + i / len(train_x))
                step += 1
            val_loss, val_accuracy = evaluate(model, val_x, val_y)
            run.log({"val.loss": val_loss, "val.accuracy": val_accuracy}, step=step - 1, epoch=epoch + 1)
            print(f"epoch {epoch + 1}: val loss {val_loss:.4f}, val accuracy {val_accuracy:.4f} ({time.time() - started:.0f} s)", flush=True)
        test_loss, test_accuracy = evaluate(model, test_x, test_y)
        run.summary.update({"test.loss": test_loss, "test.accuracy": test_accuracy, "val.accuracy": val_accuracy,
                            "steps": step, "seconds": round(time.time() - started, 1)})
        print(f"test accuracy {test_accuracy:.4f}", flush=True)
        checkpoint = os.path.join(os.environ.get("HYPERLAB_RUN_DIR", "."), "fashion_cnn.pt")
        os.makedirs(os.path.dirname(os.path.abspath(checkpoint)), exist_ok=True)
        torch.save(model.state_dict(), checkpoint)
        run.log_artifact(checkpoint, kind="checkpoint", meta={"format": "torch.save state_dict"})


if __name__ == "__main__":
    main()
