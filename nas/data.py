"""Datasets for the reference search, without downloads or torchvision.

  digits   scikit-learn's 8x8 handwritten digits (1,797 images, 1 channel, 10 classes; ships with it)
  cifar10  the standard python-pickle batches (`data_batch_1..5`, `test_batch`) in --data-dir,
           read with numpy (uint8 rows of 3*32*32, channel-major) and normalised per channel

`load_dataset` returns (train, val) float32 tensors split in half (DARTS: half of the training
set trains w, the other half alpha) and the image shape.
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from costmodel.errors import CostModelError

from .config import DATASETS
CIFAR_MEAN = (0.49139968, 0.48215827, 0.44653124)   # DARTS utils._data_transforms_cifar10
CIFAR_STD = (0.24703233, 0.24348505, 0.26158768)


@dataclass
class Split:
    x: torch.Tensor         # [n, channels, h, w] float32
    y: torch.Tensor         # [n] int64

    def __len__(self) -> int:
        return len(self.y)

    def batches(self, batch_size: int, generator: torch.Generator):
        """Shuffled full batches (one smaller batch if the split holds fewer than `batch_size`)."""
        order = torch.randperm(len(self), generator=generator)
        batch_size = min(batch_size, len(self))
        for s in range(0, len(self) - batch_size + 1, batch_size):
            idx = order[s:s + batch_size]
            yield self.x[idx], self.y[idx]


def load_digits_arrays():
    from sklearn.datasets import load_digits
    d = load_digits()
    x = (d.images.astype(np.float32) / 16.0 - 0.5) / 0.5
    return x[:, None, :, :], d.target.astype(np.int64), 10


def read_cifar_batch(path: Path):
    """One CIFAR-10 python batch -> (uint8 images [n, 3, 32, 32], int64 labels [n])."""
    try:
        with open(path, "rb") as f:
            d = pickle.load(f, encoding="bytes")
    except (OSError, pickle.UnpicklingError, EOFError) as e:
        raise CostModelError(f"{path}: not a CIFAR-10 python batch ({e})") from None
    data = d.get(b"data", d.get("data")) if isinstance(d, dict) else None
    labels = d.get(b"labels", d.get("labels")) if isinstance(d, dict) else None
    if data is None or labels is None:
        raise CostModelError(f"{path}: not a CIFAR-10 python batch (needs keys 'data' and 'labels')")
    data = np.asarray(data, dtype=np.uint8)
    if data.ndim != 2 or data.shape[1] != 3 * 32 * 32 or len(labels) != len(data):
        raise CostModelError(f"{path}: 'data' must be [n, 3072] with one label per row, got {data.shape}")
    return data.reshape(-1, 3, 32, 32), np.asarray(labels, dtype=np.int64)


def load_cifar10_arrays(data_dir: str | Path):
    d = Path(data_dir)
    files = sorted(d.glob("data_batch_*"))
    if not files:
        raise CostModelError(f"--data-dir {d}: no CIFAR-10 'data_batch_*' files (the python version, "
                             f"cifar-10-batches-py)")
    parts = [read_cifar_batch(f) for f in files]
    x = np.concatenate([p[0] for p in parts]).astype(np.float32) / 255.0
    mean, std = np.array(CIFAR_MEAN, np.float32), np.array(CIFAR_STD, np.float32)
    x = (x - mean[None, :, None, None]) / std[None, :, None, None]
    return x, np.concatenate([p[1] for p in parts]), 10


def load_dataset(name: str, data_dir=None, limit: int | None = None, seed: int = 0):
    """(train Split, val Split, num_classes, (channels, h, w)); `limit` caps the images used."""
    if name == "digits":
        x, y, k = load_digits_arrays()
    elif name == "cifar10":
        if data_dir is None:
            raise CostModelError("dataset cifar10 needs --data-dir DIR (the cifar-10-batches-py folder)")
        x, y, k = load_cifar10_arrays(data_dir)
    else:
        raise CostModelError(f"unknown dataset {name!r} (use one of {', '.join(DATASETS)})")
    order = np.random.default_rng(seed).permutation(len(y))
    if limit:
        order = order[:limit]
    half = len(order) // 2
    if half < 1:
        raise CostModelError(f"dataset {name}: {len(order)} images are too few to split into train/val")
    mk = lambda idx: Split(torch.from_numpy(np.ascontiguousarray(x[idx])), torch.from_numpy(y[idx]))
    return mk(order[:half]), mk(order[half:]), k, tuple(x.shape[1:])
