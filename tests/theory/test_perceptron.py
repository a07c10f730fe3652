"""The perceptron rule and activation functions."""

from __future__ import annotations

import numpy as np
import pytest

from dyplab.theory import perceptron as pc


def test_activation_functions() -> None:
    z = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
    assert pc.step(z).tolist() == [0, 0, 1, 1, 1]
    assert pc.sigmoid(z) == pytest.approx(1 / (1 + np.exp(-z)))
    assert pc.sigmoid(np.array([-800.0, 800.0])).tolist() == [0.0, 1.0]  # no overflow
    assert pc.tanh(z) == pytest.approx(np.tanh(z))
    assert pc.relu(z).tolist() == [0, 0, 0, 0.5, 3.0]
    assert pc.leaky_relu(z, 0.1) == pytest.approx([-0.3, -0.05, 0, 0.5, 3.0])


@pytest.mark.parametrize("seed", range(5))
def test_rule_converges_on_separable_data(seed: int) -> None:
    X, y = pc.make_separable(60, seed=seed)
    p = pc.Perceptron(lr=0.1, seed=seed).fit(X, y, max_epochs=200)
    assert p.converged
    assert p.accuracy(X, y) == 1.0
    assert p.history[0][2] > 0  # it really had to learn


def test_cannot_fit_xor() -> None:
    X, y = pc.xor_data()
    p = pc.Perceptron(lr=0.1).fit(X, y, max_epochs=500)
    assert not p.converged
    assert len(p.history) == 501
    assert p.accuracy(X, y) <= 0.75  # no line separates XOR


def test_boundary_line_separates() -> None:
    X, y = pc.make_separable(40, seed=3)
    p = pc.Perceptron().fit(X, y)
    x2 = pc.boundary_line(p.w, p.b, X[:, 0])
    above = X[:, 1] > x2
    assert np.all(above == (y == 1)) or np.all(above == (y == 0))


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="shape"):
        pc.Perceptron().fit(np.zeros((4, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="0 or 1"):
        pc.Perceptron().fit(np.zeros((2, 2)), np.array([-1.0, 1.0]))
