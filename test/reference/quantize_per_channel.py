"""PyTorch side of the INT8 per-channel cross-check (test/unit/compress/torch-quantize.test.ts).

Reads JSON on stdin: {"cases": [{"name", "shape", "axis", "data", "scales", "zeroPoints"}]}
(float32 values written as exact decimals). For each case it returns, on stdout as JSON:
  - "q": torch.quantize_per_channel(x, scales, zero_points, axis, torch.qint8).int_repr(),
  - "dq": the same tensor's dequantize(),
  - "affine": PerChannelMinMaxObserver(qint8, per_channel_affine, quant_min=-128, quant_max=127)
     scales and zero points,
  - "symmetric": PerChannelMinMaxObserver(qint8, per_channel_symmetric, quant_min=-127,
     quant_max=127) scales and zero points.
"""
import json
import sys

try:
    import torch
    from torch.ao.quantization.observer import PerChannelMinMaxObserver
except ImportError as error:  # the Node test turns this into a clear failure
    sys.stderr.write(f"TORCH_MISSING: {error}\n")
    sys.exit(3)

torch.set_num_threads(1)


def observe(x, axis, scheme, quant_min):
    observer = PerChannelMinMaxObserver(ch_axis=axis, dtype=torch.qint8, qscheme=scheme, quant_min=quant_min, quant_max=127)
    observer(x)
    scale, zero_point = observer.calculate_qparams()
    return {"scales": scale.tolist(), "zeroPoints": zero_point.tolist()}


results = {}
for case in json.load(sys.stdin)["cases"]:
    x = torch.tensor(case["data"], dtype=torch.float32).reshape(case["shape"])
    axis = case["axis"]
    scales = torch.tensor(case["scales"], dtype=torch.float64)
    zero_points = torch.tensor(case["zeroPoints"], dtype=torch.int64)
    q = torch.quantize_per_channel(x, scales, zero_points, axis, torch.qint8)
    results[case["name"]] = {
        "q": q.int_repr().flatten().tolist(),
        "dq": q.dequantize().flatten().tolist(),
        "affine": observe(x, axis, torch.per_channel_affine, -128),
        "symmetric": observe(x, axis, torch.per_channel_symmetric, -127),
    }
json.dump(results, sys.stdout)
