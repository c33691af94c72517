#!/usr/bin/env python3
"""GAP pronoun resolution: stancemap's strategies through GAP's own scorer.

Runs `examples/gap_pronouns.rs` (built by cargo) with the nearest-compatible-name
baseline, the sentence-subject rule and the learned ranker (trained on the validation
split by `examples/train_pronoun_ranker.rs`), and prints GAP's scorecard for each (its
"Overall" F1 is the figure GAP reports).

  tools/score_gap.py [--gap ../shared/data/coref/gap] [--split development]
"""
import argparse
import builtins
import importlib.util
import os
import subprocess
import sys
import tempfile


def load_scorer(gap_dir):
    sys.path.insert(0, gap_dir)  # gap_scorer imports its constants module
    spec = importlib.util.spec_from_file_location("gap_scorer", os.path.join(gap_dir, "gap_scorer.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # The scorer opens files with mode 'rU', which Python 3.11 refuses; 'r' reads the same.
    module.open = lambda path, mode="r", *a, **k: builtins.open(path, mode.replace("U", ""), *a, **k)
    # It is Python 2 code too: its annotation dicts are walked with iteritems().
    read = module.read_annotations

    class Annotations(dict):
        def iteritems(self):
            return iter(self.items())

    module.read_annotations = lambda filename, is_gold: Annotations(read(filename, is_gold))
    return module


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gap", default=os.path.join(here, "..", "..", "shared", "data", "coref", "gap"))
    parser.add_argument("--split", default="development", choices=["development", "validation"])
    args = parser.parse_args()
    gold = os.path.join(args.gap, f"gap-{args.split}.tsv")
    if not os.path.exists(gold):
        sys.exit(f"{gold}: not found")
    scorer = load_scorer(args.gap)
    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet", "--example", "gap_pronouns"],
                   check=True, cwd=os.path.join(here, ".."))
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(here, "..", "target"))
    binary = os.path.join(target, "release", "examples", "gap_pronouns")
    with tempfile.TemporaryDirectory() as work:
        for strategy in ("nearest", "subject", "learned"):
            out = os.path.join(work, f"{strategy}.tsv")
            subprocess.run([binary, gold, strategy, out], check=True)
            print(f"== GAP {args.split}, {strategy}")
            print(scorer.run_scorer(gold, out))


if __name__ == "__main__":
    main()
