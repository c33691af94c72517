#!/usr/bin/env python3
"""How the phrasing of a target that names a change moves a stance model's reading of the
hand-written change-target probes (tests/data/change_target_stance_{heldout,test}.jsonl):
each probe read against the target as written ("ending the war"), against another
phrasing of what a supporter wants ("a negotiated peace"), against the thing with the
side turned ("the war": for it counts against ending it), and the average of the first
and the third. F1avg per target and over all, as `stancemap eval` computes it.

    .venv/bin/python tools/target_phrasings.py [--model nli-minilm] [--models REGISTRY.toml] \\
        tests/data/change_target_stance_heldout.jsonl tests/data/change_target_stance_test.jsonl

Every reading is stancemap's own (`stancemap score --task stance`, rows `{id, text,
target}`), as a run whose study named the target so would read it. The other phrasings
were written before any model read them, the held-out file's after its first figures.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections import defaultdict
from pathlib import Path

import polars as pl

from stance_on_neutral_news import score_stance_rows

REPO = Path(__file__).resolve().parent.parent

# For each probe target: another phrasing of what its supporters want, and the thing the
# change acts on (read with the side turned).
PHRASINGS = {
    "ending the war": ("a negotiated peace", "the war"),
    "abolishing the death penalty": ("the abolition of the death penalty", "the death penalty"),
    "banning whaling": ("a ban on whaling", "whaling"),
    "stopping the pipeline": ("halting the pipeline", "the pipeline"),
    "leaving the European Union": ("Brexit", "EU membership"),
    "lifting the sanctions": ("sanctions relief", "the sanctions"),
    "phasing out nuclear power": ("a nuclear phase-out", "nuclear power"),
    "ending the lockdown": ("reopening the country", "the lockdown"),
    "abolishing the monarchy": ("a republic", "the monarchy"),
    "ending the dictatorship": ("democracy", "the dictatorship"),
    "scrapping the tariffs": ("free trade", "the tariffs"),
    "ending the occupation": ("the withdrawal of foreign troops", "the occupation"),
    "banning fox hunting": ("a ban on fox hunting", "fox hunting"),
    "closing the border": ("a closed border", "open borders"),
    "ending the curfew": ("freedom of movement at night", "the curfew"),
    "lifting the arms embargo": ("arming the rebels", "the arms embargo"),
}
LABELS = ("favor", "against", "none")


def f1_avg(pairs: list[tuple[str, str]]) -> float:
    """Mean F1 of favour and against (SemEval's F1avg)."""
    scores = []
    for label in ("favor", "against"):
        tp = sum(gold == label and pred == label for gold, pred in pairs)
        wrong = sum((gold == label) != (pred == label) for gold, pred in pairs)
        scores.append(2 * tp / (2 * tp + wrong) if tp else 0.0)
    return sum(scores) / 2


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("probes", nargs="+", type=Path)
    p.add_argument("--model", default=None, help="stance model (registry name; default: the registry's)")
    p.add_argument("--models", type=Path, action="append", default=[], help="extra registry files")
    p.add_argument("--threads", type=int, default=2)
    target_dir = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    p.add_argument("--bin", type=Path, default=target_dir / "release" / "stancemap")
    args = p.parse_args()

    readings = ("as written", "other phrasing", "thing, side turned", "average of first and third")
    for path in args.probes:
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        probs = score(args, [(r["text"], phrasing) for r in rows for phrasing in (r["target"], *PHRASINGS[r["target"]])])
        results: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for i, row in enumerate(rows):
            written, other, (favor, against, none) = probs[3 * i : 3 * i + 3]
            turned = (against, favor, none)
            average = tuple((a + b) / 2 for a, b in zip(written, turned))
            for name, reading in zip(readings, (written, other, turned, average)):
                label = LABELS[max(range(3), key=lambda k: reading[k])]
                results[(row["target"], name)].append((row["label"], label))
                results[("all", name)].append((row["label"], label))
        print(f"== {path} ({len(rows)} probes), F1avg")
        print("| target | " + " | ".join(readings) + " |")
        print("|---" * (len(readings) + 1) + "|")
        for target in sorted({t for t, _ in results}, key=lambda t: (t == "all", t)):
            cells = " | ".join(f"{f1_avg(results[(target, name)]):.3f}" for name in readings)
            print(f"| {target} | {cells} |")


def score(args, pairs: list[tuple[str, str]]) -> list[tuple[float, float, float]]:
    """(p_favor, p_against, p_none) of each (text, target) pair, in order."""
    with tempfile.TemporaryDirectory() as tmp:
        rows = Path(tmp) / "rows.jsonl"
        rows.write_text("".join(json.dumps({"id": str(i), "text": text, "target": target}) + "\n"
                                for i, (text, target) in enumerate(pairs)), encoding="utf-8")
        scores = score_stance_rows(args, rows, Path(tmp) / "scores.parquet")
        scores = scores.with_columns(pl.col("id").cast(pl.Int64)).sort("id")
    return list(zip(scores["p_favor"], scores["p_against"], scores["p_none"]))


if __name__ == "__main__":
    main()
