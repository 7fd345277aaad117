"""The Lightning logger for scripts that import the `pytorch_lightning` package name (its Trainer
accepts only pytorch_lightning's Logger subclasses); see hyperlab.integrations.lightning.

    from hyperlab.integrations.pytorch_lightning import HyperlabLogger
    trainer = pytorch_lightning.Trainer(logger=HyperlabLogger(experiment="mnist"))
"""
try:
    from pytorch_lightning.loggers.logger import Logger, rank_zero_experiment
    from pytorch_lightning.utilities import rank_zero_only
except ImportError:
    raise ImportError("hyperlab.integrations.pytorch_lightning needs pytorch_lightning: pip install pytorch-lightning") from None

from ._lightning_logger import make_logger_class

HyperlabLogger = make_logger_class(Logger, rank_zero_experiment, rank_zero_only)

__all__ = ["HyperlabLogger"]
