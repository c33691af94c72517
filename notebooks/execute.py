"""Runs the notebooks headless against a run folder and fails on the first failing
cell (used by `make test`; outputs are not written back, the notebooks stay clean).

    .venv/bin/python notebooks/execute.py RUN_DIR [notebook.ipynb ...]
"""

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = Path(__file__).resolve().parent


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    run = Path(sys.argv[1]).resolve()
    notebooks = [Path(p) for p in sys.argv[2:]] or sorted(HERE.glob("[0-9][0-9]_*.ipynb"))
    os.environ["STANCEMAP_RUN"] = str(run)
    os.environ.setdefault("MPLBACKEND", "Agg")
    failed = 0
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(HERE)}})
        try:
            client.execute()
        except CellExecutionError as error:
            failed += 1
            print(f"FAILED {path.name}:\n{error}", file=sys.stderr)
            continue
        cells = sum(1 for c in notebook.cells if c.cell_type == "code")
        print(f"ok {path.name}: {cells} code cells ran against {run}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
