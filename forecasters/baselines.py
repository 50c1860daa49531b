"""Baselines that a forecaster has to beat."""

import numpy as np

from chaosbench import Forecaster, forecaster


@forecaster("naive")
class Naive(Forecaster):
    """Persistence: every future value equals the last observed one."""

    min_train = 1

    def _fit(self, train, dt):
        self.last_ = train[-1].copy()

    def _predict(self, n_steps, context):
        last = self.last_ if context is None else context[-1]
        return np.tile(last, (n_steps, 1))


@forecaster("mean")
class Mean(Forecaster):
    """Climatology: every future value equals the training mean."""

    min_train = 1

    def _fit(self, train, dt):
        self.mean_ = train.mean(axis=0)

    def _predict(self, n_steps, context):
        return np.tile(self.mean_, (n_steps, 1))
