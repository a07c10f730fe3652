"""The ``tabpfn`` package (Prior Labs), used only when the package *and* its weights are already on this machine.

Nothing here downloads: with ``DYPLAB_OFFLINE=1`` (or no weights) :func:`status` reports why TabPFN is not
available in one Norwegian line, and the notebooks carry on with dyplab's own PFN. Telemetry is switched off
before the package is imported. No token is read, printed or written here.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from .. import config

WEIGHT_SUFFIXES = (".ckpt", ".pt", ".safetensors")


@dataclass(frozen=True)
class TabPFNStatus:
    """Whether TabPFN can run here, the weights file it would use, and a one-line Norwegian message."""

    available: bool
    weights: Path | None
    message: str


def _quiet_environment() -> None:
    """Telemetry off and (when offline) the Hugging Face hub off: must run before ``import tabpfn``."""
    os.environ["TABPFN_DISABLE_TELEMETRY"] = "1"
    os.environ["TABPFN_NO_TELEMETRY"] = "1"
    if config.offline():
        os.environ["HF_HUB_OFFLINE"] = "1"


def _cache_dirs() -> list[Path]:
    dirs = []
    if os.environ.get("TABPFN_MODEL_CACHE_DIR"):
        dirs.append(Path(os.environ["TABPFN_MODEL_CACHE_DIR"]).expanduser())
    from platformdirs import user_cache_dir

    dirs.append(Path(user_cache_dir("tabpfn", appauthor=False)))
    return dirs


def find_weights(model_path: str | Path | None = None) -> Path | None:
    """A classifier weights file: ``model_path`` if given (must exist), else the first one in TabPFN's caches."""
    if model_path is not None:
        path = Path(model_path).expanduser()
        return path if path.is_file() else None
    for folder in _cache_dirs():
        if folder.is_dir():
            found = sorted(p for p in folder.rglob("*") if p.suffix in WEIGHT_SUFFIXES and "reg" not in p.name.lower())
            if found:
                return found[0]
    return None


def status(model_path: str | Path | None = None) -> TabPFNStatus:
    """Check package and weights without importing or downloading anything."""
    _quiet_environment()
    if importlib.util.find_spec("tabpfn") is None:
        return TabPFNStatus(False, None, "TabPFN er ikke tilgjengelig: pakken `tabpfn` er ikke installert "
                                         "(pip install 'dyplab[tabpfn]'); vi bruker dyplabs egen PFN i stedet.")
    weights = find_weights(model_path)
    if weights is None:
        where = model_path or os.environ.get("TABPFN_MODEL_CACHE_DIR") or "TabPFN-cachen"
        return TabPFNStatus(False, None, f"TabPFN er ikke tilgjengelig: fant ingen modellvekter i {where} "
                                         "(se veiledningen i notebooken); vi bruker dyplabs egen PFN i stedet.")
    return TabPFNStatus(True, weights, f"TabPFN er tilgjengelig (vekter: {weights.name}).")


def classifier(model_path: str | Path | None = None, **kwargs):
    """A ``tabpfn.TabPFNClassifier`` on the local weights; raises ``RuntimeError`` with the Norwegian reason otherwise."""
    st = status(model_path)
    if not st.available:
        raise RuntimeError(st.message)
    _quiet_environment()
    from tabpfn import TabPFNClassifier

    return TabPFNClassifier(model_path=str(st.weights), device="cpu", **kwargs)
