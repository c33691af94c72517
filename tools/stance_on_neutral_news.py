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

`--stance-cues` reads only the statements whose cue's verb takes a side toward its
object (`dismissed`, `thanked`, … as `score::STANCE_TAKING_VERBS`), twice: framed as
"The speaker {cue} {content}." (what stancemap read before the frame was kept for
targets the object names) and as the content alone (what it reads now for targets
the object does not name, as here); the rows say which.
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
    p.add_argument("--stance-cues", action="store_true",
                   help="only statements with a stance-taking cue, framed and plain")
    target_dir = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    p.add_argument("--bin", type=Path, default=target_dir / "release" / "stancemap")
    args = p.parse_args()

    statements = pl.read_parquet(args.run / "statements.parquet").sort("statement_id")
    if args.stance_cues:
        statements = statements.filter(pl.col("cue").map_elements(takes_a_side, return_dtype=pl.Boolean))
    statements = statements.head(args.limit)
    targets = tomllib.loads(args.study.read_text(encoding="utf-8")).get("targets", [])
    if not targets:
        sys.exit(f"{args.study}: no [[targets]] to read")
    with tempfile.TemporaryDirectory() as tmp:
        rows = Path(tmp) / "rows.jsonl"
        with rows.open("w", encoding="utf-8") as f:
            for sid, content, cue in statements.select("statement_id", "content", "cue").iter_rows():
                forms = [(sid, content)]
                if args.stance_cues:
                    framed = f"The speaker {cue.strip()} {content.strip().rstrip('.,;:')}."
                    forms = [(f"{sid}|plain", content), (f"{sid}|framed", framed)]
                for id_, text in forms:
                    for t in targets:
                        f.write(json.dumps({"id": id_, "text": text, "target": t["description"]}) + "\n")
        scores = score_stance_rows(args, rows, Path(tmp) / "scores.parquet")

    target_column = "target" if "target" in scores.columns else "target_id"
    if args.stance_cues:
        scores = scores.with_columns(
            pl.format("{} ({})", pl.col(target_column), pl.col("id").str.split("|").list.last()).alias(target_column)
        )
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
    print(f"{'target':44} {'pairs':>5} {'mean':>7} {'|mean|':>7} {'favor':>6} {'against':>7} {'none':>6} {'p_none':>7}")
    for r in summary.iter_rows(named=True):
        print(f"{r[target_column]:44} {r['pairs']:>5} {r['mean_lean']:>+7.3f} {r['mean_abs_lean']:>7.3f} "
              f"{r['favor']:>6.2f} {r['against']:>7.2f} {r['none']:>6.2f} {r['mean_p_none']:>7.3f}")
    if args.stance_cues:
        lean = scores.with_columns(lean=pl.col("p_favor") - pl.col("p_against"),
                                   form=pl.col("id").str.split("|").list.last())
        for r in lean.group_by("form").agg(
            pairs=pl.len(), mean=pl.col("lean").mean(), abs=pl.col("lean").abs().mean(),
            none=(pl.col("label") == "none").mean()
        ).sort("form").iter_rows(named=True):
            print(f"{'all targets (' + r['form'] + ')':44} {r['pairs']:>5} {r['mean']:>+7.3f} {r['abs']:>7.3f} "
                  f"{'':>6} {'':>7} {r['none']:>6.2f}")
    return 0


def score_stance_rows(args, rows: Path, out: Path) -> pl.DataFrame:
    """`stancemap score --task stance` on a JSONL of `{id, text, target}` rows, with the
    tool's `--bin`, `--threads`, `--model` and `--models`; the scores as a frame."""
    cmd = [str(args.bin), "score", "-q", "--task", "stance", "-i", str(rows), "-o", str(out),
           "--threads", str(args.threads)]
    if args.model:
        cmd += ["--model", args.model]
    for registry in args.models:
        cmd += ["--models", str(registry)]
    subprocess.run(cmd, check=True)
    return pl.read_parquet(out)


# As `score::STANCE_TAKING_VERBS` and `CUE_AUXILIARIES` (src/score/stance.rs).
STANCE_TAKING_VERBS = (
    "accept accus applau approv attack back blam blast champion condemn critici decri decry defend demand denied "
    "denies denounc deny dismiss endors favo hail oppos prais propos rebuk refus reject slam support thank threaten "
    "urg welcom"
).split()
CUE_AUXILIARIES = "has have had also was were is are swiftly quickly".split()


def takes_a_side(cue) -> bool:
    verb = next((w.lower() for w in (cue or "").split() if w.lower() not in CUE_AUXILIARIES), "")
    return bool(verb) and any(verb.startswith(stem) for stem in STANCE_TAKING_VERBS)


if __name__ == "__main__":
    sys.exit(main())
