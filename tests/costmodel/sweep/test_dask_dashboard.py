"""`sweep --dask tcp://...` prints a dashboard link only when the scheduler really serves one."""
import importlib.util
import logging

import pytest

distributed = pytest.importorskip("distributed")

from costmodel.sweep.dask_exec import Session  # noqa: E402


@pytest.mark.skipif(importlib.util.find_spec("bokeh") is not None, reason="bokeh installed: a dashboard is served")
def test_a_scheduler_without_a_dashboard_gets_no_link():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=logging.ERROR) as cluster:
        with Session(cluster.scheduler_address, None) as s:
            assert s.dashboard() is None
            text = s.describe()
    assert "dashboard none (the scheduler serves none)" in text and "http" not in text
