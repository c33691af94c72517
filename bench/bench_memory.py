#!/usr/bin/env python3
"""Peak memory against corpus size, in one command: the same articles repeated 5 and
25 times under new ids (a JSONL corpus each), one `stancemap run` per size, peak RSS of
the process (os.wait4) and the 25×/5× ratio. A run whose memory does not grow with the
corpus has a ratio near 1; issue #14 asks for ≤ 1.3.

* `--models none`: PolNeAR train (840 articles, ../shared) with `--no-models`:
  4,200 and 21,000 articles, the rules only.
* `--models default`: the sample corpus (25 articles, datasets/) with the default
  extractor and scorers: 125 and 625 articles (half a minute on 2 cores). At these
  sizes libtorch and the models (about 600 MB) dominate, so the ratio stays near 1
  whatever the driver holds; it only says something about growth from tens of
  thousands of articles on, which takes hours here.

    make bench            # or: .venv/bin/python bench/bench_memory.py --models none
"""
import argparse
import json
import os
import pathlib
import tempfile

from bench_startup import measure

REPO = pathlib.Path(__file__).resolve().parent.parent
SHARED = pathlib.Path(os.environ.get("STANCEMAP_SHARED", REPO.parent / "shared")) / "data"
TIMES = (5, 25)


def base_articles(models):
    """(id, text) of the base corpus, or None when it is absent."""
    if models == "none":
        folder = SHARED / "polnear" / "train" / "text"
        if not folder.exists():
            return None
        return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))]
    rows = [json.loads(line) for line in (REPO / "datasets" / "sample_corpus.jsonl").read_text().splitlines() if line]
    return [(r["id"], r["text"]) for r in rows]


def write_corpus(path, articles, times):
    with open(path, "w", encoding="utf-8") as out:
        for copy in range(times):
            for article_id, text in articles:
                out.write(json.dumps({"id": f"{article_id}~{copy}", "text": text}) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--models", choices=("none", "default"), default="none")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    articles = base_articles(args.models)
    if articles is None:
        print(f"skipped: {SHARED / 'polnear'} is absent")
        return
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    binary = str(target / "release" / "stancemap")
    flags = ["--no-models"] if args.models == "none" else ["--device", "cpu"]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for times in TIMES:
            corpus = pathlib.Path(tmp) / f"corpus-{times}x.jsonl"
            write_corpus(corpus, articles, times)
            out = pathlib.Path(tmp) / f"out-{times}x"
            r = measure([binary, "run", "--quiet", "--threads", str(args.threads), *flags,
                         "--input", str(corpus), "--out", str(out)], repeat=1)
            r["articles"] = len(articles) * times
            results[f"{times}x"] = r
            corpus.unlink()
    small, large = (results[f"{t}x"] for t in TIMES)
    ratio = large["peak_rss_mb"] / small["peak_rss_mb"]
    print(f"peak memory against corpus size, models: {args.models}, {args.threads} threads:")
    for name, r in results.items():
        print(f"  {name:4s} {r['articles']:7d} articles  {r['wall_seconds']:7.1f} s  {r['peak_rss_mb']:8.1f} MB peak RSS")
    print(f"  {TIMES[1]}×/{TIMES[0]}× peak RSS ratio: {ratio:.2f} (issue #14 asks for ≤ 1.3)")
    print(json.dumps({"models": args.models, "results": results, "ratio": ratio}))


if __name__ == "__main__":
    main()
