"""ResNet-18 from torchvision with ImageNet weights when they can be had, else from scratch — never hanging.

:func:`resnet18` looks for the weights in this order and says which it used:

1. torch's hub cache (``$TORCH_HOME/hub/checkpoints``): no network needed;
2. ``DYPLAB_OFFLINE=1``: no network is touched, the model starts from random weights;
3. a quick reachability check of the download host (``timeout`` seconds), then the download with the
   same per-operation socket timeout; any failure gives random weights and the reason.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import torch
from torch import nn

from .. import config

__all__ = ["PretrainedModel", "resnet18", "weights_cache_file"]


@dataclass
class PretrainedModel:
    """A model, whether it holds ImageNet weights, and where they came from (or why not)."""

    model: nn.Module
    pretrained: bool
    source: str  # "cache", "download" or "scratch"
    reason: str

    def describe(self) -> str:
        """One line in Norwegian for the notebook."""
        if self.pretrained:
            where = "lokal cache" if self.source == "cache" else "nedlastet nå"
            return f"ResNet-18 med ImageNet-vekter ({where})."
        return f"Offline: ResNet-18 trenes fra tilfeldige startvekter (uten ImageNet-vekter). Årsak: {self.reason}"


def _weights():
    from torchvision.models import ResNet18_Weights

    return ResNet18_Weights.IMAGENET1K_V1


def weights_cache_file() -> Path:
    """Where torch's hub cache keeps the ResNet-18 ImageNet weights."""
    return Path(torch.hub.get_dir()) / "checkpoints" / Path(urlparse(_weights().url).path).name


def _reachable(url: str, timeout: float) -> str | None:
    """``None`` when a TCP connection to ``url``'s host opens within ``timeout``; else the reason."""
    parsed = urlparse(url)
    host, port = parsed.hostname or "", parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except OSError as exc:
        return f"{host} is not reachable ({type(exc).__name__}: {exc})"


def _load_weights(timeout: float) -> tuple[dict | None, str, str]:
    """``(state_dict or None, source, reason)``."""
    weights = _weights()
    cached = weights_cache_file()
    if cached.is_file():
        try:
            return torch.load(cached, map_location="cpu", weights_only=True), "cache", f"found {cached}"
        except Exception as exc:  # noqa: BLE001 - a broken cache file falls through to the download
            broken = f"{cached} could not be read ({type(exc).__name__}); delete it"
            if config.offline():
                return None, "scratch", broken
    if config.offline():
        return None, "scratch", "DYPLAB_OFFLINE=1"
    problem = _reachable(weights.url, timeout)
    if problem is not None:
        return None, "scratch", problem
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)  # every read of the download gives up after `timeout` s of silence
    try:
        state = weights.get_state_dict(progress=False, check_hash=True)
    except Exception as exc:  # noqa: BLE001 - any failure means: train from scratch, and say why
        return None, "scratch", f"download failed ({type(exc).__name__}: {exc})"
    finally:
        socket.setdefaulttimeout(previous)
    return state, "download", f"downloaded {weights.url}"


def resnet18(n_classes: int, *, pretrained: bool = True, timeout: float = 5.0) -> PretrainedModel:
    """torchvision ResNet-18 with a new last layer for ``n_classes`` classes.

    ``pretrained=True`` tries the ImageNet weights (cache → download unless ``DYPLAB_OFFLINE=1``) and falls
    back to random weights with the reason; ``pretrained=False`` always starts from random weights.
    Seed before calling: the new last layer (and a from-scratch network) is drawn at random.
    """
    from torchvision.models import resnet18 as _tv_resnet18

    if n_classes < 2:
        raise ValueError(f"n_classes must be at least 2; got {n_classes}")
    if timeout <= 0:
        raise ValueError(f"timeout must be positive; got {timeout}")
    model = _tv_resnet18(weights=None)
    source, reason, ok = "scratch", "pretrained=False was asked for", False
    if pretrained:
        state, source, reason = _load_weights(timeout)
        if state is not None:
            model.load_state_dict(state)
            ok = True
    model.fc = nn.Linear(model.fc.in_features, n_classes)
    return PretrainedModel(model=model, pretrained=ok, source=source, reason=reason)
