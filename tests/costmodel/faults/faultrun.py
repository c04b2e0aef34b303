"""Run many `costmodel` command lines in ONE subprocess (imports paid once), each as the entry point runs it.

``python faultrun.py CASES.json RESULTS.json``: every case {id, argv, cwd, env, stdout, timeout} runs through
`costmodel.cli.main` with file descriptors 1 and 2 redirected (stdout to a file, or to the case's
``stdout``, e.g. /dev/full), its own environment and working folder, and a SIGALRM deadline. An exception
escaping `main` is printed as a traceback into the case's stderr (what a user would see). The caller sets
the address-space limit (RLIMIT_AS) of this process and an overall timeout.
"""
import json
import os
import signal
import sys
import time
import traceback


class CaseTimeout(BaseException):
    """The case ran past its deadline (a BaseException: `main` catches neither it nor SystemExit)."""


def _alarm(_signum, _frame):
    raise CaseTimeout()


def run_case(case: dict, folder: str) -> dict:
    from costmodel.cli import main
    out_path, err_path = os.path.join(folder, f"{case['id']}.out"), os.path.join(folder, f"{case['id']}.err")
    saved = {k: os.environ.get(k) for k in case.get("env", {})}
    os.environ.update(case.get("env", {}))
    cwd = os.getcwd()
    os.chdir(case["cwd"])
    old_fds = os.dup(1), os.dup(2)
    old_streams = sys.stdout, sys.stderr
    out_fd = os.open(case.get("stdout") or out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    err_fd = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    os.close(out_fd)
    os.close(err_fd)
    sys.stdout = open(1, "w", closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(int(case.get("timeout", 60)))
    t0 = time.perf_counter()
    try:
        code = main(case["argv"])
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    except CaseTimeout:
        code = "timeout"
    except BaseException:          # noqa: BLE001 -- what would reach the user as a traceback
        traceback.print_exc()
        code = "traceback"
    finally:
        signal.alarm(0)
        elapsed = time.perf_counter() - t0
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except OSError:
                pass
        sys.stdout, sys.stderr = old_streams
        os.dup2(old_fds[0], 1)
        os.dup2(old_fds[1], 2)
        for fd in old_fds:
            os.close(fd)
        os.chdir(cwd)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    with open(err_path, errors="replace") as f:
        err = f.read()
    out = ""
    if not case.get("stdout"):
        with open(out_path, errors="replace") as f:
            out = f.read()
    return {"code": code, "seconds": elapsed, "stdout": out, "stderr": err}


def warm() -> None:
    """Import what the commands import, once, before any case's clock starts (a fresh `costmodel` pays it)."""
    import costmodel.cli  # noqa: F401
    import costmodel.lut  # noqa: F401
    try:
        import onnx  # noqa: F401
    except ImportError:
        pass


def main(cases_file: str, results_file: str) -> None:
    warm()
    with open(cases_file) as f:
        cases = json.load(f)
    folder = os.path.dirname(os.path.abspath(results_file))
    results = {}
    for case in cases:
        results[case["id"]] = run_case(case, folder)
        with open(results_file, "w") as f:          # written after every case: a crash keeps what ran
            json.dump(results, f)


if __name__ == "__main__":
    main(*sys.argv[1:3])
