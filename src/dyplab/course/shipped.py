"""The notebooks that ship with the package, and ``dyplab notebooks DIR``: a student's own copy of them.

In a wheel the notebooks lie in ``dyplab/notebooks/`` (copied there from the repository's ``notebooks/``
when the wheel is built, see ``setup.py``); in a source checkout they are read from ``notebooks/`` itself.
"""

from __future__ import annotations

import filecmp
import shutil
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def shipped_dir() -> Path:
    """The folder of the notebooks that came with dyplab (installed package or source checkout)."""
    for cand in (PACKAGE_ROOT / "notebooks", PACKAGE_ROOT.parents[1] / "notebooks"):
        if cand.is_dir() and any(cand.glob("*.ipynb")):
            return cand
    raise FileNotFoundError(
        f"No notebooks were found in {PACKAGE_ROOT / 'notebooks'} (installed package) nor in a source checkout; "
        "reinstall dyplab from a wheel built with `python -m build`."
    )


@dataclass
class CopyReport:
    """What ``copy_notebooks`` did with each notebook (file names)."""

    copied: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # the student's edited copies, left alone
    replaced: list[str] = field(default_factory=list)  # edited copies overwritten because of ``force``


def copy_notebooks(dest: Path, *, force: bool = False, source: Path | None = None) -> CopyReport:
    """Copy the shipped notebooks (``*.ipynb`` and nothing else) into ``dest``.

    A notebook that already exists in ``dest`` and differs from the shipped one is the student's edited
    copy: it is left alone (listed in ``refused``) unless ``force`` is true.
    """
    src = Path(source) if source is not None else shipped_dir()
    dest = Path(dest).expanduser()
    if dest.exists() and not dest.is_dir():
        raise ValueError(f"{dest} exists and is not a folder; choose a folder for the notebooks.")
    dest.mkdir(parents=True, exist_ok=True)
    report = CopyReport()
    for nb in sorted(src.glob("*.ipynb")):
        target = dest / nb.name
        if not target.exists():
            report.copied.append(nb.name)
        elif filecmp.cmp(nb, target, shallow=False):
            report.unchanged.append(nb.name)
            continue
        elif force:
            report.replaced.append(nb.name)
        else:
            report.refused.append(nb.name)
            continue
        shutil.copyfile(nb, target)
    return report
