"""Design-space sweeps: architecture variants x spaces x lowerings into one LUT (SQLite or PostgreSQL).

    from costmodel.sweep import Sweep, parse_set, run_sweep
    sw = Sweep("eyeriss", axes=[parse_set("levels.GlobalBuffer.entries=32768,65536")], spaces=["darts-search"])
    run_sweep(sw, "sweep.db", jobs=2)            # or dask="local" / dask="tcp://127.0.0.1:8786"

variants.py  dotted-path overrides -> derived, validated specs (cartesian product, readable names)
run.py       plan (validate everything, write nothing), find what the LUT lacks, compute it
dask_exec.py the Dask executor (batches on workers, one writer here)
store.py     the variant register (table sweep_variants beside op_costs)
pareto.py    max cycle vs energy vs PE count of every variant, the Pareto front, a PNG
"""
from .run import Plan, Sweep, load_sweep_file, plan, run_sweep
from .variants import Axis, Variant, derive, expand, parse_set

__all__ = ["Axis", "Variant", "Sweep", "Plan", "derive", "expand", "parse_set", "plan", "run_sweep",
           "load_sweep_file"]
