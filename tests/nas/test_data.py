"""nas.data: the CIFAR-10 pickle reader (on a fake batch written here) and the digits split."""
import pytest
import torch

from costmodel.errors import CostModelError
from nas.data import CIFAR_MEAN, load_dataset, read_cifar_batch


def test_cifar_reader_layout(tmp_path, write_batch):
    data, labels = write_batch(tmp_path / "data_batch_1", 6, 0)
    x, y = read_cifar_batch(tmp_path / "data_batch_1")
    assert x.shape == (6, 3, 32, 32) and y.tolist() == labels
    assert x[2, 1, 0, 5] == data[2, 1024 + 5]          # channel-major rows: R plane, G plane, B plane


def test_cifar_dataset_split_and_normalisation(tmp_path, write_batch):
    data1, _ = write_batch(tmp_path / "data_batch_1", 6, 1)
    write_batch(tmp_path / "data_batch_2", 4, 2)
    train, val, k, shape = load_dataset("cifar10", tmp_path)
    assert (len(train), len(val), k, shape) == (5, 5, 10, (3, 32, 32))
    assert train.x.dtype == torch.float32
    allx = torch.cat([train.x, val.x])
    v = data1[0, 0] / 255.0
    assert any(abs(float(allx[i, 0, 0, 0]) - (v - CIFAR_MEAN[0]) / 0.24703233) < 1e-5 for i in range(10))


def test_cifar_errors(tmp_path):
    with pytest.raises(CostModelError, match="no CIFAR-10"):
        load_dataset("cifar10", tmp_path)
    with pytest.raises(CostModelError, match="needs --data-dir"):
        load_dataset("cifar10")
    (tmp_path / "data_batch_1").write_bytes(b"not a pickle")
    with pytest.raises(CostModelError, match="not a CIFAR-10"):
        load_dataset("cifar10", tmp_path)


def test_digits():
    train, val, k, shape = load_dataset("digits", limit=100)
    assert (len(train), len(val), k, shape) == (50, 50, 10, (1, 8, 8))
    assert float(train.x.min()) >= -1 and float(train.x.max()) <= 1
    batches = list(train.batches(16, torch.Generator().manual_seed(0)))
    assert len(batches) == 3 and batches[0][0].shape == (16, 1, 8, 8)
