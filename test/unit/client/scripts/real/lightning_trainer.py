"""The real Lightning Trainer (lightning.pytorch, or pytorch_lightning) fitting a small MLP on FashionMNIST images with
HyperlabLogger, then testing it. A second logger records what Lightning passed to its loggers,
for the test to compare with the store. Environment: PACKAGE (lightning | pytorch_lightning), MODE (finish | raise | interrupt), SIDE (that record)."""
import json
import os
import signal
import sys

import importlib

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from fashion_subset import load  # noqa: E402

mode = os.environ.get("MODE", "finish")
package = os.environ.get("PACKAGE", "lightning")  # or pytorch_lightning, the other import name
pl = importlib.import_module("lightning.pytorch" if package == "lightning" else "pytorch_lightning")
ModelCheckpoint = pl.callbacks.ModelCheckpoint
Logger = pl.loggers.Logger
HyperlabLogger = importlib.import_module(f"hyperlab.integrations.{package}").HyperlabLogger


class Recorder(Logger):
    """What Lightning gives every logger: the test's expectation."""
    def __init__(self):
        super().__init__()
        self.calls = []

    name = "recorder"
    version = "0"

    def log_hyperparams(self, params, *args, **kwargs):
        self.calls.append({"hparams": dict(params)})

    def log_metrics(self, metrics, step=None):
        self.calls.append({"step": step, "metrics": dict(metrics)})


class Classifier(pl.LightningModule):
    def __init__(self, lr=0.05, hidden=32):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, 10))

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = nn.functional.cross_entropy(self.net(x), y)
        if mode == "raise" and self.global_step == 6:
            raise ValueError("bad batch at step 6")
        if mode == "interrupt" and self.global_step == 6:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C
        self.log("train.loss", loss)
        return loss

    def _evaluate(self, batch, prefix):
        x, y = batch
        out = self.net(x)
        self.log(f"{prefix}.loss", nn.functional.cross_entropy(out, y))
        self.log(f"{prefix}.acc", (out.argmax(1) == y).float().mean())

    def validation_step(self, batch, batch_idx):
        self._evaluate(batch, "val")

    def test_step(self, batch, batch_idx):
        self._evaluate(batch, "test")

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.hparams.lr, momentum=0.9)


torch.manual_seed(0)
images, labels = load(768)
train = DataLoader(TensorDataset(images[:512], labels[:512]), batch_size=64, shuffle=False)
val = DataLoader(TensorDataset(images[512:], labels[512:]), batch_size=256)
recorder = Recorder()
logger = HyperlabLogger(experiment="lightning-real", name="mlp", tags=["lightning"], log_checkpoints=True)
checkpoint = ModelCheckpoint(monitor="val.acc", mode="max", save_top_k=1)
trainer = pl.Trainer(max_epochs=2, logger=[logger, recorder], callbacks=[checkpoint], log_every_n_steps=3, accelerator="cpu",
                     enable_progress_bar=False, enable_model_summary=False, num_sanity_val_steps=0)
model = Classifier()
try:
    trainer.fit(model, train, val)
    trainer.test(model, val)
finally:
    with open(os.environ["SIDE"], "w") as f:
        json.dump({"calls": recorder.calls, "checkpoint": checkpoint.best_model_path, "score": float(checkpoint.best_model_score or 0)}, f)
