"""Weight interpolation of two fine-tuned checkpoints of the same model (as in
WiSE-FT): `(1 − alpha) · first + alpha · second`, temperature-scaled on the NLI
calibration split and exported like a trained model.

    .venv/bin/python models/recipes/interpolate.py out/train/nli-minilm/checkpoint-1183 \\
        out/train/nli-minilm-stage2/checkpoint-688 --alpha 0.5 --out models/nli-minilm
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from common import REPO, Example, export, fit_temperature, predict_logits
from nli_minilm import LABELS, snli_splits


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("first", type=Path)
    p.add_argument("second", type=Path)
    p.add_argument("--alpha", type=float, default=0.5)
    p.add_argument("--out", type=Path, default=REPO / "models" / "nli-minilm")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from common import base_model_dir

    torch.set_num_threads(args.threads)
    first = AutoModelForSequenceClassification.from_pretrained(args.first)
    second = AutoModelForSequenceClassification.from_pretrained(args.second).state_dict()
    mixed = {k: (1 - args.alpha) * v + args.alpha * second[k] if v.is_floating_point() else v
             for k, v in first.state_dict().items()}
    first.load_state_dict(mixed)
    model = first.eval()
    tokenizer = AutoTokenizer.from_pretrained(base_model_dir())
    _, calib, _ = snli_splits(args.seed)
    examples = [Example(r["premise"], LABELS.index(r["label"]), r["hypothesis"]) for r in calib if r["label"] in LABELS]
    logits, gold = predict_logits(model, tokenizer, examples, 128, 32)
    calibration = fit_temperature(logits, gold)
    calibration["applied"] = calibration["nll_after"] < calibration["nll_before"]
    if calibration["applied"]:
        with torch.no_grad():
            model.classifier.weight /= calibration["temperature"]
            model.classifier.bias /= calibration["temperature"]
    export(model, tokenizer, args.out)
    report = {"interpolation": {"first": str(args.first), "second": str(args.second), "alpha": args.alpha},
              "calibration": calibration}
    stages = [Path(args.first).parent / "train_report.json", Path(args.second).parent / "train_report.json"]
    report["stages"] = [json.loads(s.read_text()) for s in stages if s.exists()]
    (args.out / "train_report.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report["calibration"], indent=2))


if __name__ == "__main__":
    main()
