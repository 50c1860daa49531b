"""Forecasters that misbehave on purpose, loaded by the runner and report tests as a ``--plugin`` file."""

import os
import time

import numpy as np

import chaosbench

CONTEXT = {"needs_context": True, "stochastic": False, "requires": None}


@chaosbench.forecaster("test_raises", replace=True)
class Raises(chaosbench.Forecaster):
    def _fit(self, train, dt):
        raise RuntimeError("boom in fit")


def _persistence_then(value, n_steps, context):
    out = np.repeat(context[-1:], n_steps, axis=0)
    out[n_steps // 2:] = value
    return out


@chaosbench.forecaster("test_nan", replace=True)
class ReturnsNaN(chaosbench.Forecaster):
    tags = CONTEXT

    def _fit(self, train, dt):
        pass

    def _predict(self, n_steps, context):
        return _persistence_then(np.nan, n_steps, context)


@chaosbench.forecaster("test_inf", replace=True)
class ReturnsInf(ReturnsNaN):
    def _predict(self, n_steps, context):
        return _persistence_then(np.inf, n_steps, context)


@chaosbench.forecaster("test_dies", replace=True)
class Dies(chaosbench.Forecaster):
    def _fit(self, train, dt):
        os._exit(3)


@chaosbench.forecaster("test_sleeps", replace=True)
class Sleeps(chaosbench.Forecaster):
    def _fit(self, train, dt):
        time.sleep(600)


@chaosbench.forecaster("test_slow_persistence", replace=True)
class SlowPersistence(chaosbench.Forecaster):
    """Deterministic, and takes a second: runs made of it last a while."""

    tags = CONTEXT

    def _fit(self, train, dt):
        time.sleep(1.0)

    def _predict(self, n_steps, context):
        return np.repeat(context[-1:], n_steps, axis=0)


@chaosbench.forecaster("test_interrupts", replace=True)
class Interrupts(chaosbench.Forecaster):
    def _fit(self, train, dt):
        raise KeyboardInterrupt("from the forecaster")
