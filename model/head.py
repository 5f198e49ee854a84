"""The classifier head: multinomial logistic regression over sentence embeddings.

Fitted with mini-batch Adam in PyTorch (scikit-learn's single-threaded lbfgs took over five minutes for 412
classes on 2 cores), with the same L2-penalised objective as scikit-learn's LogisticRegression(C). Kept as
plain arrays (coef_, intercept_, classes_) so a saved model loads without unpickling and scoring is one
matrix product in numpy.
"""

from __future__ import annotations

import numpy as np


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    np.exp(shifted, out=shifted)
    shifted /= shifted.sum(axis=1, keepdims=True)
    return shifted


class SoftmaxHead:
    """Estimator-style head: fit(X, y) on embeddings, predict_proba(X) -> (n, n_classes)."""

    def __init__(
        self,
        C: float = 20.0,
        epochs: int = 20,
        batch_size: int = 512,
        learning_rate: float = 0.01,
        temperature: float = 1.0,
        random_state: int = 0,
    ):
        self.C = C
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.temperature = temperature
        self.random_state = random_state

    def fit(self, X: np.ndarray, y, sample_weight: np.ndarray | None = None) -> "SoftmaxHead":
        """Minimise mean weighted cross-entropy + ||coef||^2 / (2 C n): deterministic for a given random_state."""
        import torch

        self.classes_, y_index = np.unique(np.asarray(y).astype(str), return_inverse=True)
        n, d = X.shape
        weights = np.ones(n, dtype=np.float32) if sample_weight is None else np.asarray(sample_weight, dtype=np.float32)
        features, targets = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32)), torch.from_numpy(y_index)
        weight_t = torch.from_numpy(weights / weights.mean())
        generator = torch.Generator().manual_seed(self.random_state)
        coef = torch.zeros(d, len(self.classes_), requires_grad=True)
        intercept = torch.zeros(len(self.classes_), requires_grad=True)
        optimiser = torch.optim.Adam([coef, intercept], lr=self.learning_rate)
        penalty = 1.0 / (2.0 * self.C * n)
        for _ in range(self.epochs):
            order = torch.randperm(n, generator=generator)
            for start in range(0, n, self.batch_size):
                batch = order[start : start + self.batch_size]
                optimiser.zero_grad()
                losses = torch.nn.functional.cross_entropy(features[batch] @ coef + intercept, targets[batch], reduction="none")
                loss = (losses * weight_t[batch]).mean() + penalty * (coef * coef).sum()
                loss.backward()
                optimiser.step()
        self.coef_ = coef.detach().numpy().T.copy()
        self.intercept_ = intercept.detach().numpy().copy()
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return X @ self.coef_.T + self.intercept_

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return softmax(self.decision_function(X) / self.temperature)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.classes_[self.decision_function(X).argmax(axis=1)]

    # -- arrays in, arrays out: how the head is saved and loaded
    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"head_coef": self.coef_, "head_intercept": self.intercept_, "head_classes": self.classes_}

    def params(self) -> dict:
        return {
            "C": self.C, "epochs": self.epochs, "batch_size": self.batch_size, "learning_rate": self.learning_rate,
            "temperature": self.temperature, "random_state": self.random_state,
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], params: dict) -> "SoftmaxHead":
        head = cls(**params)
        head.coef_ = arrays["head_coef"]
        head.intercept_ = arrays["head_intercept"]
        head.classes_ = arrays["head_classes"].astype(str)
        return head
