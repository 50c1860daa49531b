"""Shared PyTorch plumbing of the neural forecasters: the optional import, seeding, thread limits, the budgeted
training loop.

Importing this module does not import torch: :func:`import_torch` does, when a neural forecaster is fitted, and
raises :class:`MissingDependencyError` (a :class:`chaosbench.exceptions.ChaosbenchError`) when torch is not
installed, so the forecasters stay registered and listed without it.
"""

from __future__ import annotations

import contextlib
import copy
import math
import os
import time

import numpy as np

from chaosbench import Forecaster, Interval, error_curve, get_metric
from chaosbench._core.devices import DEVICE_NAME, resolve_device
from chaosbench._core.optional import import_optional

__all__ = ["NeuralForecaster", "import_torch", "resolve_device", "sample_windows"]

VALIDATION_STARTS = 4  # forecasts scored per validation window


def import_torch(forecaster_name: str):
    """The ``torch`` module, or a :class:`MissingDependencyError` naming the forecaster and the extra to install."""
    return import_optional("torch", f"forecaster {forecaster_name!r}")


@contextlib.contextmanager
def _torch_session(torch, seed: int, n_threads: int | None, device: str = "cpu", deterministic: bool = True):
    """Seed torch (its global CPU generator and, for a GPU ``device``, that device's, restored afterwards), switch on
    deterministic algorithms when ``deterministic`` and, when ``n_threads`` is given, limit torch's intra-op
    threads; every setting is restored on exit.

    On a GPU, deterministic mode also keeps float32 arithmetic in full precision (no TF32 matrix products or
    convolutions) and only warns about an operation without a deterministic implementation.
    """
    kind = torch.device(device).type
    gpu = kind != "cpu"
    threads_before = torch.get_num_threads()
    deterministic_before = torch.are_deterministic_algorithms_enabled()
    warn_only_before = torch.is_deterministic_algorithms_warn_only_enabled()
    fill_before = torch.utils.deterministic.fill_uninitialized_memory
    precision_backends = (torch.backends.cuda.matmul, torch.backends.cudnn.conv, torch.backends.cudnn.rnn)
    precision_before = [(b, b.fp32_precision) for b in precision_backends] if gpu and deterministic else []
    with torch.random.fork_rng(devices=[torch.device(device).index or 0] if gpu else [],
                               **({"device_type": kind} if gpu else {})):
        torch.manual_seed(seed)
        if deterministic:
            if kind == "cuda":  # cuBLAS's condition for reproducible matrix products
                os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
            torch.use_deterministic_algorithms(True, warn_only=gpu)
            # Deterministic mode also fills every new tensor with NaN (a debugging aid against reading uninitialised
            # memory, which no operation here does); that costs a third of a small transformer's step.
            torch.utils.deterministic.fill_uninitialized_memory = False
            for backend, _ in precision_before:
                backend.fp32_precision = "ieee"
        if n_threads is not None:
            torch.set_num_threads(int(n_threads))
        try:
            yield
        finally:
            torch.use_deterministic_algorithms(deterministic_before, warn_only=warn_only_before)
            torch.utils.deterministic.fill_uninitialized_memory = fill_before
            torch.set_num_threads(threads_before)
            for backend, precision in precision_before:
                backend.fp32_precision = precision


class NeuralForecaster(Forecaster):
    """Base class of PyTorch forecasters: seeding, thread limits and a training loop with a budget.

    Public as ``chaosbench.forecasters.NeuralForecaster`` for third-party forecasters; importing it does not import
    torch. A subclass stores its own hyper-parameters and the common ones below in ``__init__`` (one attribute per
    argument) and implements four hooks:

    * ``_build(train, covariates, rng)``: create the network as ``self.module_`` (a ``torch.nn.Module``; the loop
      saves and restores its ``state_dict``) and return the parameters to optimise. ``covariates`` are the (n, k)
      known inputs, k = 0 without them.
    * ``_train_batch(rng)``: the loss of one optimiser step, a scalar tensor (the loop calls ``backward`` and steps).
    * ``_finish()``: the state prediction needs once training is over, e.g. evaluation mode (optional).
    * ``_predict(n_steps, context, covariates)``: the forecast, an (n_steps, dim) array; ``context`` is never None
      (the class is tagged ``needs_context``: without one the training data are used).

    Optionally ``_selection_interval()`` and ``_selection_score()`` score the model every few epochs and keep the
    best parameters. Import torch inside the hooks, never at module level, so that the forecaster registers and
    lists without torch; ``fit`` raises :class:`~chaosbench.exceptions.MissingDependencyError` when it is missing.

    Seeding: ``fit`` seeds torch's global generator from ``random_state`` (forked, so the caller's is restored) and
    passes ``rng``, a numpy generator of the same seed, to ``_build`` and ``_train_batch``: draw every random
    number from these, never from ``np.random``. Threads and device: training runs with deterministic algorithms
    on the device that ``device`` resolves to (:func:`resolve_device`; recorded as ``device_``) and, when
    ``n_threads`` is given, with that many intra-op threads; wrap ``_predict``'s torch calls in
    ``with self._session(torch):`` for the same settings (every setting is restored on exit). A subclass that moves
    its module (built on the CPU, so initialised alike on every device) and every tensor to ``self.device_`` and
    returns forecasts through ``.cpu()`` declares ``supports_gpu = True``; the others run on the CPU only
    (``device="auto"`` is the CPU for them, a GPU an error). The default ``device="cpu"`` gives the same numbers on
    every machine; a GPU's are reproducible on the same GPU, driver and torch (float32 without TF32; an operation
    without a deterministic GPU implementation warns) but differ from the CPU's in the last digits, which a chaotic
    forecast amplifies.

    Training runs epochs of ``batches_per_epoch`` optimiser steps with RAdam (Liu et al. 2020) until ``max_epochs``
    epochs are done or ``time_budget_s`` seconds have passed since ``fit`` began, whichever comes first; the budget
    is checked after every step. The learning rate decays exponentially from ``learning_rate`` to
    ``final_learning_rate`` over the run's progress, the larger of the fractions of epochs and of the time budget
    used, so a budget-limited run still anneals. A step whose loss is not finite stops training and restores the
    parameters at the end of the last complete epoch.

    Early stopping (when ``patience`` is set and ``fit`` is given validation windows, as ``chaosbench run`` does):
    every ``validation_interval`` epochs the model forecasts up to four stretches of ``validation_steps`` steps from
    each validation window (independent trajectories, never scored) and is scored by the mean number of leading
    steps whose normalised RMS error stays within ``vpt_nrmse``'s threshold (ties broken by the mean normalised
    error); training stops after ``patience`` scorings without improvement and the best-scoring parameters are
    kept. Without validation windows this is off, and a subclass's own model selection (below) applies.

    Common parameters
    -----------------
    max_epochs : int
        Most epochs of training.
    batches_per_epoch : int
        Optimiser steps per epoch.
    learning_rate, final_learning_rate : float
        RAdam's learning rate at the start and at the end of training (exponential decay in between).
    time_budget_s : float or None
        Wall-clock limit of ``fit`` in seconds (None: no limit). Stopping on time makes the result depend on the
        machine's speed; bound training by ``max_epochs`` for reproducible results.
    random_state : int or None
        Seeds torch (parameter initialisation, dropout) and numpy (batch sampling).
    n_threads : int or None
        Torch intra-op threads while fitting and predicting; None leaves torch's setting (e.g. what the worker
        set) as it is.
    device : {"cpu", "auto", "cuda", "cuda:N", "mps"}
        Where torch trains and predicts; ``"auto"`` is a GPU if one is available (CUDA, then MPS), else the CPU. A
        GPU that is not available is an :class:`~chaosbench.exceptions.InvalidParameterError`.
    verbose : bool
        Show a progress bar over epochs with the loss (on stderr).
    patience : int or None
        Validation scorings without improvement before training stops (None: no early stopping).
    validation_interval : int
        Epochs between validation scorings.
    validation_steps : int
        Steps of each validation forecast (the score saturates there: a longer one costs more).

    Attributes
    ----------
    device_ : str
        The torch device training ran on (a subclass may forecast in numpy, e.g. ``node``).
    fit_info_ : dict
        JSON-serialisable record of training: ``epochs`` (completed), ``steps`` (optimiser steps), ``device``
        (where it trained), ``seconds`` (the whole fit), ``stopped_by`` (``"max_epochs"``, ``"time_budget"``,
        ``"early_stopping"`` or ``"non_finite_loss"``) and ``final_loss`` (mean training loss of the last epoch,
        None if no epoch completed); with early stopping also ``selected_epoch`` and its
        ``validation_valid_steps``, with a subclass's model selection ``selected_epoch`` and its
        ``selection_score``.

    Examples
    --------
    A network mapping each state, with the covariates of the next step, to the next increment::

        import numpy as np
        from chaosbench import forecaster
        from chaosbench.forecasters import NeuralForecaster

        @forecaster("increment_mlp")
        class IncrementMLP(NeuralForecaster):
            def __init__(self, width=32, batch_size=64, learning_rate=1e-3, final_learning_rate=1e-5,
                         batches_per_epoch=50, max_epochs=100, time_budget_s=None, random_state=0,
                         n_threads=None, device="cpu", verbose=True, patience=None, validation_interval=5,
                         validation_steps=500):
                self.width, self.batch_size = width, batch_size
                self.learning_rate, self.final_learning_rate = learning_rate, final_learning_rate
                self.batches_per_epoch, self.max_epochs = batches_per_epoch, max_epochs
                self.time_budget_s, self.random_state = time_budget_s, random_state
                self.n_threads, self.device, self.verbose = n_threads, device, verbose
                self.patience, self.validation_interval = patience, validation_interval
                self.validation_steps = validation_steps

            def _build(self, train, covariates, rng):
                import torch

                dim, n_inputs = train.shape[1], train.shape[1] + covariates.shape[1]
                self.module_ = torch.nn.Sequential(torch.nn.Linear(n_inputs, self.width), torch.nn.Tanh(),
                                                   torch.nn.Linear(self.width, dim))
                self._inputs = np.hstack([train[:-1], covariates[1:]]).astype(np.float32)
                self._targets = train[1:].astype(np.float32)
                return self.module_.parameters()

            def _train_batch(self, rng):
                import torch

                rows = rng.integers(0, len(self._targets), self.batch_size)
                inputs = torch.from_numpy(self._inputs[rows])
                state = inputs[:, :self.n_features_]
                return torch.nn.functional.mse_loss(state + self.module_(inputs),
                                                    torch.from_numpy(self._targets[rows]))

            def _finish(self):
                del self._inputs, self._targets

            def _predict(self, n_steps, context, covariates):
                import torch

                state = torch.from_numpy(context[-1].astype(np.float32))
                future = torch.from_numpy(covariates[len(context):].astype(np.float32))
                out = np.empty((n_steps, len(state)))
                with self._session(torch), torch.no_grad():
                    for step in range(n_steps):
                        state = state + self.module_(torch.cat([state, future[step]]))
                        out[step] = state.numpy()
                return out
    """

    min_train = 10
    tags = {"needs_context": True, "stochastic": True, "requires": "torch", "uses_covariates": True,
            "uses_validation": True, "family": "deep"}

    @classmethod
    def get_test_params(cls):
        """Two epochs of five steps on one thread, silently; subclasses add a small network."""
        return {"batches_per_epoch": 5, "max_epochs": 2, "n_threads": 1, "verbose": False}

    #: The common parameters' constraints; a subclass declares ``NeuralForecaster.parameter_constraints | {...}``.
    parameter_constraints = {
        "learning_rate": [Interval(float, 0, None, closed="neither")],
        "final_learning_rate": [Interval(float, 0, None, closed="neither")],
        "batches_per_epoch": [Interval(int, 1, None)],
        "max_epochs": [Interval(int, 1, None)],
        "time_budget_s": [Interval(float, 0, None, closed="neither"), None],
        "random_state": [Interval(int, 0, None), None],
        "n_threads": [Interval(int, 1, None), None],
        "patience": [Interval(int, 1, None), None],
        "validation_interval": [Interval(int, 1, None)],
        "validation_steps": [Interval(int, 1, None)],
        "verbose": ["boolean"],
        "device": [DEVICE_NAME],
    }

    #: Whether the subclass moves its module and tensors to ``device_`` (else it runs on the CPU only).
    supports_gpu = False

    # The defaults of common parameters added after subclasses existed: a subclass whose ``__init__`` predates them
    # (and so neither takes nor sets them) trains on the CPU without early stopping, as it did.
    device, patience, validation_interval, validation_steps = "cpu", None, 5, 500

    def _seed(self) -> int:
        if self.random_state is None:
            return int(np.random.SeedSequence().generate_state(1)[0])
        return int(self.random_state)

    def _check_params(self) -> None:
        resolve_device(self.device, self.supports_gpu)

    def _session(self, torch, seed: int = 0):
        """The torch settings of fitting and predicting (see the class docstring); resolves ``device_``."""
        self.device_ = resolve_device(self.device, self.supports_gpu)
        return _torch_session(torch, seed, self.n_threads, self.device_)

    def _fit(self, train, dt, covariates, validation=()):
        start = time.perf_counter()
        torch = import_torch(self.name)
        seed = self._seed()
        rng = np.random.default_rng(seed)
        problems = ([] if self.patience is None
                    else _validation_problems(validation, int(self.validation_steps), train.std(axis=0)))
        with self._session(torch, seed):
            parameters = list(self._build(train, covariates, rng))
            optimizer = torch.optim.RAdam(parameters, lr=float(self.learning_rate), foreach=True)
            self._train(torch, optimizer, rng, start, problems)
            self._finish()

    def _train(self, torch, optimizer, rng, start: float, problems: list) -> None:
        from tqdm.auto import tqdm

        max_epochs, per_epoch = int(self.max_epochs), int(self.batches_per_epoch)
        budget = math.inf if self.time_budget_s is None else float(self.time_budget_s)
        lr_ratio = float(self.final_learning_rate) / float(self.learning_rate)
        good_state = copy.deepcopy(self.module_.state_dict())
        if problems:
            interval, score = int(self.validation_interval), lambda: self._validation_score(torch, problems)
        else:
            interval, score = self._selection_interval(), self._selection_score
        best = {"score": (math.inf,), "epoch": None, "state": None, "checks_since": 0, "scored_at": None}
        epochs = steps = 0
        final_loss, stopped_by = None, "max_epochs"
        bar = tqdm(total=max_epochs, desc=f"{self.name} epochs", unit="epoch", disable=not self.verbose,
                   leave=False)
        try:
            while epochs < max_epochs and stopped_by == "max_epochs":
                losses = []
                for _ in range(per_epoch):
                    elapsed = time.perf_counter() - start
                    if elapsed >= budget:
                        stopped_by = "time_budget"
                        break
                    progress = max((epochs + len(losses) / per_epoch) / max_epochs, elapsed / budget)
                    for group in optimizer.param_groups:
                        group["lr"] = float(self.learning_rate) * lr_ratio ** min(progress, 1.0)
                    optimizer.zero_grad(set_to_none=True)
                    loss = self._train_batch(rng)
                    if not torch.isfinite(loss):
                        self.module_.load_state_dict(good_state)
                        stopped_by = "non_finite_loss"
                        break
                    loss.backward()
                    optimizer.step()
                    steps += 1
                    losses.append(float(loss.detach()))
                if len(losses) == per_epoch:
                    epochs += 1
                    final_loss = float(np.mean(losses))
                    good_state = copy.deepcopy(self.module_.state_dict())
                    bar.update(1)
                    bar.set_postfix(loss=f"{final_loss:.3g}", refresh=False)
                    if interval and epochs % interval == 0:
                        self._keep_best(best, epochs, score)
                        if problems and best["checks_since"] >= int(self.patience):
                            stopped_by = "early_stopping"
            if interval and best["scored_at"] != epochs:  # the last epochs were not scored yet
                self._keep_best(best, epochs, score)
        finally:
            bar.close()
        self.fit_info_ = {"epochs": epochs, "steps": steps, "seconds": None, "stopped_by": stopped_by,
                          "final_loss": final_loss, "device": self.device_}
        if interval:
            if best["state"] is not None:
                self.module_.load_state_dict(best["state"])
            self.fit_info_["selected_epoch"] = best["epoch"]
            if problems:
                self.fit_info_["validation_valid_steps"] = -best["score"][0] if best["state"] is not None else None
            else:
                value = best["score"][0]
                self.fit_info_["selection_score"] = value if math.isfinite(value) else None
        self.fit_info_["seconds"] = round(time.perf_counter() - start, 3)

    def _keep_best(self, best: dict, epoch: int, score) -> None:
        value = score()
        value = value if isinstance(value, tuple) else (value,)
        best["scored_at"] = epoch
        if value < best["score"] or best["state"] is None:
            best.update(score=value, epoch=epoch, state=copy.deepcopy(self.module_.state_dict()), checks_since=0)
        else:
            best["checks_since"] += 1

    def _validation_score(self, torch, problems: list) -> tuple[float, float]:
        """How well the current parameters forecast the validation problems, lower is better: minus the mean number
        of valid steps (``vpt_nrmse``'s rule, in steps), then the mean normalised error over the forecasts."""
        was_training = self.module_.training
        self.module_.eval()
        self._prepare_predict()
        try:
            with torch.no_grad():
                results = [_valid_steps_and_error(truth, self._predict(len(truth), context, covariates), unit)
                           for context, covariates, truth, unit in problems]
        finally:
            self.module_.train(was_training)
        valid, error = np.mean(results, axis=0)
        return -float(valid), float(error)

    def _prepare_predict(self) -> None:
        """Make ``_predict`` use the current parameters in the middle of training (override when it reads a copy of
        them, e.g. numpy arrays)."""

    def _selection_interval(self) -> int | None:
        """Epochs between scorings of the model for keeping the best one (None: keep the last; override)."""
        return None

    def _selection_score(self) -> float:
        """Score of the current parameters, lower is better (override with ``_selection_interval``); without
        validation windows only."""
        raise NotImplementedError

    def _build(self, train: np.ndarray, covariates: np.ndarray, rng: np.random.Generator):
        raise NotImplementedError

    def _train_batch(self, rng: np.random.Generator):
        raise NotImplementedError

    def _finish(self) -> None:
        """Derive the state prediction needs once training is over (override if needed)."""


def sample_windows(data: np.ndarray, length: int, n_windows: int, rng: np.random.Generator) -> np.ndarray:
    """``n_windows`` windows of ``length`` consecutive rows of ``data`` at uniform random starts,
    shape (n_windows, length, dim)."""
    starts = rng.integers(0, len(data) - length + 1, size=n_windows)
    return data[starts[:, None] + np.arange(length)]


def _validation_problems(windows, n_steps: int, scale: np.ndarray) -> list:
    """Forecasting problems cut from the validation windows: from each window's trajectory (context then target),
    up to ``VALIDATION_STARTS`` forecasts of ``n_steps`` steps (fewer when the target is shorter), each from the
    window's context length of preceding points. Returns (context, covariates, truth, metric context) tuples."""
    problems = []
    unit = {"dt": 1.0, "lyapunov_max": 1.0, "scale": scale + 1e-12}  # vpt_nrmse in steps
    for w in windows:
        series, covariates = np.vstack([w.context, w.target]), np.vstack([w.context_covariates, w.target_covariates])
        n_context, steps = len(w.context), min(n_steps, len(w.target))
        for j in range(min(VALIDATION_STARTS, len(w.target) // steps)):
            at = n_context + j * steps
            problems.append((series[at - n_context:at], covariates[at - n_context:at + steps],
                             series[at:at + steps], unit))
    return problems


def _valid_steps_and_error(truth: np.ndarray, forecast: np.ndarray, unit: dict) -> tuple[float, float]:
    """Leading steps within ``vpt_nrmse``'s threshold, and the mean normalised RMS error (inf if not finite)."""
    _, error = error_curve(truth, forecast, context=unit)
    mean_error = float(np.mean(error))
    return float(get_metric("vpt_nrmse")(truth, forecast, context=unit)), (mean_error if np.isfinite(mean_error)
                                                                           else math.inf)
