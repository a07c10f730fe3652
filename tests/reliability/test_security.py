"""Security: every torch.load in the package is weights_only, and nothing user-supplied is unpickled."""

from __future__ import annotations

import re
from pathlib import Path

import dyplab

PACKAGE = Path(dyplab.__file__).resolve().parent


def test_every_torch_load_uses_weights_only() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"torch\.load\(", text):
            call = text[match.start(): text.find(")", match.start()) + 1]
            line = text.count("\n", 0, match.start()) + 1
            if "weights_only=True" not in call:
                offenders.append(f"{path.relative_to(PACKAGE)}:{line}: {call}")
    assert not offenders, "torch.load without weights_only=True:\n" + "\n".join(offenders)


def test_no_pickle_loading_in_the_package() -> None:
    pattern = re.compile(r"pickle\.loads?\(|allow_pickle\s*=\s*True|joblib\.load\(|pd\.read_pickle\(")
    hits = [f"{p.relative_to(PACKAGE)}" for p in PACKAGE.rglob("*.py") if pattern.search(p.read_text(encoding="utf-8"))]
    assert not hits, f"user data must never be unpickled: {hits}"
