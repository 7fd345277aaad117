"""What the framework integrations share: one run per process (reusing a run the script already
started with hyperlab.init), metric values as numbers, and how an exception ends the run."""
from __future__ import annotations

import numbers
import sys
import warnings
from typing import Any, Iterable, Mapping, Optional, Set

from .. import _run


def start_run(experiment: Optional[str], name: Optional[str], config: Mapping[str, Any],
              tags: Optional[Iterable[str]]) -> _run.Run:
    """The process's active run if the script started one (its config gains `config`), else a new one."""
    active = _run._active
    if active is not None and not active._ended:
        if config:
            active.config.update(config)
        return active
    return _run.init(experiment=experiment, name=name, config=config, tags=tags)


def as_number(value: Any) -> Optional[float]:
    """A metric value as a float, or None for what is not one number (text, a bool, a tensor of many)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Real):
        return float(value)
    numel = getattr(value, "numel", None)  # a one-element torch tensor or numpy scalar
    item = getattr(value, "item", None)
    if callable(item) and (not callable(numel) or numel() == 1):
        try:
            return as_number(item())
        except (TypeError, ValueError, RuntimeError):
            return None
    return None


class SkippedWarner:
    """Warns once per key that a value was not recorded because it is not a number."""

    def __init__(self, source: str) -> None:
        self._source = source
        self._seen: Set[str] = set()

    def __call__(self, key: str, value: Any) -> None:
        if key in self._seen:
            return
        self._seen.add(key)
        warnings.warn(f"hyperlab: {self._source} logged {key}={value!r} ({type(value).__name__}), which is not a number: "
                      f"not recorded as a metric (put text in run.summary or run.log_text)", RuntimeWarning, stacklevel=3)


def end_with_current_exception(run: _run.Run, fallback_reason: str) -> None:
    """Ends the run as the exception being handled says: killed for Ctrl-C (or a stop from the
    host), failed with the traceback's last lines otherwise."""
    kind, error, tb = sys.exc_info()
    if kind is None:
        run.finish("failed", fallback_reason)
    else:
        run._end_with(kind, error, tb)
