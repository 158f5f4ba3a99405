"""Multinomial logistic regression (softmax), trained with numpy alone.

The matcher trains two of these at build time: one on sparse lexical features, one on
dense sentence embeddings. Training is mini-batch Adam for a fixed number of epochs
from a fixed seed, so the same examples give the same weights on every machine, and a
knowledge base of 11,500 examples trains in about 6 s on one core. Only the rows of the weight
matrix that a batch touches are updated (lazy Adam): a sparse batch touches a few
thousand of the hundreds of thousands of features.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class SparseRows:
    """Rows of a sparse matrix (CSR): row i holds `indices[indptr[i]:indptr[i+1]]`
    with values `data[...]`. Every row must hold at least one entry (the lexical
    features give every row a bias feature)."""

    indptr: Ints
    indices: Ints
    data: Floats

    @property
    def rows(self) -> int:
        return len(self.indptr) - 1

    def take(self, rows: Ints) -> tuple[Ints, Floats, Ints]:
        """The entries of these rows, in order, and which of `rows` each came from."""
        starts = self.indptr[rows]
        lengths = self.indptr[rows + 1] - starts
        owner = np.repeat(np.arange(len(rows)), lengths)
        first = np.repeat(np.cumsum(lengths) - lengths, lengths)
        positions = np.repeat(starts, lengths) + (np.arange(int(lengths.sum())) - first)
        return self.indices[positions], self.data[positions], owner


@dataclass(frozen=True)
class Training:
    l2: float = 1e-5  # L2 added to the gradient of the rows a batch touches (bias too)
    epochs: int = 12
    batch: int = 64
    rate: float = 0.02
    seed: int = 7


def _softmax(z: Floats) -> Floats:
    z = z - z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def sparse_scores(weights: Floats, x: SparseRows) -> Floats:
    """Per row of `x`, the sum of its features' weight rows times their values."""
    owner = np.repeat(np.arange(x.rows), np.diff(x.indptr))
    return _scores(weights, x.indices, x.data, owner, x.rows)


def _scores(weights: Floats, indices: Ints, data: Floats, owner: Ints, n: int) -> Floats:
    """`sparse_scores` on entries already gathered: `owner` says which of `n` rows
    each came from (in order)."""
    if not len(owner):
        return np.zeros((n, weights.shape[1]), dtype=np.float32)
    contributions = weights[indices] * data[:, None]
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    out = np.zeros((n, weights.shape[1]), dtype=np.float32)
    out[owner[starts]] = np.add.reduceat(contributions, starts, axis=0)
    return out


class _Adam:
    def __init__(self, shape: tuple[int, int], settings: Training) -> None:
        self.m = np.zeros(shape, dtype=np.float32)
        self.v = np.zeros(shape, dtype=np.float32)
        self.settings = settings
        self.step = 0

    def update(self, weights: Floats, rows: Ints | slice, grad: Floats) -> None:
        s = self.settings
        self.step += 1
        b1, b2 = 0.9, 0.999
        grad = grad + s.l2 * weights[rows]
        self.m[rows] = b1 * self.m[rows] + (1 - b1) * grad
        self.v[rows] = b2 * self.v[rows] + (1 - b2) * grad * grad
        m_hat = self.m[rows] / (1 - b1**self.step)
        v_hat = self.v[rows] / (1 - b2**self.step)
        weights[rows] -= s.rate * m_hat / (np.sqrt(v_hat) + 1e-8)


def train_sparse(
    x: SparseRows, labels: Ints, n_features: int, n_classes: int, settings: Training
) -> Floats:
    """Weights (features × classes) of a softmax over sparse rows."""
    weights = np.zeros((n_features, n_classes), dtype=np.float32)
    adam = _Adam(weights.shape, settings)
    rng = np.random.default_rng(settings.seed)
    eye = np.eye(n_classes, dtype=np.float32)
    for _ in range(settings.epochs):
        order = rng.permutation(x.rows)
        for start in range(0, len(order), settings.batch):
            rows = order[start : start + settings.batch]
            indices, data, owner = x.take(rows)
            probs = _softmax(_scores(weights, indices, data, owner, len(rows)))
            error = (probs - eye[labels[rows]]) / len(rows)
            touched, where = np.unique(indices, return_inverse=True)
            spread = error[owner] * data[:, None]
            grad = np.stack(
                [np.bincount(where, spread[:, k], len(touched)) for k in range(n_classes)],
                axis=1,
            ).astype(np.float32)
            adam.update(weights, touched, grad)
    return weights


def train_dense(x: Floats, labels: Ints, n_classes: int, settings: Training) -> Floats:
    """Weights ((dimensions + 1) × classes, the last row the bias) of a softmax over
    dense rows."""
    ones = np.ones((len(x), 1), dtype=np.float32)
    x = np.hstack([x.astype(np.float32), ones])
    weights = np.zeros((x.shape[1], n_classes), dtype=np.float32)
    adam = _Adam(weights.shape, settings)
    rng = np.random.default_rng(settings.seed)
    eye = np.eye(n_classes, dtype=np.float32)
    every = slice(None)
    for _ in range(settings.epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(order), settings.batch):
            rows = order[start : start + settings.batch]
            batch = x[rows]
            probs = _softmax(batch @ weights)
            error = (probs - eye[labels[rows]]) / len(rows)
            adam.update(weights, every, (batch.T @ error).astype(np.float32))
    return weights


def dense_scores(weights: Floats, x: Floats) -> Floats:
    return np.asarray(x @ weights[:-1] + weights[-1], dtype=np.float32)


def probabilities(scores: Floats) -> Floats:
    return _softmax(scores.astype(np.float32, copy=True))
