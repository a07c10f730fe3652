"""Tests for dyplab.explain: Grad-CAM, Integrated Gradients, saliency and permutation importance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.linear_model import LogisticRegression
from torch import nn

import dyplab
from dyplab import explain as E


def _cnn() -> nn.Sequential:
    dyplab.seed_everything(0)
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 6, 3, padding=1),
                         nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 3))


def test_grad_cam_shape_range_and_localisation() -> None:
    model = _cnn()
    x = torch.randn(5, 1, 16, 16)
    cam = E.grad_cam(model, x, target=None, layer=model[3])
    assert cam.shape == (5, 16, 16) and cam.dtype == np.float32
    assert cam.min() >= 0 and cam.max() <= 1
    assert all(m.max() in (0.0, 1.0) for m in cam)  # scaled per image
    assert E.grad_cam(model, x[0], target=2, layer=model[3]).shape == (16, 16)
    assert E.grad_cam(model, x, target=[0, 1, 2, 0, 1], layer=model[3]).shape == (5, 16, 16)
    assert model.training  # mode restored


def test_grad_cam_finds_the_evidence() -> None:
    # class 1 logit = mean activation of a channel that fires on bright pixels: the CAM must sit on the bright patch
    conv = nn.Conv2d(1, 1, 1)
    with torch.no_grad():
        conv.weight.fill_(1.0)
        conv.bias.fill_(0.0)
    head = nn.Linear(1, 2)
    with torch.no_grad():
        head.weight.copy_(torch.tensor([[0.0], [1.0]]))
        head.bias.zero_()
    model = nn.Sequential(conv, nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), head)
    x = torch.zeros(1, 1, 12, 12)
    x[0, 0, 2:5, 7:10] = 1.0
    cam = E.grad_cam(model, x, target=1, layer=model[0])[0]
    assert cam[2:5, 7:10].mean() > 0.9 and cam[8:, :4].max() < 0.1


def test_integrated_gradients_completeness() -> None:
    dyplab.seed_everything(0)
    model = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 3))
    X = torch.randn(4, 6)
    base = torch.randn(1, 6) * 0.1
    attr, delta = E.integrated_gradients(model, X, target=2, baseline=base.expand(4, 6), n_steps=200,
                                         return_delta=True)
    with torch.no_grad():
        gap = (model(X) - model(base))[:, 2].numpy()
    assert attr.shape == (4, 6)
    np.testing.assert_allclose(attr.sum(axis=1), gap, atol=1e-3)
    assert np.abs(delta).max() < 1e-3
    # linear model: IG with zero baseline is exactly weight * input
    lin = nn.Linear(5, 2)
    x = torch.randn(3, 5)
    ig = E.integrated_gradients(lin, x, target=1)
    np.testing.assert_allclose(ig, (lin.weight[1].detach() * x).numpy(), atol=1e-5)


def test_saliency_is_abs_gradient() -> None:
    lin = nn.Linear(5, 2)
    x = torch.randn(3, 5)
    sal = E.saliency(lin, x, target=0)
    np.testing.assert_allclose(sal, np.abs(lin.weight[0].detach().numpy())[None].repeat(3, 0), atol=1e-6)
    with pytest.raises(ValueError, match="target"):
        E.saliency(lin, x, target=5)


def test_permutation_importance_table_estimator_and_function() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = (2 * X[:, 0] + X[:, 2] + 0.3 * rng.normal(size=300) > 0).astype(int)
    clf = LogisticRegression().fit(X[:200], y[:200])
    names = ["alder", "støy1", "blodtrykk", "støy2"]
    t1 = E.permutation_importance_table(clf, X[200:], y[200:], names, n_repeats=5, seed=1)
    assert list(t1.columns) == ["feature", "importance_mean", "importance_std"]
    assert t1["feature"].tolist()[:2] == ["alder", "blodtrykk"]
    assert t1["importance_mean"].is_monotonic_decreasing
    t2 = E.permutation_importance_table(lambda Z: clf.predict_proba(Z)[:, 1], X[200:], y[200:], names, n_repeats=5,
                                        seed=1)
    pd.testing.assert_frame_equal(t1, t2)
    df = pd.DataFrame(X, columns=names)
    clf_df = LogisticRegression().fit(df.iloc[:200], y[:200])
    t3 = E.permutation_importance_table(clf_df, df.iloc[200:], y[200:], None, scoring="accuracy", n_repeats=3)
    assert set(t3["feature"]) == set(names)
    with pytest.raises(ValueError, match="feature names"):
        E.permutation_importance_table(clf, X, y, ["a"], n_repeats=2)


def test_compare_attributions() -> None:
    a = pd.Series({"x": 0.5, "y": -2.0, "z": 0.1})
    b = pd.Series({"z": 0.0, "x": 1.0, "y": 3.0})
    c = pd.Series({"x": 1.0, "y": 3.0, "z": 2.0})
    out = E.compare_attributions({"ig": a, "perm": b, "coef": c})
    assert out.index.tolist()[0] == "y"
    assert out.loc["y", "ig"] == 1.0 and out.loc["x", "ig"] == pytest.approx(0.25)
    assert out.loc["y", "ig_rank"] == 1 and out.loc["z", "perm_rank"] == 3
    rho = out.attrs["spearman"]
    assert rho.loc["ig", "perm"] == pytest.approx(1.0) and rho.loc["ig", "coef"] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="same features"):
        E.compare_attributions({"a": a, "b": pd.Series({"x": 1.0})})


# --------------------------------------------------------------------------- sanity check (Adebayo et al. 2018)


def _pattern_data(n: int = 384, size: int = 16, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Noise images with one 4×4 pattern at a random place; the class is the pattern (4 classes)."""
    g = torch.Generator().manual_seed(seed)
    x = 0.3 * torch.randn(n, 1, size, size, generator=g)
    y = torch.randint(0, 4, (n,), generator=g)
    ring = torch.ones(4, 4)
    ring[1:3, 1:3] = 0
    bars = torch.zeros(4, 4)
    bars[1:3] = 1
    patterns = [bars, bars.T, (torch.eye(4) + torch.eye(4).flip(0)).clamp(0, 1), ring]
    for i, c in enumerate(y.tolist()):
        r0, c0 = (int(v) for v in torch.randint(0, size - 4, (2,), generator=g))
        x[i, 0, r0:r0 + 4, c0:c0 + 4] += 2.0 * patterns[c]
    return x, y


def _trained_pattern_cnn() -> tuple[nn.Sequential, torch.Tensor, torch.Tensor]:
    dyplab.seed_everything(0)
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                          nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 4))
    x, y = _pattern_data()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(80):
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    model.eval()
    return model, x, y


@pytest.fixture(scope="module")
def pattern_model():
    return _trained_pattern_cnn()


def test_randomization_check_passes_for_grad_cam_on_a_trained_model(pattern_model) -> None:
    model, x, y = pattern_model
    assert (model(x).argmax(1) == y).float().mean() > 0.9  # it learnt the task
    check = E.randomization_check(model, x[:16], target=None, layer=model[5])
    assert list(check.steps["randomized"]) == ["8", "4", "3", "1", "0"]  # from the output layer down
    assert check.spearman.shape == (5, 16) and check.maps.shape == (6, 16, 16, 16)
    assert check.passed, check.steps
    assert (check.steps["similarity"] < 0.5).all() and (check.steps["constant_maps"] == 0).all()
    assert "bestått" in check.summary() and "IKKE" not in check.summary()
    assert model.training is False and np.allclose(check.maps[0], E.grad_cam(model, x[:16], None, model[5]))


def test_randomization_check_fails_for_a_map_that_ignores_the_model(pattern_model) -> None:
    # an "explanation" that is the image itself (an edge-detector-like map): identical for any weights
    model, x, _ = pattern_model
    check = E.randomization_check(model, x[:16], target=None, layer=model[5],
                                  explainer=lambda m, imgs, t, lay: imgs[:, 0].abs().detach().numpy())
    assert not check.passed
    assert (check.steps["changed"] == 0).all() and np.allclose(check.spearman, 1.0)
    assert np.allclose(check.steps["similarity"], 1.0)
    assert "IKKE bestått" in check.summary()


def test_randomization_check_counts_constant_maps_as_failures(pattern_model) -> None:
    # a zero map has no defined correlation: it must fail, not pass as NaN
    model, x, _ = pattern_model
    check = E.randomization_check(model, x[:16], target=None, layer=model[5],
                                  explainer=lambda m, imgs, t, lay: np.zeros((len(imgs), 16, 16)))
    assert not check.passed
    assert (check.steps["constant_maps"] == 16).all() and np.isnan(check.spearman).all()
    assert np.allclose(check.steps["similarity"], 1.0) and not check.steps["passed"].any()


def test_randomization_check_needs_16_images_and_a_layer_of_the_model(pattern_model) -> None:
    model, x, _ = pattern_model
    with pytest.raises(ValueError, match="at least 16 images"):
        E.randomization_check(model, x[:8], target=None, layer=model[5])
    with pytest.raises(ValueError, match="not a sub-module"):
        E.randomization_check(model, x[:16], target=None, layer=nn.ReLU())
