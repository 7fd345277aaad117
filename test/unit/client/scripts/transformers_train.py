"""A real PyTorch training driven the way Hugging Face's Trainer drives its callbacks, with
HyperlabCallback on the stand-in transformers of stand_ins.py. The order follows
transformers.Trainer: on_init_end; train(): on_train_begin, per epoch on_epoch_begin, per step
on_step_begin / on_pre_optimizer_step / on_optimizer_step / on_step_end, every logging_steps
Trainer.log (logs + "epoch", log_history, on_log), at epoch end on_epoch_end then evaluate()
(Trainer.log of eval_* then on_evaluate) and on_save; after the loop Trainer.log of the
train_runtime... figures, then on_train_end. The script then calls evaluate() and predict()
again, as scripts do after train().

Environment: MODE (finish | raise), SIDE (a JSON file with every logs dict passed to on_log)."""
import json
import math
import os
import time

import torch
from torch import nn

import stand_ins
from fashion_subset import load

stand_ins.install_transformers()
from transformers import TrainingArguments, TrainerControl, TrainerState  # noqa: E402  (the stand-in)
from transformers.trainer_callback import CallbackHandler  # noqa: E402

from hyperlab.integrations.transformers import HyperlabCallback  # noqa: E402

mode = os.environ.get("MODE", "finish")
torch.manual_seed(0)


class Config:
    """A PretrainedConfig's to_dict: what W&B and MLflow record beside the arguments."""
    def __init__(self, **values):
        self.values = values

    def to_dict(self):
        return dict(self.values)


class Classifier(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.config = Config(model_type="mlp", hidden_size=hidden, num_labels=10)
        self.net = nn.Sequential(nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, 10))

    def forward(self, x):
        return self.net(x)


class Trainer:
    def __init__(self, model, args, train, val, callbacks):
        self.model, self.args, self.train_data, self.val_data = model, args, train, val
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=args.learning_rate)
        self.steps_per_epoch = math.ceil(len(train[0]) / args.per_device_train_batch_size)
        total = self.steps_per_epoch * int(args.num_train_epochs)
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer, lambda s: max(0.0, 1 - s / total))
        self.callback_handler = CallbackHandler(callbacks, model, None, self.optimizer, self.scheduler)
        self.state = TrainerState(is_local_process_zero=True, is_world_process_zero=True)
        self.control = TrainerControl()
        self.control = self.callback_handler.call_event("on_init_end", args, self.state, self.control)
        self.logged = []

    def event(self, name, **kwargs):
        result = self.callback_handler.call_event(name, self.args, self.state, self.control, **kwargs)
        self.control = result if result is not None else self.control

    def log(self, logs):
        # Trainer.log
        if self.state.epoch is not None:
            logs["epoch"] = self.state.epoch
        self.state.log_history.append({**logs, "step": self.state.global_step})
        self.logged.append({"step": self.state.global_step, **logs})
        self.event("on_log", logs=logs)

    def evaluate(self, prefix="eval"):
        start = time.time()
        self.model.eval()
        with torch.no_grad():
            out = self.model(self.val_data[0])
            loss = nn.functional.cross_entropy(out, self.val_data[1]).item()
            accuracy = (out.argmax(1) == self.val_data[1]).float().mean().item()
        self.model.train()
        runtime = max(time.time() - start, 1e-6)
        metrics = {f"{prefix}_loss": loss, f"{prefix}_accuracy": accuracy, f"{prefix}_runtime": round(runtime, 4),
                   f"{prefix}_samples_per_second": round(len(self.val_data[0]) / runtime, 3)}
        return metrics

    def train(self):
        args, start = self.args, time.time()
        self.state.max_steps = self.steps_per_epoch * int(args.num_train_epochs)
        self.state.num_train_epochs = int(args.num_train_epochs)
        self.state.logging_steps = args.logging_steps
        self.event("on_train_begin")
        total_loss, logged_loss, steps_since_log = 0.0, 0.0, 0
        for epoch in range(int(args.num_train_epochs)):
            self.event("on_epoch_begin")
            for step in range(self.steps_per_epoch):
                self.event("on_step_begin")
                b = slice(step * args.per_device_train_batch_size, (step + 1) * args.per_device_train_batch_size)
                loss = nn.functional.cross_entropy(self.model(self.train_data[0][b]), self.train_data[1][b])
                if mode == "raise" and self.state.global_step == 7:
                    raise RuntimeError("CUDA out of memory (simulated) at step 7")
                loss.backward()
                grad_norm = torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0).item()
                self.event("on_pre_optimizer_step")
                self.optimizer.step()
                self.event("on_optimizer_step")
                self.scheduler.step()
                self.optimizer.zero_grad()
                total_loss += loss.item()
                logged_loss += loss.item()
                steps_since_log += 1
                self.state.global_step += 1
                self.state.epoch = epoch + (step + 1) / self.steps_per_epoch
                self.event("on_step_end")
                if self.state.global_step % args.logging_steps == 0:
                    self.log({"loss": round(logged_loss / steps_since_log, 4), "grad_norm": grad_norm,
                              "learning_rate": self.scheduler.get_last_lr()[0]})
                    logged_loss, steps_since_log = 0.0, 0
            self.event("on_epoch_end")
            metrics = self.evaluate()
            self.log(dict(metrics))
            self.event("on_evaluate", metrics=metrics)
            self.event("on_save")
        runtime = time.time() - start
        self.log({"train_runtime": round(runtime, 4), "train_samples_per_second": round(len(self.train_data[0]) * args.num_train_epochs / runtime, 3),
                  "train_steps_per_second": round(self.state.global_step / runtime, 3), "total_flos": 1234.0,
                  "train_loss": total_loss / self.state.global_step})
        self.event("on_train_end")


images, labels = load(640)
args = TrainingArguments(output_dir="out", learning_rate=3e-3, num_train_epochs=2, per_device_train_batch_size=64,
                         logging_steps=3, eval_strategy="epoch", run_name="mlp-adamw", report_to=["none"])
callback = HyperlabCallback(experiment="transformers-test", tags=["hf"])
trainer = Trainer(Classifier(48), args, (images[:512], labels[:512]), (images[512:], labels[512:]), [callback])
try:
    trainer.train()
    metrics = trainer.evaluate()
    trainer.log(dict(metrics))                    # trainer.evaluate() after train()
    trainer.log({"stage": "done"})                # text: skipped with a warning
    predicted = trainer.evaluate(prefix="test")    # trainer.predict(): on_predict only
    trainer.event("on_predict", metrics=predicted)
    trainer.logged.append({"step": trainer.state.global_step, "predict": predicted})
finally:
    if os.environ.get("SIDE"):
        with open(os.environ["SIDE"], "w") as f:
            json.dump(trainer.logged, f)
