#!/usr/bin/env python3
"""Exports a model folder (a Hugging Face BERT-family sequence or token classifier)
to ONNX for stancemap's ONNX Runtime engine: `model.onnx` (and `model.int8.onnx`, below)
beside the weights, and `onnx_export.json` recording the SHA-256 of the weights it was made from, so that a
retrained model is never run through a stale export (stancemap checks the hash and
falls back to libtorch, or fails when `--engine onnx` was asked for).

The graph is the plain fp32 network as transformers runs it (eager attention, opset
17, dynamic batch and sequence axes), ending in logits; ONNX Runtime's own graph
optimisation runs at load. `make setup` exports the shipped models:

    .venv/bin/python models/recipes/export_onnx.py models/tone-minilm models/nli-minilm models/attribution-tagger

Beside it goes `model.int8.onnx`: the same graph with the feed-forward matrices of
every layer in int8 (dynamic quantisation, per output channel) and the attention
projections and the classifier kept in fp32. Quantising those as well was faster
still but moved the tagger's PolNeAR dev figures by up to 0.008; the feed-forward
part alone kept every figure within 0.005 of fp32 (issue #15's note has the table).
A model uses it where its registry entry says `precision = "int8"` (or with
`--precision int8`).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

OPSET = 17
EXPORT_STAMP = "onnx_export.json"
EXPORT_VERSION = 2


SHARD_INDEX = "model.safetensors.index.json"


def weights_of(folder: Path) -> Path:
    """The folder's weights as stancemap names them (src/models/weights.rs): one file, or
    the index of a sharded model."""
    for name in ("model.safetensors", SHARD_INDEX, "rust_model.ot", "pytorch_model.bin"):
        if (folder / name).exists():
            return folder / name
    sys.exit(f"{folder}: no model.safetensors in the model folder")


def sha256(path: Path) -> str:
    """SHA-256 of a weights file, or of a sharded model's shards one after another in
    name order, as stancemap pins them."""
    if path.name == SHARD_INDEX:
        files = [path.parent / s for s in sorted(set(json.loads(path.read_text())["weight_map"].values()))]
    else:
        files = [path]
    digest = hashlib.sha256()
    for file in files:
        with file.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def logits_module(model, with_types: bool):
    """The classifier with plain tensor inputs and its logits as the one output."""
    import torch

    class Logits(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids=None):
            if with_types:
                return self.model(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).logits
            return self.model(input_ids=input_ids, attention_mask=attention_mask).logits

    return Logits().eval()


def export(folder: Path) -> None:
    import torch
    import transformers
    from transformers import AutoConfig, AutoModelForSequenceClassification, AutoModelForTokenClassification

    config = AutoConfig.from_pretrained(folder)
    architectures = config.architectures or []
    token_head = any(a.endswith("ForTokenClassification") for a in architectures)
    auto = AutoModelForTokenClassification if token_head else AutoModelForSequenceClassification
    # fp32 whatever the stored dtype (the shipped weights are fp16 on disk), as both
    # engines and transformers' own default run them.
    model = auto.from_pretrained(folder, torch_dtype=torch.float32, attn_implementation="eager").eval()
    # Segment ids where the network has segment embeddings (BERT; DeBERTa configs
    # that enable them); RoBERTa's single type and DistilBERT take none.
    with_types = config.model_type != "distilbert" and getattr(config, "type_vocab_size", 0) > 1
    wrapper = logits_module(model, with_types)
    generator = torch.Generator().manual_seed(0)
    ids = torch.randint(5, min(config.vocab_size, 1000), (2, 6), generator=generator)
    mask = torch.tensor([[1] * 6, [1] * 3 + [0] * 3])
    types = torch.zeros_like(ids)
    args = (ids, mask, types) if with_types else (ids, mask)
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if with_types else [])
    axes = {name: {0: "batch", 1: "sequence"} for name in names}
    axes["logits"] = {0: "batch", 1: "sequence"} if token_head else {0: "batch"}
    target = folder / "model.onnx"
    partial = folder / "model.onnx.partial"
    started = time.time()
    with torch.no_grad():
        torch.onnx.export(wrapper, args, str(partial), input_names=names, output_names=["logits"],
                          dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True)
    check(partial, wrapper, names, ids, mask, types)
    quantised = folder / "model.int8.onnx"
    quantise_feed_forward(partial, quantised)
    weights = weights_of(folder)
    stamp = {
        "export_version": EXPORT_VERSION,
        "weights": weights.name,
        "weights_sha256": sha256(weights),
        "head": "token" if token_head else "sequence",
        "files": {"fp32": target.name, "int8": quantised.name},
        "int8": "dynamic, per channel, feed-forward MatMuls only (attention and classifier in fp32)",
        "inputs": names,
        "opset": OPSET,
        "torch": torch.__version__,
        "transformers": transformers.__version__,
    }
    partial.replace(target)
    (folder / EXPORT_STAMP).write_text(json.dumps(stamp, indent=2) + "\n")
    print(f"{folder}: wrote {target.name} ({target.stat().st_size / 1e6:.1f} MB) and {quantised.name}"
          f" ({quantised.stat().st_size / 1e6:.1f} MB) in {time.time() - started:.1f} s")


def quantise_feed_forward(source: Path, target: Path) -> None:
    """int8 weights for the feed-forward MatMuls, fp32 for everything else."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(source)).graph
    matmuls = [n.name for n in graph.node if n.op_type in ("MatMul", "Gemm")]
    feed_forward = ("intermediate/dense", "output/dense", "ffn/lin1", "ffn/lin2")
    keep = [n for n in matmuls if "attention" in n or not any(part in n for part in feed_forward)]
    partial = target.with_suffix(".partial")
    quantize_dynamic(str(source), str(partial), per_channel=True, weight_type=QuantType.QInt8, nodes_to_exclude=keep)
    partial.replace(target)


def check(path: Path, wrapper, names, ids, mask, types) -> None:
    """The exported graph gives transformers' logits (fp32, within 1e-4 here; the
    parity tests hold the tighter figure on real text)."""
    import numpy as np
    import onnxruntime as ort
    import torch

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    feeds = {"input_ids": ids.numpy(), "attention_mask": mask.numpy()}
    if "token_type_ids" in names:
        feeds["token_type_ids"] = types.numpy()
    got = session.run(["logits"], feeds)[0]
    with torch.no_grad():
        want = wrapper(*( (ids, mask, types) if "token_type_ids" in names else (ids, mask))).numpy()
    if not np.allclose(got, want, atol=1e-4):
        sys.exit(f"{path}: the exported graph differs from transformers by {np.abs(got - want).max():.2e}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("folders", nargs="+", type=Path, help="model folders (config.json, weights, tokenizer)")
    p.add_argument("--if-stale", action="store_true",
                   help="skip folders whose onnx_export.json already matches their weights")
    p.add_argument("--quiet", action="store_true", help="say only what was exported, without the exporter's warnings")
    args = p.parse_args()
    if args.quiet:
        import logging
        import warnings

        warnings.filterwarnings("ignore")
        logging.getLogger("transformers").setLevel(logging.ERROR)
        logging.getLogger().setLevel(logging.ERROR)
    for folder in args.folders:
        if not (folder / "config.json").exists():
            sys.exit(f"{folder}: no config.json; give a model folder")
        if args.if_stale and up_to_date(folder):
            if not args.quiet:
                print(f"{folder}: model.onnx is up to date")
            continue
        export(folder)


def up_to_date(folder: Path) -> bool:
    stamp_path = folder / EXPORT_STAMP
    if not all((folder / f).exists() for f in ("model.onnx", "model.int8.onnx", EXPORT_STAMP)):
        return False
    stamp = json.loads(stamp_path.read_text())
    return (stamp.get("export_version") == EXPORT_VERSION
            and stamp.get("weights_sha256") == sha256(weights_of(folder)))


if __name__ == "__main__":
    main()
