"""Hugging Face transformers: a TrainerCallback that records the Trainer's run in Hyperlab.

    from hyperlab.integrations.transformers import HyperlabCallback
    trainer = Trainer(model=model, args=args, train_dataset=train, eval_dataset=val, callbacks=[HyperlabCallback()])
    trainer.train()

Names as W&B's and Comet's callbacks rewrite them, with Hyperlab's dots: `loss`, `grad_norm`,
`learning_rate` become `train.loss`, ...; `eval_*` becomes `val.*` (so `eval_loss` is the
experiment's validation loss); `test_*` becomes `test.*`. The Trainer's closing figures
(train_runtime, train_samples_per_second, train_steps_per_second, train_loss, total_flos) go to
the run's summary, as W&B does; values that are not numbers are skipped with a warning, as
MLflow's callback does.

With log_checkpoints=True, each checkpoint the Trainer saves (`output_dir/checkpoint-STEP`,
save_strategy) has its model files recorded as artifacts of kind "checkpoint": the weights
(model*.safetensors, pytorch_model*.bin, adapter_model.*, with their shard index) and config.json,
with the step, epoch and the Trainer's best metric so far. The optimizer, scheduler and RNG
states stay out: they resume a Trainer, they are not the model (W&B's WANDB_LOG_MODEL=checkpoint
uploads the whole folder; MLflow's callback logs the output folder once at the end).
"""
from __future__ import annotations

import os
import re
import warnings
from typing import Any, Dict, Iterable, Mapping, Optional

try:
    from transformers import TrainerCallback
except ImportError:
    raise ImportError("hyperlab.integrations.transformers needs Hugging Face transformers: pip install transformers") from None

from .._run import Run
from ._common import SkippedWarner, as_number, start_run

# What Trainer.train logs once, at the end: a run's summary rather than a curve.
SUMMARY_KEYS = ("train_runtime", "train_samples_per_second", "train_steps_per_second", "train_loss", "total_flos")


# The files of a checkpoint folder that are the model (transformers' SAFE_WEIGHTS_NAME, WEIGHTS_NAME,
# their sharded forms and index, PEFT's adapter files, and the model's config).
MODEL_FILE = re.compile(r"^((model|pytorch_model|adapter_model)(-\d+-of-\d+)?\.(safetensors|bin)(\.index\.json)?|(adapter_)?config\.json)$")


def metric_key(name: str) -> str:
    if name.startswith("eval_"):
        return "val." + name[len("eval_"):]
    if name.startswith("test_"):
        return "test." + name[len("test_"):]
    return "train." + name


class HyperlabCallback(TrainerCallback):  # type: ignore[misc]
    """Starts the run when training begins (or reuses the one the script started with
    hyperlab.init), with TrainingArguments and the model's config as its config; records every
    log of the Trainer at state.global_step with state.epoch. The run finishes when the script
    exits, so an evaluate() after train() is still recorded; finish_on_train_end=True (or
    `callback.run.finish()`, e.g. in a notebook) ends it earlier. On other processes than the
    world's first it does nothing."""

    def __init__(self, experiment: Optional[str] = None, name: Optional[str] = None,
                 config: Optional[Mapping[str, Any]] = None, tags: Optional[Iterable[str]] = None,
                 finish_on_train_end: bool = False, log_checkpoints: bool = False) -> None:
        self._experiment_name = experiment
        self._log_checkpoints = log_checkpoints
        self._run_name = name
        self._config = dict(config or {})
        self._tags = list(tags) if tags else None
        self._finish_on_train_end = finish_on_train_end
        self._run: Optional[Run] = None
        self._skipped = SkippedWarner("the Trainer")
        self._warned_ended = False

    @property
    def run(self) -> Optional[Run]:
        """The hyperlab Run, once training has begun (None on other processes)."""
        return self._run

    def setup(self, args: Any, state: Any, model: Any = None) -> None:
        if self._run is not None or not state.is_world_process_zero:
            return
        config: Dict[str, Any] = {}
        model_config = getattr(model, "config", None)
        if model_config is not None and callable(getattr(model_config, "to_dict", None)):
            config.update(model_config.to_dict())
        sanitized = getattr(args, "to_sanitized_dict", None)
        config.update(sanitized() if callable(sanitized) else args.to_dict())
        config.update(self._config)
        run_name = getattr(args, "run_name", None)
        name = self._run_name or (run_name if run_name and run_name != getattr(args, "output_dir", None) else None)
        self._run = start_run(self._experiment_name, name, config, self._tags)

    def on_train_begin(self, args: Any, state: Any, control: Any, model: Any = None, **kwargs: Any) -> None:
        self.setup(args, state, model)

    def on_log(self, args: Any, state: Any, control: Any, logs: Optional[Mapping[str, Any]] = None,
               model: Any = None, **kwargs: Any) -> None:
        self.setup(args, state, model)
        if self._run is None or not logs:
            return
        epoch = as_number(logs.get("epoch", state.epoch))
        self._record(logs, state.global_step, epoch)

    def on_predict(self, args: Any, state: Any, control: Any, metrics: Optional[Mapping[str, Any]] = None,
                   **kwargs: Any) -> None:
        # Trainer.predict reports its metrics (test_*) only here, not through on_log.
        self.setup(args, state, kwargs.get("model"))
        if self._run is not None and metrics:
            self._record(metrics, state.global_step, as_number(state.epoch))

    def on_save(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if not self._log_checkpoints or self._run is None or self._run._ended:
            return
        # transformers' PREFIX_CHECKPOINT_DIR; on_save comes after the folder is written.
        folder = os.path.join(args.output_dir, f"checkpoint-{state.global_step}")
        if not os.path.isdir(folder):
            warnings.warn(f"hyperlab: the Trainer saved a checkpoint but {folder} is not there: not recorded", RuntimeWarning, stacklevel=2)
            return
        meta: Dict[str, Any] = {"step": state.global_step, "folder": os.path.abspath(folder)}
        epoch = as_number(state.epoch)
        if epoch is not None:
            meta["epoch"] = epoch
        if getattr(state, "best_metric", None) is not None:
            meta["best_metric"] = state.best_metric
            meta["best_model_checkpoint"] = state.best_model_checkpoint
        for name in sorted(os.listdir(folder)):
            if MODEL_FILE.match(name):
                self._run.log_artifact(os.path.join(folder, name), kind="checkpoint", meta=meta)

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self._run is None or self._run._ended:
            return
        if self._finish_on_train_end:
            self._run.finish()
        else:
            self._run.flush()

    def _record(self, logs: Mapping[str, Any], step: int, epoch: Optional[float]) -> None:
        run = self._run
        assert run is not None
        if run._ended:  # finished by the script or by finish_on_train_end: a later evaluate() must not fail
            if not self._warned_ended:
                self._warned_ended = True
                warnings.warn("hyperlab: the Trainer logged " + ", ".join(logs) + " after the run had finished: not recorded "
                              "(leave finish_on_train_end off to record an evaluate() after train())", RuntimeWarning, stacklevel=2)
            return
        values: Dict[str, float] = {}
        for key, value in logs.items():
            if key == "epoch":
                continue
            number = as_number(value)
            if number is None:
                self._skipped(key, value)
            elif key in SUMMARY_KEYS:
                run.summary[key] = number
            else:
                values[metric_key(key)] = number
        if values:
            run.log(values, step=step, epoch=epoch)
