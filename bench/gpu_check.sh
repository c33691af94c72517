#!/usr/bin/env bash
# GPU check (issue #15): builds stancemap against the venv's CUDA-enabled torch (the
# PyPI torch==2.4.0 wheel for Linux is the CUDA 12.1 build), then runs the default
# models (hybrid extractor, tone, stance on the sample study's targets) over the same
# corpus on the CPU (libtorch fp32, so both sides run the same network code) and on
# CUDA (libtorch fp32, batches of 128 statements / 64 windows), and reports
# articles/s of each and the largest probability difference between the two tables,
# which must stay within 1e-4.
#
#   bench/gpu_check.sh [CORPUS]      # default: PolNeAR dev texts, else the sample corpus
#
# Needs a machine with an NVIDIA GPU and its driver; `make test` never runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory build >/dev/null
BIN="${CARGO_TARGET_DIR:-$PWD/target}/release/stancemap"
SHARED="${STANCEMAP_SHARED:-$PWD/../shared}"
CORPUS="${1:-}"
if [ -z "$CORPUS" ]; then
  if [ -d "$SHARED/data/polnear/dev/text" ]; then CORPUS="$SHARED/data/polnear/dev/text"; else CORPUS=datasets/sample_corpus.jsonl; fi
fi
OUT="$(mktemp -d /tmp/stancemap-gpu.XXXXXX)"
trap 'rm -rf "$OUT"' EXIT

common=(run --quiet --overwrite --input "$CORPUS" --study datasets/sample_study.toml --engine torch --precision fp32)
"$BIN" "${common[@]}" --device cpu --out "$OUT/cpu"
if ! "$BIN" "${common[@]}" --device cuda --out "$OUT/cuda"; then
  echo "gpu_check: --device cuda failed (above): no GPU that libtorch can use here" >&2
  exit 1
fi

.venv/bin/python - "$OUT" <<'EOF'
import json, pathlib, sys
import polars as pl

out = pathlib.Path(sys.argv[1])
rate = {d: json.loads((out / d / "manifest.json").read_text())["timings"]["articles_per_second"] for d in ("cpu", "cuda")}
devices = json.loads((out / "cuda" / "manifest.json").read_text())["runtime"]
worst, report = 0.0, []
statements = {d: pl.read_parquet(out / d / "statements.parquet") for d in ("cpu", "cuda")}
same_statements = statements["cpu"].select("statement_id").equals(statements["cuda"].select("statement_id"))
for table, keys, columns in (("tone", ["statement_id"], ["p_negative", "p_neutral", "p_positive"]),
                             ("stance", ["statement_id", "target_id"], ["p_favor", "p_against", "p_none"])):
    cpu = pl.read_parquet(out / "cpu" / f"{table}.parquet")
    cuda = pl.read_parquet(out / "cuda" / f"{table}.parquet")
    joined = cpu.join(cuda, on=keys, suffix="_cuda")
    diff = max(float((joined[c] - joined[f"{c}_cuda"]).abs().max() or 0.0) for c in columns)
    worst = max(worst, diff)
    report.append(f"{table}: {joined.height} of {cpu.height} rows matched, max |cpu - cuda| {diff:.2e}")
print(f"GPU check on {devices}:")
print(f"  articles/s: cpu {rate['cpu']:.2f}, cuda {rate['cuda']:.2f} ({rate['cuda'] / rate['cpu']:.1f} ×)")
print(f"  statements identical on both devices: {same_statements}")
for line in report:
    print("  " + line)
print(f"  largest difference {worst:.2e} ({'within' if worst <= 1e-4 else 'OVER'} 1e-4)")
sys.exit(0 if worst <= 1e-4 and same_statements else 1)
EOF
