"""A synthetic prior of classification tasks (2 to 10 classes): random structural causal models built from MLPs.

Half of the tasks are drawn as in Hollmann et al. (2023): random root causes flow through a random, sparse MLP
with a random activation and noise; features and the target are read off randomly chosen nodes of that graph.
The other half are near-linear: correlated Gaussian features, a sparse weight vector and a logistic link with an
occasional smooth non-linearity (the shape many clinical tables have). In both, some features are warped (heavy
tails) or discretised (0/1 flags, few levels). Half of the tasks are binary (a latent score cut at a random
quantile); the others have 3 to 10 classes, made either by cutting the latent score at several random quantiles
(ordered classes, like disease grades) or by the argmax of several outputs of the causal model (unordered classes,
like cell types). Class labels are permuted at random and a little label noise is added. The network learns to
classify *any* such table from its labelled rows, which is what in-context learning on a real table relies on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_ACTIVATIONS = (
    np.tanh,
    lambda z: np.maximum(z, 0.0),
    np.sin,
    np.abs,
    lambda z: z,
    lambda z: 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))),
)


@dataclass(frozen=True)
class PriorConfig:
    """Ranges the prior draws from (inclusive bounds)."""

    min_rows: int = 40
    max_rows: int = 500
    min_features: int = 2
    max_features: int = 24
    min_depth: int = 1
    max_depth: int = 4
    max_width: int = 48
    max_noise: float = 0.1
    max_label_flip: float = 0.05
    linear_share: float = 0.5
    min_train_fraction: float = 0.4
    max_train_fraction: float = 0.8
    max_classes: int = 10
    binary_share: float = 0.5
    min_context_per_class: int = 3


@dataclass
class Task:
    """One synthetic table: ``X`` [n, f] float32, ``y`` [n] int64 in {0, ..., n_classes - 1}; the first ``n_train``
    rows are the context (every class occurs there)."""

    X: np.ndarray
    y: np.ndarray
    n_train: int
    n_classes: int = 2


def _scm_nodes(rng: np.random.Generator, n: int, n_needed: int, cfg: PriorConfig) -> np.ndarray:
    """Values of every node of a random MLP-shaped causal graph: [n, n_nodes] with n_nodes >= n_needed."""
    n_causes = int(rng.integers(2, max(3, n_needed // 2 + 2)))
    if rng.random() < 0.5:
        h = rng.normal(size=(n, n_causes)) * rng.uniform(0.5, 2.0, size=n_causes)
    else:
        h = rng.uniform(-2.0, 2.0, size=(n, n_causes))
    depth = int(rng.integers(cfg.min_depth, cfg.max_depth + 1))
    width = int(rng.integers(max(4, -(-n_needed // depth) + 1), cfg.max_width + 1))
    act = _ACTIVATIONS[int(rng.integers(len(_ACTIVATIONS)))]
    noise = rng.uniform(0.0, cfg.max_noise)
    nodes = [h]
    for _ in range(depth):
        w = rng.normal(size=(h.shape[1], width)) * rng.uniform(0.5, 2.0) / np.sqrt(h.shape[1])
        w *= rng.random(size=w.shape) < rng.uniform(0.3, 1.0)  # sparse edges
        h = act(h @ w + rng.normal(size=width) * 0.5) + noise * rng.normal(size=(n, width))
        nodes.append(h)
    values = np.concatenate(nodes, axis=1)
    while values.shape[1] < n_needed:  # very small graphs: add noisy copies
        values = np.concatenate([values, values + rng.normal(size=values.shape)], axis=1)
    return values


def _warp(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    """Make some columns look like clinical data: binary flags, few levels, skew or heavy tails."""
    out = x.copy()
    for j in range(x.shape[1]):
        u = rng.random()
        col = x[:, j]
        if u < 0.15:
            out[:, j] = col > np.quantile(col, rng.uniform(0.1, 0.9))
        elif u < 0.25:
            edges = np.quantile(col, np.sort(rng.uniform(0.05, 0.95, size=int(rng.integers(2, 6)))))
            out[:, j] = np.searchsorted(edges, col)
        elif u < 0.35:  # log-normal-like skew; centred and clipped so that exp never overflows
            s = col.std() + 1e-8
            out[:, j] = np.exp(np.clip((col - col.mean()) / s * rng.uniform(0.3, 1.2), -10.0, 10.0))
        elif u < 0.4:
            out[:, j] = col * rng.uniform(1e-3, 1e3) + rng.normal() * 10
    return out


def _linear_score(rng: np.random.Generator, X: np.ndarray) -> np.ndarray:
    """A sparse, mostly linear score of the columns of ``X`` with logistic noise."""
    n, n_features = X.shape
    k = int(rng.integers(1, n_features + 1))
    w = np.zeros(n_features)
    w[rng.choice(n_features, k, replace=False)] = rng.normal(size=k)
    score = X @ w / np.sqrt(k)
    if rng.random() < 0.3:
        j = int(rng.integers(n_features))
        score = score + rng.normal() * np.sin(X[:, j] * rng.uniform(0.5, 2.0))
    if rng.random() < 0.2:
        j = int(rng.integers(n_features))
        score = score + rng.normal() * 0.5 * X[:, j] ** 2
    return score * rng.uniform(1.0, 6.0) + rng.logistic(size=n)


def _linear_values(rng: np.random.Generator, n: int, n_features: int, n_scores: int = 1) -> np.ndarray:
    """[n, n_scores + n_features]: ``n_scores`` (mostly) linear scores, then correlated Gaussian features."""
    mix = rng.normal(size=(n_features, n_features)) * rng.uniform(0.0, 0.8) + np.eye(n_features)
    X = rng.normal(size=(n, n_features)) @ mix
    X = X / X.std(axis=0)
    scores = np.stack([_linear_score(rng, X) for _ in range(n_scores)], axis=1)
    return np.concatenate([scores, X], axis=1)


def _labels(rng: np.random.Generator, scores: np.ndarray, n_classes: int) -> np.ndarray:
    """Classes 0..n_classes-1 from latent scores [n, s]: binary or ordered (column 0 cut at random quantiles) when
    ``s == 1``, unordered (argmax of the standardised, randomly shifted columns) otherwise."""
    if scores.shape[1] == 1:
        target = scores[:, 0]
        if n_classes == 2:
            cuts = [rng.uniform(0.2, 0.8)]
        else:  # class shares from a Dirichlet: unequal but no class vanishingly small
            cuts = np.cumsum(rng.dirichlet(np.full(n_classes, 2.0)))[:-1]
        return np.searchsorted(np.quantile(target, cuts), target, side="right").astype(np.int64)
    z = (scores - scores.mean(axis=0)) / (scores.std(axis=0) + 1e-8)
    return np.argmax(z + rng.normal(scale=0.5, size=scores.shape[1]), axis=1).astype(np.int64)


def sample_task(rng: np.random.Generator, n_rows: int, n_features: int, n_train: int, cfg: PriorConfig = PriorConfig(),
                n_classes: int = 2) -> Task:
    """Draw one task with exactly ``n_rows`` rows, ``n_features`` features and ``n_classes`` classes, every class
    among the context rows and at least two classes among the query rows."""
    if not 2 <= n_train <= n_rows - 2:
        raise ValueError(f"n_train={n_train} must leave at least 2 rows on each side of {n_rows}")
    if not 2 <= n_classes <= min(cfg.max_classes, n_train):
        raise ValueError(f"n_classes={n_classes} must be between 2 and min(max_classes={cfg.max_classes}, n_train={n_train})")
    for _ in range(20):
        n_scores = 1 if n_classes == 2 or rng.random() < 0.5 else n_classes
        if rng.random() < cfg.linear_share:
            values = _linear_values(rng, n_rows, n_features, n_scores)
            cols = np.arange(n_features + n_scores)
        else:
            values = _scm_nodes(rng, n_rows, n_features + n_scores, cfg)
            values = values[:, np.std(values, axis=0) > 1e-6] if np.any(np.std(values, axis=0) > 1e-6) else values
            if values.shape[1] < n_features + n_scores:
                continue
            cols = rng.permutation(values.shape[1])[: n_features + n_scores]
        target = values[:, cols[:n_scores]]
        if not (np.isfinite(target).all()):
            continue
        y = _labels(rng, target, n_classes)
        flip = rng.random(n_rows) < rng.uniform(0.0, cfg.max_label_flip)
        y[flip] = rng.integers(n_classes, size=int(flip.sum()))
        y = rng.permutation(n_classes)[y]  # no class index means anything
        X = _warp(rng, values[:, cols[n_scores:]])
        if not np.isfinite(X).all() or np.abs(X).max() > 1e30:
            continue  # a numerically broken draw (overflow): draw again
        perm = rng.permutation(n_rows)
        X, y = X[perm], y[perm]
        if len(np.unique(y[:n_train])) == n_classes and len(np.unique(y[n_train:])) >= 2:
            return Task(X.astype(np.float32), y, n_train, n_classes)
    # fall back: a near-linear task (finite by construction), cut into equal classes, every class forced into the
    # context and two into the queries
    values = _linear_values(rng, n_rows, n_features)
    X = values[:, 1:]
    y = np.searchsorted(np.quantile(values[:, 0], np.arange(1, n_classes) / n_classes), values[:, 0], side="right")
    y = y.astype(np.int64)
    y[:n_classes] = np.arange(n_classes)
    y[n_train : n_train + 2] = (0, 1)
    return Task(X.astype(np.float32), y, n_train, n_classes)


def draw_n_classes(rng: np.random.Generator, n_train: int, cfg: PriorConfig = PriorConfig()) -> int:
    """2 with probability ``binary_share``, else uniform on 3..max_classes; at most ``n_train //
    min_context_per_class`` so that every class has a few context rows."""
    cap = max(2, min(cfg.max_classes, n_train // cfg.min_context_per_class))
    if cap == 2 or rng.random() < cfg.binary_share:
        return 2
    return int(rng.integers(3, cap + 1))


def sample_batch(rng: np.random.Generator, batch_rows: int, cfg: PriorConfig = PriorConfig()) -> list[Task]:
    """A batch of tasks sharing row count, feature count and context size (about ``batch_rows`` rows in all);
    each task draws its own number of classes."""
    n = int(rng.integers(cfg.min_rows, cfg.max_rows + 1))
    f = int(rng.integers(cfg.min_features, cfg.max_features + 1))
    n_train = int(np.clip(round(n * rng.uniform(cfg.min_train_fraction, cfg.max_train_fraction)), 2, n - 2))
    b = max(1, batch_rows // n)
    return [sample_task(rng, n, f, n_train, cfg, draw_n_classes(rng, n_train, cfg)) for _ in range(b)]
