"""dyplab.training.Recipe: the course's recipes give the same fit keywords and the same weights as the keyword
dictionaries they replaced; frozen, replace, describe, validation, build."""

from __future__ import annotations

import dataclasses
import pickle

import numpy as np
import pytest
import torch

import dyplab
from dyplab import training
from dyplab.models import ecg, images, mnist, mri, tabular
from dyplab.training import Recipe
from dyplab.training.recipe import _PRECISIONS
from dyplab.workflows import faces, medimaging

_DEFAULTS = {"max_epochs": None, "lr": 1e-3, "batch_size": 64, "optimizer": "adam", "weight_decay": 0.0,
             "schedule": None, "patience": 5, "monitor": "val_loss", "precision": "32", "channels_last": False}

#: The training keywords each recipe's users passed to ``fit`` before the Recipe type (the old constants, plus the
#: keywords the notebooks added: A5/A6 patience, B4 batch 256, E2 patience 4), with fit's defaults filled in.
BEFORE = {
    "MNIST_MLP": {"max_epochs": 15, "lr": 2e-3, "batch_size": 128, "optimizer": "adamw", "weight_decay": 0.05,
                  "schedule": "onecycle", "patience": 5},
    "MNIST_CNN": {"max_epochs": 8, "lr": 1e-2, "batch_size": 128, "optimizer": "adamw", "weight_decay": 1e-4,
                  "schedule": "onecycle", "patience": 3},
    "MNIST_ORIGINAL_CNN": {"max_epochs": 10, "lr": 1e-3, "batch_size": 64, "optimizer": "adam", "patience": None},
    "COMPACT": {"max_epochs": 25, "lr": 3e-3, "batch_size": 32, "optimizer": "adamw", "weight_decay": 1e-4,
                "schedule": "plateau", "patience": 6, "precision": "auto", "channels_last": True},
    "FLOWERS": {"max_epochs": 30, "lr": 3e-3, "batch_size": 32, "optimizer": "adamw", "weight_decay": 1e-4,
                "schedule": "onecycle", "patience": None, "precision": "auto", "channels_last": True},
    "SIMPLE_CNN": {"max_epochs": 25, "lr": 1e-3, "batch_size": 32, "optimizer": "adam", "weight_decay": 1e-4,
                   "schedule": "plateau", "patience": 5, "monitor": "val_acc"},
    "HEART_MLP": {"max_epochs": 100, "lr": 1e-3, "batch_size": 32, "weight_decay": 1e-4, "schedule": "plateau",
                  "patience": 15},
    "ECG_INTER": {"max_epochs": 12, "lr": 1e-3, "batch_size": 256, "patience": 3},
    "MRI": {"max_epochs": 20, "lr": 3e-3, "batch_size": 16, "weight_decay": 1e-3, "patience": 6},
    "FER": {"max_epochs": 18, "lr": 3e-3, "batch_size": 128, "optimizer": "adamw", "weight_decay": 5e-4,
            "schedule": "onecycle", "patience": 4, "precision": "auto", "channels_last": True},
    "MEDMNIST cnn/breastmnist": {"max_epochs": 20, "lr": 1e-3, "batch_size": 64, "optimizer": "adamw",
                                 "weight_decay": 1e-4, "schedule": "cosine", "patience": None, "precision": "auto",
                                 "channels_last": True},
    "MEDMNIST cnn/retinamnist": {"max_epochs": 20, "lr": 3e-3, "batch_size": 64, "optimizer": "adamw",
                                 "weight_decay": 1e-4, "schedule": "cosine", "patience": None, "precision": "auto",
                                 "channels_last": True},
    "MEDMNIST vit/breastmnist": {"max_epochs": 20, "lr": 3e-3, "batch_size": 64, "optimizer": "adamw",
                                 "weight_decay": 1e-4, "schedule": "cosine", "patience": None, "precision": "auto"},
}

RECIPES = {
    "MNIST_MLP": mnist.MNIST_MLP, "MNIST_CNN": mnist.MNIST_CNN, "MNIST_ORIGINAL_CNN": mnist.MNIST_ORIGINAL_CNN,
    "COMPACT": images.COMPACT, "FLOWERS": images.FLOWERS, "SIMPLE_CNN": images.SIMPLE_CNN,
    "HEART_MLP": tabular.HEART_MLP, "ECG_INTER": ecg.ECG_INTER.recipe, "MRI": mri.RECIPE.recipe, "FER": faces.FER,
    **{f"MEDMNIST {k}/{f}": medimaging.recipe(k, f) for k, f in medimaging.CHOSEN},
}


@pytest.mark.parametrize("name", sorted(BEFORE))
def test_every_recipe_gives_the_fit_keywords_it_replaced(name: str) -> None:
    assert RECIPES[name].fit_kwargs() == {**_DEFAULTS, **BEFORE[name]}


def test_fit_kwargs_are_exactly_fits_training_keywords_and_their_defaults_match() -> None:
    import inspect

    params = inspect.signature(training.fit).parameters
    assert set(_DEFAULTS) <= set(params)
    assert {k: params[k].default for k in _DEFAULTS if k != "max_epochs"} == {k: v for k, v in _DEFAULTS.items()
                                                                              if k != "max_epochs"}
    assert _PRECISIONS == training.PRECISIONS


def _weights(model: torch.nn.Module) -> list[np.ndarray]:
    return [v.detach().cpu().numpy().copy() for v in model.state_dict().values()]


@pytest.mark.parametrize("name", ["MNIST_CNN", "HEART_MLP"])
def test_a_recipe_trains_the_same_weights_as_the_old_keyword_call(name: str, tmp_path) -> None:
    """The old way (``Net(**model_kwargs)`` + ``fit(..., **dict)``) and the recipe give bit-identical weights."""
    rng = np.random.default_rng(0)
    if name == "HEART_MLP":
        X, y, args = rng.normal(size=(120, 22)).astype(np.float32), rng.integers(0, 2, 120), (22,)
    else:
        X, y, args = rng.normal(size=(96, 1, 28, 28)).astype(np.float32), rng.integers(0, 10, 96), ()
    recipe = RECIPES[name]
    train, val = (X[:80], y[:80]), (X[80:], y[80:])
    common = {"max_epochs": 2, "progress": False, "limit_train_batches": 2}

    dyplab.seed_everything(7)
    old = recipe.model(*args, **dict(recipe.model_kwargs))
    training.fit(old, train, val, log_dir=tmp_path / "old", **{**BEFORE[name], **common})
    dyplab.seed_everything(7)
    new = recipe.build(*args)
    recipe.fit(new, train, val, log_dir=tmp_path / "new", **common)
    for a, b in zip(_weights(old), _weights(new), strict=True):
        np.testing.assert_array_equal(a, b)
    dyplab.seed_everything(8)
    other = recipe.build(*args)
    recipe.fit(other, train, val, log_dir=tmp_path / "other", **common)
    assert any(not np.array_equal(a, b) for a, b in zip(_weights(new), _weights(other), strict=True))


def test_build_gives_a_fresh_network_each_call_and_kwargs_win() -> None:
    recipe = tabular.HEART_MLP
    torch.manual_seed(0)
    a = recipe.build(10)
    b = recipe.build(10)
    assert a is not b and any(not torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    torch.manual_seed(0)
    c = recipe.build(10)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), c.parameters(), strict=True))
    wide = recipe.build(10, hidden=(8, 4))
    assert training.count_parameters(wide) != training.count_parameters(a)
    assert recipe.model_kwargs_for(n_features=10) == {"hidden": (32,), "dropout": 0.3, "n_features": 10}


def test_a_recipe_is_frozen_and_replace_makes_a_validated_copy() -> None:
    recipe = mnist.MNIST_CNN
    with pytest.raises(dataclasses.FrozenInstanceError):
        recipe.lr = 1.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        recipe.model_kwargs["channels"] = (1, 2, 3)  # type: ignore[index]
    short = recipe.replace(max_epochs=2)
    assert short.max_epochs == 2 and recipe.max_epochs == 8 and short != recipe
    assert short.replace(max_epochs=8) == recipe and hash(short.replace(max_epochs=8)) == hash(recipe)
    with pytest.raises(ValueError, match="max_epochs"):
        recipe.replace(max_epochs=0)
    assert pickle.loads(pickle.dumps(faces.FER)) == faces.FER
    assert pickle.loads(pickle.dumps(mri.RECIPE)) == mri.RECIPE


def test_describe_is_one_line_with_the_settings() -> None:
    text = faces.FER.describe()
    assert "\n" not in text
    for part in ("FaceCNN(", "adamw lr 0.003", "vektforfall 0.0005", "plan onecycle", "batch 128", "maks 18 epoker",
                 "tidlig stopp etter 4", "presisjon auto", "channels-last", "potens 0.5"):
        assert part in text, part
    assert "beste epoke på val_loss" in images.FLOWERS.describe()
    assert "augmentering shift=2, vflip=True" in medimaging.recipe("cnn", "retinamnist").describe()


@pytest.mark.parametrize(("changes", "message"), [
    ({"optimizer": "rmsprop"}, "optimizer must be one of"),
    ({"schedule": "step"}, "schedule must be one of"),
    ({"lr": 0.0}, "lr must be > 0"),
    ({"weight_decay": -1.0}, "weight_decay must be >= 0"),
    ({"batch_size": 0}, "batch_size must be a whole number"),
    ({"max_epochs": 2.5}, "max_epochs must be a whole number"),
    ({"patience": 0}, "patience must be a whole number >= 1 or None"),
    ({"monitor": "val_f1"}, "monitor must be one of"),
    ({"precision": "16"}, "precision must be one of"),
    ({"class_weight_power": -0.5}, "class_weight_power must be >= 0"),
    ({"model": "CNN"}, "model must be a network class"),
])
def test_bad_settings_are_refused_with_the_field_named(changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Recipe(mnist.CNN, **changes) if "model" not in changes else Recipe(**changes)


def test_the_part_companions_check_their_inputs() -> None:
    with pytest.raises(ValueError, match="Unknown RR features"):
        dataclasses.replace(ecg.ECG_INTER, rr_features=("pulse",))
    with pytest.raises(ValueError, match="in_channels"):
        dataclasses.replace(ecg.ECG_INTER, channels=("beat",))
    with pytest.raises(ValueError, match="augmentation settings"):
        mri.MRIRecipe(recipe=mri.MRI_CNN.replace(augment=None))
