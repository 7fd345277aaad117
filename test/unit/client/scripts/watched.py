"""A small CNN trained a few steps with run.watch; beside it, the same statistics computed
directly from p.grad, the weights and the activations, written to SIDE for the test."""
import json
import math
import os
from collections import OrderedDict

import torch
from torch import nn

import hyperlab

torch.manual_seed(0)
torch.set_num_threads(1)
model = nn.Sequential(OrderedDict([
    ("conv1", nn.Conv2d(1, 4, 3)), ("relu1", nn.ReLU()), ("pool", nn.MaxPool2d(2)), ("flat", nn.Flatten()),
    ("fc1", nn.Linear(4 * 3 * 3, 16)), ("relu2", nn.ReLU()), ("fc2", nn.Linear(16, 3)),
]))
opt = torch.optim.SGD(model.parameters(), lr=float(os.environ.get("LR", "0.5")), momentum=0.9)
run = hyperlab.init(experiment="watch-test")
run.watch(model, every=2)

weighted = {"conv1": model.conv1, "fc1": model.fc1, "fc2": model.fc2}
outputs = {}
model.relu1.register_forward_hook(lambda m, i, o: outputs.__setitem__("conv1", o.detach().double()))
model.relu2.register_forward_hook(lambda m, i, o: outputs.__setitem__("fc1", o.detach().double()))
model.fc2.register_forward_hook(lambda m, i, o: outputs.__setitem__("fc2", o.detach().double()))

direct = {}
x_val = torch.randn(8, 1, 8, 8)
for step in range(6):
    x = torch.randn(16, 1, 8, 8)
    y = torch.randint(0, 3, (16,))
    opt.zero_grad()
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    grads = {n: m.weight.grad.detach().double().norm().item() for n, m in weighted.items()}
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.01)  # the reported norm is the one before clipping
    before = {n: m.weight.detach().double().clone() for n, m in weighted.items()}
    opt.step()
    stats = {}
    for n, m in weighted.items():
        w = m.weight.detach().double()
        out = outputs[n]
        s = {"gradNorm": grads[n], "weightNorm": w.norm().item(), "updateRatio": (w - before[n]).norm().item() / w.norm().item(),
             "activationMean": out.mean().item(), "activationStd": out.std(unbiased=False).item()}
        if n != "fc2":
            s["deadFraction"] = 1.0 - (out.reshape(out.shape[0], -1) > 0).any(dim=0).double().mean().item()
        stats[n] = s
    direct[step] = stats
    run.log({"train.loss": loss.item()}, step=step)
    with torch.no_grad():
        model.eval()
        model(x_val)  # an evaluation pass is not a training step
        model.train()
run.finish()
with open(os.environ["SIDE"] + ".tmp", "w") as f:
    json.dump(direct, f)
os.replace(os.environ["SIDE"] + ".tmp", os.environ["SIDE"])  # whole, never half-read
