#!/usr/bin/env python3
"""Fine-tunes a tone classifier or an NLI (stance) model on a user's label file, as
`stancemap train` runs it (see src/labels/train.rs); usable on its own too:

    .venv/bin/python models/recipes/finetune_labels.py --task stance --base models/nli-minilm \\
        --train labels/train.jsonl --out labels/model --epochs 3 --seed 13

Rows are `stancemap label`'s (JSONL; `label` filled in). Stance rows teach the NLI
model the two hypotheses scoring asks: favor = the "supports" hypothesis entailed and
the "opposes" one contradicted, against = the reverse, none = both neutral; tone rows
teach the label itself. Every layer trains (AdamW, linear decay, batch 8, seeded);
the model is written in fp32 with its tokenizer and exported to ONNX beside it
(export_onnx.py), so that stancemap runs it on either engine.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def examples(task: str, rows: list[dict], label2id: dict[str, int]):
    """(text, pair or None, label id) for each row."""
    def class_id(*names):
        for name in names:
            if name in label2id:
                return label2id[name]
        sys.exit(f"the base model's labels {sorted(label2id)} have none of {names}")

    out = []
    if task == "tone":
        for row in rows:
            out.append((row["text"], None, class_id(row["label"])))
        return out
    entail, neutral, contra = class_id("entailment"), class_id("neutral"), class_id("contradiction")
    wanted = {"favor": (entail, contra), "against": (contra, entail), "none": (neutral, neutral)}
    for row in rows:
        supports, opposes = wanted[row["label"]]
        out.append((row["text"], row["favor_hypothesis"], supports))
        out.append((row["text"], row["against_hypothesis"], opposes))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--task", choices=["tone", "stance"], required=True)
    p.add_argument("--base", type=Path, required=True, help="model folder to start from")
    p.add_argument("--train", type=Path, required=True, help="labelled rows (JSONL)")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--lr", type=float, default=3e-5)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--max-length", type=int, default=256)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()

    import numpy as np
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, get_linear_schedule_with_warmup

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rows = [json.loads(line) for line in args.train.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if (r.get("label") or "").strip()]
    for r in rows:
        r["label"] = r["label"].strip().lower()
    tokenizer = AutoTokenizer.from_pretrained(args.base)
    model = AutoModelForSequenceClassification.from_pretrained(args.base, torch_dtype=torch.float32)
    label2id = {name.lower(): int(i) for i, name in model.config.id2label.items()}
    data = examples(args.task, rows, label2id)
    order = list(range(len(data)))
    steps = args.epochs * ((len(data) + args.batch_size - 1) // args.batch_size)
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(optimiser, max(1, steps // 10), steps)
    started = time.time()
    model.train()
    for epoch in range(args.epochs):
        random.shuffle(order)
        total, seen = 0.0, 0
        for start in range(0, len(order), args.batch_size):
            batch = [data[i] for i in order[start:start + args.batch_size]]
            texts = [b[0] for b in batch]
            pairs = [b[1] for b in batch] if batch[0][1] is not None else None
            encoded = tokenizer(texts, pairs, truncation=True, max_length=args.max_length, padding=True,
                                return_tensors="pt")
            labels = torch.tensor([b[2] for b in batch])
            loss = model(**encoded, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            total += loss.item() * len(batch)
            seen += len(batch)
        print(f"epoch {epoch + 1}/{args.epochs}: loss {total / seen:.4f} over {seen} examples"
              f" ({time.time() - started:.0f} s)", flush=True)
    model.eval()
    if args.out.exists():
        shutil.rmtree(args.out)
    model.save_pretrained(args.out, safe_serialization=True)
    tokenizer.save_pretrained(args.out)
    (args.out / "train_report.json").write_text(json.dumps({
        "task": args.task, "base": str(args.base), "rows": len(rows), "examples": len(data),
        "epochs": args.epochs, "lr": args.lr, "batch_size": args.batch_size, "seed": args.seed,
        "seconds": round(time.time() - started, 1)}, indent=2) + "\n")
    from export_onnx import export

    export(args.out)
    print(f"wrote {args.out} in {time.time() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
