#!/usr/bin/env python3
"""How a stance model reads statements that take no side: a run's statements (real
news) scored against targets they never mention (a study's targets; the sample
study's fictional ceasefire, sanctions on Kestria, … are unknown to US political news
of 2015–16). A model fit for comparing actors gives such pairs `none`, with
p_favor − p_against near zero; a target that leans one way on them shifts every
actor's mean toward that side (issue #16).

    target/release/stancemap run -q --no-scores -i ../shared/data/polnear/dev/text -o OUT
    .venv/bin/python tools/stance_on_neutral_news.py --run OUT --study datasets/sample_study.toml \
        [--model nli-minilm] [--models REGISTRY.toml] [--limit 600] [--json]

Prints per target: pairs, mean and mean absolute p_favor − p_against, the share of
labels favor / against / none and the mean p_none.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", type=Path, required=True, help="a run folder with statements.parquet")
    p.add_argument("--study", type=Path, required=True, help="a study TOML whose targets are read")
    p.add_argument("--model", default=None, help="stance model (registry name; default: the registry's)")
    p.add_argument("--models", type=Path, action="append", default=[], help="extra registry files")
    p.add_argument("--limit", type=int, default=600, help="statements read, the first of the run's order")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--json", action="store_true")
    target_dir = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    p.add_argument("--bin", type=Path, default=target_dir / "release" / "stancemap")
    args = p.parse_args()

    statements = pl.read_parquet(args.run / "statements.parquet").sort("statement_id").head(args.limit)
    targets = tomllib.loads(args.study.read_text(encoding="utf-8")).get("targets", [])
    if not targets:
        sys.exit(f"{args.study}: no [[targets]] to read")
    with tempfile.TemporaryDirectory() as tmp:
        rows = Path(tmp) / "rows.jsonl"
        with rows.open("w", encoding="utf-8") as f:
            for sid, content in statements.select("statement_id", "content").iter_rows():
                for t in targets:
                    f.write(json.dumps({"id": sid, "text": content, "target": t["description"]}) + "\n")
        out = Path(tmp) / "scores.parquet"
        cmd = [str(args.bin), "score", "-q", "--task", "stance", "-i", str(rows), "-o", str(out),
               "--threads", str(args.threads)]
        if args.model:
            cmd += ["--model", args.model]
        for registry in args.models:
            cmd += ["--models", str(registry)]
        subprocess.run(cmd, check=True)
        scores = pl.read_parquet(out)

    target_column = "target" if "target" in scores.columns else "target_id"
    summary = (
        scores.with_columns(lean=pl.col("p_favor") - pl.col("p_against"))
        .group_by(target_column)
        .agg(
            pairs=pl.len(),
            mean_lean=pl.col("lean").mean(),
            mean_abs_lean=pl.col("lean").abs().mean(),
            favor=(pl.col("label") == "favor").mean(),
            against=(pl.col("label") == "against").mean(),
            none=(pl.col("label") == "none").mean(),
            mean_p_none=pl.col("p_none").mean(),
        )
        .sort(target_column)
    )
    if args.json:
        print(json.dumps(summary.to_dicts(), indent=1))
        return 0
    print(f"{len(statements)} statements of {args.run}, model {args.model or 'default'}")
    print(f"{'target':34} {'pairs':>5} {'mean':>7} {'|mean|':>7} {'favor':>6} {'against':>7} {'none':>6} {'p_none':>7}")
    for r in summary.iter_rows(named=True):
        print(f"{r[target_column]:34} {r['pairs']:>5} {r['mean_lean']:>+7.3f} {r['mean_abs_lean']:>7.3f} "
              f"{r['favor']:>6.2f} {r['against']:>7.2f} {r['none']:>6.2f} {r['mean_p_none']:>7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
