"""Files written safely and hashed one way: the file helpers every part of dyplab shares.

- :func:`write_atomic` writes through a temporary file beside the target and renames it into place, so a
  reader (or a crash) never sees a half-written file (results, checkpoints, reports, manifests, caches);
  :func:`write_text` and :func:`save_npz_atomic` are it for text and for ``.npz`` caches.
- :func:`file_hash` is the one file digest (sha256 by default; md5 where a source publishes only MD5 sums).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import numpy as np

__all__ = ["file_hash", "save_npz_atomic", "write_atomic", "write_text"]


def write_atomic(path: str | Path, write: Callable[[BinaryIO], object]) -> bool:
    """Write ``path`` through a temporary file beside it and rename it into place.

    Readers never see a half-written file. For cache files: an ``OSError`` (e.g. a read-only cache)
    is swallowed and reported as ``False``, since a missing cache entry only costs recomputation.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                write(fh)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError:
        return False
    return True


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` with :func:`write_atomic`; an ``OSError`` naming the file when it cannot."""
    path = Path(path)
    if not write_atomic(path, lambda fh: fh.write(text.encode("utf-8"))):
        raise OSError(f"could not write {path}; check that the folder is writable")


def save_npz_atomic(path: str | Path, **arrays) -> bool:
    """Save arrays as an ``.npz`` cache file with :func:`write_atomic`."""
    return write_atomic(path, lambda fh: np.savez(fh, **arrays))


def file_hash(path: str | Path, algorithm: str = "sha256", *, chunk: int = 1 << 20) -> str:
    """Hex digest of a file, read in chunks (``sha256``, or ``md5`` where a source publishes only MD5 sums)."""
    h = hashlib.new(algorithm)
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()
