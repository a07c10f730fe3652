"""Put the current Colab set-up snippet at the top of every notebook's first code cell.

    python scripts/update_setup_cells.py                 # rewrite notebooks/*.ipynb
    python scripts/update_setup_cells.py --check         # exit 1 when a notebook lacks the current snippet
    python scripts/update_setup_cells.py A6-MNIST-CNN.ipynb ...   # only these notebooks

The snippet (``dyplab.course.colab.setup_snippet``) installs this release in Google Colab and does
nothing elsewhere; an older snippet is replaced, the rest of the cell is kept. Only the first code
cell's source changes: outputs, metadata and the other cells stay byte-for-byte as they were.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dyplab.course import colab

ROOT = Path(__file__).resolve().parents[1]


def first_code_cell(nb: dict) -> dict:
    """The notebook's first code cell (its set-up cell)."""
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            return cell
    raise ValueError("the notebook has no code cell")


def cell_source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def update(path: Path) -> bool:
    """Rewrite ``path`` with the current snippet; True when the file changed."""
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    try:
        cell = first_code_cell(nb)
    except ValueError as exc:
        raise SystemExit(f"{path}: {exc}") from None
    old = cell_source(cell)
    new = colab.with_snippet(old)
    if new == old:
        return False
    cell["source"] = new.splitlines(keepends=True)
    second = text.split("\n", 2)[1] if text.count("\n") > 1 else " "
    indent = (len(second) - len(second.lstrip(" "))) or 1  # keep the file's own layout
    path.write_text(json.dumps(nb, indent=indent, ensure_ascii=False) + ("\n" if text.endswith("\n") else ""),
                    encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/*.ipynb")
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when a notebook would change")
    args = parser.parse_args(argv)
    paths = [p if p.is_absolute() or p.exists() else ROOT / "notebooks" / p for p in args.notebooks]
    paths = paths or sorted((ROOT / "notebooks").glob("*.ipynb"))
    stale = []
    for path in paths:
        if args.check:
            source = cell_source(first_code_cell(json.loads(path.read_text(encoding="utf-8"))))
            if not source.startswith(colab.setup_snippet()):
                stale.append(path.name)
        elif update(path):
            print(f"{path.name}: set-up snippet written")
    if stale:
        print("Without the current set-up snippet (run python scripts/update_setup_cells.py): " + ", ".join(stale),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
