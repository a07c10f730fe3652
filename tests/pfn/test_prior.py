import numpy as np
import pytest

from dyplab.pfn import prior
from dyplab.pfn.prior import PriorConfig, sample_batch, sample_task


def test_task_shapes_and_types():
    task = sample_task(np.random.default_rng(0), n_rows=120, n_features=7, n_train=80)
    assert task.X.shape == (120, 7) and task.X.dtype == np.float32
    assert task.y.shape == (120,) and task.y.dtype == np.int64
    assert np.isfinite(task.X).all()
    assert task.n_train == 80


def test_same_seed_same_task_other_seed_other_task():
    a = sample_task(np.random.default_rng(3), 60, 5, 30)
    b = sample_task(np.random.default_rng(3), 60, 5, 30)
    c = sample_task(np.random.default_rng(4), 60, 5, 30)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)


def test_several_classes_every_class_in_context_and_labels_permuted():
    rng = np.random.default_rng(5)
    counts = np.zeros(6)
    for _ in range(60):
        t = sample_task(rng, 200, 6, 120, n_classes=6)
        assert set(t.y[:120]) == set(range(6)) and len(set(t.y[120:])) >= 2 and t.n_classes == 6
        counts += np.bincount(t.y, minlength=6)
    assert counts.min() > 0.5 * counts.mean()  # no class index is systematically rare (labels are permuted)
    with pytest.raises(ValueError, match="n_classes"):
        sample_task(rng, 40, 3, 20, n_classes=11)


def test_batches_mix_binary_and_multiclass_tasks_with_enough_context_per_class():
    rng = np.random.default_rng(6)
    cfg = PriorConfig()
    ks = [(t.n_classes, t.n_train) for _ in range(60) for t in sample_batch(rng, 768, cfg)]
    classes = np.array([k for k, _ in ks])
    assert 0.35 < (classes == 2).mean() < 0.65 and classes.max() == 10 and set(classes) == set(range(2, 11))
    assert all(k == 2 or n // k >= cfg.min_context_per_class for k, n in ks)


def test_both_classes_in_context_and_queries_and_balance_varies():
    rng = np.random.default_rng(1)
    shares = []
    for _ in range(40):
        t = sample_task(rng, 50, 4, 30)
        assert set(t.y[:30]) == {0, 1} and set(t.y[30:]) == {0, 1}
        shares.append(t.y.mean())
    shares = np.array(shares)
    assert 0.35 < shares.mean() < 0.65  # balanced on average (labels are flipped at random)
    assert shares.std() > 0.05  # but tasks differ in class balance


def test_batch_shares_shape_within_config_ranges():
    cfg = PriorConfig(min_rows=40, max_rows=80, min_features=3, max_features=6)
    batch = sample_batch(np.random.default_rng(2), batch_rows=400, cfg=cfg)
    shapes = {t.X.shape for t in batch}
    assert len(shapes) == 1
    n, f = shapes.pop()
    assert 40 <= n <= 80 and 3 <= f <= 6
    assert len(batch) == 400 // n
    assert len({t.n_train for t in batch}) == 1


def test_bad_context_size_is_refused():
    with pytest.raises(ValueError, match="n_train"):
        sample_task(np.random.default_rng(0), 10, 3, 9)


def test_every_drawn_table_is_finite_and_fits_float32():
    """Skewed columns are made with exp(); a task drawn from an uncentred column once overflowed to inf."""
    rng = np.random.default_rng(3)
    for _ in range(400):
        for task in prior.sample_batch(rng, 256):
            assert np.isfinite(task.X).all()


def test_warp_of_a_far_from_zero_column_stays_finite():
    x = np.random.default_rng(1).normal(1e4, 1.0, size=(300, 40))  # mean far from 0, std 1
    for seed in range(20):
        out = prior._warp(np.random.default_rng(seed), x)
        assert np.isfinite(out.astype(np.float32)).all()
