#!/usr/bin/env bash
# The wheel works outside the checkout: build it from a copy of the tracked files, install it (no deps:
# they come from the calling Python's site-packages) into a fresh venv, and from an empty folder run
# archs, query, reproduce mdarts-table1 and fidelity with a fresh per-user cache; then check that nothing
# was written under the venv's site-packages. The venv sees the calling Python's packages (numpy, pandas, ...)
# through a .pth file listing the caller's site-packages folders, whether the caller is the system Python or
# itself a venv, without network (a `--system-site-packages` venv would only see the base interpreter's).
# Prints a transcript; exits non-zero on the first failure.
#   usage: .ci/wheel_check.sh [WORKDIR]      (default: a new temp folder, removed at the end)
# Run by tests/test_wheel.py (marked slow; part of the README test command, so CI runs it).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
unset PYTHONPATH     # the wheel is checked, not a checkout a caller (e.g. PYTHONPATH=$PWD pytest) points at
python="${PYTHON:-python}"
work="${1:-}"
if [ -z "$work" ]; then work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work/src" "$work/dist" "$work/empty" "$work/cache"
say() { printf '\n$ %s\n' "$*"; }

# build from the tracked files only (symlinks kept), so the build never writes into the checkout
(cd "$repo" && git ls-files -z | tar -cf - --null -T - ) | tar -xf - -C "$work/src"   # ONE archive (xargs would split a long list)
say pip wheel --no-deps -w dist src
"$python" -m pip wheel -q --no-deps -w "$work/dist" "$work/src"
wheel="$(ls "$work"/dist/*.whl)"
echo "$(basename "$wheel"): $(du -k "$wheel" | cut -f1) kB"

say python -m venv venv '&&' "echo <caller's site-packages> > caller.pth" '&&' pip install --no-deps "$(basename "$wheel")"
"$python" -m venv "$work/venv"
venv_site="$("$work/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
# the caller's site folders as plain paths: appended after the venv's own, their .pth files (an editable
# install of this checkout among them) are not processed, so costmodel can only come from the wheel
"$python" -c 'import site, sys; print("\n".join(p for p in dict.fromkeys(site.getsitepackages() + [site.getusersitepackages()] + sys.path) if p.rstrip("/").endswith(("site-packages", "dist-packages"))))' \
  > "$venv_site/caller-site-packages.pth"
cat "$venv_site/caller-site-packages.pth"
"$work/venv/bin/python" -m pip install -q --no-deps "$wheel"
cd "$work/empty"    # from here on: an empty folder, so nothing is imported from the checkout
site="$("$work/venv/bin/python" -c 'import costmodel, pathlib; print(pathlib.Path(costmodel.__file__).parent.parent)')"
case "$site" in "$work/venv/"*) ;; *) echo "costmodel imported from $site, not from the venv"; exit 1;; esac
touch "$work/stamp"
export XDG_CACHE_HOME="$work/cache" PATH="$work/venv/bin:$PATH"
unset COSTMODEL_LUT COSTMODEL_ARCH_SPECS COSTMODEL_REFERENCE
run() { say costmodel "$@"; costmodel "$@"; }
run --version
run archs | tee "$work/archs.txt"
for a in eyeriss diannao c64x; do grep -q "^$a " "$work/archs.txt" || { echo "archs lacks $a"; exit 1; }; done
run query --arch eyeriss --op sep_conv_3x3 --hw 32 --c-in 16 | tee "$work/query.txt"
grep -q "compute_cycles" "$work/query.txt" && grep -q "(LUT)" "$work/query.txt"
run reproduce mdarts-table1 | tee "$work/table1.txt"
tail -1 "$work/table1.txt" | grep -q "mdarts-table1: 12/12 published numbers reproduced"
run fidelity > "$work/fidelity.txt"
head -3 "$work/fidelity.txt"; echo "..."; tail -1 "$work/fidelity.txt"

say ls -A "$PWD"; ls -A
say "find site-packages -newer <install> -not -path '*/__pycache__*'"
changed="$(find "$site" -newer "$work/stamp" -not -path '*/__pycache__*' | sort)"
[ -z "$(ls -A)" ] || { echo "the empty folder got files"; exit 1; }
[ -z "$changed" ] || { echo "written under site-packages:"; echo "$changed"; exit 1; }
echo "(nothing)"
say ls "\$XDG_CACHE_HOME/costmodel"; ls "$work/cache/costmodel"
echo; echo "wheel check: OK"
