#!/usr/bin/env python3
"""What `compare` would show on the sample corpus if every statement were read as the
corpus was written: each statement's stance toward each target is replaced by the
position `datasets/sample_stances.csv` gives its actor in that article (p = 1 for it),
where the row's evidence lies in the statement's sentence, and by `none` (p_none = 1)
everywhere else. It answers whether a compare cell or difference could separate at all
with this many statements and articles, whatever the model (issue #16: "the demo
compare shows intervals that separate Ilves from Sand on the ceasefire").

    target/release/stancemap run -q -i datasets/sample_corpus.jsonl --study datasets/sample_study.toml -o RUN
    .venv/bin/python tools/sample_truth_oracle.py --run RUN [--target ceasefire] [--diff ilves sand] [--json]

Writes a copy of RUN with the written stances as its stance table (`--out`, else a
temporary folder) and runs `stancemap compare` on it with the arguments given; the
model's own compare is printed beside it for the same cells. Nothing is re-extracted:
the statements, speakers and article clusters are the run's.

`--named-only` keeps a written position only where the statement's words name the
target (its description or an alias in `--study`, as `stancemap` reads a name) and
reads every other statement as `none`: what a perfect reader of explicit stance alone
would show.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import re
import tomllib

import polars as pl

REPO = Path(__file__).resolve().parent.parent


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, no double quotes (the evidence is written without
    the quotation marks the article puts around part of it), single spaces."""
    for curly, plain in (("\u201c", ""), ("\u201d", ""), ('"', ""), ("\u2018", "'"), ("\u2019", "'")):
        text = text.replace(curly, plain)
    return " ".join(text.lower().split())


def written_positions(path: Path) -> dict[tuple[str, str, str], list[tuple[str, str]]]:
    """(article, actor, target) -> [(stance, evidence)] from the sample truth table."""
    positions: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            key = (row["article_id"], row["actor_id"], row["target_id"])
            positions.setdefault(key, []).append((row["stance"], normalise(row["evidence"])))
    return positions


def target_names(study: Path) -> dict[str, list[str]]:
    """Target id -> its description and aliases, lower-cased, without a leading article."""
    with study.open("rb") as f:
        targets = tomllib.load(f).get("targets", [])
    return {
        t["id"]: [re.sub(r"^(a|an|the) ", "", n.strip().lower()) for n in [t["description"], *t.get("aliases", [])]]
        for t in targets
    }


def names_target(content: str, names: list[str]) -> bool:
    lower = content.lower()
    return any(re.search(r"\b" + re.escape(n) + r"\b", lower) for n in names if n)


def oracle_stance(run: Path, truth: Path, named_only: dict[str, list[str]] | None = None) -> pl.DataFrame:
    positions = written_positions(truth)
    statements = pl.read_parquet(run / "statements.parquet").select(
        "statement_id", "article_id", "actor_id", "sentence_start", "sentence_end", "content"
    )
    articles = pl.read_parquet(run / "articles.parquet").select("article_id", "text")
    texts = dict(zip(articles["article_id"], articles["text"]))
    stance = pl.read_parquet(run / "stance.parquet")
    rows = stance.join(statements, on="statement_id", how="left")
    favor, against, none, labels = [], [], [], []
    for r in rows.iter_rows(named=True):
        text = texts.get(r["article_id"]) or ""
        sentence = normalise(text[r["sentence_start"] : r["sentence_end"]] + " " + (r["content"] or ""))
        label = "none"
        for stance_written, evidence in positions.get((r["article_id"], r["actor_id"], r["target_id"]), []):
            if evidence in sentence:
                label = stance_written
        if named_only is not None and not names_target(r["content"] or "", named_only.get(r["target_id"], [])):
            label = "none"
        labels.append(label)
        favor.append(1.0 if label == "favor" else 0.0)
        against.append(1.0 if label == "against" else 0.0)
        none.append(1.0 if label == "none" else 0.0)
    return stance.with_columns(
        pl.Series("label", labels),
        pl.Series("p_favor", favor, dtype=pl.Float32),
        pl.Series("p_against", against, dtype=pl.Float32),
        pl.Series("p_none", none, dtype=pl.Float32),
        pl.lit("written-truth").alias("model"),
    )


def compare(binary: Path, run: Path, args: list[str]) -> str:
    out = subprocess.run(
        [str(binary), "compare", "--run", str(run), *args], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        sys.exit(f"stancemap compare --run {run} failed: {out.stderr.strip()}")
    return out.stdout


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", type=Path, required=True, help="a scored run of datasets/sample_corpus.jsonl")
    p.add_argument("--truth", type=Path, default=REPO / "datasets" / "sample_stances.csv")
    p.add_argument("--target", help="compare --target")
    p.add_argument("--diff", nargs=2, metavar=("A", "B"), help="compare --diff A B")
    p.add_argument("--out", type=Path, help="where the run with the written stances goes (default: temporary)")
    p.add_argument("--json", action="store_true", help="compare --format json, both runs in one object")
    p.add_argument("--named-only", action="store_true", help="written positions only where the statement names the target")
    p.add_argument("--study", type=Path, default=REPO / "datasets" / "sample_study.toml", help="targets' names for --named-only")
    target_dir = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    p.add_argument("--bin", type=Path, default=target_dir / "release" / "stancemap")
    args = p.parse_args()
    if not (args.run / "stance.parquet").exists():
        sys.exit(f"{args.run / 'stance.parquet'} is missing: run stancemap run with a study and scores first")
    compare_args = []
    if args.target:
        compare_args += ["--target", args.target]
    if args.diff:
        compare_args += ["--diff", *args.diff]
    if args.json:
        compare_args += ["--format", "json"]
    with tempfile.TemporaryDirectory() as scratch:
        oracle_run = args.out or Path(scratch) / "written-truth"
        if oracle_run.exists():
            shutil.rmtree(oracle_run)
        shutil.copytree(args.run, oracle_run, ignore=shutil.ignore_patterns("compare", "report*"))
        names = target_names(args.study) if args.named_only else None
        oracle_stance(args.run, args.truth, names).write_parquet(oracle_run / "stance.parquet", compression="zstd")
        model, written = compare(args.bin, args.run, compare_args), compare(args.bin, oracle_run, compare_args)
    if args.json:
        print(json.dumps({"model": json.loads(model), "written_truth": json.loads(written)}, indent=1))
    else:
        print("== the model's readings\n" + model)
        print("== every statement read as the corpus was written (datasets/sample_stances.csv)\n" + written)
    return 0


if __name__ == "__main__":
    sys.exit(main())
