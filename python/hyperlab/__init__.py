"""Hyperlab's Python client: track any training script.

    import hyperlab
    run = hyperlab.init(experiment="mnist", config={"lr": 0.01})
    run.log({"train.loss": loss}, step=step)

Standard library only (run.watch needs PyTorch). API reference: python/README.md.
"""
from ._run import PARAMS_ENV, PROTOCOL_VERSION, Config, Run, init
from ._sink import find_inbox

__all__ = ["init", "Run", "Config", "find_inbox", "PROTOCOL_VERSION", "PARAMS_ENV"]
__version__ = "0.1.0"
