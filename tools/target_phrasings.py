#!/usr/bin/env python3
"""How the phrasing of a target that names a change moves a stance model's reading of the
hand-written change-target probes (tests/data/change_target_stance_{heldout,test}.jsonl):
each probe read against the target as written ("ending the war"), against another
phrasing of what a supporter wants ("a negotiated peace"), against the thing with the
side turned ("the war": for it counts against ending it), and the average of the first
and the last. F1avg per target and over all, as `stancemap eval` computes it.

    .venv/bin/python tools/target_phrasings.py --model models/nli-minilm \\
        tests/data/change_target_stance_heldout.jsonl tests/data/change_target_stance_test.jsonl

The pipeline's formula (src/score/stance.rs) through `transformers`: p_favor =
(P(ent | supports) + P(con | opposes)) / 2, and so on; the label is the largest of the
three. Needs `make train-setup` (transformers in .venv). The other phrasings were
written before any model read them, the held-out file's after its first figures.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

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
    p.add_argument("--model", type=Path, default=Path("models/nli-minilm"))
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.set_num_threads(args.threads)
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForSequenceClassification.from_pretrained(args.model).eval()
    index = {name.lower(): i for i, name in model.config.id2label.items()}
    ent, con = index["entailment"], index["contradiction"]

    def read(text: str, target: str, turned: bool = False) -> tuple[float, float, float]:
        batch = tokenizer([text, text], [f"The speaker supports {target}.", f"The speaker opposes {target}."],
                          return_tensors="pt", padding=True, truncation=True, max_length=256)
        with torch.no_grad():
            p = model(**batch).logits.softmax(-1)
        favor, against = float(p[0, ent] + p[1, con]) / 2, float(p[0, con] + p[1, ent]) / 2
        if turned:
            favor, against = against, favor
        return favor, against, 1.0 - favor - against

    def label(probs) -> str:
        return LABELS[max(range(3), key=lambda i: probs[i])]

    readings = ("as written", "other phrasing", "thing, side turned", "average of first and third")
    for path in args.probes:
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        results: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for row in rows:
            other, thing = PHRASINGS[row["target"]]
            written = read(row["text"], row["target"])
            turned = read(row["text"], thing, turned=True)
            average = tuple((a + b) / 2 for a, b in zip(written, turned))
            for name, probs in zip(readings, (written, read(row["text"], other), turned, average)):
                results[(row["target"], name)].append((row["label"], label(probs)))
                results[("all", name)].append((row["label"], label(probs)))
        print(f"== {path} ({len(rows)} probes), F1avg")
        print("| target | " + " | ".join(readings) + " |")
        print("|---" * (len(readings) + 1) + "|")
        for target in sorted({t for t, _ in results}, key=lambda t: (t == "all", t)):
            cells = " | ".join(f"{f1_avg(results[(target, name)]):.3f}" for name in readings)
            print(f"| {target} | {cells} |")


if __name__ == "__main__":
    main()
