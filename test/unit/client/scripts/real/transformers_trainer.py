"""The real transformers Trainer training a small MLP on FashionMNIST images with
HyperlabCallback, then evaluate() and predict() as scripts do after train(). A second callback
records every on_log/on_predict the Trainer made, for the test to compare with the store.
Environment: MODE (finish | raise), SIDE (that record), SAVE=epoch (save a checkpoint each
epoch and record its model files: log_checkpoints=True)."""
import json
import os
import sys

import torch
from torch import nn
from transformers import PretrainedConfig, Trainer, TrainerCallback, TrainingArguments

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from fashion_subset import load  # noqa: E402

from hyperlab.integrations.transformers import HyperlabCallback  # noqa: E402

mode = os.environ.get("MODE", "finish")


class Recorder(TrainerCallback):
    def __init__(self):
        self.calls = []

    def on_log(self, args, state, control, logs=None, **kwargs):
        self.calls.append({"step": state.global_step, "epoch": state.epoch, "logs": dict(logs)})

    def on_predict(self, args, state, control, metrics, **kwargs):
        self.calls.append({"step": state.global_step, "epoch": state.epoch, "predict": dict(metrics)})


class Classifier(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.config = PretrainedConfig(hidden_size=hidden, num_labels=10)
        self.net = nn.Sequential(nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, 10))
        self.calls = 0

    def forward(self, x, labels=None):
        logits = self.net(x)
        if mode == "raise" and self.training:
            self.calls += 1
            if self.calls == 8:
                raise RuntimeError("CUDA out of memory (simulated) at step 7")
        loss = nn.functional.cross_entropy(logits, labels) if labels is not None else None
        return {"loss": loss, "logits": logits}


class Images(torch.utils.data.Dataset):
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return {"x": self.x[i], "labels": self.y[i]}


def accuracy(prediction):
    return {"accuracy": float((prediction.predictions.argmax(-1) == prediction.label_ids).mean())}


torch.manual_seed(0)
images, labels = load(640)
train, val = Images(images[:512], labels[:512]), Images(images[512:], labels[512:])
args = TrainingArguments(output_dir="out", learning_rate=3e-3, num_train_epochs=2, per_device_train_batch_size=64,
                         per_device_eval_batch_size=128, logging_steps=3, eval_strategy="epoch", save_strategy=os.environ.get("SAVE", "no"),
                         run_name="mlp-adamw", report_to="none", use_cpu=True, disable_tqdm=True, seed=0)
recorder = Recorder()
trainer = Trainer(model=Classifier(48), args=args, train_dataset=train, eval_dataset=val, compute_metrics=accuracy,
                  callbacks=[HyperlabCallback(experiment="transformers-real", tags=["hf"], log_checkpoints="SAVE" in os.environ), recorder])
try:
    trainer.train()
    trainer.evaluate()
    trainer.predict(val)
finally:
    with open(os.environ["SIDE"], "w") as f:
        json.dump(recorder.calls, f)
