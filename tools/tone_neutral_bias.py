#!/usr/bin/env python3
"""Would a prior toward `neutral` help the tone model? Scores the hand-labelled PolNeAR
statements (tests/data: 120 train, 60 dev) and NewsMTSC devtest_mt with the default tone
model, then adds a bias b to the neutral log-probability and reports accuracy, macro-F1
and the neutral share of each set for a grid of b (issue #16).

  tools/tone_neutral_bias.py [--bin target/release/stancemap] [--shared ../shared]
"""
import argparse, csv, json, math, os, subprocess, tempfile

import polars as pl

CLASSES = ("negative", "neutral", "positive")
POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}


def rows_and_gold(shared):
    rows, gold = [], {}
    for line in open("tests/data/polnear_train_tone_labels.jsonl", encoding="utf-8"):
        d = json.loads(line)
        key = "train_" + d["statement_id"]
        rows.append({"id": key, "text": d["text"]})
        gold[key] = ("PolNeAR train (120)", d["label"])
    for d in csv.DictReader(open("tests/data/polnear_dev_tone_sample.tsv", encoding="utf-8"), delimiter="\t"):
        key = "dev_" + d["statement_id"]
        rows.append({"id": key, "text": d["content"]})
        gold[key] = ("PolNeAR dev (60)", d["tone"])
    path = os.path.join(shared, "data/sentiment/newsmtsc/devtest_mt.jsonl")
    for n, line in enumerate(open(path, encoding="utf-8")):
        d = json.loads(line)
        primary = [t for t in d["targets"] if t["Input.gid"] == d["primary_gid"]]
        if primary:
            key = f"mt_{n}"
            rows.append({"id": key, "text": d["sentence_normalized"]})
            gold[key] = ("NewsMTSC devtest_mt", POLARITY[primary[0]["polarity"]])
    return rows, gold


def macro_f1(pairs):
    scores = []
    for c in CLASSES:
        tp = sum(g == c and p == c for g, p in pairs)
        fp = sum(g != c and p == c for g, p in pairs)
        fn = sum(g == c and p != c for g, p in pairs)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default="target/release/stancemap")
    ap.add_argument("--shared", default="../shared")
    args = ap.parse_args()
    rows, gold = rows_and_gold(args.shared)
    with tempfile.TemporaryDirectory() as tmp:
        inputs, scored = os.path.join(tmp, "in.jsonl"), os.path.join(tmp, "out.parquet")
        with open(inputs, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r) + "\n" for r in rows)
        subprocess.run([args.bin, "score", "-q", "--task", "tone", "-i", inputs, "-o", scored], check=True)
        records = pl.read_parquet(scored).to_dicts()
    sets = list(dict.fromkeys(s for s, _ in gold.values()))
    print("bias  " + "  ".join(f"{s + ': acc / macro-F1 / neutral':>44}" for s in sets))
    for bias in (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5):
        cells = []
        for name in sets:
            pairs = []
            for r in records:
                split, label = gold[r["id"]]
                if split == name:
                    score = {c: math.log(max(r["p_" + c], 1e-9)) + (bias if c == "neutral" else 0.0) for c in CLASSES}
                    pairs.append((label, max(score, key=score.get)))
            accuracy = sum(g == p for g, p in pairs) / len(pairs)
            neutral = sum(p == "neutral" for _, p in pairs) / len(pairs)
            cells.append(f"{accuracy:.3f} / {macro_f1(pairs):.3f} / {neutral:.2f}")
        print(f"{bias:4.2f}  " + "  ".join(f"{c:>44}" for c in cells))


if __name__ == "__main__":
    main()
