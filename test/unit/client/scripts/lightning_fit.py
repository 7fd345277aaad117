"""A real PyTorch training driven the way Lightning 2's Trainer drives its logger, with
HyperlabLogger on the stand-in Lightning of stand_ins.py. The order of calls follows
lightning.pytorch.trainer: fit() -> _call_setup_hook (logger.experiment) -> _log_hyperparams
(log_hyperparams, log_graph, save) -> every log_every_n_steps log_metrics({..., "epoch"}, step)
+ save -> validation end and train epoch end log_metrics -> ModelCheckpoint: after_save_checkpoint
-> teardown: finalize("success"); an exception: finalize("failed") then re-raise, Ctrl-C:
finalize("failed") then sys.exit(1) (_call_and_handle_interrupt). test() after fit logs again
and finalizes "success" again.

Environment: PACKAGE (lightning | pytorch_lightning), MODE (finish | raise | interrupt | rank1),
SIDE (a JSON file: what was logged, for the test to compare with the store)."""
import json
import os
import signal
import sys
from argparse import Namespace

import torch
from torch import nn

import stand_ins
from fashion_subset import load

package = os.environ.get("PACKAGE", "lightning")
mode = os.environ.get("MODE", "finish")
stand_ins.install_lightning(package)
if mode == "rank1":
    stand_ins.rank_zero_only.rank = 1
if package == "lightning":
    from hyperlab.integrations.lightning import HyperlabLogger
else:
    from hyperlab.integrations.pytorch_lightning import HyperlabLogger
logger_base = sys.modules[("lightning.pytorch" if package == "lightning" else "pytorch_lightning") + ".loggers"].Logger

torch.manual_seed(0)
hparams = Namespace(lr=0.05, hidden=32, batch_size=64, max_epochs=2)
images, labels = load(768)
train_x, train_y, val_x, val_y = images[:512], labels[:512], images[512:], labels[512:]
model = nn.Sequential(nn.Linear(784, hparams.hidden), nn.ReLU(), nn.Linear(hparams.hidden, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=hparams.lr, momentum=0.9)
logged = []


class ModelCheckpoint:
    """The attributes of lightning.pytorch.callbacks.ModelCheckpoint a logger reads."""
    def __init__(self):
        self.monitor = "val_acc"
        self.best_k_models = {}
        self.best_model_path = ""
        self.last_model_path = ""
        self.save_top_k = 1


class Trainer:
    def __init__(self, logger, log_every_n_steps=4):
        assert isinstance(logger, logger_base), "Lightning's Trainer accepts only its own Logger subclasses"
        self.logger = logger
        self.log_every_n_steps = log_every_n_steps
        self.current_epoch = 0
        self.batches_that_stepped = 0
        self.checkpoint = ModelCheckpoint()
        # ModelCheckpoint.__resolve_ckpt_dir: the first logger's save_dir (else default_root_dir)/name/version
        self.checkpoint_dir = os.path.join(logger.save_dir or os.getcwd(), str(logger.name), logger.version, "checkpoints")

    def _log(self, metrics):
        # _LoggerConnector.log_metrics: tensors to scalars, epoch added, step = batches that stepped
        scalars = {k: v.item() if isinstance(v, torch.Tensor) else v for k, v in metrics.items()}
        scalars.setdefault("epoch", self.current_epoch)
        self.logger.log_metrics(metrics=scalars, step=self.batches_that_stepped)
        self.logger.save()
        logged.append({"step": self.batches_that_stepped, **scalars})

    def _evaluate(self, prefix):
        model.eval()
        with torch.no_grad():
            out = model(val_x)
            loss = nn.functional.cross_entropy(out, val_y)
            acc = (out.argmax(1) == val_y).float().mean()
        model.train()
        return {f"{prefix}_loss": loss, f"{prefix}_acc": acc}

    def _fit(self):
        _ = self.logger.experiment  # _call_setup_hook
        self.logger.log_hyperparams(hparams)
        self.logger.log_graph(model)
        self.logger.save()
        for self.current_epoch in range(hparams.max_epochs):
            losses = []
            for i in range(0, len(train_x), hparams.batch_size):
                loss = nn.functional.cross_entropy(model(train_x[i:i + hparams.batch_size]), train_y[i:i + hparams.batch_size])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                self.batches_that_stepped += 1
                losses.append(loss.detach())
                if mode == "raise" and self.batches_that_stepped == 6:
                    raise ValueError("bad batch at step 6")
                if mode == "interrupt" and self.batches_that_stepped == 6:
                    os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C
                if self.batches_that_stepped % self.log_every_n_steps == 0:
                    self._log({"train_loss": loss.detach(), "note": "text is not a metric"})
            val = self._evaluate("val")
            self._log(val)
            self._log({"train_loss_epoch": torch.stack(losses).mean()})
            path = os.path.join(self.checkpoint_dir, f"epoch={self.current_epoch}.ckpt")
            os.makedirs(self.checkpoint_dir, exist_ok=True)
            torch.save(model.state_dict(), path)
            previous = self.checkpoint.best_model_path
            if not previous or val["val_acc"] >= self.checkpoint.best_k_models[previous]:
                if previous:
                    os.remove(previous)  # save_top_k=1
                    del self.checkpoint.best_k_models[previous]
                self.checkpoint.best_k_models[path] = val["val_acc"]
                self.checkpoint.best_model_path = path
            else:
                os.remove(path)
            self.checkpoint.last_model_path = self.checkpoint.best_model_path
            self.logger.after_save_checkpoint(self.checkpoint)
        self.logger.finalize("success")  # _call_teardown_hook

    def _test(self):
        _ = self.logger.experiment
        self._log(self._evaluate("test"))
        self.logger.finalize("success")

    def call(self, fn):
        # lightning.pytorch.trainer.call._call_and_handle_interrupt
        try:
            return fn()
        except KeyboardInterrupt:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            self.logger.finalize("failed")
            sys.exit(1)
        except BaseException:
            self.logger.finalize("failed")
            raise


def write_side():
    with open(os.environ["SIDE"] + ".tmp", "w") as f:
        json.dump({"logged": logged, "checkpoint": trainer.checkpoint.best_model_path, "version": trainer.logger.version,
                   "name": trainer.logger.name, "save_dir": trainer.logger.save_dir}, f)
    os.replace(os.environ["SIDE"] + ".tmp", os.environ["SIDE"])


trainer = Trainer(HyperlabLogger(experiment="lightning-test", name="mlp", tags=["lightning"], config={"data": "fashion-mnist-768"},
                                 log_checkpoints=True))
try:
    trainer.call(trainer._fit)
    trainer.call(trainer._test)
finally:
    if os.environ.get("SIDE"):
        write_side()
