"""Rosenblatt's perceptron and the usual activation functions (NumPy only).

The perceptron computes z = w·x + b and outputs step(z) ∈ {0, 1}. The
perceptron rule changes the weights only after a mistake:

    w ← w + η (y - ŷ) x,    b ← b + η (y - ŷ)

If the classes can be separated by a straight line (a hyperplane) the rule
stops after a finite number of mistakes (the perceptron convergence theorem).
For XOR no such line exists, so it never stops.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


# --- activation functions -------------------------------------------------------
def step(z: np.ndarray) -> np.ndarray:
    """Heaviside step: 1 for z >= 0, else 0."""
    return (np.asarray(z) >= 0).astype(float)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function 1 / (1 + e^-z), in (0, 1)."""
    z = np.asarray(z, dtype=float)
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # same function, no overflow for large |z|


def tanh(z: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent, in (-1, 1)."""
    return np.tanh(np.asarray(z, dtype=float))


def relu(z: np.ndarray) -> np.ndarray:
    """Rectified linear unit max(0, z)."""
    return np.maximum(0.0, np.asarray(z, dtype=float))


def leaky_relu(z: np.ndarray, slope: float = 0.01) -> np.ndarray:
    """max(slope·z, z): like ReLU but with a small slope for z < 0."""
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, z, slope * z)


ACTIVATIONS = {"step": step, "sigmoid": sigmoid, "tanh": tanh, "relu": relu}


# --- data -------------------------------------------------------------------------
def make_separable(n: int = 40, seed: int = 0, margin: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """Two linearly separable 2-D point clouds with labels 0/1 (true boundary x2 = 0.5 x1 + 0.2)."""
    if n < 2:
        raise ValueError(f"n must be at least 2 (got {n})")
    rng = np.random.default_rng(seed)
    X = np.empty((0, 2))
    while len(X) < n:  # rejection sampling: keep points at least `margin` from the line
        cand = rng.uniform(-2, 2, size=(4 * n, 2))
        dist = (cand[:, 1] - 0.5 * cand[:, 0] - 0.2) / np.sqrt(1.25)
        X = np.vstack([X, cand[np.abs(dist) > margin]])
    X = X[:n]
    y = (X[:, 1] - 0.5 * X[:, 0] - 0.2 > 0).astype(float)
    return X, y


def xor_data() -> tuple[np.ndarray, np.ndarray]:
    """The four XOR points and their labels."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    return X, np.array([0, 1, 1, 0], dtype=float)


# --- the perceptron ---------------------------------------------------------------
@dataclass
class Perceptron:
    """A single neuron with a step activation, trained by the perceptron rule."""

    n_inputs: int = 2
    lr: float = 0.1
    seed: int = 0
    w: np.ndarray = field(init=False)
    b: float = field(init=False)
    history: list[tuple[np.ndarray, float, int]] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        rng = np.random.default_rng(self.seed)
        self.w = rng.normal(0.0, 0.5, size=self.n_inputs)
        self.b = 0.0

    def net_input(self, X: np.ndarray) -> np.ndarray:
        """z = X·w + b for each row of X."""
        return np.asarray(X, dtype=float) @ self.w + self.b

    def predict(self, X: np.ndarray) -> np.ndarray:
        return step(self.net_input(X))

    def fit(self, X: np.ndarray, y: np.ndarray, max_epochs: int = 50) -> Perceptron:
        """Apply the perceptron rule, one sample at a time, until an epoch has no mistakes.

        ``history`` gets (w, b, mistakes in that epoch) after every epoch.
        """
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.n_inputs or len(X) != len(y):
            raise ValueError(f"X must have shape (n, {self.n_inputs}) and y length n; got {X.shape} and {y.shape}")
        if not np.isin(y, (0.0, 1.0)).all():
            raise ValueError("perceptron labels must be 0 or 1")
        self.history = [(self.w.copy(), self.b, int((self.predict(X) != y).sum()))]
        order = np.random.default_rng(self.seed).permutation(len(X))
        for _ in range(max_epochs):
            mistakes = 0
            for i in order:
                error = y[i] - self.predict(X[i : i + 1])[0]  # -1, 0 or +1
                if error != 0:
                    self.w += self.lr * error * X[i]
                    self.b += self.lr * error
                    mistakes += 1
            self.history.append((self.w.copy(), self.b, mistakes))
            if mistakes == 0:
                break
        return self

    @property
    def converged(self) -> bool:
        """True if the last epoch made no mistakes."""
        return bool(self.history) and self.history[-1][2] == 0

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> float:
        return float((self.predict(X) == np.asarray(y)).mean())


def boundary_line(w: np.ndarray, b: float, x1: np.ndarray) -> np.ndarray:
    """x2 on the decision boundary w1·x1 + w2·x2 + b = 0 (NaN if w2 is 0)."""
    if abs(w[1]) < 1e-12:
        return np.full_like(np.asarray(x1, dtype=float), np.nan)
    return -(w[0] * np.asarray(x1, dtype=float) + b) / w[1]
