"""An MLP regression trained with SGD at learning rate LR for STEPS steps, watched every step:
at a sane rate the gradients stay put; at an exploding one they grow by orders of magnitude."""
import os

import torch
from torch import nn

import hyperlab

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 1))
opt = torch.optim.SGD(model.parameters(), lr=float(os.environ["LR"]))
x = torch.randn(64, 8)
y = x.sum(dim=1, keepdim=True) * 3
with hyperlab.init(experiment="exploding", name=f"lr={os.environ['LR']}") as run:
    run.watch(model, every=1)
    for step in range(int(os.environ.get("STEPS", "12"))):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        run.log({"train.loss": loss.item()}, step=step)
