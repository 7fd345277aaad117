"""A few FashionMNIST images (Debian's dataset-fashion-mnist) as float tensors, for the client's tests."""
import gzip
import os

import torch

DATA = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")


def _idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def load(count, offset=0):
    images = _idx("train-images-idx3-ubyte.gz")[offset:offset + count].float().div(255).reshape(count, -1)
    labels = _idx("train-labels-idx1-ubyte.gz")[offset:offset + count].long()
    return images, labels
