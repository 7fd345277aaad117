"""PyTorch Lightning: a logger that records the Trainer's run in Hyperlab.

    from hyperlab.integrations.lightning import HyperlabLogger
    trainer = lightning.pytorch.Trainer(logger=HyperlabLogger(experiment="mnist"))
    trainer.fit(model, datamodule)

Built on `lightning.pytorch` (Lightning 2), else on `pytorch_lightning` when only that is
installed; hyperlab.integrations.pytorch_lightning is always the latter.
"""
try:
    from lightning.pytorch.loggers.logger import Logger, rank_zero_experiment
    from lightning.pytorch.utilities import rank_zero_only
except ImportError:
    try:
        from pytorch_lightning.loggers.logger import Logger, rank_zero_experiment
        from pytorch_lightning.utilities import rank_zero_only
    except ImportError:
        raise ImportError("hyperlab.integrations.lightning needs PyTorch Lightning: pip install lightning") from None

from ._lightning_logger import make_logger_class

HyperlabLogger = make_logger_class(Logger, rank_zero_experiment, rank_zero_only)

__all__ = ["HyperlabLogger"]
