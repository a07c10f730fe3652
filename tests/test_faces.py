"""The FER2013 workflow helpers on small synthetic faces: balanced sampling, a short training run, flip TTA."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dyplab import faces
from dyplab.data import LabeledData
from dyplab.models.faces import FaceCNN


def _data(counts: list[int], seed: int = 0) -> LabeledData:
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(len(counts)), counts)
    X = rng.integers(0, 256, size=(len(y), 48, 48), dtype=np.uint8)
    X[y == 1, :24] = 255  # class 1 has a bright top half: learnable
    return LabeledData(X=X, y=y, class_names=[f"c{i}" for i in range(len(counts))])


def test_balanced_loader_draws_classes_equally():
    data = _data([180, 20])
    drawn = np.concatenate([yb.numpy() for _, yb in faces.balanced_loader(data, batch_size=50, seed=1)])
    assert len(drawn) == 200
    assert 0.35 < (drawn == 1).mean() < 0.65  # 10 % of the data, about half of the draws


def test_balanced_loader_needs_every_class():
    data = LabeledData(X=np.zeros((4, 48, 48), np.uint8), y=np.zeros(4), class_names=["a", "b"])
    with pytest.raises(ValueError, match="missing: \\['b'\\]"):
        faces.balanced_loader(data)


@pytest.mark.parametrize("balancing", ["weights", "sampler"])
def test_train_model_learns_an_easy_signal(balancing, tmp_path, monkeypatch):
    monkeypatch.setenv("DYPLAB_RESULTS_DIR", str(tmp_path))
    train, val = _data([60, 20], seed=1), _data([30, 10], seed=2)
    result, kwargs = faces.train_model(train, val, epochs=3, balancing=balancing, batch_size=16, lr=3e-3,
                                       model_kwargs={"width": 4, "hidden": 16}, progress=False, name="t")
    assert kwargs == {"n_classes": 2, "width": 4, "hidden": 16}
    assert len(result.history) == 3 and result.history["val_acc"].max() >= 0.9


def test_unknown_balancing_is_refused():
    with pytest.raises(ValueError, match="balancing"):
        faces.train_model(_data([4, 4]), _data([2, 2]), epochs=1, balancing="oversample")


def test_flip_tta_is_mirror_invariant():
    torch.manual_seed(0)
    model = FaceCNN(width=4, hidden=8).eval()
    X = _data([3, 3]).X
    p = faces.predict_proba_flip(model, X)
    assert p.shape == (6, 7) and np.allclose(p.sum(axis=1), 1, atol=1e-5)
    assert np.allclose(p, faces.predict_proba_flip(model, X[:, :, ::-1]), atol=1e-5)
