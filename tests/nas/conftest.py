"""Shared fixtures for the nas tests: small spaces and hand-made cost tables (no backend needed)."""
import pickle

import numpy as np
import pytest
import torch

from nas.space import mdarts_space

torch.set_num_threads(1)   # 2 cores shared: one intra-op thread keeps the tiny searches fast under load

# Per-op costs shaped like MDARTS Table I (Eyeriss, first cell) to exercise the mechanism without a
# backend. They are test inputs, not expectations: the toolkit's own numbers come from evaluate_op.
NORMAL_ROW = [0, 28672, 86016, 15920, 53888, 12288, 40960]    # skip, sep3, sep5, dil3, dil5, dw3, dw5
REDUCE_ROW = [36864, 3072, 0]                                    # max, avg, skip


@pytest.fixture
def table1_like():
    from nas.cost import DartsCost
    space = mdarts_space(shapes="mdarts-table1")
    normal = torch.tensor(NORMAL_ROW, dtype=torch.float64).expand(14, 7)
    reduce = torch.tensor(REDUCE_ROW, dtype=torch.float64).expand(14, 3)
    return DartsCost(space, normal=normal, reduce=reduce, dtype=torch.float64)


@pytest.fixture
def write_batch():
    """Writes a fake CIFAR-10 python batch (random uint8 images, labels) and returns (data, labels)."""
    def write(path, n, seed):
        rng = np.random.default_rng(seed)
        data = rng.integers(0, 256, size=(n, 3072), dtype=np.uint8)
        labels = rng.integers(0, 10, size=n).tolist()
        with open(path, "wb") as f:
            pickle.dump({b"batch_label": b"fake", b"data": data, b"labels": labels, b"filenames": [b"x"] * n}, f)
        return data, labels
    return write
