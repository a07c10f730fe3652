"""Gradient descent, loss functions and mini-batch training."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import approx_fprime

from dyplab.theory import gradient_descent as gd


def test_converges_for_good_lr_and_diverges_for_large_lr() -> None:
    good = gd.gradient_descent(gd.quadratic_1d_grad, 4.5, lr=0.3, n_steps=30)
    assert good[-1, 0] == pytest.approx(2.0, abs=1e-5)
    small = gd.gradient_descent(gd.quadratic_1d_grad, 4.5, lr=0.01, n_steps=30)
    assert 2.5 < small[-1, 0] < 4.5  # moving, but slowly
    big = gd.gradient_descent(gd.quadratic_1d_grad, 4.5, lr=1.1, n_steps=30)
    errors = np.abs(big[:, 0] - 2.0)
    assert np.all(np.diff(errors) > 0) and errors[-1] > 100 * errors[0]


def test_divergence_stops_early() -> None:
    path = gd.gradient_descent(gd.quadratic_1d_grad, 4.5, lr=5.0, n_steps=1000)
    assert len(path) < 1001 and np.abs(path[-1]).max() > 1e8


def test_2d_bowl_converges() -> None:
    path = gd.gradient_descent(gd.bowl_2d_grad, [4.5, 3.5], lr=0.2, n_steps=60)
    assert path[-1] == pytest.approx([2.0, 1.0], abs=1e-6)
    assert gd.bowl_2d(path[-1]) == pytest.approx(1.0)


@pytest.mark.parametrize("point", [(-2.0, -2.7), (0.3, 1.1), (2.5, -0.4)])
def test_analytic_gradients_match_finite_differences(point) -> None:
    for f, g in [(gd.bowl_2d, gd.bowl_2d_grad), (gd.nonconvex, gd.nonconvex_grad)]:
        num = approx_fprime(np.array(point), lambda p, f=f: float(f(p)), 1e-7)
        assert g(np.array(point)) == pytest.approx(num, abs=1e-5)


def test_nonconvex_has_local_and_global_minima() -> None:
    minima = gd.find_minima(gd.nonconvex, gd.nonconvex_grad, n_starts=5)
    assert len(minima) >= 3
    values = [v for _, v in minima]
    assert values == sorted(values) and values[0] < values[1]
    for point, _ in minima:
        assert np.linalg.norm(gd.nonconvex_grad(point)) < 1e-4
    # Gradient descent from the upper right gets stuck in a local (not the global) minimum.
    end = gd.gradient_descent(gd.nonconvex_grad, [2.5, 2.5], lr=0.05, n_steps=400)[-1]
    assert gd.nonconvex(end) > values[0] + 0.1


def test_losses() -> None:
    assert gd.mse([1, 2, 3], [1, 2, 5]) == pytest.approx(4 / 3)
    assert gd.binary_cross_entropy([1, 0], [0.9, 0.2]) == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2)
    assert gd.cross_entropy([0, 2], [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]) == pytest.approx(
        -(np.log(0.7) + np.log(0.8)) / 2
    )
    assert np.isfinite(gd.binary_cross_entropy([1], [0.0]))
    with pytest.raises(ValueError, match="shapes"):
        gd.mse([1, 2], [1, 2, 3])


def test_full_batch_and_minibatch_fit_the_line() -> None:
    x, y = gd.make_regression(200, seed=0, w=2.5, b=-1.0, noise=0.5)
    w_ls, b_ls = np.polyfit(x, y, 1)
    full = gd.fit_linear(x, y, lr=0.1, epochs=200)
    mini = gd.fit_linear(x, y, lr=0.05, epochs=30, batch_size=10, seed=1)
    assert len(full.full_loss) == 200 and len(mini.full_loss) == 30 * 20
    assert full.params[-1] == pytest.approx((w_ls, b_ls), abs=1e-3)
    assert mini.params[-1] == pytest.approx((w_ls, b_ls), abs=0.1)
    # Full batch: the loss never goes up; mini-batch: the batch loss jumps around.
    assert np.all(np.diff(full.full_loss) <= 1e-12)
    assert np.sum(np.diff(mini.batch_loss) > 0) > 50


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="lr"):
        gd.gradient_descent(gd.quadratic_1d_grad, 0.0, lr=0.0, n_steps=3)
    with pytest.raises(ValueError, match="batch_size"):
        gd.fit_linear(np.zeros(3), np.zeros(3), batch_size=0)
