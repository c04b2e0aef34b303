"""Run ZigZag (zigzag-dse) live on conv layers: read a JSON list of Timeloop-style problems on stdin,
map each with ZigZag's eyeriss_like accelerator (LOMA temporal search, EDP), print JSON
{"layers": n, "seconds": wall time of the ZigZag calls, "failed": [...]} on stdout.

Run by bench/lut_speed.py with an interpreter that has zigzag-dse installed (this script imports it).
"""
import io
import json
import logging
import sys
import tempfile
import time
from contextlib import redirect_stdout, redirect_stderr
from pathlib import Path

import yaml

MAPPING = [{"name": "default", "spatial_mapping": {"D1": ["K, 14"], "D2": ["C, 12"]},
            "memory_operand_links": {"O": "O", "W": "I2", "I": "I1"}}]


def workload(p, i):
    return [{"id": i, "name": f"layer{i}", "operator_type": "Conv",
             "equation": "O[b][g][k][oy][ox]+=W[g][k][c][fy][fx]*I[b][g][c][iy][ix]",
             "dimension_relations": [f"ix={p['Wstride']}*ox+{p['Wdilation']}*fx",
                                     f"iy={p['Hstride']}*oy+{p['Hdilation']}*fy"],
             "loop_dims": ["B", "K", "G", "OX", "OY", "C", "FX", "FY"],
             "loop_sizes": [p["N"], p["K"], p.get("G", 1), p["P"], p["Q"], p["C"], p["R"], p["S"]],
             "operand_precision": {"W": 16, "I": 16, "O_final": 16, "O": 16},
             "operand_source": {"I": i}}]


def main():
    import zigzag
    from zigzag.api import get_hardware_performance_zigzag
    logging.disable(logging.CRITICAL)
    hw = str(Path(zigzag.__file__).parent / "inputs" / "hardware" / "eyeriss_like.yaml")
    problems = json.load(sys.stdin)
    failed, total = [], 0.0
    with tempfile.TemporaryDirectory(prefix="zz") as tmpdir:     # ZigZag's inputs and dumps, removed afterwards
        tmp = Path(tmpdir)
        mapping = tmp / "mapping.yaml"
        mapping.write_text(yaml.safe_dump(MAPPING))
        for i, p in enumerate(problems):
            wl = tmp / f"w{i}.yaml"
            wl.write_text(yaml.safe_dump(workload(p, i)))
            t0 = time.perf_counter()
            try:
                with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
                    get_hardware_performance_zigzag(str(wl), hw, str(mapping), opt="EDP",
                                                    dump_folder=str(tmp / f"o{i}"), loma_show_progress_bar=False)
            except Exception as e:  # report, keep going
                failed.append(f"{p}: {type(e).__name__}: {str(e)[:120]}")
            total += time.perf_counter() - t0
    print(json.dumps({"layers": len(problems), "seconds": total, "failed": failed,
                      "zigzag": getattr(zigzag, "__version__", "?")}))


if __name__ == "__main__":
    main()
