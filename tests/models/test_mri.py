"""MRI models: one-view and late-fusion three-view CNNs, their Grad-CAM layers, and the shift/rotate augmentation."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dyplab import explain
from dyplab.models.mri import ThreeViewCNN, ViewCNN


def test_view_cnn_shapes_and_errors():
    torch.manual_seed(0)
    model = ViewCNN(n_classes=2, width=4).eval()
    x = torch.rand(3, 1, 32, 24)
    assert model(x).shape == (3, 2)
    torch.testing.assert_close(model(x[:, 0]), model(x))  # [N, H, W] gets a channel axis
    with pytest.raises(ValueError, match=r"expects \[N, 1, H, W\]"):
        model(torch.rand(3, 2, 32, 24))


def test_three_view_cnn_fuses_late_and_keeps_views_apart():
    torch.manual_seed(0)
    model = ThreeViewCNN(n_classes=2, width=4).eval()
    x = torch.rand(2, 3, 32, 32)
    assert model(x).shape == (2, 2)
    # each branch sees only its own view: changing view 2 leaves branch 0's features unchanged
    changed = x.clone()
    changed[:, 2] = torch.rand(2, 32, 32)
    before, after = model.view_features(x), model.view_features(changed)
    torch.testing.assert_close(after[0], before[0])
    torch.testing.assert_close(after[1], before[1])
    assert not torch.allclose(after[2], before[2])
    assert not torch.allclose(model(changed), model(x))
    with pytest.raises(ValueError, match="one view per channel"):
        model(torch.rand(2, 2, 32, 32))
    with pytest.raises(ValueError, match="view must be in 0..2"):
        model.cam_layer(3)


def test_grad_cam_per_view_at_input_resolution():
    torch.manual_seed(0)
    model = ThreeViewCNN(width=4).eval()
    x = torch.rand(2, 3, 40, 32)
    for view in range(3):
        cam = explain.grad_cam(model, x, 1, model.cam_layer(view))
        assert cam.shape == (2, 40, 32)
        assert cam.min() >= 0.0 and cam.max() <= 1.0
    single = ViewCNN(width=4).eval()
    assert explain.grad_cam(single, x[:, :1], None, single.cam_layer()).shape == (2, 40, 32)


def test_three_view_cnn_learns_a_signal_in_one_view():
    gen = torch.Generator().manual_seed(0)
    n = 64
    y = torch.arange(n) % 2
    x = torch.rand(n, 3, 16, 16, generator=gen) * 0.2
    x[y == 1, 1, 4:12, 4:12] += 1.0  # the class shows only in the coronal view
    torch.manual_seed(0)
    model = ThreeViewCNN(width=4, dropout=0.0)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(80):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        acc = (model(x).argmax(1) == y).float().mean().item()
    assert acc > 0.9


def test_recipe_augmentation_is_small_seeded_and_shape_preserving():
    from dyplab.models import mri

    img = np.zeros((3, 32, 32), np.float32)
    img[:, 12:20, 12:20] = 1.0
    augment = mri.RECIPE.augment
    a = augment(seed=1)(img)
    b = augment(seed=1)(img)
    torch.testing.assert_close(a, b)
    assert a.shape == (3, 32, 32) and a.dtype == torch.float32
    assert not torch.allclose(a, torch.as_tensor(img))  # it did move the views
    assert not torch.allclose(a[0], a[1])  # each view gets its own draw
    assert abs(a.sum().item() - img.sum()) / img.sum() < 0.1  # a small move keeps the object inside
    assert float(a[:, :3].abs().max()) == 0.0  # zeros outside: the border rows stay background
    assert augment(seed=0)(img[0]).shape == (1, 32, 32)
    with pytest.raises(ValueError, match=r"one example \[H, W\] or \[C, H, W\]"):
        augment(seed=0)(np.zeros((2, 3, 8, 8)))


def test_protocol_parts_are_disjoint_subjects_and_keep_the_test_set():
    from dyplab import splits
    from dyplab.models import mri

    y = np.arange(120) % 2
    groups = np.repeat([f"s{i:03d}" for i in range(60)], 2)
    parts = mri.protocol_parts(y, groups)
    assert sorted(np.concatenate(parts).tolist()) == list(range(120))
    for a, b in [(parts.cv, parts.select), (parts.cv, parts.test), (parts.select, parts.test)]:
        assert not set(groups[a]) & set(groups[b])
    assert 0.2 < len(parts.select) / 120 < 0.45 and 0.08 < len(parts.test) / 120 < 0.25
    # the test set is cut first: the same as a plain train/val/test split with the same test share
    plain = splits.train_val_test(y, val_size=0.15, test_size=mri.TEST_SHARE, seed=42, groups=groups)
    assert sorted(parts.test.tolist()) == sorted(plain.test.tolist())


def test_recipe_builds_its_model_and_takes_its_views():
    from dyplab.models import mri

    X = np.stack([np.full((4, 20, 20), v, dtype=np.float32) for v in range(3)], axis=1)  # view v is all v
    planes = ["axial", "coronal", "sagittal"]
    small = mri.MRI_CNN.replace(model_kwargs={"width": 4})
    one = mri.MRIRecipe(views=("coronal",), recipe=small)
    assert isinstance(one.model(), ViewCNN) and one.inputs(X, planes).shape == (4, 20, 20)
    assert float(one.inputs(X, planes).max()) == 1.0
    three = mri.MRIRecipe(recipe=small)
    assert isinstance(three.model(), ThreeViewCNN) and three.inputs(X, planes).shape == (4, 3, 20, 20)
    assert three.fit_kwargs() == small.fit_kwargs() and three.fit_kwargs()["max_epochs"] == 20
    assert three.scaled(size=32, max_epochs=2).size == 32 and three.scaled(max_epochs=2).width == 4
    assert "tre snitt" in three.describe() and "koronalt" in one.describe()
    assert three.with_views("axial").view_text == "aksialt" and three.with_views("axial").width == 4
    from dyplab.data import LabeledData

    data = LabeledData(X=X, y=np.array([0, 1, 0, 1]), class_names=["a", "b"])
    assert one.select(data, planes).X.shape == (4, 20, 20) and data.X.shape == (4, 3, 20, 20)
    with pytest.raises(ValueError, match="not among the loaded planes"):
        one.inputs(X[:, :1], ["axial"])
    with pytest.raises(ValueError, match=r"must be \[N, 3, H, W\]"):
        three.inputs(X[:, 0], planes)
    with pytest.raises(ValueError, match="at least one view"):
        mri.MRIRecipe(views=())
    assert mri.RECIPE in mri.CANDIDATES.values()
