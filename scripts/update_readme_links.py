"""Write the README's generated parts: the "Åpne i Colab" column and the time estimates per priority.

    python scripts/update_readme_links.py          # rewrite README.md
    python scripts/update_readme_links.py --check  # exit 1 when README.md is not up to date

Every table row between the ``notebook-table`` markers that links ``(notebooks/<file>.ipynb)`` gets a
Colab badge linking that notebook in the configured repository and branch; the header and separator
rows get the matching column. The learning-path paragraph (``learning-path`` markers) and the priority
table (``priority-table`` markers) are written from the notebooks' own openings ("**Prioritet:** 2 ·
**Estimert tid:** 45–60 minutter"), summed per priority, so the README cannot promise less time than the
notebooks ask for. Running it twice changes nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path
from typing import NamedTuple
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
PATH_START, PATH_END = "<!-- learning-path:start -->", "<!-- learning-path:end -->"
TIMES_START, TIMES_END = "<!-- priority-table:start -->", "<!-- priority-table:end -->"
PRIORITY = re.compile(r"\*\*Prioritet:\*\*\s*(\d)")
ESTIMATE = re.compile(r"\*\*Estimert tid:\*\*\s*(\d+)(?:\s*[–-]\s*(\d+))?\s*minutter")
#: What each priority means (the "Betydning" column).
MEANING = {
    1: ("**1 (kjerne)**", "Essensielt for læringsmålene – alle bør gjennomføre"),
    2: ("**2 (anbefalt)**", "Viktig utdyping, spesielt CNN og medisinsk bildeanalyse"),
    3: ("**3 (valgfri)**", "Supplerende materiale etter interesse"),
    4: ("**4 (avansert)**", "For de som vil gå dypere inn i moderne metoder"),
}
CORE_PATH = ("B1", "B2", "A1", "A5", "A6", "B3", "B4")  # dyplab.course.runner.CORE_PATH (checked by a test)


class Estimate(NamedTuple):
    """A notebook's own priority and time estimate, read from its first cell."""

    notebook: str
    priority: int
    low: int
    high: int


def read_estimate(path: Path) -> Estimate:
    """The priority and the estimated minutes in the opening cell of the notebook at ``path``."""
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    opening = "".join(cells[0]["source"]) if cells else ""
    priority, minutes = PRIORITY.search(opening), ESTIMATE.search(opening)
    if not priority or not minutes:
        raise ValueError(f"{path}: the first cell needs '**Prioritet:** N' and '**Estimert tid:** A–B minutter' "
                         "(or 'A minutter')")
    low = int(minutes.group(1))
    high = int(minutes.group(2) or low)
    if high < low:
        raise ValueError(f"{path}: the estimate {low}–{high} minutter runs backwards")
    return Estimate(path.stem.split("-", 1)[0], int(priority.group(1)), low, high)


def estimates(folder: Path = ROOT / "notebooks") -> list[Estimate]:
    """Every notebook's estimate, in file-name order."""
    return [read_estimate(p) for p in sorted(folder.glob("*.ipynb"))]


def _hours(minutes: int) -> str:
    half_hours = math.floor(minutes / 30 + 0.5) / 2  # to the nearest half hour
    return f"{half_hours:g}".replace(".", ",")


def _span(low: int, high: int) -> str:
    return f"{low}–{high}" if high != low else f"{low}"


def _total(items: list[Estimate]) -> tuple[int, int]:
    return sum(e.low for e in items), sum(e.high for e in items)


def learning_path(items: list[Estimate]) -> str:
    """The learning-path paragraph: the core path in run order with its summed estimate, then the other priorities."""
    by_id = {e.notebook: e for e in items}
    missing = [n for n in CORE_PATH if n not in by_id]
    if missing:
        raise ValueError(f"the core path names notebooks that do not exist: {missing}")
    core = [by_id[n] for n in CORE_PATH]
    low, high = _total(core)
    lines = [
        f"`dyplab run core` kjører prioritet 1-stien i denne rekkefølgen: {', '.join(CORE_PATH)}. Notebookenes egne",
        f"tidsanslag for denne stien er til sammen {low}–{high} minutter",
        f"({', '.join(f'{e.notebook} {_span(e.low, e.high)}' for e in core)}),",
        f"altså ca. {_hours(low)}–{_hours(high)} timer; avsnitt og oppgaver merket *valgfri* kommer i tillegg.",
    ]
    others = sorted({e.priority for e in items} - {1})
    if others:
        lines.append("De andre prioritetene, summert på samme måte fra notebookenes egne anslag:")
    for k, priority in enumerate(others):
        group = [e for e in items if e.priority == priority]
        lo, hi = _total(group)
        end = "." if k == len(others) - 1 else ";"
        lines.append(f"prioritet {priority} {lo}–{hi} minutter ({', '.join(e.notebook for e in group)}){end}")
    return "\n".join(lines)


def priority_table(items: list[Estimate]) -> str:
    """The priority table: meaning and the summed estimate of each priority's notebooks."""
    rows = ["| Prioritet | Betydning | Estimert tid |", "|:---:|:---|:---:|"]
    for priority in sorted({e.priority for e in items}):
        if priority not in MEANING:
            raise ValueError(f"priority {priority} has no meaning in MEANING (known: {sorted(MEANING)})")
        label, meaning = MEANING[priority]
        lo, hi = _total([e for e in items if e.priority == priority])
        rows.append(f"| {label} | {meaning} | {lo}–{hi} min (ca. {_hours(lo)}–{_hours(hi)} timer) |")
    return "\n".join(rows)


def _between(text: str, start: str, end: str, body: str) -> str:
    if start not in text or end not in text:
        raise ValueError(f"README has no {start} … {end} block")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body}\n{end}{tail}"


def render_times(readme: str, items: list[Estimate]) -> str:
    """``readme`` with the learning-path paragraph and the priority table written from ``items``."""
    return _between(_between(readme, PATH_START, PATH_END, learning_path(items)), TIMES_START, TIMES_END,
                    priority_table(items))


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
    new = render_times(render(text, *settings()), estimates())
    if opts.check:
        if new != text:
            print("README.md: the Colab links or the time estimates are out of date; run python "
                  "scripts/update_readme_links.py", file=sys.stderr)
            return 1
        return 0
    if new != text:
        path.write_text(new, encoding="utf-8")
        print("README.md: Colab links and time estimates written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
