"""Tests for dyplab.plots: every figure has a title and labelled axes, in Norwegian or English."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # tests only; the library itself never forces a backend

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from dyplab import plots  # noqa: E402

RNG = np.random.default_rng(0)
Y2 = RNG.integers(0, 2, 60)
S2 = np.clip(0.4 * Y2 + 0.6 * RNG.random(60), 0, 1)
Y3 = RNG.integers(0, 3, 60)
P3 = RNG.dirichlet([1, 1, 1], 60)
HIST = pd.DataFrame({"epoch": [1, 2, 3, 4], "train_loss": [1.0, 0.7, 0.5, 0.4], "val_loss": [1.0, 0.8, 0.75, 0.9],
                     "train_acc": [0.5, 0.7, 0.8, 0.85], "val_acc": [0.5, 0.6, 0.7, 0.65], "lr": [1e-3] * 4})

CASES = {
    "sample_grid": lambda lang: plots.sample_grid(RNG.random((30, 1, 8, 8)), RNG.integers(0, 3, 30), n=12, ncols=6,
                                                  preds=RNG.integers(0, 3, 30), class_names=["a", "b", "c"], lang=lang),
    "sample_grid_rgb": lambda lang: plots.sample_grid(RNG.normal(size=(5, 8, 8, 3)), lang=lang),
    "class_distribution": lambda lang: plots.class_distribution(Y3, class_names=["a", "b", "c"], lang=lang),
    "training_curves": lambda lang: plots.training_curves(HIST, lang=lang),
    "confusion_matrix": lambda lang: plots.confusion_matrix(Y3, RNG.integers(0, 3, 60), normalize=True, lang=lang),
    "roc_binary": lambda lang: plots.roc_curves(Y2, S2, lang=lang),
    "roc_multiclass": lambda lang: plots.roc_curves(Y3, P3, class_names=["a", "b", "c"], lang=lang),
    "probability_histogram": lambda lang: plots.probability_histogram(Y2, S2, threshold=0.3, lang=lang),
    "signals": lambda lang: plots.signals(RNG.normal(size=(6, 200)), Y3[:6], fs=100.0, n=3, lang=lang),
    "image_maps": lambda lang: plots.image_maps(RNG.normal(size=(10, 6, 6)), ncols=5, lang=lang),
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _check_labelled(fig: Figure) -> None:
    assert isinstance(fig, Figure)
    sup = fig.get_suptitle()
    for ax in fig.axes:
        is_colorbar = hasattr(ax, "_colorbar")
        if is_colorbar:
            assert ax.get_ylabel() or ax.get_xlabel()
            continue
        assert ax.get_title() or sup, "every panel needs a title (or the figure a suptitle)"
        if ax.images:  # image panels: no axes to label, but a title naming the image
            assert ax.get_title()
        else:
            assert ax.get_xlabel() and ax.get_ylabel(), f"unlabelled axes in panel {ax.get_title()!r}"
    assert sup or all(ax.get_title() for ax in fig.axes if not hasattr(ax, "_colorbar"))


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_figure_is_labelled(case: str) -> None:
    _check_labelled(CASES[case]("no"))
    _check_labelled(CASES[case]("en"))


def _texts(fig: Figure) -> str:
    parts = [fig.get_suptitle()]
    for ax in fig.axes:
        parts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    return " | ".join(parts)


def test_language_switch() -> None:
    no, en = _texts(plots.training_curves(HIST)), _texts(plots.training_curves(HIST, lang="en"))
    assert "Epoke" in no and "Læringskurver" in no and "Epoch" not in no
    assert "Epoch" in en and "Learning curves" in en and "Epoke" not in en
    assert "Sann klasse" in _texts(plots.confusion_matrix(Y3, Y3))
    assert "True class" in _texts(plots.confusion_matrix(Y3, Y3, lang="en"))
    assert "Sensitivitet" in _texts(plots.roc_curves(Y2, S2))
    with pytest.raises(ValueError, match="lang"):
        plots.roc_curves(Y2, S2, lang="de")


def test_custom_title_best_epoch_and_save(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "curves.png"
    fig = plots.training_curves(HIST, title="Min modell", save=path)
    assert fig.get_suptitle() == "Min modell"
    assert path.is_file() and path.stat().st_size > 1000
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("(3)" in t for t in legend)  # best epoch by val_loss is epoch 3


def test_confusion_matrix_counts_are_shown() -> None:
    fig = plots.confusion_matrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 1], class_names=["frisk", "syk"])
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == ["0", "1", "1", "3"]
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), [[1, 1], [0, 3]])  # rows = true class
    shares = plots.confusion_matrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 1], class_names=["frisk", "syk"], normalize=True)
    np.testing.assert_allclose(shares.axes[0].images[0].get_array(), [[0.5, 0.5], [0.0, 1.0]])


def test_roc_curve_draws_the_curve_of_the_scores() -> None:
    from sklearn.metrics import roc_curve

    y, score = np.array([0, 0, 1, 1, 0, 1]), np.array([0.1, 0.4, 0.35, 0.8, 0.2, 0.9])
    ax = plots.roc_curves(y, score).axes[0]
    fpr, tpr, _ = roc_curve(y, score)
    line = next(line for line in ax.lines if "AUC" in line.get_label())
    np.testing.assert_allclose(line.get_xdata(), fpr)
    np.testing.assert_allclose(line.get_ydata(), tpr)
    assert line.get_label().endswith("AUC = 0.889")


def test_plot_input_errors() -> None:
    with pytest.raises(ValueError, match="labels"):
        plots.sample_grid(RNG.random((5, 8, 8)), labels=[0, 1])
    with pytest.raises(ValueError, match="both classes"):
        plots.roc_curves([1, 1, 1], [0.2, 0.5, 0.9])


def test_variable_distributions_labels_codes() -> None:
    rng = np.random.default_rng(0)
    n = 200
    df = pd.DataFrame({"age": rng.normal(55, 9, n), "cp": rng.integers(1, 5, n), "chol": rng.normal(240, 40, n)})
    df.loc[[3, 17], "chol"] = np.nan
    df["target"] = (df["age"] > 55).astype(int)
    fig = plots.variable_distributions(
        df, ["age", "cp", "chol"], categorical=["cp"], codes={"cp": {1: "a", 2: "b", 3: "c", 4: "d"}}, ncols=2,
        target_names=["nei", "ja"], title="Test",
    )  # fmt: skip
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 3 and fig._suptitle.get_text() == "Test"
    assert [t.get_text() for t in axes[1].get_xticklabels()] == ["1: a", "2: b", "3: c", "4: d"]
    assert axes[2].get_title() == "chol (2 mangler)"
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in axes)
    heights = [p.get_height() for p in axes[1].patches]
    assert sum(heights) == n  # every patient is drawn once in the categorical panel
