"""Per-layer statistics of a torch.nn.Module, the same the Hyperlab engine sends (its
src/engine/nn/stats/layer-stats.ts), so the Gradient Monitor and its alerts work on any model:

- a layer is each module that owns a parameter named `weight` (biases are not counted);
- gradNorm: ‖∇W‖ over the layer's weights, read when backward ends (before any clipping);
- weightNorm: ‖W‖ after the optimizer step; updateRatio: ‖W_after − W_before‖ / ‖W_after‖;
- activationMean/Std (population std) of the first activation module that follows the layer
  before the next weighted one (else of the layer's own output), and for a ReLU the fraction of
  units (features, or channel × position) that are ≤ 0 for every sample of the batch.

A training step is a forward pass of the watched model with gradients enabled and the model in
training mode; statistics are taken on every `every`-th one (steps 0, every, 2·every, …) and sent
at the next training forward pass (once the optimizer has stepped) or at finish.
"""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional

ACTIVATIONS = ("ReLU", "ReLU6", "LeakyReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish", "Tanh", "Sigmoid",
               "Hardtanh", "Hardswish", "Hardsigmoid", "Softplus", "PReLU")


class _Layer:
    def __init__(self, name: str, module: Any, weights: List[Any]) -> None:
        self.name = name
        self.module = module
        self.weights = weights
        self.observed: Any = module  # whose output is the activation
        self.relu = False
        self.before: Optional[List[Any]] = None
        self.grad_norm: Optional[float] = None
        self.activation: Optional[Dict[str, float]] = None


class Watcher:
    def __init__(self, run: Any, model: Any, every: int) -> None:
        import torch  # only the watch needs PyTorch

        if not isinstance(model, torch.nn.Module):
            raise TypeError(f"run.watch: expected a torch.nn.Module, got {type(model).__name__}")
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"run.watch: every must be a positive integer (training steps between statistics), got {every!r}")
        self._torch = torch
        self._run = run
        self._model = model
        self._every = every
        self._steps = 0
        self._capturing = False
        self._pending_step: Optional[int] = None
        self._grad_callback_queued = False
        self._handles: List[Any] = []
        self.layers = self._find_layers(model)
        self._handles.append(model.register_forward_pre_hook(self._on_forward_start))
        for layer in self.layers:
            self._handles.append(layer.observed.register_forward_hook(self._activation_hook(layer)))
            for weight in layer.weights:
                self._handles.append(weight.register_hook(self._on_grad))

    def _find_layers(self, model: Any) -> List[_Layer]:
        modules = [(name, m) for name, m in model.named_modules() if name != "" or len(list(model.children())) == 0]
        layers: List[_Layer] = []
        for index, (name, module) in enumerate(modules):
            weight = module._parameters.get("weight")
            if weight is None or not weight.requires_grad:
                continue
            layer = _Layer(_layer_name(name, module), module, [weight])
            for _, follower in modules[index + 1:]:
                if follower._parameters.get("weight") is not None:
                    break
                if type(follower).__name__ in ACTIVATIONS:
                    layer.observed = follower
                    layer.relu = type(follower).__name__ == "ReLU"
                    break
            layers.append(layer)
        return layers

    # ---- hooks ----

    def _on_forward_start(self, module: Any, inputs: Any) -> None:
        torch = self._torch
        if not module.training or not torch.is_grad_enabled():
            return  # evaluation passes are not training steps
        self.send_pending()
        step = self._steps
        self._steps += 1
        self._capturing = step % self._every == 0
        if self._capturing:
            self._pending_step = step
            self._grad_callback_queued = False
            with torch.no_grad():
                for layer in self.layers:
                    layer.before = [w.detach().clone() for w in layer.weights]
                    layer.grad_norm = None
                    layer.activation = None

    def _activation_hook(self, layer: _Layer) -> Any:
        def hook(module: Any, inputs: Any, output: Any) -> None:
            if not self._capturing or not isinstance(output, self._torch.Tensor):
                return
            with self._torch.no_grad():
                out = output.detach().double()
                stats = {"activationMean": out.mean().item(), "activationStd": out.std(unbiased=False).item() if out.numel() > 1 else 0.0}
                if layer.relu and out.dim() >= 1 and out.shape[0] > 0:
                    alive = (out.reshape(out.shape[0], -1) > 0).any(dim=0)
                    stats["deadFraction"] = 1.0 - alive.double().mean().item()
                layer.activation = stats
        return hook

    def _on_grad(self, grad: Any) -> None:
        # Read the accumulated .grad once backward has finished (the engine's callback queue),
        # not the partial gradient this hook receives.
        if not self._capturing or self._grad_callback_queued:
            return
        self._grad_callback_queued = True
        try:
            self._torch.autograd.Variable._execution_engine.queue_callback(self._read_grads)
        except (AttributeError, RuntimeError):
            self._grad_callback_queued = False

    def _read_grads(self) -> None:
        with self._torch.no_grad():
            for layer in self.layers:
                total = 0.0
                for w in layer.weights:
                    if w.grad is not None:
                        total += w.grad.detach().double().pow(2).sum().item()
                layer.grad_norm = math.sqrt(total)
        self._capturing = False

    # ---- sending ----

    def send_pending(self) -> None:
        step = self._pending_step
        if step is None:
            return
        self._pending_step = None
        self._capturing = False
        torch = self._torch
        stats: List[Dict[str, Any]] = []
        with torch.no_grad():
            for layer in self.layers:
                now = [w.detach().double() for w in layer.weights]
                weight_norm = math.sqrt(sum(w.pow(2).sum().item() for w in now))
                delta = 0.0
                if layer.before is not None:
                    delta = sum((w - b.double()).pow(2).sum().item() for w, b in zip(now, layer.before))
                stat: Dict[str, Any] = {
                    "name": layer.name,
                    "gradNorm": layer.grad_norm if layer.grad_norm is not None else _grad_norm_now(layer),
                    "weightNorm": weight_norm,
                    "updateRatio": math.sqrt(delta) / weight_norm if weight_norm > 0 else 0.0,
                }
                if layer.activation:
                    stat.update(layer.activation)
                layer.before = None
                stats.append({k: _finite_or_text(v) for k, v in stat.items()})
        self._run._send({"type": "layerStats", "step": step, "layers": stats})

    def close(self) -> None:
        self.send_pending()
        for handle in self._handles:
            handle.remove()
        self._handles = []


def _grad_norm_now(layer: _Layer) -> float:
    total = 0.0
    for w in layer.weights:
        if w.grad is not None:
            total += w.grad.detach().double().pow(2).sum().item()
    return math.sqrt(total)


def _finite_or_text(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    return value


def _layer_name(path: str, module: Any) -> str:
    """The module's path in the model, with its class where the path alone is an index (the
    children of an nn.Sequential are named 0, 1, 2…, which say nothing on a chart's legend):
    "Linear 0", "Conv2d features.3"; named modules keep their name ("fc1")."""
    kind = type(module).__name__
    if path == "":
        return kind
    return f"{kind} {path}" if path.rsplit(".", 1)[-1].isdigit() else path
