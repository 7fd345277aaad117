"""A user's own training script reporting to Hyperlab through the Python client (python/,
`pip install ./python`): two lines to add, `hyperlab.init(...)` and `run.log(...)`.

    hyperlab run -- python3 examples/python_producer.py   # tracked by the CLI (or VS Code)
    python3 examples/python_producer.py                    # tracked into .hyperlab/inbox; `hyperlab sync` ingests it

Gradient descent on f(x) = x^2 / 2 from x = 5: the loss falls as (1 - lr)^(2t).
"""
import os
import sys

try:
    import hyperlab
except ImportError:  # not installed: use the client beside this example in the repository
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
    import hyperlab


def main():
    steps = int(os.environ.get("STEPS", "20"))
    lr = float(os.environ.get("LR", "0.1"))
    with hyperlab.init(experiment="python-example", config={"lr": lr, "steps": steps, "model": "quadratic"}) as run:
        x = 5.0
        for step in range(run.config["steps"]):
            loss = 0.5 * x * x
            run.log({"loss": loss, "x": x}, step=step)
            print(f"step {step} loss {loss:.6f}", flush=True)
            x -= run.config["lr"] * x
        run.summary["final.loss"] = 0.5 * x * x
        run.summary["steps"] = steps


if __name__ == "__main__":
    main()
