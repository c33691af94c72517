#!/usr/bin/env python3
"""Actor × target cells on hand-labelled real news, averaged as `compare` averages them
(p_favor − p_against) over every statement, or over only those that name the target
(`compare --named-only`), each set against the cell's truth: the mean gold side
(favor +1, none 0, against −1) over all the actor's labelled statements on that
target, named or not, since an annotator reading the article gives the actor's
position either way.

    .venv/bin/python tools/named_cells.py [--model nli-minilm] [--models REGISTRY.toml]

Reads `tests/data/wikinews_topic_stance_named.jsonl` (statements that name their
policy) and `..._implicit.jsonl` (that do not), which carry `actor_id` and
`article_id`; scores their rows with `stancemap score --task stance` (each row read
against the hypotheses' own name for the target, as a run read it). Prints, over the
cells with at least one statement naming the target (the cells both ways can give):
Pearson r of cell means with the truth, sign agreement on cells whose truth is clear
(|truth| ≥ 0.3), and the mean |cell mean|.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parent.parent
FILES = {
    True: REPO / "tests" / "data" / "wikinews_topic_stance_named.jsonl",
    False: REPO / "tests" / "data" / "wikinews_topic_stance_implicit.jsonl",
}
SIDE = {"favor": 1.0, "against": -1.0, "none": 0.0}


def target_as_read(row: dict) -> str:
    """The target's name in the favour hypothesis ("The speaker supports the wall.")."""
    return row["favor_hypothesis"].removeprefix("The speaker supports ").removesuffix(".")


def scores(rows: list[dict], binary: Path, model: str | None, registry: Path | None) -> np.ndarray:
    with tempfile.TemporaryDirectory() as scratch:
        given = Path(scratch) / "rows.jsonl"
        out = Path(scratch) / "scores.parquet"
        with given.open("w") as f:
            for i, r in enumerate(rows):
                f.write(json.dumps({"id": str(i), "text": r["text"], "target": target_as_read(r)}) + "\n")
        cmd = [str(binary), "score", "-q", "--task", "stance", "-i", str(given), "-o", str(out)]
        if model:
            cmd += ["--model", model]
        if registry:
            cmd += ["--models", str(registry)]
        done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed: {done.stderr.strip()}")
        table = pl.read_parquet(out).sort(pl.col("id").cast(pl.Int64))
    return (table["p_favor"] - table["p_against"]).to_numpy()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", help="stance model name in the registry (default: the default)")
    p.add_argument("--models", type=Path, help="a registry adding to models/models.toml")
    target_dir = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    p.add_argument("--bin", type=Path, default=target_dir / "release" / "stancemap")
    args = p.parse_args()
    rows = []
    for named, path in FILES.items():
        with path.open() as f:
            rows += [dict(json.loads(line), named=named) for line in f if line.strip()]
    rows = [r for r in rows if r.get("actor_id")]
    frame = pl.DataFrame(
        {
            "actor": [r["actor_id"] for r in rows],
            "target": [r["target_id"] for r in rows],
            "named": [r["named"] for r in rows],
            "gold": [SIDE[r["label"]] for r in rows],
            "score": scores(rows, args.bin, args.model, args.models),
        }
    )
    cells = (
        frame.group_by("actor", "target")
        .agg(
            pl.col("gold").mean().alias("truth"),
            pl.col("score").mean().alias("every statement"),
            pl.col("score").filter(pl.col("named")).mean().alias("named only"),
            pl.col("named").sum().alias("named"),
        )
        .filter(pl.col("named") >= 1)
    )
    clear = cells.filter(pl.col("truth").abs() >= 0.3)
    print(f"{len(rows)} labelled statements with an actor; {cells.height} cells with a statement naming the target, {clear.height} with a clear truth")
    for way in ("every statement", "named only"):
        r = np.corrcoef(cells[way].to_numpy(), cells["truth"].to_numpy())[0, 1]
        agree = float(np.mean(np.sign(clear[way].to_numpy()) == np.sign(clear["truth"].to_numpy())))
        print(f"  {way:16} r with the truth {r:+.3f}   sign on clear cells {agree:.2f}   mean |cell| {cells[way].abs().mean():.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
