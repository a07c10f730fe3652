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
