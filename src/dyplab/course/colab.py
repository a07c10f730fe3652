"""Google Colab: the set-up snippet at the top of every notebook and the data cache on Colab's disk.

A notebook opened in Colab has no dyplab yet, so ``from dyplab.course import session`` would fail. Every
notebook's first code cell therefore starts with :func:`setup_snippet`: a few lines of plain Python
(and one ``%pip`` line) that install this exact release when, and only when, the notebook runs in
Colab and dyplab is missing. Locally the snippet does nothing. ``scripts/update_setup_cells.py``
writes the snippet into the notebooks; a test checks that they all carry the current one.

After the install, :func:`configure` (called by ``session.start``) points the data cache at Colab's
own disk, where datasets are then downloaded and checked as anywhere else.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import MutableMapping
from pathlib import Path

from .. import __version__

PACKAGE = "dyplab"
COLAB_DATA_DIR = Path("/content/dyplab-data")  # Colab's local disk; /content is the folder its file browser shows
SNIPPET_START = "# Oppsett – likt i alle notebooks"


def in_colab() -> bool:
    """True when the ``google.colab`` module can be imported (that is, the code runs in Google Colab)."""
    try:
        return importlib.util.find_spec("google") is not None and importlib.util.find_spec("google.colab") is not None
    except (ImportError, ValueError):
        return False


def requirement(version: str = __version__) -> str:
    """The pip requirement of this release, e.g. ``dyplab==0.1.0``."""
    return f"{PACKAGE}=={version}"


def pip_line(version: str = __version__) -> str:
    """The one IPython line that installs this release in Colab."""
    return f"%pip install -q {requirement(version)}"


def setup_snippet(version: str = __version__) -> str:
    """The lines every notebook's first code cell starts with (plain Python that runs before dyplab is imported)."""
    return (
        f"{SNIPPET_START} (skrevet av scripts/update_setup_cells.py).\n"
        "# I Google Colab installeres dyplab først; på din egen maskin gjør disse linjene ingenting.\n"
        "import importlib.util\n"
        'if importlib.util.find_spec("google") and importlib.util.find_spec("google.colab") '
        'and not importlib.util.find_spec("dyplab"):\n'
        f"    {pip_line(version)}\n"
        "    importlib.invalidate_caches()\n"
    )


def with_snippet(source: str, version: str = __version__) -> str:
    """``source`` of a first code cell with the current snippet at its top (a snippet of any version is replaced)."""
    head, tail = setup_snippet("VERSION").split("VERSION")
    old = re.match(re.escape(head) + r"\S+" + re.escape(tail), source)
    body = source[old.end():] if old else source
    return setup_snippet(version) + "\n" + body.lstrip("\n")


def configure(environ: MutableMapping[str, str] | None = None) -> Path | None:
    """In Colab, keep the data cache on Colab's disk (unless ``DYPLAB_DATA_DIR`` is set); return that folder.

    Outside Colab nothing changes and ``None`` is returned.
    """
    env = os.environ if environ is None else environ
    if not in_colab():
        return None
    env.setdefault("DYPLAB_DATA_DIR", str(COLAB_DATA_DIR))
    return Path(env["DYPLAB_DATA_DIR"])
