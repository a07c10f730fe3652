"""ResNet-18 with ImageNet weights when available: the offline path never touches the network."""

from __future__ import annotations

import torch

from dyplab.models import pretrained


def test_offline_trains_from_scratch_without_network(no_network, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("DYPLAB_OFFLINE", "1")
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))  # an empty hub cache
    result = pretrained.resnet18(n_classes=5)
    assert no_network == []
    assert not result.pretrained and result.source == "scratch"
    assert "DYPLAB_OFFLINE" in result.reason
    assert result.describe().startswith("Offline:")
    assert result.model(torch.zeros(2, 3, 32, 32)).shape == (2, 5)


def test_unreachable_host_falls_back_quickly(no_network, monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("DYPLAB_OFFLINE", raising=False)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    result = pretrained.resnet18(n_classes=3, timeout=1.0)
    assert len(no_network) <= 1  # at most one reachability probe (none if DNS fails first), no download
    assert not result.pretrained and "not reachable" in result.reason


def test_cached_weights_are_used_offline(no_network, monkeypatch, tmp_path) -> None:
    from torchvision.models import resnet18

    monkeypatch.setenv("DYPLAB_OFFLINE", "1")
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    torch.manual_seed(0)
    reference = resnet18(weights=None)
    cache = pretrained.weights_cache_file()
    cache.parent.mkdir(parents=True)
    torch.save(reference.state_dict(), cache)
    result = pretrained.resnet18(n_classes=2)
    assert no_network == []
    assert result.pretrained and result.source == "cache"
    assert torch.equal(result.model.conv1.weight, reference.conv1.weight)
    assert result.model.fc.out_features == 2


def test_pretrained_false_and_bad_arguments(no_network) -> None:
    result = pretrained.resnet18(n_classes=4, pretrained=False)
    assert not result.pretrained and no_network == []
    for bad in ({"n_classes": 1}, {"n_classes": 3, "timeout": 0}):
        try:
            pretrained.resnet18(**bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad} was accepted")


class _LocalWeights:
    """The ResNet-18 weights descriptor, pointed at a server on this machine (torch.hub does the download)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def get_state_dict(self, **kwargs):
        return torch.hub.load_state_dict_from_url(self.url, map_location="cpu", **kwargs)


def test_download_path_fetches_and_verifies_weights(no_network, monkeypatch, tmp_path) -> None:
    import functools
    import hashlib
    import http.server
    import threading

    from torchvision.models import resnet18

    torch.manual_seed(1)
    reference = resnet18(weights=None)
    served = tmp_path / "served"
    served.mkdir()
    raw = served / "raw.pth"
    torch.save(reference.state_dict(), raw)
    name = f"resnet18-{hashlib.sha256(raw.read_bytes()).hexdigest()[:8]}.pth"  # torch.hub checks this prefix
    raw.rename(served / name)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:  # noqa: ANN002
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(served)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.delenv("DYPLAB_OFFLINE", raising=False)
        monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
        url = f"http://127.0.0.1:{server.server_address[1]}/{name}"
        monkeypatch.setattr(pretrained, "_weights", lambda: _LocalWeights(url))
        result = pretrained.resnet18(n_classes=5, timeout=5.0)
    finally:
        server.shutdown()
    assert no_network == []
    assert result.pretrained and result.source == "download", result.reason
    assert torch.equal(result.model.layer1[0].conv1.weight, reference.layer1[0].conv1.weight)
    assert pretrained.weights_cache_file().is_file()  # the next call needs no network


def test_silent_server_times_out_instead_of_hanging(no_network, monkeypatch, tmp_path) -> None:
    import socket
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)  # accepts connections, never answers
    try:
        monkeypatch.delenv("DYPLAB_OFFLINE", raising=False)
        monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/resnet18-00000000.pth"
        monkeypatch.setattr(pretrained, "_weights", lambda: _LocalWeights(url))
        start = time.perf_counter()
        result = pretrained.resnet18(n_classes=2, timeout=1.0)
        elapsed = time.perf_counter() - start
    finally:
        listener.close()
    assert not result.pretrained and "download failed" in result.reason
    assert elapsed < 30  # a hang would run into pytest's own limits; 1 s timeout plus model building
    assert socket.getdefaulttimeout() is None  # the global socket timeout is restored
