"""Checkpoints: weights plus description, loaded back with weights_only=True; pickled objects refused."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch

from dyplab import checkpoints
from dyplab.checkpoints import CheckpointError
from dyplab.data.images import NORMALIZATION
from dyplab.models.images import CompactCNN


class _Evil:
    """Stands for any object a pickle could smuggle in."""

    def __reduce__(self):
        return (print, ("this code would run on load",))


def test_compact_cnn_round_trip(tmp_path):
    torch.manual_seed(0)
    kwargs = {"n_classes": 3, "channels": [8, 16], "dropout": 0.1}
    model = CompactCNN(**kwargs).eval()
    x = torch.randn(2, 3, 24, 24)
    path = checkpoints.save(model, tmp_path / "m.pt", model_kwargs=kwargs, class_names=["a", "b", "c"],
                            image_size=24, normalization=NORMALIZATION, metrics={"val_acc": 0.5})
    loaded, meta = checkpoints.load_model(path)
    assert isinstance(loaded, CompactCNN) and not loaded.training
    assert meta["model"] == "dyplab.models.images.CompactCNN"
    assert meta["class_names"] == ["a", "b", "c"] and meta["image_size"] == 24
    assert meta["normalization"] == NORMALIZATION
    with torch.no_grad():
        assert torch.allclose(model(x), loaded(x))
    ckpt = checkpoints.load(path)
    assert ckpt.class_names == ["a", "b", "c"]
    assert all(isinstance(v, torch.Tensor) for v in ckpt.state_dict.values())


def test_a_checkpoint_holding_a_pickled_object_is_refused(tmp_path):
    model = CompactCNN(n_classes=2, channels=[4])
    path = tmp_path / "evil.pt"
    payload = {"format": checkpoints.FORMAT, "state_dict": model.state_dict(),
               "meta": {"model": "dyplab.models.images.CompactCNN", "hook": _Evil()}}
    torch.save(payload, path)
    with pytest.raises(CheckpointError, match="cannot be loaded safely|not a dyplab checkpoint"):
        checkpoints.load(path)
    whole = tmp_path / "whole_model.pt"
    with open(whole, "wb") as fh:
        pickle.dump(model, fh, protocol=2)
    with pytest.raises(CheckpointError):
        checkpoints.load_model(whole)


def test_meta_must_be_plain_and_model_must_live_in_dyplab(tmp_path):
    model = CompactCNN(n_classes=2, channels=[4])
    with pytest.raises(TypeError, match="not a plain value"):
        checkpoints.save(model, tmp_path / "m.pt", model_kwargs={"n_classes": 2}, image_size=np.float32)
    foreign = torch.nn.Linear(2, 2)
    path = checkpoints.save(foreign, tmp_path / "lin.pt", model_kwargs={"in_features": 2, "out_features": 2})
    with pytest.raises(CheckpointError, match="not a dyplab.models class"):
        checkpoints.load_model(path)
    with pytest.raises(CheckpointError, match="does not exist"):
        checkpoints.load(tmp_path / "missing.pt")


def test_weights_that_do_not_fit_are_a_clear_error(tmp_path):
    model = CompactCNN(n_classes=2, channels=[4])
    path = checkpoints.save(model, tmp_path / "m.pt", model_kwargs={"n_classes": 3, "channels": [4]})
    with pytest.raises(CheckpointError, match="do not fit"):
        checkpoints.load_model(path)
