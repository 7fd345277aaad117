"""The Optuna side of `npm run bench:search`: the same functions, budgets and seeds as
search.bench.ts, run through Optuna's ask/tell interface. Reads one JSON job on stdin, writes one
JSON result on stdout. Timing covers study.ask() and the suggest calls (the suggestion), not the
objective."""
import json
import math
import sys
import time
import warnings

import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.filterwarnings("ignore")

H_ALPHA = [1.0, 1.2, 3.0, 3.2]
H_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
H_P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991], [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]


def branin(x):
    b = 5.1 / (4 * math.pi ** 2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    return (x[1] - b * x[0] ** 2 + c * x[0] - 6) ** 2 + 10 * (1 - t) * math.cos(x[0]) + 10


def hartmann6(x):
    total = 0.0
    for i in range(4):
        inner = sum(H_A[i][j] * (x[j] - H_P[i][j] * 1e-4) ** 2 for j in range(6))
        total += H_ALPHA[i] * math.exp(-inner)
    return -total


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def function(name):
    """(bounds, observe(x, rng), truth(x)) by the TypeScript side's name."""
    if name.startswith("Branin"):
        return [(-5, 10), (0, 15)], lambda x, rng: branin(x), branin
    if name == "Hartmann-6":
        return [(0, 1)] * 6, lambda x, rng: hartmann6(x), hartmann6
    if name.startswith("Rosenbrock"):
        return [(-5, 10)] * 10, lambda x, rng: rosenbrock(x), rosenbrock
    if name.startswith("Hartmann-6 + noise"):
        std = float(name.split("=")[1])
        return [(0, 1)] * 6, lambda x, rng: hartmann6(x) + std * rng.normal(), hartmann6
    raise ValueError(name)


def sampler(method, seed):
    if method == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    return optuna.samplers.TPESampler(seed=seed)


def run_samplers(job):
    out = []
    for name in job["functions"]:
        bounds, observe, truth = function(name)
        for method in job["methods"]:
            for seed in job["seeds"]:
                study = optuna.create_study(sampler=sampler(method, seed), direction="minimize")
                rng = np.random.RandomState(seed)
                best_obs, best_truth = math.inf, math.inf
                best_at, times = {}, []
                for n in range(1, job["trials"] + 1):
                    t0 = time.perf_counter()
                    trial = study.ask()
                    x = [trial.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(bounds)]
                    times.append(time.perf_counter() - t0)
                    value = observe(x, rng)
                    study.tell(trial, value)
                    if value < best_obs:
                        best_obs, best_truth = value, truth(x)
                    if n in job["checkpoints"]:
                        best_at[str(n)] = best_truth
                out.append({"function": name, "method": method, "seed": seed, "best": best_at, "times": times})
    return out


def run_pruner(job):
    out = []
    for seed, curves in zip(job["seeds"], job["curves"]):
        pruner = optuna.pruners.SuccessiveHalvingPruner(min_resource=job["minResource"], reduction_factor=job["reductionFactor"], min_early_stopping_rate=0)
        study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed), pruner=pruner, direction="minimize")
        steps, finals, times = 0, [], []
        for curve in curves:
            trial = study.ask()
            trial.suggest_float("unused", 0, 1)
            pruned = False
            for step, value in enumerate(curve, start=1):
                trial.report(value, step)
                steps += 1
                t0 = time.perf_counter()
                stop = trial.should_prune()
                times.append(time.perf_counter() - t0)
                if stop:
                    study.tell(trial, state=optuna.trial.TrialState.PRUNED)
                    pruned = True
                    break
            if not pruned:
                study.tell(trial, curve[-1])
                finals.append(curve[-1])
        out.append({"seed": seed, "steps": steps, "completed": len(finals), "best": min(finals) if finals else None, "times": times})
    return out


def main():
    job = json.load(sys.stdin)
    result = run_samplers(job) if job["mode"] == "samplers" else run_pruner(job)
    json.dump({"optuna": optuna.__version__, "results": result}, sys.stdout)


if __name__ == "__main__":
    main()
