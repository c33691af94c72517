#!/usr/bin/env python3
"""Start-up cost of a run that needs no model: `stancemap run --no-models` on one
small article (the first line of datasets/sample_corpus.jsonl), wall time and peak
RSS, median of `--repeat` fresh processes. Baselines in the same command: the binary
doing nothing (`stancemap --version`: loading it and its shared libraries) and, for
scale, the same run with the default hybrid extractor (the attribution tagger loads).

    make bench            # or: .venv/bin/python bench/bench_startup.py
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
BARS = {"wall_seconds": 0.5, "peak_rss_mb": 100.0}


def measure(command, repeat):
    """Median wall seconds and median peak RSS (MB) of `command` over fresh processes."""
    walls, rss = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        walls.append(time.perf_counter() - started)
        err = child.stderr.read().decode(errors="replace")
        child.stderr.close()
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{err}")
        rss.append(usage.ru_maxrss / 1024)  # KiB on Linux
    return {"wall_seconds": statistics.median(walls), "peak_rss_mb": statistics.median(rss)}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    binary = str(target / "release" / "stancemap")
    with tempfile.TemporaryDirectory() as tmp:
        article = pathlib.Path(tmp) / "one.jsonl"
        first = (REPO / "datasets" / "sample_corpus.jsonl").read_text().splitlines()[0]
        article.write_text(first + "\n")
        run = [binary, "run", "--quiet", "--overwrite", "--threads", "2", "--input", str(article)]
        results = {
            "version": measure([binary, "--version"], args.repeat),
            "no_models": measure(run + ["--no-models", "--out", f"{tmp}/no-models"], args.repeat),
            "hybrid_no_scores": measure(run + ["--no-scores", "--device", "cpu", "--out", f"{tmp}/hybrid"],
                                        max(1, args.repeat // 2)),
        }
    base = results["version"]
    print(f"start-up, one article, median of {args.repeat} processes:")
    for name, r in results.items():
        print(f"  {name:17s} {r['wall_seconds']:6.3f} s ({r['wall_seconds'] / base['wall_seconds']:5.2f} × --version)"
              f"  {r['peak_rss_mb']:7.1f} MB peak RSS ({r['peak_rss_mb'] / base['peak_rss_mb']:5.2f} × --version)")
    nm = results["no_models"]
    print(f"  run --no-models against the bars: {nm['wall_seconds'] / BARS['wall_seconds']:.2f} × 0.5 s, "
          f"{nm['peak_rss_mb'] / BARS['peak_rss_mb']:.2f} × 100 MB")
    print(json.dumps({"bars": BARS, "results": results}))


if __name__ == "__main__":
    main()
