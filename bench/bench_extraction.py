#!/usr/bin/env python3
"""Extraction speed on the PolNeAR dev texts (84 articles) for each extractor, in one
command: `stancemap run --no-scores --extractor rules|learned|hybrid`, best of
`--repeat` runs, articles/s from the run's own manifest (reading and extraction,
model loading excluded) and as a ratio to the rules measured in the same command.
`learned-1` is the learned extractor with `--chunk-size 1`: each article's windows
tagged alone, as before the tagger batched windows across a chunk's articles;
`learned-int8` and `hybrid-int8` run the tagger's int8 graph (`--precision int8`,
feed-forward layers in int8; not the default, see its card) instead of its fp32 one,
`learned-torch` and `hybrid-torch`
run it on libtorch (`--engine torch`, fp32) instead of ONNX Runtime. The learned
rows also give their share of the matmul ceiling measured here at their precision
(bench_scoring.py's `ceilings`).

The baseline is a plain Python loop calling Hugging Face
`AutoModelForTokenClassification` (PyTorch, fp32) on the same texts, the same
tagger and the same windows (the tagger's window and overlap, one window per call,
no padding), at the same thread count: tokenising, the forward passes and the
softmax, model loading excluded. Learned and hybrid are reported as ratios to it.

    make bench            # or: .venv/bin/python bench/bench_extraction.py --threads 2
"""
import argparse
import json
import os
import pathlib
import subprocess
import tempfile
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
WINDOW, OVERLAP = 256, 64  # the tagger's defaults (src/models/token_tagger.rs)

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
                 "learned-torch": ("learned", ["--engine", "torch"]), "hybrid-torch": ("hybrid", ["--engine", "torch"]),
                 "learned-int8": ("learned", ["--precision", "int8"]), "hybrid-int8": ("hybrid", ["--precision", "int8"]),
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
    hf = hf_loop(sorted(texts.glob("*.txt")), args.threads, args.repeat)
    base = results["rules"]["articles_per_second"]
    print(f"extraction on PolNeAR dev, {args.threads} threads, best of {args.repeat}:")
    for mode, r in results.items():
        print(f"  {mode:13s} {r['articles_per_second']:9.2f} articles/s  ({r['articles_per_second'] / base:.4f} × rules,"
              f" {r['articles_per_second'] / hf['articles_per_second']:.2f} × HF loop)"
              f"  {r['statements']} statements, {r['wall_seconds']:.1f} s wall with model loading")
    print(f"  {'HF loop':13s} {hf['articles_per_second']:9.2f} articles/s  (transformers {hf['transformers']},"
          f" torch {hf['torch']}, {hf['windows']} windows of {WINDOW} tokens, overlap {OVERLAP})")
    one = results["learned-1"]["articles_per_second"]
    print(f"  tagger windows batched across a chunk: learned {results['learned']['articles_per_second'] / one:.2f} ×"
          f" learned-1")
    from bench_scoring import ceilings, share
    ceiling = ceilings(args.threads)
    config = json.loads((REPO / "models" / "attribution-tagger" / "config.json").read_text())
    n = results["learned"]["articles"]
    for mode, precision in (("learned", "fp32"), ("learned-int8", "int8"), ("learned-torch", "fp32")):
        seconds = n / results[mode]["articles_per_second"]
        results[mode]["share_of_ceiling"] = share(seconds, hf["window_tokens"], config, ceiling, precision)
    print(f"  share of the matmul ceiling (fp32 {ceiling['fp32']:.0f} GFLOPS, int8 {ceiling['int8']:.0f} GOPS here):"
          f" learned {results['learned']['share_of_ceiling']:.0%},"
          f" learned-int8 {results['learned-int8']['share_of_ceiling']:.0%} (int8 feed-forward),"
          f" learned-torch {results['learned-torch']['share_of_ceiling']:.0%}")
    print(f"  against the HF loop: learned {results['learned']['articles_per_second'] / hf['articles_per_second']:.2f} ×,"
          f" hybrid {results['hybrid']['articles_per_second'] / hf['articles_per_second']:.2f} ×"
          f" (int8: learned {results['learned-int8']['articles_per_second'] / hf['articles_per_second']:.2f} ×,"
          f" hybrid {results['hybrid-int8']['articles_per_second'] / hf['articles_per_second']:.2f} ×;"
          f" libtorch: learned {results['learned-torch']['articles_per_second'] / hf['articles_per_second']:.2f} ×,"
          f" hybrid {results['hybrid-torch']['articles_per_second'] / hf['articles_per_second']:.2f} ×)")
    hf.pop("window_tokens")
    print(json.dumps({"threads": args.threads, "results": results, "hf_loop": hf}))


def windows(n, size, overlap):
    """Token ranges as src/models/token_tagger.rs cuts them."""
    step = max(1, size - overlap)
    out, start = [], 0
    while True:
        end = min(n, start + size)
        out.append((start, end))
        if end >= n:
            return out
        start += step


def hf_loop(files, threads, repeat):
    """The plain transformers loop over the same texts and windows (see the module doc)."""
    import torch
    import transformers
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    torch.set_num_threads(threads)
    folder = REPO / "models" / "attribution-tagger"
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForTokenClassification.from_pretrained(folder, torch_dtype=torch.float32).eval()
    texts = [f.read_text(encoding="utf-8") for f in files]
    best, n_windows, window_tokens = None, 0, []
    for _ in range(repeat):
        started = time.perf_counter()
        n_windows, window_tokens = 0, []
        with torch.inference_mode():
            for text in texts:
                ids = tokenizer(text, add_special_tokens=False)["input_ids"]
                for start, end in windows(len(ids), WINDOW - 2, OVERLAP) if ids else []:
                    window = [tokenizer.cls_token_id, *ids[start:end], tokenizer.sep_token_id]
                    logits = model(input_ids=torch.tensor([window])).logits
                    logits.softmax(-1)
                    n_windows += 1
                    window_tokens.append(len(window))
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    return {"articles_per_second": len(texts) / best, "seconds": best, "windows": n_windows,
            "window_tokens": window_tokens,
            "transformers": transformers.__version__, "torch": torch.__version__}


if __name__ == "__main__":
    main()
