"""A small prior-fitted network with attention across features and across samples (as in TabPFN v2).

Every cell of the table is one token. A row's tokens (its features plus one target token) attend to each other
(*across features*); then each column's tokens attend to the context rows of that column (*across samples*:
queries never see each other or their own label). The target token of a query row carries no label; after the
last layer it is decoded to class logits. There is no feature order: the network works for any number of features.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class _Attention(nn.Module):
    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim)
        self.kv = nn.Linear(dim, 2 * dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor, source: torch.Tensor) -> torch.Tensor:
        """``x`` [B, Lq, D] attends to ``source`` [B, Lk, D]."""
        b, lq, d = x.shape
        h = self.heads
        q = self.q(x).view(b, lq, h, d // h).transpose(1, 2)
        k, v = self.kv(source).view(b, source.shape[1], 2, h, d // h).permute(2, 0, 3, 1, 4)
        y = F.scaled_dot_product_attention(q, k, v)
        return self.out(y.transpose(1, 2).reshape(b, lq, d))


class _Layer(nn.Module):
    def __init__(self, dim: int, heads: int, hidden: int) -> None:
        super().__init__()
        self.norm_f, self.norm_s, self.norm_m = nn.LayerNorm(dim), nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn_features = _Attention(dim, heads)
        self.attn_samples = _Attention(dim, heads)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))

    def forward(self, x: torch.Tensor, n_train: int) -> torch.Tensor:
        b, n, c, d = x.shape
        rows = self.norm_f(x).reshape(b * n, c, d)
        x = x + self.attn_features(rows, rows).view(b, n, c, d)
        cols = self.norm_s(x).transpose(1, 2).reshape(b * c, n, d)
        x = x + self.attn_samples(cols, cols[:, :n_train]).view(b, c, n, d).transpose(1, 2)
        return x + self.mlp(self.norm_m(x))


class TabularPFN(nn.Module):
    """Maps a table ``x`` [B, N, F] whose first ``n_train`` rows are labelled (``y_train`` [B, n_train], classes
    0..k-1 with k <= ``n_classes``) to logits [B, N - n_train, n_classes] for the other rows; a task with k classes
    uses the first k logits (:func:`task_logits`)."""

    def __init__(self, dim: int = 64, heads: int = 4, layers: int = 4, hidden: int = 128, n_classes: int = 10) -> None:
        super().__init__()
        self.n_classes = n_classes
        self.cell = nn.Linear(1, dim)
        self.label = nn.Embedding(n_classes + 1, dim)  # last index: "unknown" (query rows)
        self.layers = nn.ModuleList(_Layer(dim, heads, hidden) for _ in range(layers))
        self.head = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, n_classes))

    def forward(self, x: torch.Tensor, y_train: torch.Tensor) -> torch.Tensor:
        b, n, _ = x.shape
        n_train = y_train.shape[1]
        cells = self.cell(x.unsqueeze(-1))  # [B, N, F, D]
        unknown = torch.full((b, n - n_train), self.n_classes, dtype=torch.long, device=x.device)
        target = self.label(torch.cat([y_train.long(), unknown], dim=1)).unsqueeze(2)  # [B, N, 1, D]
        h = torch.cat([cells, target], dim=2)
        for layer in self.layers:
            h = layer(h, n_train)
        return self.head(h[:, n_train:, -1])


def task_logits(logits: torch.Tensor, n_classes: torch.Tensor | int) -> torch.Tensor:
    """Logits [B, Q, C] with the classes a task does not have (index >= its ``n_classes``, one per task [B] or one
    for all) set to -inf, so that a softmax spreads over the task's own classes only."""
    k = torch.as_tensor(n_classes, device=logits.device).reshape(-1, 1, 1)
    absent = torch.arange(logits.shape[-1], device=logits.device).reshape(1, 1, -1) >= k
    return logits.masked_fill(absent, float("-inf"))
