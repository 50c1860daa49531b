"""Pretrained zero-shot forecasters: the Chronos family on the chronos-forecasting package.

Weights are never downloaded: a model is a local directory, given by path or by name under the directory that the
environment variable ``CHAOSBENCH_MODELS`` names.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from chaosbench import Forecaster, Interval, Options, forecaster
from chaosbench._core.optional import import_optional
from chaosbench.exceptions import ChaosbenchError

from ._neural import _torch_session

__all__ = ["MODELS_VARIABLE", "find_weights"]

MODELS_VARIABLE = "CHAOSBENCH_MODELS"
_pipelines: dict = {}  # (weights directory, device) -> loaded pipeline; loading is slow, so once per process


def find_weights(model) -> Path:
    """The weights directory of ``model``: the path itself when it is a directory, else ``$CHAOSBENCH_MODELS/model``.

    Raises a one-line :class:`~chaosbench.exceptions.ChaosbenchError` saying where it looked and how to get the
    weights.
    """
    path = Path(model).expanduser()
    if path.is_dir():
        return path.resolve()
    looked = [str(path)]
    root = os.environ.get(MODELS_VARIABLE)
    if root:
        candidate = Path(root).expanduser() / model
        if candidate.is_dir():
            return candidate.resolve()
        looked.append(str(candidate))
    else:
        looked.append(f"${MODELS_VARIABLE} (not set)")
    name = path.name
    raise ChaosbenchError(f"no weights for model {str(model)!r}: no directory at {' or '.join(looked)}; on a machine "
                          f"with internet run `huggingface-cli download amazon/{name} --local-dir "
                          f"$CHAOSBENCH_MODELS/{name}`, copy the directory here and set {MODELS_VARIABLE}")


def _load(directory: Path, device: str):
    """The Chronos pipeline stored in ``directory``, loaded once per process and device, from local files only."""
    chronos = import_optional("chronos", "forecaster 'chronos'")
    key = (str(directory), device)
    if key not in _pipelines:
        torch = import_optional("torch", "forecaster 'chronos'")
        try:
            _pipelines[key] = chronos.BaseChronosPipeline.from_pretrained(
                str(directory), device_map=device, torch_dtype=torch.float32, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ChaosbenchError(f"{directory} does not hold a Chronos model: {exc}") from None
    return _pipelines[key]


@forecaster("chronos")
class Chronos(Forecaster):
    """Zero-shot forecasts of a pretrained Chronos, Chronos-Bolt or Chronos-2 model (Ansari et al. 2024, 2025).

    Chronos scales a series by its mean absolute value, quantizes it into tokens and lets a T5 language model
    sample future tokens; Chronos-Bolt encodes patches of the scaled series and decodes quantiles directly;
    Chronos-2 adds attention across the variables of a group. The model is pretrained on other data: ``fit``
    records only the dimension and ``dt`` and never trains, and the forecast depends on the context alone (the
    last ``context_length`` points of the context, or of the training data when no context is given). The
    pipeline is chosen by the loaded weights' configuration.

    Each variable is forecast as its own univariate series, all in one batch; a Chronos-2 model instead receives
    the variables together as one multivariate series. The point forecast is the median: of ``num_samples``
    sampled paths for Chronos, of the predicted quantiles for Chronos-Bolt and Chronos-2. A model predicts at most
    its own prediction length per call (64 steps for the published Chronos and Chronos-Bolt weights), so longer
    forecasts are made autoregressively: each chunk's median is appended to the context, which is cut back to
    ``context_length`` points, and the next chunk is predicted from it.

    The weights are loaded from local files only (never downloaded), once per process and device.

    References
    ----------
    A. F. Ansari, L. Stella, C. Turkmen, X. Zhang, P. Mercado, H. Shen, O. Shchur, S. S. Rangapuram, S. Pineda
    Arango, S. Kapoor, J. Zschiegner, D. C. Maddix, H. Wang, M. W. Mahoney, K. Torkkola, A. G. Wilson, M.
    Bohlke-Schneider, Y. Wang, "Chronos: Learning the Language of Time Series", Transactions on Machine Learning
    Research (2024), arXiv:2403.07815. Chronos-Bolt: the chronos-forecasting package and Amazon's announcement
    "Fast and accurate zero-shot forecasting with Chronos-Bolt and AutoGluon" (2024). A. F. Ansari, O. Shchur, J.
    Küken et al., "Chronos-2: From Univariate to Universal Forecasting", arXiv:2510.15821 (2025).

    Parameters
    ----------
    model : str or path
        A directory of weights (e.g. from ``huggingface-cli download amazon/chronos-bolt-small``), or the name of
        one under ``$CHAOSBENCH_MODELS`` (default ``"chronos-bolt-small"``).
    context_length : int
        Trailing points of the context given to the model, at most the model's own context length (default 512).
    prediction_chunk : int or None
        Steps predicted per call before the median is fed back; None (default) uses the model's prediction
        length, the most allowed.
    num_samples : int
        Sampled paths whose median is the forecast of a Chronos (T5) model; Chronos-Bolt and Chronos-2 predict
        quantiles and ignore it (default 20).
    device : {"cpu", "cuda", "auto"}
        Where the model runs; ``"auto"`` picks CUDA when available (default ``"cpu"``).
    n_threads : int or None
        Torch intra-op threads while predicting on the CPU; None (default) leaves torch's setting.
    random_state : int or None
        Seed of Chronos' sampling (default 0; None draws a fresh seed per forecast). Chronos-Bolt and Chronos-2
        are deterministic.
    """

    tags = {"needs_context": True, "stochastic": True, "requires": "chronos", "pretrained": True,
            "family": "pretrained"}
    search_space = {"context_length": [128, 256, 512]}
    parameter_constraints = {
        "model": [str, os.PathLike],
        "context_length": [Interval(int, 1, None)],
        "prediction_chunk": [Interval(int, 1, None), None],
        "num_samples": [Interval(int, 1, None)],
        "device": [Options(("cpu", "cuda", "auto"))],
        "n_threads": [Interval(int, 1, None), None],
        "random_state": [Interval(int, 0, None), None],
    }

    def __init__(self, model="chronos-bolt-small", context_length=512, prediction_chunk=None, num_samples=20,
                 device="cpu", n_threads=None, random_state=0):
        self.model = model
        self.context_length = context_length
        self.prediction_chunk = prediction_chunk
        self.num_samples = num_samples
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state

    @classmethod
    def get_test_params(cls) -> dict:
        return {"context_length": 64, "num_samples": 4, "n_threads": 1}

    @classmethod
    def unavailable_reason(cls, **params) -> str | None:
        reason = super().unavailable_reason(**params)
        if reason is None:
            try:
                find_weights(params.get("model", cls().model))
            except ChaosbenchError as exc:
                return f"has {exc}"
        return reason

    def _fit(self, train, dt):
        weights = find_weights(self.model)
        torch = import_optional("torch", "forecaster 'chronos'")
        device = self.device
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        pipeline = _load(weights, device)  # here, so that a broken model fails at fit, not at the first forecast
        longest = pipeline.model_prediction_length
        if self.prediction_chunk is not None and self.prediction_chunk > longest:
            raise ChaosbenchError(f"prediction_chunk={self.prediction_chunk} exceeds the {longest} steps that the "
                                  f"model at {weights} predicts per call")
        self.weights_, self.device_ = weights, device

    def _predict(self, n_steps, context):
        chronos = import_optional("chronos", "forecaster 'chronos'")
        torch = import_optional("torch", "forecaster 'chronos'")
        pipeline = _load(self.weights_, self.device_)
        n_context = min(self.context_length, pipeline.model_context_length)
        chunk = self.prediction_chunk or pipeline.model_prediction_length
        joint = isinstance(pipeline, chronos.Chronos2Pipeline)
        options = {"num_samples": self.num_samples} if isinstance(pipeline, chronos.ChronosPipeline) else {}
        seed = (int(np.random.SeedSequence().generate_state(1)[0]) if self.random_state is None
                else int(self.random_state))
        history = torch.as_tensor(context[-n_context:].T, dtype=torch.float32)  # (dim, time)
        pieces, done = [], 0
        # Not in deterministic mode: there CUDA matrix products raise unless CUBLAS_WORKSPACE_CONFIG is set.
        with _torch_session(torch, seed, self.n_threads, device=self.device_, deterministic=False):
            while done < n_steps:
                length = min(chunk, n_steps - done)
                quantiles, _ = pipeline.predict_quantiles(history[None] if joint else history,
                                                          prediction_length=length, quantile_levels=[0.5], **options)
                median = (quantiles[0] if joint else quantiles)[..., 0]  # (dim, length)
                pieces.append(median)
                done += length
                history = torch.cat([history, median], dim=1)[:, -n_context:]
        return torch.cat(pieces, dim=1).T.double().numpy()
