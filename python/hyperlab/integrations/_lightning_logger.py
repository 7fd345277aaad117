"""The Lightning logger, built on whichever Lightning package the caller imports (lightning.pytorch
or pytorch_lightning: their Trainers check isinstance against their own Logger class)."""
from __future__ import annotations

import os
import time
from argparse import Namespace
from typing import Any, Dict, Iterable, Mapping, Optional

from .._run import Run
from ._common import SkippedWarner, as_number, end_with_current_exception, start_run


def make_logger_class(Logger: Any, rank_zero_experiment: Any, rank_zero_only: Any) -> type:
    class HyperlabLogger(Logger):  # type: ignore[misc, valid-type]
        """Records a Lightning Trainer's run in Hyperlab: the module's hyperparameters as the
        run's config, every metric Lightning logs (names as logged; Lightning's `epoch` becomes the
        points' epoch), and, with log_checkpoints=True, the files ModelCheckpoint kept (best and
        last, with the monitored score) as artifacts when fit ends.

        Lightning calls finalize("success") after fit, validate and test, so that only flushes:
        the run finishes when the script exits (or at `logger.experiment.finish()`, e.g. in a
        notebook). finalize("failed") (an exception, Ctrl-C or a stop from Hyperlab) ends it
        failed or killed at once, since Lightning exits after Ctrl-C without re-raising it.
        """

        def __init__(self, experiment: Optional[str] = None, name: Optional[str] = None,
                     config: Optional[Mapping[str, Any]] = None, tags: Optional[Iterable[str]] = None,
                     log_checkpoints: bool = False) -> None:
            super().__init__()
            self._experiment_name = experiment
            self._run_name = name
            self._config = dict(config or {})
            self._tags = list(tags) if tags else None
            self._log_checkpoints = log_checkpoints
            self._run: Optional[Run] = None
            self._checkpoint_callback: Any = None
            self._checkpoints_logged: Dict[str, float] = {}
            self._skipped = SkippedWarner("Lightning")
            # Lightning puts checkpoints under save_dir/name/version: stable from the start.
            self._version = name or time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}"

        @property
        def name(self) -> str:
            return self._experiment_name or "hyperlab"

        @property
        def version(self) -> str:
            return self._version

        @property
        def save_dir(self) -> Optional[str]:
            # Under Hyperlab the run's folder, where the host accepts artifacts; else Lightning's default_root_dir.
            return os.environ.get("HYPERLAB_RUN_DIR") or None

        @property
        @rank_zero_experiment
        def experiment(self) -> Run:
            """The hyperlab Run (started on first use; on other ranks Lightning's dummy)."""
            if self._run is None:
                self._run = start_run(self._experiment_name, self._run_name, self._config, self._tags)
            return self._run

        @rank_zero_only
        def log_hyperparams(self, params: Any, *args: Any, **kwargs: Any) -> None:
            if isinstance(params, Namespace):
                params = vars(params)
            if params:
                self.experiment.config.update(dict(params))

        @rank_zero_only
        def log_metrics(self, metrics: Mapping[str, Any], step: Optional[int] = None) -> None:
            values: Dict[str, float] = {}
            epoch = None
            for key, value in metrics.items():
                number = as_number(value)
                if key == "epoch":
                    epoch = number
                elif number is None:
                    self._skipped(key, value)
                else:
                    values[key] = number
            if values:
                self.experiment.log(values, step=step, epoch=epoch)

        @rank_zero_only
        def after_save_checkpoint(self, checkpoint_callback: Any) -> None:
            # Recorded at finalize, as MLflow's log_model=True does: save_top_k deletes files
            # it saved earlier, and the run should point at the ones that remain.
            self._checkpoint_callback = checkpoint_callback

        @rank_zero_only
        def save(self) -> None:
            pass  # the client writes in batches by itself; finalize flushes

        @rank_zero_only
        def finalize(self, status: str) -> None:
            if self._run is None:
                return
            if status in ("success", "finished"):
                if self._log_checkpoints and self._checkpoint_callback is not None and not self._run._ended:
                    self._log_new_checkpoints(self._checkpoint_callback)
                self._run.flush()
            else:
                end_with_current_exception(self._run, f"Lightning ended the run: {status}")

        def _log_new_checkpoints(self, callback: Any) -> None:
            best = getattr(callback, "best_model_path", "") or ""
            scores: Mapping[str, Any] = getattr(callback, "best_k_models", None) or {}
            paths = [p for p in [*scores, best, getattr(callback, "last_model_path", "") or ""] if p]
            for path in dict.fromkeys(paths):
                if not os.path.isfile(path):
                    continue  # removed since (save_top_k keeps only the best)
                mtime = os.path.getmtime(path)
                if self._checkpoints_logged.get(path) == mtime:
                    continue
                self._checkpoints_logged[path] = mtime
                meta: Dict[str, Any] = {"best": path == best}
                monitor = getattr(callback, "monitor", None)
                if monitor:
                    meta["monitor"] = monitor
                score = as_number(scores.get(path))
                if score is not None:
                    meta["score"] = score
                self.experiment.log_artifact(path, kind="checkpoint", meta=meta)

    return HyperlabLogger
