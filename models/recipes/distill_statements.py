"""Unlabelled news statements for `nli_minilm.py --distill`: what the extractor finds in
Wikinews 2019 and PolNeAR train articles, each paired with a thing it names (or, for a
share, a thing it does not), so that a training pass can keep the starting model's
readings on real reported speech while it learns something else.

Articles behind any hand-labelled check in tests/data (the Wikinews policy sets, the
PolNeAR stance and tone label files) are left out: those stay checks.

    .venv/bin/python models/recipes/distill_statements.py --bin target/release/stancemap \
        --out out/train/distill_statements.jsonl

Rows: {"text", "target", "mentioned"}; `text` is what a run reads (the label file's text).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from common import REPO, read_jsonl, require_shared

CHECK_FILES = ("wikinews_topic_stance_named.jsonl", "wikinews_topic_stance_implicit.jsonl",
               "polnear_heldout_stance_labels.jsonl", "polnear_train_stance_labels.jsonl",
               "polnear_train_tone_labels.jsonl", "polnear_train_tone_labels_300.jsonl")

# Words that end a noun phrase or are no thing to take a side on.
STOP = set("""a an the of to in on for with by at from as and or but that this these those is was were be been being
are has have had do does did not no it its he she they we you i his her their our your them him us me who which what
when where why how than then there here so such very more most much many some any all each every other another same
own about into over after before under between through during without within against among up down out off again
further once also just only even still yet now one two three first last new old said says say told tell would could
should will can may might must year years time day days week people way part""".split())
DETERMINED = re.compile(r"\b(?:the|a|an|his|her|their|its|our)\s+((?:[A-Za-z][A-Za-z\-']+\s+){0,2}[A-Za-z][A-Za-z\-']+)")
NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})")
WORDS = re.compile(r"[a-z]+")
PLACEHOLDER_STUDY = """name = "distillation statements"
[[targets]]
id = "placeholder"
description = "a placeholder target"
"""


def things(text: str) -> list[str]:
    """Noun phrases after a determiner, cut at the first function word ("the wall along
    the border" gives "the wall"), and capitalised names not opening a sentence."""
    out = set()
    for m in DETERMINED.finditer(text):
        kept = []
        for word in m.group(1).split():
            if word.lower() in STOP:
                break
            kept.append(word)
        if kept and len(kept[-1]) > 3:
            out.add("the " + " ".join(kept))
    for m in NAME.finditer(text):
        if m.group(1).lower() not in STOP and len(m.group(1)) > 3:
            out.add(m.group(1))
    return sorted(out)


def checked_articles() -> set[str]:
    return {r["article_id"] for name in CHECK_FILES for r in read_jsonl(REPO / "tests" / "data" / name)}


def is_checked(article_id: str, checked: set[str]) -> bool:
    # Wikinews ids in the check files are the address cut at 60 characters.
    return any(article_id.startswith(c) or c.startswith(article_id[:60]) for c in checked)


def write_corpora(folder: Path, polnear_articles: int, rng: random.Random) -> list[Path]:
    checked = checked_articles()
    wikinews = folder / "wikinews.jsonl"
    kept = 0
    with open(require_shared("news", "wikinews_2019.csv"), encoding="utf-8", newline="") as f, \
            open(wikinews, "w", encoding="utf-8") as out:
        for row in csv.DictReader(f):
            article_id = row["url"].split("/wiki/")[-1]
            if is_checked(article_id, checked):
                continue
            out.write(json.dumps({"id": article_id[:60], "date": row["date"], "title": row["title"],
                                  "text": row["text"]}) + "\n")
            kept += 1
    polnear = folder / "polnear"
    polnear.mkdir()
    files = sorted(p for p in require_shared("polnear", "train", "text").glob("*.txt") if p.stem not in checked)
    for path in rng.sample(files, min(polnear_articles, len(files))):
        (polnear / path.name).symlink_to(path.resolve())
    print(f"{kept} Wikinews articles, {min(polnear_articles, len(files))} PolNeAR train articles", file=sys.stderr)
    return [wikinews, polnear]


def statements(binary: Path, corpus: Path, folder: Path) -> list[str]:
    """The texts a run reads for every statement with a speaker, through `stancemap label`."""
    study = folder / "study.toml"
    study.write_text(PLACEHOLDER_STUDY)
    run = folder / f"run-{corpus.stem}"
    labels = folder / f"labels-{corpus.stem}.jsonl"
    subprocess.run([str(binary), "run", "-q", "--input", str(corpus), "--study", str(study), "--out", str(run)],
                   check=True)
    subprocess.run([str(binary), "label", "--run", str(run), "--task", "stance", "--per-cell", "1000000",
                    "--out", str(labels)], check=True, stdout=subprocess.DEVNULL)
    return [r["text"].strip() for r in read_jsonl(labels)]


def pair_with_things(texts: list[str], mentioned_share: float, rng: random.Random) -> list[dict]:
    rows = [(t, things(t)) for t in texts if len(t.split()) >= 3]
    pool = sorted({c for _, cs in rows for c in cs})
    out = []
    for text, named in rows:
        if named and rng.random() < mentioned_share:
            out.append({"text": text, "target": rng.choice(named), "mentioned": True})
            continue
        words = set(WORDS.findall(text.lower()))
        other = rng.choice(pool)
        for _ in range(20):
            if not set(WORDS.findall(other.lower())) & words:
                break
            other = rng.choice(pool)
        out.append({"text": text, "target": other, "mentioned": False})
    rng.shuffle(out)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", type=Path, default=REPO / "target" / "release" / "stancemap")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--polnear-articles", type=int, default=200)
    p.add_argument("--mentioned-share", type=float, default=0.75,
                   help="share of statements paired with a thing they name (the rest: a thing they do not)")
    p.add_argument("--seed", type=int, default=23)
    args = p.parse_args()
    if not args.bin.exists():
        sys.exit(f"{args.bin} not found: build it first (make build)")
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        texts = [t for corpus in write_corpora(folder, args.polnear_articles, rng)
                 for t in statements(args.bin, corpus, folder)]
    rows = pair_with_things(texts, args.mentioned_share, rng)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    print(f"{len(rows)} statements ({sum(r['mentioned'] for r in rows)} paired with a thing they name) to {args.out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
