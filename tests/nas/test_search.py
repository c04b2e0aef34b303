"""nas.search: the reference search end to end on digits (tiny), checkpoint/resume, CLI."""
import json

import pytest
import torch

from costmodel.errors import CostModelError
from costmodel.genotypes import parse_genotype
from costmodel.schedule import Scheduler
from nas.config import SearchConfig
from nas.search import run_search

TINY = dict(dataset="digits", limit=96, layers=2, c=4, batch_size=16, arch="c64x", quiet=True)


def test_mdarts_search_logs_every_epoch_and_matches_the_scheduler():
    res = run_search(SearchConfig(**TINY, epochs=2, loss="mdarts", mu_sep=1.0, qos=(3e7, 4e7), u_max=5))
    assert [r["epoch"] for r in res.history] == [1, 2]
    row = res.history[-1]
    assert set(row) >= {"ce", "val_acc", "expected_cost", "genotype", "max_cycle", "skips", "mean_max_prob"}
    geno = parse_genotype(row["genotype"])
    assert geno == res.genotype
    # the logged actual max cycle is the scheduler's (MDARTS Table III rule, same arch and shapes)
    assert row["max_cycle"] == Scheduler("c64x", mode="mdarts-table3").max_value(geno)


@pytest.mark.parametrize("loss, extra", [("deffarts", dict(gamma=0.02)),
                                         ("rapdarts", dict(lambdas={"params": 1e-5, "compute_cycles": 1e-9}))])
def test_other_losses_run(loss, extra):
    res = run_search(SearchConfig(**TINY, epochs=1, loss=loss, space="darts", **extra))
    assert len(res.history) == 1 and res.alphas_normal.shape == (14, 8)


def test_checkpoint_resume_continues_exactly(tmp_path):
    ck = str(tmp_path / "search.pt")
    cfg = dict(TINY, epochs=2, qos=(3e7, 4e7), u_max=5, checkpoint=ck)
    straight = run_search(SearchConfig(**dict(cfg, checkpoint=None)))

    def interrupt(line):
        if line.startswith("epoch 1/2"):
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        run_search(SearchConfig(**dict(cfg, quiet=False)), log=interrupt)
    assert torch.load(ck, weights_only=False)["epoch"] == 1
    resumed = run_search(SearchConfig(**cfg, resume=True), log=lambda *_: None)
    assert torch.load(ck, weights_only=False)["epoch"] == 2
    assert torch.equal(resumed.alphas_normal, straight.alphas_normal)
    assert [r["ce"] for r in resumed.history] == [r["ce"] for r in straight.history]
    assert [r["genotype"] for r in resumed.history] == [r["genotype"] for r in straight.history]


def test_bad_configs():
    with pytest.raises(CostModelError, match="--qos"):
        run_search(SearchConfig(**TINY, qos=(2.0, 1.0)))
    with pytest.raises(CostModelError, match="rapdarts needs"):
        run_search(SearchConfig(**TINY, loss="rapdarts"))
    if not torch.cuda.is_available():
        with pytest.raises(CostModelError, match="no CUDA device"):
            run_search(SearchConfig(**TINY, device="cuda"))


@pytest.mark.slow
def test_cli_search_writes_a_genotype_the_scheduler_reads(cli, tmp_path):
    out = tmp_path / "g.json"
    r = cli("search", "--epochs", "1", "--limit", "64", "--layers", "2", "--c", "4", "--batch-size", "16",
            "--arch", "c64x", "--genotype-out", out)
    assert r.returncode == 0, r.stderr
    assert "epoch 1/1" in r.stdout and "max_cycle" in r.stdout and "genotype: Genotype(" in r.stdout
    assert "step/s" not in r.stderr and "it/s" not in r.stderr          # no progress bar when not a terminal
    assert set(json.loads(out.read_text())) == {"normal", "normal_concat", "reduce", "reduce_concat"}
    s = cli("schedule", "--genotype", out, "--arch", "c64x", "--mode", "mdarts-table3")
    assert s.returncode == 0, s.stderr


def test_cli_errors(cli):
    r = cli("search", "--arch", "c64x", "--loss", "rapdarts", "--lambda", "params:1")
    assert r.returncode == 2 and r.stderr.startswith("error:") and "METRIC=VALUE" in r.stderr
    r = cli("search", "--epochs", "1")                    # no silent default target
    assert r.returncode == 2 and "--arch" in r.stderr


def test_qos_band_binds_from_outside():
    """The expected cost starts above the band (uniform alphas) and phase 2 brings it inside."""
    band = (3.0e7, 3.6e7)
    res = run_search(SearchConfig(**dict(TINY, quiet=False), epochs=2, loss="mdarts", qos=band, u_max=50,
                                  proj_lr=3e-3), log=lambda *_: None)
    from nas.search import build_costs
    from nas.space import get_space
    cost, _ = build_costs(SearchConfig(**TINY), get_space("mdarts"), None)
    start = float(cost.cost(torch.zeros(14, 7), torch.zeros(14, 3)))
    assert start > band[1]
    assert band[0] <= res.history[-1]["expected_cost"] <= band[1]


def test_deffarts_charges_none_only_in_the_loss():
    from nas.search import build_costs
    from nas.space import darts_space
    main, extra = build_costs(SearchConfig(loss="deffarts", space="darts", arch="c64x"), darts_space(), None)
    none = darts_space().normal_ops.index("none")
    assert float(main.normal_costs[..., none].max()) == 0                    # logged cost: plain metric
    assert float(extra["deffarts"].normal_costs[..., none].min()) == 10 ** 6 - 1   # DEff-ARTS App. D


def test_search_on_cifar10_batches(tmp_path, write_batch):
    write_batch(tmp_path / "data_batch_1", 32, 0)
    res = run_search(SearchConfig(**dict(TINY, dataset="cifar10", limit=None), data_dir=str(tmp_path), epochs=1))
    assert len(res.history) == 1 and 0 <= res.history[0]["val_acc"] <= 1


@pytest.mark.slow
def test_cli_search_shows_a_progress_bar_on_a_terminal():
    """On a terminal (a real pty, 120 columns) each epoch shows a bar: steps, loss, expected cost, ETA."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import termios
    m, s = pty.openpty()
    fcntl.ioctl(s, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    p = subprocess.Popen(["costmodel", "search", "--arch", "c64x", "--epochs", "1", "--limit", "96", "--layers", "2",
                          "--c", "4", "--batch-size", "16", "--threads", "1"], stdout=subprocess.PIPE, stderr=s, stdin=s)
    os.close(s)
    buf = b""
    while True:
        try:
            chunk = os.read(m, 4096)
        except OSError:
            break
        if not chunk:
            break
        buf += chunk
    assert p.wait(timeout=300) == 0
    text = buf.decode(errors="replace")
    assert "epoch 1/1:" in text and "/3 [" in text and "step" in text and "expected_compute_cycles" in text
