"""PyTorch side of the engine's parity test (test/unit/engine-nn/parity.test.ts).

Usage: parity.py DIR. DIR/manifest.json describes the models (layer list, initial weights file),
the batches (binary float32 files) and the optimizer configurations; this script trains each
(model, config) pair from the same initial weights on the same batches and writes
DIR/torch-results.json: {"<model>/<config>": {"loss": [...], "gradNorm": [...]}}.
Runs on one thread in float32 (override with HYPERLAB_PARITY_DTYPE=float64) for reproducibility.
"""
import json
import os
import sys

try:
    import torch
    import torch.nn as nn
except ImportError as error:  # the Node test turns this into a clear failure
    sys.stderr.write(f"TORCH_MISSING: {error}\n")
    sys.exit(3)

torch.set_num_threads(1)
DTYPE = torch.float64 if os.environ.get("HYPERLAB_PARITY_DTYPE") == "float64" else torch.float32


def read_f32(path, shape):
    with open(path, "rb") as f:
        data = bytearray(f.read())
    return torch.frombuffer(data, dtype=torch.float32).clone().reshape(shape).to(DTYPE)


def build(layers):
    modules = []
    for spec in layers:
        kind = spec["type"]
        if kind == "dense":
            modules.append(nn.Linear(spec["in"], spec["out"]))
        elif kind == "conv2d":
            modules.append(nn.Conv2d(spec["in"], spec["out"], spec["kernel"], stride=spec.get("stride", 1), padding=spec.get("padding", 0)))
        elif kind == "relu":
            modules.append(nn.ReLU())
        elif kind == "tanh":
            modules.append(nn.Tanh())
        elif kind == "maxpool":
            modules.append(nn.MaxPool2d(spec["kernel"]))
        elif kind == "avgpool":
            modules.append(nn.AvgPool2d(spec["kernel"]))
        elif kind == "flatten":
            modules.append(nn.Flatten())
        else:
            raise ValueError(f"unknown layer type {kind}")
    return nn.Sequential(*modules).to(DTYPE)


def load_weights(model, path, shapes):
    flat = read_f32(path, (-1,))
    offset = 0
    params = list(model.parameters())
    assert len(params) == len(shapes), f"{len(params)} torch params vs {len(shapes)} in manifest"
    with torch.no_grad():
        for p, shape in zip(params, shapes):
            assert list(p.shape) == shape, f"shape {list(p.shape)} vs {shape}"
            n = p.numel()
            p.copy_(flat[offset:offset + n].reshape(shape))
            offset += n


def make_optimizer(model, cfg):
    kind = cfg["optimizer"]
    lr = cfg["lr"]
    weights = [p for p in model.parameters() if p.dim() > 1]
    others = [p for p in model.parameters() if p.dim() <= 1]
    if kind == "sgd":
        return torch.optim.SGD(model.parameters(), lr=lr, momentum=cfg.get("momentum", 0), nesterov=cfg.get("nesterov", False))
    if kind == "rmsprop":
        return torch.optim.RMSprop(model.parameters(), lr=lr, alpha=cfg.get("beta", 0.99), eps=cfg.get("eps", 1e-8), momentum=cfg.get("momentum", 0))
    if kind == "adam":
        return torch.optim.Adam(model.parameters(), lr=lr)
    if kind == "adamw":
        groups = [{"params": weights, "weight_decay": cfg["weightDecay"]}, {"params": others, "weight_decay": 0.0}]
        return torch.optim.AdamW(groups, lr=lr)
    if kind == "adagrad":
        return torch.optim.Adagrad(model.parameters(), lr=lr)
    if kind == "adadelta":
        return torch.optim.Adadelta(model.parameters(), lr=lr)
    raise ValueError(f"unknown optimizer {kind}")


def train(model_spec, batches, cfg, directory):
    model = build(model_spec["layers"])
    load_weights(model, os.path.join(directory, model_spec["weights"]), model_spec["shapes"])
    optimizer = make_optimizer(model, cfg)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=cfg.get("labelSmoothing", 0.0))
    l2 = cfg.get("l2", 0.0)
    losses, norms = [], []
    for x, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        if l2:
            # L2 as a loss term (λ/2)‖W‖² on weights only, so clipping sees its gradient too
            loss = loss + 0.5 * l2 * sum((p * p).sum() for p in model.parameters() if p.dim() > 1)
        loss.backward()
        if cfg.get("clipNorm"):
            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), cfg["clipNorm"])
        else:
            norm = torch.sqrt(sum((p.grad * p.grad).sum() for p in model.parameters()))
        optimizer.step()
        losses.append(loss.item())
        norms.append(float(norm))
    return {"loss": losses, "gradNorm": norms}


def main():
    directory = sys.argv[1]
    with open(os.path.join(directory, "manifest.json")) as f:
        manifest = json.load(f)
    results = {}
    for name, model_spec in manifest["models"].items():
        batches = []
        for b in model_spec["batches"]:
            x = read_f32(os.path.join(directory, b["x"]), [b["size"]] + model_spec["inputShape"])
            y = read_f32(os.path.join(directory, b["y"]), (b["size"],)).long()
            batches.append((x, y))
        for cfg in manifest["configs"]:
            results[f"{name}/{cfg['name']}"] = train(model_spec, batches, cfg, directory)
    with open(os.path.join(directory, "torch-results.json"), "w") as f:
        json.dump({"torch": torch.__version__, "dtype": str(DTYPE), "results": results}, f)


if __name__ == "__main__":
    main()
