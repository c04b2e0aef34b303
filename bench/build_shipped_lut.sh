#!/usr/bin/env bash
# Rebuild the shipped lut_cache.db from scratch: every registered arch on the packaged DARTS spaces
# (exact lowering), plus the MDARTS paper encoding on the search net and MDARTS's first-cell shapes
# for the Timeloop targets.
# The file lives in costmodel/data/ (packaged in the wheel); the repo's top-level lut_cache.db links to it.
set -euo pipefail
cd "$(dirname "$0")/.."
db=costmodel/data/lut_cache.db
rm -f "$db" "$db-wal" "$db-shm"
for arch in $(python -c "from costmodel.arch import list_archs; print(*list_archs())"); do
  costmodel build-lut --arch "$arch" --space darts-search --space darts-eval --db "$db"
  if [ "$arch" != c64x ]; then
    costmodel build-lut --arch "$arch" --lowering mdarts --space darts-search --space mdarts-first-cell --db "$db"
  fi
done
python - "$db" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
con.execute("PRAGMA journal_mode=DELETE")   # a single self-contained file: readable from a read-only install
con.close()
PY
