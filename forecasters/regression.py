"""Regression on lags with tree ensembles: a random forest (scikit-learn) and gradient boosting (LightGBM)."""

import numpy as np

from chaosbench import Forecaster, Interval, Options, forecaster
from chaosbench._core.optional import import_optional

from .baselines import _last_rows


class _LagRegression(Forecaster):
    """Shared loop of the tree regressions: the last ``n_lags`` states as features, the next state or increment as
    target.

    The features of step ``t`` are ``[x_t, x_{t-1}, ..., x_{t-p+1}]`` (``p = n_lags``, all variables) followed by
    the known covariates of step ``t + 1``; the target is ``x_{t+1}`` (``target="state"``) or the increment
    ``x_{t+1} - x_t`` (``target="increment"``). Subclasses implement ``_fit_targets(features, targets)`` and
    ``_regress(features)`` on one feature row.
    """

    min_train = 20
    tags = {"uses_covariates": True, "family": "regression"}

    def _fit(self, train, dt, covariates):
        n = len(train)
        p = min(int(self.n_lags), n // 2)  # keep at least half the data as training pairs
        lags = np.stack([train[p - 1 - k:n - 1 - k] for k in range(p)], axis=1)  # (n - p, p, d), newest first
        self.n_lags_ = p
        targets = train[p:] - train[p - 1:n - 1] if self.target == "increment" else train[p:]
        self._fit_targets(np.hstack([lags.reshape(n - p, -1), covariates[p:]]), targets)

    def _predict(self, n_steps, context, covariates):
        lags = _last_rows(self.last_window_ if context is None else context, self.n_lags_)[::-1]  # newest first
        future = covariates[len(covariates) - n_steps:]  # the inputs of the forecast steps
        out = np.empty((n_steps, lags.shape[1]))
        carried = 1.0 if self.target == "increment" else 0.0
        for i in range(n_steps):
            out[i] = carried * lags[0] + self._regress(np.concatenate([lags.ravel(), future[i]]))
            lags = np.vstack([out[i:i + 1], lags[:-1]])
        return out


class _FlatForest:
    """The trees of a fitted scikit-learn forest in flat arrays, evaluated on one sample for all trees at once.

    scikit-learn's ``predict`` costs milliseconds per call, whatever the batch size, which dominates a forecast
    iterated one step at a time; descending every tree together with numpy costs one vectorised comparison per
    level. The rule is scikit-learn's (features cast to float32, ``x[f] <= threshold`` goes left) and the result is
    the mean of the leaves' values, as in ``RandomForestRegressor.predict`` up to the summation order.
    """

    def __init__(self, trees):
        offsets = np.cumsum([0] + [tree.node_count for tree in trees[:-1]])
        self.roots = offsets.astype(np.intp)
        self.depth = max(tree.max_depth for tree in trees)
        leaf = np.concatenate([tree.children_left == -1 for tree in trees])
        nodes = np.arange(len(leaf))
        self.left = np.where(leaf, nodes, np.concatenate([t.children_left + o for t, o in zip(trees, offsets)]))
        self.right = np.where(leaf, nodes, np.concatenate([t.children_right + o for t, o in zip(trees, offsets)]))
        self.feature = np.where(leaf, 0, np.concatenate([tree.feature for tree in trees]))
        self.threshold = np.where(leaf, np.inf, np.concatenate([tree.threshold for tree in trees]))
        self.value = np.concatenate([tree.value[:, :, 0] for tree in trees])

    def predict(self, x):
        x = np.asarray(x, dtype=np.float32)
        nodes = self.roots
        for _ in range(self.depth):  # leaves point to themselves
            nodes = np.where(x[self.feature[nodes]] <= self.threshold[nodes], self.left[nodes], self.right[nodes])
        return self.value[nodes].mean(axis=0)


@forecaster("random_forest")
class RandomForest(_LagRegression):
    """Random forest regression of the next increment (or state) on lagged states, iterated one step at a time.

    The features are the last ``p = n_lags`` states of all variables, ``z_t = [x_t, x_{t-1}, ..., x_{t-p+1}]``,
    and one multi-output ``sklearn.ensemble.RandomForestRegressor`` (Breiman 2001: trees grown on bootstrap
    samples, a random subset of the features tried at each split, leaves averaged over the trees) learns the
    increment ``x_{t+1} - x_t`` (``target="increment"``, the default) or the state ``x_{t+1}`` (``"state"``, the
    formulation of darts' lag regressions used in the 2023 study) from ``z_t``. A forecast iterates
    ``x̂_{t+1} = x̂_t + f(ẑ_t)`` (or ``f(ẑ_t)``) from the last ``p`` rows of the context (or of the training data;
    a shorter context is padded by repeating its first row). The trade-off, measured on the standard protocol's
    Lorenz task (1,000 training points, five 2,871-step windows, 10,000-step free run): increments quantise the
    forecast relative to one step's change rather than to the spacing of the training states, so short-term skill
    is better (median VPT 1.87 against 1.46 Lyapunov times), but a leaf's increment is also applied outside the
    training range, so a long free run can drift off the attractor (up to 16 times the training data's largest
    value, against at most the training range for states, which are leaf averages of training states). The
    trees are descended together in numpy (scikit-learn's rule, far less overhead per step than its
    ``predict``). Deterministic for a given ``random_state``.

    Covariates (known inputs ``u``) are extra features: ``z_t`` is extended by ``u_{t+1}``, the inputs of the
    step being predicted.

    Parameters
    ----------
    n_lags : int
        Number of past states the features span (default 5; at most half the training points).
    target : {"increment", "state"}
        What the trees regress (default "increment"; see above).
    n_estimators : int
        Number of trees (default 50).
    min_samples_leaf : int
        Fewest training pairs in a leaf (default 2).
    max_features : float
        Fraction of the features tried at each split (default 0.5: as accurate as all of them on Lorenz and half the
        fitting time).
    n_jobs : int
        Threads used to grow the trees (default 1).
    random_state : int or None
        Seeds the bootstrap samples and feature draws.

    Notes
    -----
    On standardized Lorenz (10,000 training points, 2 shared CPU cores) a fit takes a few seconds and a
    5,000-step forecast about a second.

    References
    ----------
    L. Breiman, "Random forests", Machine Learning 45(1), 5-32 (2001).
    """

    tags = {"stochastic": True, "requires": "sklearn"}
    search_space = {"n_lags": [2, 5, 10], "target": ["increment", "state"], "min_samples_leaf": [1, 2, 5],
                    "max_features": [0.5, 1.0]}
    parameter_constraints = {
        "n_lags": [Interval(int, 1, None)],
        "target": [Options(("state", "increment"))],
        "n_estimators": [Interval(int, 1, None)],
        "min_samples_leaf": [Interval(int, 1, None)],
        "max_features": [Interval(float, 0, 1, closed="right")],
        "n_jobs": [Interval(int, 1, None)],
        "random_state": [Interval(int, 0, None), None],
    }

    def __init__(self, n_lags=5, target="increment", n_estimators=50, min_samples_leaf=2, max_features=0.5, n_jobs=1,
                 random_state=0):
        self.n_lags = n_lags
        self.target = target
        self.n_estimators = n_estimators
        self.min_samples_leaf = min_samples_leaf
        self.max_features = max_features
        self.n_jobs = n_jobs
        self.random_state = random_state

    @classmethod
    def get_test_params(cls):
        return {"n_estimators": 10}

    def _fit_targets(self, features, targets):
        import_optional("sklearn", "forecaster 'random_forest'")
        from sklearn.ensemble import RandomForestRegressor

        self.model_ = RandomForestRegressor(
            n_estimators=int(self.n_estimators), min_samples_leaf=int(self.min_samples_leaf),
            max_features=float(self.max_features), n_jobs=int(self.n_jobs), random_state=self.random_state,
        ).fit(features, targets)
        self.forest_ = _FlatForest([tree.tree_ for tree in self.model_.estimators_])

    def _regress(self, features):
        return self.forest_.predict(features)


@forecaster("gradient_boosting")
class GradientBoosting(_LagRegression):
    """Gradient-boosted trees (LightGBM) regressing the next increment on lagged states, one model per variable.

    The features ``z_t = [x_t, x_{t-1}, ..., x_{t-p+1}]`` (the last ``p = n_lags`` states of all variables) and
    the target (the increment ``x_{t+1} - x_t`` by default, or the state) are those of ``random_forest`` (see
    there for the trade-off; on the standard Lorenz task boosting's increments give a median VPT of 1.31 Lyapunov
    times but leave the attractor in long free runs, states 0.25 and stay in range). For each
    variable LightGBM (Ke et al. 2017: histogram-based gradient boosting of leaf-wise grown trees, squared loss)
    fits ``n_estimators`` trees of at most ``num_leaves`` leaves with shrinkage ``learning_rate``. A forecast
    iterates ``x̂_{t+1} = x̂_t + f(ẑ_t)`` from the last ``p`` rows of the context (or of the training data; a
    shorter context is padded by repeating its first row), calling the boosters directly with ``n_jobs`` threads
    (the scikit-learn wrapper costs more per step than the trees, and LightGBM's default of all threads made
    single-row predictions forty times slower on a busy 2-core machine). Without row or feature subsampling the fit
    is deterministic.

    Covariates (known inputs ``u``) are extra features: ``z_t`` is extended by ``u_{t+1}``, the inputs of the
    step being predicted.

    Parameters
    ----------
    n_lags : int
        Number of past states the features span (default 5; at most half the training points).
    target : {"increment", "state"}
        What the boosters regress (default "increment").
    n_estimators : int
        Boosting rounds per variable (default 300).
    learning_rate : float
        Shrinkage of each tree (default 0.05).
    num_leaves : int
        Most leaves per tree (default 31).
    min_child_samples : int
        Fewest training pairs in a leaf (default 20).
    n_jobs : int
        LightGBM threads (default 1).

    Notes
    -----
    On standardized Lorenz (10,000 training points, 2 shared CPU cores) a fit takes a few seconds and a
    5,000-step forecast about a second.

    References
    ----------
    G. Ke, Q. Meng, T. Finley, T. Wang, W. Chen, W. Ma, Q. Ye, T.-Y. Liu, "LightGBM: a highly efficient gradient
    boosting decision tree", Advances in Neural Information Processing Systems 30 (NeurIPS 2017).
    """

    tags = {"requires": "lightgbm"}
    search_space = {"n_lags": [2, 5, 10], "target": ["increment", "state"], "learning_rate": [0.02, 0.05, 0.1],
                    "num_leaves": [15, 31, 63]}
    parameter_constraints = {
        "n_lags": [Interval(int, 1, None)],
        "target": [Options(("state", "increment"))],
        "n_estimators": [Interval(int, 1, None)],
        "learning_rate": [Interval(float, 0, None, closed="neither")],
        "num_leaves": [Interval(int, 2, None)],
        "min_child_samples": [Interval(int, 1, None)],
        "n_jobs": [Interval(int, 1, None)],
    }

    def __init__(self, n_lags=5, target="increment", n_estimators=300, learning_rate=0.05, num_leaves=31,
                 min_child_samples=20, n_jobs=1):
        self.n_lags = n_lags
        self.target = target
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.n_jobs = n_jobs

    @classmethod
    def get_test_params(cls):
        return {"n_estimators": 30}

    def _fit_targets(self, features, targets):
        lightgbm = import_optional("lightgbm", "forecaster 'gradient_boosting'")
        params = {"objective": "regression", "learning_rate": float(self.learning_rate),
                  "num_leaves": int(self.num_leaves), "min_data_in_leaf": int(self.min_child_samples),
                  "num_threads": int(self.n_jobs), "deterministic": True, "force_row_wise": True, "verbosity": -1}
        self.boosters_ = [lightgbm.train(params, lightgbm.Dataset(features, target),
                                         num_boost_round=int(self.n_estimators))
                          for target in targets.T]

    def _regress(self, features):
        row = features[None]
        return np.array([booster.predict(row, num_threads=int(self.n_jobs))[0] for booster in self.boosters_])
