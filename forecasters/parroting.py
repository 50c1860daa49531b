"""Context parroting: continue the stretch of history that best matches the end of the context."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from chaosbench import Forecaster, Interval, forecaster
from chaosbench.exceptions import InvalidParameterError

_TIE = 1e-12  # squared standardized distances this close to the best one count as equally good matches
_ROUNDING = 1e-10  # relative error allowed to the fast distances that shortlist candidates for the exact ones


@forecaster("context_parroting")
class ContextParroting(Forecaster):
    """Nearest-neighbour continuation of the best-matching stretch of history (Zhang & Gilpin 2025).

    The query is the last ``m = match_length`` points of the context (or of the training data when no context is
    given). Every window of ``m`` consecutive points of the searchable history is compared with it by the squared
    Euclidean distance of the standardized values (each variable divided by its training standard deviation); the
    searchable history is the context itself and, with ``search_train``, the training data too, each searched on
    its own (a window never straddles the two). Only windows followed by at least one observed point qualify, so
    the query is never its own match and nothing beyond the context is read. The forecast copies the points that
    followed the best match; among equally good matches the one with the longest continuation wins. When the
    continuation ends before ``n_steps``, the procedure is repeated with the query taken from the end of the
    context extended by what was emitted (the searchable history stays the observed data). ``m`` is shortened to
    the longest window that the data allow. ``fit`` only records the data, as for a pretrained zero-shot model.
    Deterministic.

    Reference: Y. Zhang and W. Gilpin, "Context parroting: a simple but tough-to-beat baseline for foundation
    models in scientific machine learning", arXiv:2505.11349 (2025).

    Parameters
    ----------
    match_length : int
        Number of trailing context points matched against the history (default 10).
    search_train : bool
        Whether the training data are searched as well as the context (default True).
    """

    min_train = 2
    tags = {"family": "dynamical"}
    search_space = {"match_length": [5, 10, 20, 50], "search_train": [True, False]}
    parameter_constraints = {"match_length": [Interval(int, 1, None)], "search_train": ["boolean"]}

    def __init__(self, match_length=10, search_train=True):
        self.match_length = match_length
        self.search_train = search_train

    def _fit(self, train, dt):
        self.train_ = train
        scale = train.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)

    def _predict(self, n_steps, context):
        series = self.train_ if context is None else context
        segments = [series] + ([self.train_] if self.search_train and context is not None else [])
        m = min(int(self.match_length), len(series), max(len(s) for s in segments) - 1)
        if m < 1:
            raise InvalidParameterError("context_parroting with search_train=False needs a context of at least "
                                        "2 points to find a match in")
        keys, owners, starts = [], [], []
        for index, segment in enumerate(segments):
            if len(segment) > m:  # windows segment[i:i + m] followed by segment[i + m]
                windows = sliding_window_view(segment[:-1] / self.scale_, m, axis=0)  # (len - m, dim, m)
                keys.append(windows.reshape(len(windows), -1))
                owners.append(np.full(len(windows), index))
                starts.append(np.arange(m, len(segment)))
        keys, owners, starts = np.concatenate(keys), np.concatenate(owners), np.concatenate(starts)
        squared_norms = np.einsum("ij,ij->i", keys, keys)
        remaining = np.array([len(s) for s in segments])[owners] - starts  # continuation length of each window

        emitted = [series[len(series) - m:]]
        n_out = 0
        while n_out < n_steps:
            query = (np.concatenate(emitted)[-m:] / self.scale_).T.ravel()
            rough = squared_norms - 2 * keys @ query  # the distance less |query|², fast but with rounding error
            near = np.flatnonzero(rough <= rough.min() + _ROUNDING * (squared_norms.max() + query @ query))
            diff = keys[near] - query
            distance = np.einsum("ij,ij->i", diff, diff)  # exact distances of the few nearest
            ties = near[distance <= distance.min() + _TIE]
            best = ties[np.argmax(remaining[ties])]
            start = starts[best]
            piece = segments[owners[best]][start:start + n_steps - n_out]
            emitted.append(piece)
            n_out += len(piece)
        return np.concatenate(emitted[1:])
