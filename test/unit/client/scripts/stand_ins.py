"""Stand-ins for PyTorch Lightning's and Hugging Face transformers' seams, for the integration
tests that need control the real Trainers do not give cheaply (a process of rank 1, chosen
values, text among the metrics) and that run with Debian's python3 alone; the real libraries are
tested in integrations-real.test.ts. Each class and function here has the real one's name,
module and signature (Lightning 2.x lightning.fabric/pytorch loggers.logger and rank_zero;
transformers' trainer_callback and training_args), and nothing more than what a logger or
callback meets. install_*() puts them into sys.modules under the real import paths."""
import dataclasses
import os
import sys
import types
from abc import ABC, abstractmethod
from functools import wraps


def _module(name, **attrs):
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module


# ---- Lightning (lightning_utilities.core.rank_zero, lightning.fabric.loggers.logger, lightning.pytorch.loggers.logger) ----

def rank_zero_only(fn, default=None):
    @wraps(fn)
    def wrapped_fn(*args, **kwargs):
        rank = getattr(rank_zero_only, "rank", None)
        if rank is None:
            raise RuntimeError("The `rank_zero_only.rank` needs to be set before use")
        if rank == 0:
            return fn(*args, **kwargs)
        return default

    return wrapped_fn


rank_zero_only.rank = int(os.environ.get("RANK", 0))


class _DummyExperiment:
    def nop(self, *args, **kw):
        pass

    def __getattr__(self, _):
        return self.nop


def rank_zero_experiment(fn):
    @wraps(fn)
    def experiment(self):
        if rank_zero_only.rank > 0:
            return _DummyExperiment()
        return fn(self)

    return experiment


class Logger(ABC):
    """lightning.pytorch.loggers.logger.Logger (with lightning.fabric's base folded in)."""

    @property
    @abstractmethod
    def name(self):
        """Return the experiment name."""

    @property
    @abstractmethod
    def version(self):
        """Return the experiment version."""

    @property
    def root_dir(self):
        return None

    @property
    def log_dir(self):
        return None

    @property
    def group_separator(self):
        return "/"

    @abstractmethod
    def log_metrics(self, metrics, step=None):
        pass

    @abstractmethod
    def log_hyperparams(self, params, *args, **kwargs):
        pass

    def log_graph(self, model, input_array=None):
        pass

    def save(self):
        pass

    def finalize(self, status):
        self.save()

    def after_save_checkpoint(self, checkpoint_callback):
        pass

    @property
    def save_dir(self):
        return None


def install_lightning(package="lightning"):
    """package: "lightning" (lightning.pytorch) or "pytorch_lightning"."""
    root = package if package == "pytorch_lightning" else "lightning.pytorch"
    if package == "lightning":
        _module("lightning")
    _module(root)
    _module(root + ".loggers", Logger=Logger)
    _module(root + ".loggers.logger", Logger=Logger, rank_zero_experiment=rank_zero_experiment, DummyExperiment=_DummyExperiment)
    _module(root + ".utilities", rank_zero_only=rank_zero_only)
    return sys.modules[root]


# ---- transformers (trainer_callback.py, training_args.py) ----

@dataclasses.dataclass
class TrainerState:
    epoch: float = None
    global_step: int = 0
    max_steps: int = 0
    logging_steps: int = 500
    eval_steps: int = 500
    save_steps: int = 500
    train_batch_size: int = None
    num_train_epochs: int = 0
    num_input_tokens_seen: int = 0
    total_flos: float = 0
    log_history: list = None
    best_metric: float = None
    best_model_checkpoint: str = None
    is_local_process_zero: bool = True
    is_world_process_zero: bool = True
    is_hyper_param_search: bool = False
    trial_name: str = None
    trial_params: dict = None

    def __post_init__(self):
        if self.log_history is None:
            self.log_history = []


@dataclasses.dataclass
class TrainerControl:
    should_training_stop: bool = False
    should_epoch_stop: bool = False
    should_save: bool = False
    should_evaluate: bool = False
    should_log: bool = False


class TrainerCallback:
    def on_init_end(self, args, state, control, **kwargs):
        pass

    def on_train_begin(self, args, state, control, **kwargs):
        pass

    def on_train_end(self, args, state, control, **kwargs):
        pass

    def on_epoch_begin(self, args, state, control, **kwargs):
        pass

    def on_epoch_end(self, args, state, control, **kwargs):
        pass

    def on_step_begin(self, args, state, control, **kwargs):
        pass

    def on_pre_optimizer_step(self, args, state, control, **kwargs):
        pass

    def on_optimizer_step(self, args, state, control, **kwargs):
        pass

    def on_substep_end(self, args, state, control, **kwargs):
        pass

    def on_step_end(self, args, state, control, **kwargs):
        pass

    def on_evaluate(self, args, state, control, **kwargs):
        pass

    def on_predict(self, args, state, control, metrics, **kwargs):
        pass

    def on_save(self, args, state, control, **kwargs):
        pass

    def on_log(self, args, state, control, **kwargs):
        pass

    def on_prediction_step(self, args, state, control, **kwargs):
        pass


class CallbackHandler(TrainerCallback):
    def __init__(self, callbacks, model, processing_class, optimizer, lr_scheduler):
        self.callbacks = list(callbacks)
        self.model = model
        self.processing_class = processing_class
        self.optimizer = optimizer
        self.lr_scheduler = lr_scheduler
        self.train_dataloader = None
        self.eval_dataloader = None

    def call_event(self, event, args, state, control, **kwargs):
        for callback in self.callbacks:
            result = getattr(callback, event)(
                args, state, control,
                model=self.model, processing_class=self.processing_class, optimizer=self.optimizer,
                lr_scheduler=self.lr_scheduler, train_dataloader=self.train_dataloader,
                eval_dataloader=self.eval_dataloader, **kwargs,
            )
            if result is not None:
                control = result
        return control


@dataclasses.dataclass
class TrainingArguments:
    """The fields a small run sets, with the real to_dict/to_sanitized_dict."""
    output_dir: str = "trainer_output"
    learning_rate: float = 5e-5
    num_train_epochs: float = 3.0
    per_device_train_batch_size: int = 8
    per_device_eval_batch_size: int = 8
    logging_steps: float = 500
    eval_strategy: str = "no"
    save_strategy: str = "steps"
    seed: int = 42
    run_name: str = None
    report_to: list = None
    lr_scheduler_type: str = "linear"

    @property
    def train_batch_size(self):
        return self.per_device_train_batch_size

    @property
    def eval_batch_size(self):
        return self.per_device_eval_batch_size

    def to_dict(self):
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self) if field.init}

    def to_sanitized_dict(self):
        d = self.to_dict()
        d = {**d, **{"train_batch_size": self.train_batch_size, "eval_batch_size": self.eval_batch_size}}
        valid_types = [bool, int, float, str]
        return {k: v if type(v) in valid_types else str(v) for k, v in d.items()}


def install_transformers():
    module = _module("transformers", TrainerCallback=TrainerCallback, TrainerState=TrainerState,
                     TrainerControl=TrainerControl, TrainingArguments=TrainingArguments)
    _module("transformers.trainer_callback", TrainerCallback=TrainerCallback, TrainerState=TrainerState,
            TrainerControl=TrainerControl, CallbackHandler=CallbackHandler)
    return module
