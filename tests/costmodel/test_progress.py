"""Long commands show a tqdm bar saying what they do on a terminal, and nothing when stderr is not one."""
import os
import pty
import subprocess


def _run(args, tty: bool, cwd):
    env = {**os.environ, "COLUMNS": "120"}
    if not tty:
        return subprocess.run(["costmodel", *args], capture_output=True, text=True, cwd=cwd, env=env,
                              timeout=600).stderr
    main, sub = pty.openpty()
    proc = subprocess.run(["costmodel", *args], stdout=subprocess.DEVNULL, stderr=sub, cwd=cwd, env=env, timeout=600)
    os.close(sub)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    assert proc.returncode == 0
    return b"".join(chunks).decode(errors="replace")


def test_build_lut_shows_a_bar_on_a_terminal_only(tmp_path):
    args = ["build-lut", "--arch", "eyeriss", "--space", "mdarts-first-cell", "--db", "a.db"]
    shown = _run(args, True, tmp_path)
    assert "build-lut eyeriss exact:" in shown and "/28 [" in shown        # what it does, rows done of 28
    quiet = _run(args[:-1] + ["b.db"], False, tmp_path)
    assert "build-lut eyeriss" not in quiet and "\r" not in quiet
