#!/usr/bin/env bash
# Rebuild the shipped lut_cache.db from scratch: every registered arch on the packaged DARTS spaces
# (exact lowering), plus the MDARTS paper encoding on the search net and MDARTS's first-cell shapes
# for the Timeloop targets.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f lut_cache.db lut_cache.db-wal lut_cache.db-shm
for arch in $(costmodel archs | awk '{print $1}'); do
  costmodel build-lut --arch "$arch" --space darts-search --space darts-eval --db lut_cache.db
  if [ "$arch" != c64x ]; then
    costmodel build-lut --arch "$arch" --lowering mdarts --space darts-search --space mdarts-first-cell --db lut_cache.db
  fi
done
python - <<'PY'
import sqlite3
sqlite3.connect("lut_cache.db").execute("PRAGMA wal_checkpoint(TRUNCATE)")
PY
