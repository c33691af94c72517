"""Evaluates the shipped default models with `stancemap eval` on every check of the
model cards and prints a Markdown table (also written to out/eval/summary.json).

    .venv/bin/python models/recipes/eval_defaults.py [--bin target/release/stancemap]   # or: make eval-defaults

`--stance-model NAME` runs the NLI and stance checks of another registered stance
model instead (an opt-in one, or a candidate named by `--models FILE`):

    .venv/bin/python models/recipes/eval_defaults.py --stance-model nli-mpnet

`--tone-model NAME` does the same for the tone checks:

    .venv/bin/python models/recipes/eval_defaults.py --tone-model tone-mpnet

`--int8-check` runs every check at `--precision fp32` and at `--precision int8` and
prints each figure's change: a model may declare `precision = "int8"` in
models/models.toml only where every figure of its task moves by at most 0.005.

The NLI held-out split is rebuilt from the recipe's seed (never trained on).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import REPO, SHARED  # noqa: E402
from nli_minilm import snli_splits  # noqa: E402

OUT = REPO / "out" / "eval"


def checks():
    """(name, task, format, data, extra args, the figure the card promises, threshold)."""
    heldout = OUT / "snli_dev_heldout.jsonl"
    return [
        ("SST-2 heldout (binary)", "tone", "sst2", SHARED / "sentiment/sst2/heldout.tsv", [], "accuracy", 0.86),
        ("NewsMTSC devtest_mt (3-way)", "tone", "newsmtsc", SHARED / "sentiment/newsmtsc/devtest_mt.jsonl", [],
         "macro_f1", 0.60),
        ("VADER tweets (graded)", "tone", "vader", SHARED / "sentiment/vader/tweets_GroundTruth.txt", [],
         "pearson_r", None),
        ("VADER Amazon review snippets (graded)", "tone", "vader",
         SHARED / "sentiment/vader/amazonReviewSnippets_GroundTruth.txt", [], "pearson_r", None),
        ("PolNeAR train statements, by hand (3-way)", "tone", "labels",
         REPO / "tests/data/polnear_train_tone_labels.jsonl", [], "macro_f1", None),
        ("Negation and hedges in the speaker's words, 40 probes (3-way)", "tone", "labels",
         REPO / "tests/data/tone_negation_probes.jsonl", [], "accuracy", None),
        ("NLI: SNLI dev held-out part", "nli", "nli-jsonl", heldout, [], "accuracy", 0.70),
        ("NLI: MNLI sample dev", "nli", "nli-jsonl", SHARED / "nli/mnli_sample_dev.jsonl", [], "accuracy", None),
        ("NLI: ANLI test (adversarial)", "nli", "nli-jsonl", SHARED / "nli/anli_test.jsonl", [], "accuracy", None),
        ("SemEval-2016 train tweets (zero-shot)", "stance", "semeval",
         SHARED / "stance/semeval2016-task6-trainingdata.txt", [], "f1_avg", 0.45),
        ("ArgQ dev (unseen topics)", "stance", "argq", SHARED / "stance/ibm_argq/argq30k_train_dev.csv",
         ["--split", "dev"], "macro_f1", 0.75),
        ("PolNeAR statements naming a candidate, by hand (held out)", "stance", "labels",
         REPO / "tests/data/polnear_heldout_stance_labels.jsonl", [], "macro_f1", None),
        ("Wikinews statements naming a policy, by hand", "stance", "labels",
         REPO / "tests/data/wikinews_topic_stance_named.jsonl", [], "f1_avg", None),
        ("Wikinews statements on a policy they do not name, by hand", "stance", "labels",
         REPO / "tests/data/wikinews_topic_stance_implicit.jsonl", [], "f1_avg", None),
        ("Targets that name a change (ending the war, banning whaling), 70 probes", "stance", "labels",
         REPO / "tests/data/change_target_stance_heldout.jsonl", [], "f1_avg", None),
        ("Targets that name a change, 44 test probes on other targets", "stance", "labels",
         REPO / "tests/data/change_target_stance_test.jsonl", [], "f1_avg", None),
        ("Sides taken without saying so (conditions, preconditions, images), 72 probes", "stance", "labels",
         REPO / "tests/data/implicit_stance_heldout.jsonl", [], "f1_avg", None),
    ]


def figure(report: dict, name: str):
    if name in ("accuracy", "macro_f1"):
        return report["classification"][name]
    return report.get(name)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    p.add_argument("--bin", type=Path, default=target / "release" / "stancemap")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--int8-check", action="store_true",
                   help="every check at fp32 and at int8, with the change of each figure")
    p.add_argument("--stance-model", help="only the NLI and stance checks, of this registered stance model")
    p.add_argument("--tone-model", help="only the tone checks, of this registered tone model")
    p.add_argument("--models", action="append", default=[], type=Path,
                   help="registry files adding models (stancemap's --models); repeatable")
    args = p.parse_args()
    if args.stance_model and args.tone_model:
        p.error("name one of --stance-model and --tone-model: each runs only its own task's checks")
    OUT.mkdir(parents=True, exist_ok=True)
    heldout, _, _ = snli_splits(13)
    with open(OUT / "snli_dev_heldout.jsonl", "w", encoding="utf-8") as f:
        for r in heldout:
            f.write(json.dumps(r) + "\n")

    if args.int8_check:
        return int8_check(args)
    rows = run_checks(args, [])
    chosen = args.stance_model or args.tone_model
    summary = f"summary-{chosen}.json" if chosen else "summary.json"
    (OUT / summary).write_text(json.dumps(rows, indent=2))
    print("| check | model | n | figure | value | bar | score r |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        bar = f"≥ {r['threshold']:.2f} {'met' if r['value'] >= r['threshold'] else 'MISSED'}" if r["threshold"] else "—"
        score_r = "—" if r["score_r"] is None else f"{r['score_r']:.3f}"
        print(f"| {r['check']} | {r['model']} | {r['items']} | {r['figure']} | {r['value']:.4f} | {bar} | {score_r} |")
    if any(r["threshold"] and r["value"] < r["threshold"] for r in rows):
        sys.exit(1)


def int8_check(args):
    """Each figure at fp32 and int8 (ONNX Runtime both), and the largest change per task."""
    results = {precision: run_checks(args, ["--engine", "onnx", "--precision", precision])
               for precision in ("fp32", "int8")}
    (OUT / "int8_check.json").write_text(json.dumps(results, indent=2))
    print("| check | figure | fp32 | int8 | change | seconds fp32 → int8 |")
    print("|---|---|---|---|---|---|")
    worst = {}
    for a, b in zip(results["fp32"], results["int8"]):
        for key in ("accuracy", "macro_f1", "f1_avg", "pearson_r"):
            if a[key] is not None:
                task = a["task"]
                worst[task] = max(worst.get(task, 0.0), abs(b[key] - a[key]))
        print(f"| {a['check']} | {a['figure']} | {a['value']:.4f} | {b['value']:.4f} | {b['value'] - a['value']:+.4f} |"
              f" {a['seconds']} → {b['seconds']} |")
    for task, change in worst.items():
        print(f"{task}: largest change of any figure {change:.4f} ({'within' if change <= 0.005 else 'OVER'} 0.005)")


def run_checks(args, flags):
    rows = []
    tasks = ("nli", "stance") if args.stance_model else ("tone",) if args.tone_model else ("tone", "nli", "stance")
    chosen = [c for c in checks() if c[1] in tasks]
    model_flags = [flag for registry in args.models for flag in ("--models", str(registry))]
    named = args.stance_model or args.tone_model
    if named:
        model_flags += ["--model", named]
    for name, task, fmt, data, extra, key, threshold in chosen:
        cmd = [str(args.bin), "eval", "--json", "--quiet", "--threads", str(args.threads), "--task", task,
               "--format", fmt, "--data", str(data), *extra, *model_flags, *flags]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed:\n{done.stderr}")
        report = json.loads(done.stdout)
        value = figure(report, key)
        rows.append({"check": name, "task": task, "model": report["model"], "items": report["items"], "figure": key,
                     "value": value, "threshold": threshold,
                     "accuracy": report["classification"]["accuracy"],
                     "macro_f1": report["classification"]["macro_f1"],
                     "f1_avg": report.get("f1_avg"), "pearson_r": report.get("pearson_r"),
                     # Stance: how p_favor - p_against, what `compare` averages, follows the gold side.
                     "score_r": (report.get("signed_score") or {}).get("pearson_r"),
                     "seconds": round(report["seconds"], 1),
                     "command": " ".join(["stancemap", *cmd[1:]]).replace(str(SHARED), "../shared/data")})
        tag = "".join(f"-{part}" for part in [named, *flags[-1:]] if part)
        (OUT / f"{task}-{fmt}-{Path(data).stem}{tag}.json").write_text(json.dumps(report, indent=2))
        print(f"{name}: {key} {value:.4f}" if value is not None else f"{name}: {key} n/a", file=sys.stderr)
    return rows


if __name__ == "__main__":
    main()
