"""PyTorch side of the compression benchmark (test/bench/compress/run.ts).

Reads one JSON job on stdin: {"shapes": [[out, in], ...], "sparsity": s, "repeats": r}; times,
on one thread, over normal random weights of those shapes (median of r, CPU milliseconds of
this process, as the Node side measures):
  global_prune — torch.nn.utils.prune.global_unstructured(L1Unstructured, amount=s),
  int8_channel — PerChannelMinMaxObserver(qint8, affine) + torch.quantize_per_channel per tensor,
  fp16, bf16  — tensor.half() / tensor.bfloat16() per tensor.
Prints {"global_prune": ms, ...} on stdout.
"""
import json
import statistics
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.utils.prune as prune
    from torch.ao.quantization.observer import PerChannelMinMaxObserver
except ImportError as error:
    sys.stderr.write(f"TORCH_MISSING: {error}\n")
    sys.exit(3)

torch.set_num_threads(1)
job = json.load(sys.stdin)
torch.manual_seed(0)
weights = [torch.randn(*shape) * 0.05 for shape in job["shapes"]]


def timed(fn):
    fn()  # warm-up, as the Node side does
    runs = []
    for _ in range(job["repeats"]):
        start = time.process_time()
        fn()
        runs.append((time.process_time() - start) * 1000)
    return statistics.median(runs)


def global_prune():
    layers = [nn.Linear(w.shape[1], w.shape[0], bias=False) for w in weights]
    for layer, w in zip(layers, weights):
        layer.weight.data.copy_(w)
    prune.global_unstructured([(layer, "weight") for layer in layers], pruning_method=prune.L1Unstructured, amount=job["sparsity"])


def int8_channel():
    for w in weights:
        observer = PerChannelMinMaxObserver(ch_axis=0, dtype=torch.qint8, qscheme=torch.per_channel_affine, quant_min=-128, quant_max=127)
        observer(w)
        scale, zero_point = observer.calculate_qparams()
        torch.quantize_per_channel(w, scale, zero_point, 0, torch.qint8)


results = {
    "global_prune": timed(global_prune),
    "int8_channel": timed(int8_channel),
    "fp16": timed(lambda: [w.half() for w in weights]),
    "bf16": timed(lambda: [w.bfloat16() for w in weights]),
    "torch": torch.__version__,
}
json.dump(results, sys.stdout)
