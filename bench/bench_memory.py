#!/usr/bin/env python3
"""Peak memory against corpus size, in one command: the same articles repeated 5 and
25 times under new ids (a JSONL corpus each), one `stancemap run` per size, peak RSS of
the process (os.wait4) and the 25×/5× ratio. A run whose memory does not grow with the
corpus has a ratio near 1; issue #14 asks for ≤ 1.3.

* `--models none`: PolNeAR train (840 articles, ../shared) with `--no-models`:
  4,200 and 21,000 articles, the rules only.
* `--models default`: the sample corpus (25 articles, datasets/) with the default
  extractor and scorers and the sample study (so stance is scored too): 125 and 625
  articles (about a minute on 2 cores). `make bench` passes `--chunk-size 25`, so that
  the two runs are 5 and 25 chunks, not one each; libtorch and the models (about
  600 MB) are most of the memory either way. PolNeAR train with the models would take
  hours here (it runs at about 2 articles/s).

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


def base_articles(corpus):
    """(id, text) of the base corpus, or None when it is absent."""
    if corpus == "polnear":
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
    p.add_argument("--corpus", choices=("polnear", "sample"),
                   help="base corpus (default: polnear without models, sample with)")
    p.add_argument("--times", default="5,25", help="the two sizes, as multiples of the base corpus")
    p.add_argument("--chunk-size", type=int, help="stancemap's --chunk-size (default: its own, 1,000)")
    args = p.parse_args()
    times = tuple(int(t) for t in args.times.split(","))
    articles = base_articles(args.corpus or ("polnear" if args.models == "none" else "sample"))
    if articles is None:
        print(f"skipped: {SHARED / 'polnear'} is absent")
        return
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    binary = str(target / "release" / "stancemap")
    flags = (["--no-models"] if args.models == "none"
             else ["--device", "cpu", "--study", str(REPO / "datasets" / "sample_study.toml")])
    if args.chunk_size:
        flags += ["--chunk-size", str(args.chunk_size)]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in times:
            corpus = pathlib.Path(tmp) / f"corpus-{size}x.jsonl"
            write_corpus(corpus, articles, size)
            out = pathlib.Path(tmp) / f"out-{size}x"
            r = measure([binary, "run", "--quiet", "--threads", str(args.threads), *flags,
                         "--input", str(corpus), "--out", str(out)], repeat=1)
            r["articles"] = len(articles) * size
            results[f"{size}x"] = r
            corpus.unlink()
    small, large = (results[f"{t}x"] for t in times)
    ratio = large["peak_rss_mb"] / small["peak_rss_mb"]
    chunking = f"--chunk-size {args.chunk_size}" if args.chunk_size else "default chunks"
    print(f"peak memory against corpus size, models: {args.models}, {args.threads} threads, {chunking}:")
    for name, r in results.items():
        print(f"  {name:4s} {r['articles']:7d} articles  {r['wall_seconds']:7.1f} s  {r['peak_rss_mb']:8.1f} MB peak RSS")
    print(f"  {times[1]}×/{times[0]}× peak RSS ratio: {ratio:.2f} (issue #14 asks for ≤ 1.3)")
    print(json.dumps({"models": args.models, "chunk_size": args.chunk_size, "results": results, "ratio": ratio}))


if __name__ == "__main__":
    main()
