"""Loss functions, test surfaces and plain gradient descent (NumPy only).

Gradient descent repeats ``x ← x - lr · ∇f(x)``. On the quadratic
f(x) = (x - 2)² + 1 one step maps the error e = x - 2 to (1 - 2·lr)·e, so it
converges for 0 < lr < 1 and diverges for lr > 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize

Grad = Callable[[np.ndarray], np.ndarray]


# --- loss functions -----------------------------------------------------------------
def mse(y: np.ndarray, y_hat: np.ndarray) -> float:
    """Mean squared error (1/n) Σ (y - ŷ)²."""
    y, y_hat = np.asarray(y, dtype=float), np.asarray(y_hat, dtype=float)
    if y.shape != y_hat.shape:
        raise ValueError(f"shapes differ: y {y.shape} vs y_hat {y_hat.shape}")
    return float(np.mean((y - y_hat) ** 2))


def binary_cross_entropy(y: np.ndarray, p: np.ndarray, eps: float = 1e-12) -> float:
    """-(1/n) Σ [y log p + (1 - y) log(1 - p)] for labels 0/1 and probabilities p."""
    y, p = np.asarray(y, dtype=float), np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    if y.shape != p.shape:
        raise ValueError(f"shapes differ: y {y.shape} vs p {p.shape}")
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def cross_entropy(labels: np.ndarray, probs: np.ndarray, eps: float = 1e-12) -> float:
    """-(1/n) Σ log p[i, label_i] for integer class labels and rows of class probabilities."""
    labels, probs = np.asarray(labels, dtype=int), np.asarray(probs, dtype=float)
    if probs.ndim != 2 or len(probs) != len(labels):
        raise ValueError(f"probs must be (n, classes) with n = len(labels); got {probs.shape} and {labels.shape}")
    return float(-np.mean(np.log(np.clip(probs[np.arange(len(labels)), labels], eps, 1.0))))


# --- surfaces -----------------------------------------------------------------------
def quadratic_1d(x: np.ndarray) -> np.ndarray:
    """f(x) = (x - 2)² + 1, minimum 1 at x = 2."""
    return (np.asarray(x, dtype=float) - 2.0) ** 2 + 1.0


def quadratic_1d_grad(x: np.ndarray) -> np.ndarray:
    return 2.0 * (np.asarray(x, dtype=float) - 2.0)


def bowl_2d(p: np.ndarray) -> np.ndarray:
    """f(x, y) = (x - 2)² + 2(y - 1)² + 1 (an elongated bowl), minimum 1 at (2, 1). ``p[..., 0]`` is x."""
    p = np.asarray(p, dtype=float)
    return (p[..., 0] - 2.0) ** 2 + 2.0 * (p[..., 1] - 1.0) ** 2 + 1.0


def bowl_2d_grad(p: np.ndarray) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    return np.stack([2.0 * (p[..., 0] - 2.0), 4.0 * (p[..., 1] - 1.0)], axis=-1)


def nonconvex(p: np.ndarray) -> np.ndarray:
    """A bumpy surface with several local minima (from the original B2 notebook)."""
    p = np.asarray(p, dtype=float)
    x1, x2 = p[..., 0], p[..., 1]
    bump = 3.0 * np.exp(-((x1 + 1) ** 2 + (x2 - 1) ** 2) / 2)
    return 0.5 * (x1**2 + x2**2) + 2 * np.sin(1.5 * x1) * np.cos(1.5 * x2) + np.sin(2 * x1) * np.cos(2 * x2) + bump


def nonconvex_grad(p: np.ndarray) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    x1, x2 = p[..., 0], p[..., 1]
    bump = 3.0 * np.exp(-((x1 + 1) ** 2 + (x2 - 1) ** 2) / 2)
    g1 = x1 + 3 * np.cos(1.5 * x1) * np.cos(1.5 * x2) + 2 * np.cos(2 * x1) * np.cos(2 * x2) - bump * (x1 + 1)
    g2 = x2 - 3 * np.sin(1.5 * x1) * np.sin(1.5 * x2) - 2 * np.sin(2 * x1) * np.sin(2 * x2) - bump * (x2 - 1)
    return np.stack([g1, g2], axis=-1)


# --- gradient descent ---------------------------------------------------------------------
def gradient_descent(grad: Grad, x0: np.ndarray | float, lr: float, n_steps: int, blow_up: float = 1e8) -> np.ndarray:
    """The path x0, x1, ..., of ``x ← x - lr · grad(x)``, shape (steps + 1, dim).

    Stops early (shorter path) once ``|x|`` exceeds ``blow_up``: the run has diverged.
    """
    if lr <= 0 or n_steps < 0:
        raise ValueError(f"need lr > 0 and n_steps >= 0 (got lr={lr}, n_steps={n_steps})")
    x = np.atleast_1d(np.asarray(x0, dtype=float)).copy()
    path = [x.copy()]
    for _ in range(n_steps):
        x = x - lr * grad(x)
        path.append(x.copy())
        if not np.all(np.isfinite(x)) or np.abs(x).max() > blow_up:
            break
    return np.array(path)


def find_minima(
    f: Callable[[np.ndarray], np.ndarray],
    grad: Grad,
    bounds: tuple[float, float] = (-3.0, 3.0),
    n_starts: int = 7,
    tol: float = 1e-3,
) -> list[tuple[np.ndarray, float]]:
    """All local minima L-BFGS-B finds from an n×n grid of starts in the square ``bounds``.

    Returns (point, value) pairs sorted by value, so the first one is the global
    minimum inside the square; minima on the border of the square are left out.
    """
    lo, hi = bounds
    found: list[tuple[np.ndarray, float]] = []
    grid = np.linspace(lo, hi, n_starts + 2)[1:-1]
    for a in grid:
        for b in grid:
            res = minimize(lambda p: float(f(p)), np.array([a, b]), jac=grad, method="L-BFGS-B", bounds=[bounds] * 2)
            x = res.x
            if np.any(np.abs(x - lo) < 1e-6) or np.any(np.abs(x - hi) < 1e-6):
                continue  # stopped by the border, not a real minimum
            if all(np.linalg.norm(x - m) > tol * 10 for m, _ in found):
                found.append((x, float(res.fun)))
    return sorted(found, key=lambda mv: mv[1])


# --- linear regression with (mini-batch) gradient descent ---------------------------------
def make_regression(
    n: int = 200, seed: int = 0, w: float = 2.5, b: float = -1.0, noise: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """y = w·x + b + Gaussian noise, x uniform on [-2, 2]."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=n)
    return x, w * x + b + rng.normal(0, noise, size=n)


@dataclass
class FitHistory:
    """What happened during :func:`fit_linear`."""

    batch_loss: list[float] = field(default_factory=list)  # loss on the batch used for each update
    full_loss: list[float] = field(default_factory=list)  # loss on all data after each update
    params: list[tuple[float, float]] = field(default_factory=list)  # (w, b) after each update


def fit_linear(
    x: np.ndarray, y: np.ndarray, lr: float = 0.1, epochs: int = 20, batch_size: int | None = None, seed: int = 0
) -> FitHistory:
    """Fit ŷ = w·x + b by gradient descent on the MSE, starting from w = b = 0.

    ``batch_size=None`` means full batch (one update per epoch); otherwise the
    data are shuffled every epoch and split into mini-batches.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or len(x) == 0:
        raise ValueError(f"x and y must be 1-D arrays of equal length; got {x.shape} and {y.shape}")
    bs = len(x) if batch_size is None else int(batch_size)
    if bs < 1:
        raise ValueError(f"batch_size must be >= 1 (got {batch_size})")
    rng = np.random.default_rng(seed)
    w = b = 0.0
    hist = FitHistory()
    for _ in range(epochs):
        order = rng.permutation(len(x)) if bs < len(x) else np.arange(len(x))
        for start in range(0, len(x), bs):
            idx = order[start : start + bs]
            err = w * x[idx] + b - y[idx]  # ŷ - y
            hist.batch_loss.append(float(np.mean(err**2)))
            w -= lr * float(np.mean(2 * err * x[idx]))  # ∂L/∂w
            b -= lr * float(np.mean(2 * err))  # ∂L/∂b
            hist.full_loss.append(mse(y, w * x + b))
            hist.params.append((w, b))
    return hist
