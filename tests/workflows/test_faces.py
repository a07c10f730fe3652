"""The FER2013 workflow helpers on small synthetic faces: balanced sampling, a short training run, flip TTA."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dyplab.data import LabeledData
from dyplab.models.faces import FaceCNN
from dyplab.workflows import faces


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
    recipe = faces.FER.replace(model_kwargs={"width": 4, "hidden": 16}, max_epochs=3, batch_size=16, lr=3e-3)
    result, kwargs = faces.train_model(train, val, recipe=recipe, balancing=balancing, progress=False, name="t")
    assert kwargs == {"n_classes": 2, "width": 4, "hidden": 16}
    assert len(result.history) == 3 and result.history["val_acc"].max() >= 0.9


def test_unknown_balancing_is_refused():
    with pytest.raises(ValueError, match="balancing"):
        faces.train_model(_data([4, 4]), _data([2, 2]), balancing="oversample")
    with pytest.raises(ValueError, match="class_weight_power"):
        faces.train_model(_data([4, 4]), _data([2, 2]), recipe=faces.FER.replace(class_weight_power=None))


def test_flip_tta_is_mirror_invariant():
    torch.manual_seed(0)
    model = FaceCNN(width=4, hidden=8).eval()
    X = _data([3, 3]).X
    p = faces.predict_proba_flip(model, X)
    assert p.shape == (6, 7) and np.allclose(p.sum(axis=1), 1, atol=1e-5)
    assert np.allclose(p, faces.predict_proba_flip(model, X[:, :, ::-1]), atol=1e-5)


def test_choose_balancing_is_accuracy_with_a_tie_going_to_the_weighted_loss():
    def table(w: float, s: float, f1_w: float = 0.5, f1_s: float = 0.5) -> dict:
        return {"weights": {"nøyaktighet": w, "makro-F1": f1_w}, "sampler": {"nøyaktighet": s, "makro-F1": f1_s}}

    assert faces.choose_balancing(table(0.489, 0.460, f1_w=0.388, f1_s=0.394)) == "weights"  # macro-F1 does not decide
    assert faces.choose_balancing(table(0.50, 0.509)) == "weights"  # under the tie margin
    assert faces.choose_balancing(table(0.50, 0.52)) == "sampler"
    with pytest.raises(ValueError, match="'weights' and 'sampler'"):
        faces.choose_balancing({"weights": {"nøyaktighet": 0.5}})


def test_compare_balancing_scores_both_methods_on_validation(tmp_path, monkeypatch):
    monkeypatch.setenv("DYPLAB_RESULTS_DIR", str(tmp_path))
    train, val = _data([60, 20], seed=1), _data([30, 10], seed=2)
    recipe = faces.FER_BALANCING_TRIAL.replace(max_epochs=1, model_kwargs={"width": 4, "hidden": 16})
    table = faces.compare_balancing(train, val, recipe=recipe)
    assert list(table.index) == ["weights", "sampler"]
    assert {"nøyaktighet", "balansert nøyaktighet", "makro-F1", "sekunder"} <= set(table.columns)
    assert ((table["nøyaktighet"] >= 0) & (table["nøyaktighet"] <= 1)).all()
    assert faces.choose_balancing(table) in ("weights", "sampler")


def test_copies_in_train_marks_only_test_images_with_a_train_copy():
    rng = np.random.default_rng(3)
    train = rng.integers(0, 256, size=(5, 48, 48), dtype=np.uint8)
    test = rng.integers(0, 256, size=(4, 48, 48), dtype=np.uint8)
    test[1] = train[3]
    test[2] = test[3]  # a duplicate inside test only: not a train copy
    assert faces.copies_in_train(train, test).tolist() == [False, True, False, False]


def test_development_split_never_reads_the_test_folder(mirror, monkeypatch):
    from dyplab.data import fer2013

    real, asked = fer2013.load, []
    monkeypatch.setattr(fer2013, "load", lambda split, **kw: asked.append(split) or real(split, **kw))
    train, val = faces.development_split(val_size=0.2, limit_per_class=10)
    assert asked == ["train"] and len(train) == 56 and len(val) == 14
    assert set(train.meta["split"]) == {"train"}
    full = faces.official_split(val_size=0.2, limit_per_class=10, test_limit_per_class=2)
    assert np.array_equal(full.train.X, train.X) and np.array_equal(full.val.y, val.y)
