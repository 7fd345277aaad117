"""Reference values for test/unit/search/parzen.test.ts: Optuna's own Parzen estimator (the one
TPESampler builds) on a fixed set of observations, its log density at fixed points. Run with a
Python that has Optuna (the search benchmark's virtual environment has the newest):
    python test/reference/optuna_parzen.py > test/fixtures/search/parzen-optuna.json
"""
import json

import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import default_weights

SPACE = {
    "x": FloatDistribution(-5, 10),
    "lr": FloatDistribution(1e-4, 1e-1, log=True),
    "units": IntDistribution(16, 256, step=16),
    "act": CategoricalDistribution(["relu", "tanh", "gelu"]),
}
# Observations in Optuna's internal representation (categorical = index).
OBSERVATIONS = {
    "x": [2.0, -3.5, 7.25, 9.9, 0.0, 4.4],
    "lr": [1e-3, 3e-2, 2e-4, 5e-2, 1e-2, 7e-4],
    "units": [64, 128, 16, 256, 96, 208],
    "act": [0, 2, 1, 0, 0, 2],
}
POINTS = {
    "x": [2.1, -5.0, 10.0, 5.5, -1.2],
    "lr": [1.1e-3, 1e-4, 0.1, 3e-3, 4.5e-2],
    "units": [64, 16, 256, 160, 112],
    "act": [0, 1, 2, 0, 1],
}


def estimator(names, observations, count):
    params = _ParzenEstimatorParameters(prior_weight=1.0, consider_magic_clip=True, consider_endpoints=False,
                                        weights=default_weights, multivariate=True)
    obs = {k: np.asarray(observations[k][:count], dtype=float) for k in names}
    return _ParzenEstimator(obs, {k: SPACE[k] for k in names}, params)


cases = []
for names in (["x", "lr", "units", "act"], ["x"], ["lr"], ["units"], ["act"]):
    for count in (0, 1, 6):
        pe = estimator(names, OBSERVATIONS, count)
        points = {k: np.asarray(POINTS[k], dtype=float) for k in names}
        cases.append({"params": names, "observations": count, "logPdf": pe.log_pdf(points).tolist()})
json.dump({"optuna": optuna.__version__, "observations": OBSERVATIONS, "points": POINTS, "cases": cases}, __import__("sys").stdout, indent=1)
