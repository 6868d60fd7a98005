"""Scoring exported models with torch on the chosen device: no scikit-learn and no pickle at screening time.

Decision values are computed in float64 so they agree with scikit-learn's ``decision_function`` to 1e-5; the
matrices are small (hundreds of support vectors by 384), so double precision costs nothing next to the encoder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from core.model.classifier import LinearModel, RbfModel

if TYPE_CHECKING:
    import torch


class TorchScorer:
    """Decision values for an exported model on ``device`` (``cpu`` or ``cuda``)."""

    def __init__(self, model: LinearModel | RbfModel, device: str = "cpu"):
        import torch

        self.model = model
        self.device = torch.device(device)
        self._dtype = torch.float64
        if isinstance(model, RbfModel):
            self._sv = torch.as_tensor(model.support_vectors, dtype=self._dtype, device=self.device)
            self._sv_sq = (self._sv * self._sv).sum(dim=1)
            self._weights = torch.as_tensor(model.dual_coef, dtype=self._dtype, device=self.device)
        else:
            self._weights = torch.as_tensor(model.coef, dtype=self._dtype, device=self.device)

    def decision(self, X: np.ndarray) -> np.ndarray:
        """Decision values for the rows of ``X``; positive means the target role."""
        import torch

        if len(X) == 0:
            return np.zeros(0, dtype=np.float64)
        with torch.inference_mode():
            x = torch.as_tensor(np.asarray(X), dtype=self._dtype, device=self.device)
            values = self._rbf(x) if isinstance(self.model, RbfModel) else x @ self._weights
            values = values + self.model.intercept
        return values.cpu().numpy()

    def _rbf(self, x: torch.Tensor) -> torch.Tensor:
        assert isinstance(self.model, RbfModel)
        squared = (x * x).sum(dim=1, keepdim=True) + self._sv_sq.unsqueeze(0) - 2.0 * (x @ self._sv.T)
        kernel = (-self.model.gamma * squared.clamp_min(0.0)).exp()
        return kernel @ self._weights
