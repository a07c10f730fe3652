"""Write the "Åpne i Colab" column of the README's notebook tables from ``[tool.dyplab] repository``.

    python scripts/update_readme_links.py          # rewrite README.md
    python scripts/update_readme_links.py --check  # exit 1 when README.md is not up to date

Every table row between the ``notebook-table`` markers that links ``(notebooks/<file>.ipynb)`` gets a
Colab badge linking that notebook in the configured repository and branch; the header and separator
rows get the matching column. Running it twice changes nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from urllib.parse import quote, urlparse

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- notebook-table:start -->", "<!-- notebook-table:end -->"
HEADER = "Åpne i Colab"
BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
LINK = re.compile(r"\(notebooks/([^)]+\.ipynb)\)")
SEPARATOR = re.compile(r"^\|(\s*:?-+:?\s*\|)+\s*$")
OLD_CELL = re.compile(r"\s*\[!\[" + HEADER + r"\]\([^)]*\)\]\([^)]*\)\s*\|\s*$")


def settings(pyproject: Path = ROOT / "pyproject.toml") -> tuple[str, str]:
    """``(repository, branch)`` from ``[tool.dyplab]`` in ``pyproject``."""
    conf = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("dyplab", {})
    if "repository" not in conf:
        raise SystemExit(f"{pyproject}: [tool.dyplab] repository = \"https://github.com/OWNER/NAME\" is missing")
    return conf["repository"], conf.get("branch", "main")


def colab_url(repository: str, branch: str, notebook: str) -> str:
    """The Colab address that opens ``notebooks/<notebook>`` of a GitHub repository."""
    url = urlparse(repository)
    parts = [p for p in url.path.strip("/").removesuffix(".git").split("/") if p]
    if url.netloc != "github.com" or len(parts) != 2:
        raise ValueError(f"repository {repository!r} is not https://github.com/OWNER/NAME (Colab opens GitHub files)")
    owner, name = parts
    return f"https://colab.research.google.com/github/{owner}/{name}/blob/{branch}/notebooks/{quote(notebook)}"


def render(readme: str, repository: str, branch: str) -> str:
    """``readme`` with the Colab column written (or rewritten) into every notebook table."""
    if START not in readme or END not in readme:
        raise ValueError(f"README has no {START} … {END} block")
    head, rest = readme.split(START, 1)
    block, tail = rest.split(END, 1)
    lines = block.split("\n")
    out = []
    for i, line in enumerate(lines):
        if not line.startswith("|"):
            out.append(line)
            continue
        is_header = i + 1 < len(lines) and SEPARATOR.match(lines[i + 1]) is not None
        if is_header:
            table = _table_rows(lines, i)
            has_links = any(LINK.search(row) for row in table)
            cells = line.rstrip().rstrip("|").split("|")
            if cells[-1].strip() == HEADER:
                cells = cells[:-1]
            out.append("|".join(cells) + ("| " + HEADER + " |" if has_links else "|"))
            continue
        if SEPARATOR.match(line):
            header = out[-1]
            n_cols = header.count("|") - 1
            out.append("|" + "|".join(_separator_cells(line, n_cols)) + "|")
            continue
        match = LINK.search(line)
        if match:
            base = OLD_CELL.sub("", line.rstrip())
            url = colab_url(repository, branch, match.group(1))
            out.append(f"{base} [![{HEADER}]({BADGE})]({url}) |")
        else:
            out.append(line)
    return head + START + "\n".join(out) + END + tail


def _table_rows(lines: list[str], header_index: int) -> list[str]:
    rows = []
    for line in lines[header_index + 2:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def _separator_cells(line: str, n_cols: int) -> list[str]:
    cells = line.strip().strip("|").split("|")
    cells = cells[:n_cols] + [":---:"] * max(0, n_cols - len(cells))
    return cells


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--check", action="store_true", help="only check; exit 1 when README.md would change")
    opts = args.parse_args(argv)
    path = ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    new = render(text, *settings())
    if opts.check:
        if new != text:
            print("README.md: the Colab links are out of date; run python scripts/update_readme_links.py",
                  file=sys.stderr)
            return 1
        return 0
    if new != text:
        path.write_text(new, encoding="utf-8")
        print("README.md: Colab links written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
