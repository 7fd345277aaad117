"""Reference decisions for test/unit/search/asha-optuna.test.ts: Optuna's SuccessiveHalvingPruner
(min_resource 1, reduction_factor 3) on 40 fixed learning curves, run one after another; for each
trial the step at which it was stopped (null: it ran to the end). Run with a Python that has Optuna:
    python test/reference/optuna_asha.py > test/fixtures/search/asha-optuna.json
"""
import json
import sys

import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
rng = np.random.RandomState(7)
curves = []
for _ in range(40):
    final, gap, tau = 0.1 + 0.5 * rng.rand() ** 2, 0.5 + 1.5 * rng.rand(), 1 + 9 * rng.rand()
    curves.append([round(final + gap * np.exp(-t / tau) + 0.02 * rng.randn(), 6) for t in range(1, 28)])

pruner = optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3, min_early_stopping_rate=0)
study = optuna.create_study(pruner=pruner, direction="minimize")
stopped = []
for curve in curves:
    trial = study.ask()
    at = None
    for step, value in enumerate(curve, start=1):
        trial.report(value, step)
        if trial.should_prune():
            at = step
            break
    if at is None:
        study.tell(trial, curve[-1])
    else:
        study.tell(trial, state=optuna.trial.TrialState.PRUNED)
    stopped.append(at)
json.dump({"optuna": optuna.__version__, "curves": curves, "stopped": stopped}, sys.stdout)
