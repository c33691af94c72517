#!/usr/bin/env python3
"""Extraction speed on the PolNeAR dev texts (84 articles) for each extractor, in one
command: `stancemap run --no-scores --extractor rules|learned|hybrid`, best of
`--repeat` runs, articles/s from the run's own manifest (reading and extraction,
model loading excluded) and as a ratio to the rules measured in the same command.
`learned-1` is the learned extractor with `--chunk-size 1`: each article's windows
tagged alone, as before the tagger batched windows across a chunk's articles.

    make bench            # or: .venv/bin/python bench/bench_extraction.py --threads 2
"""
import argparse
import json
import os
import pathlib
import subprocess
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
SHARED = pathlib.Path(os.environ.get("STANCEMAP_SHARED", REPO.parent / "shared")) / "data"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeat", type=int, default=2)
    args = p.parse_args()
    texts = SHARED / "polnear" / "dev" / "text"
    if not texts.exists():
        print(f"skipped: {texts} is absent")
        return
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    binary = target / "release" / "stancemap"
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        modes = {"rules": ("rules", []), "learned-1": ("learned", ["--chunk-size", "1"]),
                 "learned": ("learned", []), "hybrid": ("hybrid", [])}
        for mode, (extractor, flags) in modes.items():
            best = None
            for i in range(args.repeat):
                out = pathlib.Path(tmp) / f"{mode}-{i}"
                started = time.time()
                subprocess.run([str(binary), "run", "--quiet", "--no-scores", "--extractor", extractor, *flags,
                                "--threads", str(args.threads), "--device", "cpu",
                                "--input", str(texts), "--out", str(out)], check=True)
                wall = time.time() - started
                manifest = json.loads((out / "manifest.json").read_text())
                rate = manifest["timings"]["articles_per_second"]
                if best is None or rate > best["articles_per_second"]:
                    best = {"articles_per_second": rate, "wall_seconds": wall,
                            "articles": manifest["counts"]["articles"],
                            "statements": manifest["counts"]["statements"]}
            results[mode] = best
    base = results["rules"]["articles_per_second"]
    print(f"extraction on PolNeAR dev, {args.threads} threads, best of {args.repeat}:")
    for mode, r in results.items():
        print(f"  {mode:9s} {r['articles_per_second']:9.2f} articles/s  ({r['articles_per_second'] / base:.4f} × rules)"
              f"  {r['statements']} statements, {r['wall_seconds']:.1f} s wall with model loading")
    one = results["learned-1"]["articles_per_second"]
    print(f"  tagger windows batched across a chunk: learned {results['learned']['articles_per_second'] / one:.2f} ×"
          f" learned-1")
    print(json.dumps({"threads": args.threads, "results": results}))


if __name__ == "__main__":
    main()
