"""Benchmark: how much the PFN prior's tasks allow a model to learn from the features, by class count.

For tasks drawn as in pre-training (seed 123, never a pre-training seed), it prints the query cross-entropy of the
base rate (context class shares, add-one smoothed: what ``pretrain`` logs as ``base``) and of a logistic regression
fitted on the context. ``base - loss`` of the pre-training log can be read against the gap printed here.

    python benchmarks/pfn_prior_ceiling.py      # about a minute, one thread
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from dyplab.pfn.prior import PriorConfig, sample_batch


def main(n_batches: int = 40, per_batch: int = 3, seed: int = 123) -> None:
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n_batches):
        for t in sample_batch(rng, 768, PriorConfig())[:per_batch]:
            Xc, yc, Xq, yq = t.X[: t.n_train], t.y[: t.n_train], t.X[t.n_train :], t.y[t.n_train :]
            share = (np.bincount(yc, minlength=t.n_classes) + 1) / (len(yc) + t.n_classes)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=300)).fit(Xc, yc)
            p = np.full((len(yq), t.n_classes), 1e-6)
            p[:, model.classes_] = model.predict_proba(Xq)
            rows.append((t.n_classes, -np.log(share[yq]).mean(), log_loss(yq, p / p.sum(1, keepdims=True),
                                                                          labels=range(t.n_classes))))
    r = np.array(rows)
    for name, m in (("binary", r[:, 0] == 2), ("3-10", r[:, 0] > 2), ("all", r[:, 0] > 0)):
        print(f"{name:7s} n={m.sum():3d} base {r[m, 1].mean():.4f}  LR {r[m, 2].mean():.4f}  "
              f"gain {r[m, 1].mean() - r[m, 2].mean():.4f}")


if __name__ == "__main__":
    main()
