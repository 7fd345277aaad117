"""A run: what a training script reports to Hyperlab (config, metrics, layer statistics,
artifacts, summary) and how it ended (finished, failed with the traceback's last lines, killed
by Ctrl-C or a stop from the host)."""
from __future__ import annotations

import _thread
import atexit
import json
import math
import operator
import os
import signal
import sys
import threading
import time
import traceback
from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

from ._sink import InboxSink, Sink, open_sink

PROTOCOL_VERSION = 1
PARAMS_ENV = "HYPERLAB_PARAMS"
Number = Union[int, float]

_active: Optional["Run"] = None


def _measure(value: Any) -> Any:
    """A metric value as the protocol carries it: JSON has no NaN or infinities, so those travel
    as the strings the host reads back as the same numbers."""
    v = float(value)
    if v != v:
        return "NaN"
    if v in (math.inf, -math.inf):
        return "Infinity" if v > 0 else "-Infinity"
    return v


_NON_FINITE = {"nan": '"NaN"', "inf": '"Infinity"', "-inf": '"-Infinity"'}


def _non_finite_name(v: float) -> str:
    return "nan" if v != v else ("inf" if v > 0 else "-inf")


def _jsonable(value: Any) -> Any:
    """Params and summaries: plain JSON, with non-finite floats as strings and unknown objects as text."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else _measure(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    item = getattr(value, "item", None)  # numpy and torch scalars
    if callable(item):
        try:
            return _jsonable(item())
        except (TypeError, ValueError, RuntimeError):
            pass
    return str(value)


def _sweep_params() -> Dict[str, Any]:
    raw = os.environ.get(PARAMS_ENV)
    if not raw:
        return {}
    try:
        params = json.loads(raw)
    except ValueError as error:
        raise ValueError(f"{PARAMS_ENV} is not valid JSON ({error}): pass an object such as {{\"lr\": 0.1}}") from None
    if not isinstance(params, dict):
        raise ValueError(f"{PARAMS_ENV} must be a JSON object of parameter values, got {type(params).__name__}")
    return params


def _merge(config: Dict[str, Any], overrides: Mapping[str, Any]) -> Dict[str, Any]:
    """The config the script runs with: its own, with the passed values written over it.

    Without a config of its own (init() or init(config={})), the script takes every passed value.
    With one, a passed value takes the place of a key the config declares (at any depth; a dotted
    key such as "optimizer.lr" or a nested object reaches the nested value); a value for a key the
    config does not declare is left out of run.config, so the run never records a parameter the
    script had no place for, and a line on stderr (the run's log) names it and the fix."""
    merged = json.loads(json.dumps(_jsonable(config)))
    if not merged:
        return json.loads(json.dumps(_jsonable(dict(overrides))))
    unused: List[str] = []
    for key, value in overrides.items():
        _place(merged, key.split("."), value, key, unused)
    if unused:
        sys.stderr.write(f"hyperlab: {PARAMS_ENV} sets {', '.join(unused)}, which the config passed to hyperlab.init() "
                         "does not declare: not in run.config and not recorded. Declare it in init(config=...) to use it.\n")
    return merged


def _place(target: Dict[str, Any], parts: List[str], value: Any, label: str, unused: List[str]) -> None:
    """Writes value at the dotted path parts where target declares it; notes the paths it does not."""
    for i, part in enumerate(parts[:-1]):
        nested = target.get(part)
        if not isinstance(nested, dict):
            # "optimizer.lr" where the config has the flat key "optimizer.lr" itself
            rest = ".".join(parts[i:])
            if rest in target:
                target[rest] = value
            else:
                unused.append(label)
            return
        target = nested
    last = parts[-1]
    if last not in target:
        unused.append(label)
    elif isinstance(value, dict) and isinstance(target[last], dict):
        for key, inner in value.items():
            _place(target[last], str(key).split("."), inner, f"{label}.{key}", unused)
    else:
        target[last] = value


class Config(dict):
    """The run's configuration; changes after init are reported with the next flush."""

    def __init__(self, values: Mapping[str, Any], run: "Run") -> None:
        super().__init__(values)
        self._run = run

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self._run._config_changed()

    def update(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        super().update(*args, **kwargs)
        self._run._config_changed()


class Run:
    """Create with hyperlab.init(). Also a context manager: leaving the block finishes the run,
    or ends it failed (an exception) or killed (Ctrl-C)."""

    def __init__(self, experiment: Optional[str], name: Optional[str], config: Optional[Mapping[str, Any]],
                 tags: Optional[Iterable[str]], sink: Optional[Sink] = None) -> None:
        self.experiment = experiment
        self.name = name
        self.tags: List[str] = [str(t) for t in (tags or [])]
        self.summary: Dict[str, Any] = {}
        self._step = 0
        self._ended = False
        self._finishing = False
        self._stop_reason: Optional[str] = None
        self._lock = threading.Lock()
        self._watchers: List[Any] = []
        self._key_json: Dict[Any, str] = {}
        self._sink = sink if sink is not None else open_sink(self._on_host_stop)
        self.config = Config(_merge(dict(config or {}), _sweep_params()), self)
        if not experiment and isinstance(self._sink, InboxSink):
            # Outside Hyperlab nobody else names the run's experiment: the script's file name does
            # (`hyperlab run -- python3 train.py` does the same; under a host the host decides).
            experiment = _script_name()
            self.experiment = experiment
        identity: Dict[str, Any] = {}
        if experiment:
            identity["experiment"] = str(experiment)
        if name:
            identity["name"] = str(name)
        if self.tags:
            identity["tags"] = self.tags
        hello: Dict[str, Any] = {"type": "hello", "protocol": PROTOCOL_VERSION, "producer": "hyperlab-python", "pid": os.getpid(),
                                  "time": time.time()}
        if identity:
            hello["run"] = identity
        self._send(hello)
        self._send_params()

    # ---- reporting ----

    @property
    def destination(self) -> str:
        """Where the protocol goes: the host's channel, or the inbox file."""
        return self._sink.description

    @property
    def step(self) -> int:
        """The step the next log() without an explicit step gets."""
        return self._step

    def log(self, values: Mapping[str, Number], step: Optional[int] = None, epoch: Optional[Number] = None) -> None:
        """Record metric values at a step (default: one past the last step logged). NaN and
        infinities are kept. Buffered: written in batches, and at finish."""
        if self._ended:
            raise RuntimeError("this run has finished; start another with hyperlab.init()")
        if step is None:
            step = self._step
        else:
            try:
                step = operator.index(step)  # int, numpy and torch integers
            except TypeError:
                raise ValueError(f"run.log: step must be a non-negative integer, got {step!r}") from None
            if step < 0:
                raise ValueError(f"run.log: step must be a non-negative integer, got {step}")
        if epoch is not None and not math.isfinite(float(epoch)):
            raise ValueError(f"run.log: epoch must be a finite number, got {epoch!r}")
        if step >= self._step:
            self._step = step + 1
        # Formatted by hand, not json.dumps: about a third cheaper per call (python/README.md).
        keys = self._key_json
        parts = []
        for key, value in values.items():
            encoded = keys.get(key)
            if encoded is None:
                encoded = keys[key] = json.dumps(str(key)) + ":"
            v = value if type(value) is float else float(value)
            parts.append(encoded + (repr(v) if v - v == 0.0 else _NON_FINITE[_non_finite_name(v)]))
        epoch_part = "" if epoch is None else ',"epoch":%r' % float(epoch)
        self._sink.send('{"type":"metrics","step":%d,"time":%r,"values":{%s}%s}\n' % (step, time.time(), ",".join(parts), epoch_part))

    def log_artifact(self, path: str, kind: str = "file", meta: Optional[Mapping[str, Any]] = None) -> None:
        """Record a file the run produced (a checkpoint, an export); the host records its size and hash.

        Under Hyperlab the host accepts only files inside the run's folder (HYPERLAB_RUN_DIR): a
        file elsewhere is copied into its artifacts/ subfolder first, as MLflow copies into its
        artifact store, and the copy is what the run keeps.
        """
        absolute = os.path.abspath(path)
        if not os.path.isfile(absolute):
            raise FileNotFoundError(f"run.log_artifact: no file at {absolute}; write the file before logging it")
        run_dir = os.environ.get("HYPERLAB_RUN_DIR")
        if run_dir:
            real_dir = os.path.realpath(run_dir)
            if os.path.commonpath([os.path.realpath(absolute), real_dir]) != real_dir:
                absolute = _copy_into(absolute, os.path.join(real_dir, "artifacts"))
        message: Dict[str, Any] = {"type": "artifact", "kind": str(kind), "path": absolute}
        if isinstance(self._sink, InboxSink):
            # The inbox is read later (sync, a window's watcher): by then the file may be gone
            # (a Trainer's save_total_limit) or rewritten; its size and hash are taken now.
            message["size"], message["sha256"] = _size_and_sha256(absolute)
        if meta:
            message["meta"] = _jsonable(meta)
        self._send(message)

    def log_text(self, message: str, level: str = "info") -> None:
        """A line in the run's log (levels: debug, info, warn, error)."""
        self._send({"type": "log", "level": level, "message": str(message)})

    def watch(self, model: Any, every: int = 100) -> Any:
        """Report per-layer statistics of a torch.nn.Module every `every` training steps (see watch.py)."""
        from ._watch import Watcher

        watcher = Watcher(self, model, every)
        self._watchers.append(watcher)
        return watcher

    def flush(self) -> None:
        self._sink.flush()

    # ---- ending ----

    def finish(self, status: str = "finished", reason: Optional[str] = None) -> None:
        """End the run (idempotent). `status`: finished, failed or killed."""
        if status not in ("finished", "failed", "killed", "diverged"):
            raise ValueError(f"run.finish: status must be finished, failed, killed or diverged, got {status!r}")
        with self._lock:
            if self._ended or self._finishing:
                return
            self._finishing = True
        # The watchers' last statistics (the final step's) still go out before the end.
        for watcher in self._watchers:
            try:
                watcher.close()
            except Exception as error:  # a failing hook must not lose the run's end
                self.log_text(f"run.watch: could not send the last layer statistics: {error}", "warn")
        self._ended = True
        done: Dict[str, Any] = {"type": "done", "summary": _jsonable(self.summary), "time": time.time()}
        if status != "finished":
            done["status"] = status
        if reason:
            done["reason"] = reason[:2000]
        self._write(done)
        self._sink.close()
        _forget(self)

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, kind: Any, error: Any, tb: Any) -> bool:
        if kind is None:
            self.finish()
        else:
            self._end_with(kind, error, tb)
        return False

    def _end_with(self, kind: Any, error: Any, tb: Any) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self.finish("killed", self._stop_reason or "interrupted (Ctrl-C)")
        elif issubclass(kind, SystemExit) and error is not None and error.code in (0, None):
            self.finish()
        else:
            self.finish("failed", traceback_tail(kind, error, tb))

    def _on_host_stop(self, reason: str) -> None:
        # The host asked the run to stop (Stop Run, Ctrl-C at `hyperlab run`, divergence):
        # interrupt the training loop where it is, as Ctrl-C would.
        if self._ended or self._stop_reason is not None:
            return
        self._stop_reason = reason
        _thread.interrupt_main()

    def _config_changed(self) -> None:
        if not self._ended:
            self._send_params()

    def _send_params(self) -> None:
        self._send({"type": "params", "params": _jsonable(dict(self.config))})

    def _send(self, message: Dict[str, Any]) -> None:
        if self._ended:
            raise RuntimeError("this run has finished; start another with hyperlab.init()")
        self._write(message)

    def _write(self, message: Dict[str, Any]) -> None:
        self._sink.send(json.dumps(message, allow_nan=False, separators=(",", ":")) + "\n")


def _script_name() -> Optional[str]:
    script = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    if not script.endswith(".py"):
        return None  # an interactive session or a notebook kernel: the host's default applies
    return script[:-3] or None


def traceback_tail(kind: Any, error: Any, tb: Any, lines: int = 6) -> str:
    text = "".join(traceback.format_exception(kind, error, tb)).rstrip().splitlines()
    return "\n".join(text[-lines:])


# ---- process-wide hooks: an uncaught exception, Ctrl-C, SIGTERM, a plain exit ----

_previous_excepthook = sys.excepthook
_hooks_installed = False


def _excepthook(kind: Any, error: Any, tb: Any) -> None:
    run = _active
    if run is not None and not run._ended:
        try:
            run._end_with(kind, error, tb)
        except Exception:  # the report must not hide the script's own error
            pass
    _previous_excepthook(kind, error, tb)


def _at_exit() -> None:
    run = _active
    if run is not None and not run._ended:
        run.finish()


def _on_sigterm(signum: int, frame: Any) -> None:
    run = _active
    if run is not None and run._stop_reason is None:
        run._stop_reason = "terminated by SIGTERM"
    raise KeyboardInterrupt


def _install_hooks() -> None:
    global _hooks_installed
    if _hooks_installed:
        return
    _hooks_installed = True
    sys.excepthook = _excepthook
    atexit.register(_at_exit)
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _on_sigterm)


def _forget(run: Run) -> None:
    global _active
    if _active is run:
        _active = None


def init(experiment: Optional[str] = None, name: Optional[str] = None, config: Optional[Mapping[str, Any]] = None,
         tags: Optional[Iterable[str]] = None) -> Run:
    """Start a run. Under Hyperlab (`hyperlab run -- ...`, VS Code) it reports to the host;
    elsewhere to the workspace's inbox (.hyperlab/inbox), which `hyperlab sync` ingests."""
    global _active
    if _active is not None and not _active._ended:
        _active.finish()
    run = Run(experiment, name, config, tags)
    _active = run
    _install_hooks()
    return run


def _size_and_sha256(path: str) -> "tuple[int, str]":
    import hashlib

    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _copy_into(source: str, folder: str) -> str:
    """Copies a file into folder under its own name (name-1.ext, name-2.ext, ... when taken)."""
    import shutil

    os.makedirs(folder, exist_ok=True)
    stem, ext = os.path.splitext(os.path.basename(source))
    target = os.path.join(folder, stem + ext)
    n = 1
    while os.path.exists(target):
        target = os.path.join(folder, f"{stem}-{n}{ext}")
        n += 1
    shutil.copyfile(source, target)
    return target
