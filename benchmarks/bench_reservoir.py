"""Echo state network speed and accuracy: chaosbench's ``esn`` against reservoirpy, measured in one run.

The same configuration on both sides: standardized Lorenz sampled every 0.01 time units (77.146 points per period),
20,000 training points, chaosbench's default ESN hyper-parameters (units, spectral radius, density, input scaling,
bias, leak rate, ridge, warm-up) and readout (ridge regression with an unpenalised intercept on the states and their
squares, predicting the one-step increment). reservoirpy is given chaosbench's reservoir, input and bias matrices,
so both run the same dynamics and differ only in the implementation; its ``Reservoir`` node is driven with
``run`` (teacher forcing) and ``step`` (closed loop), and its ``Ridge`` node fits the readout on ``[r, r²]``.

Prints, for each library: the fit time, the time of one 1,000-step closed-loop forecast from a 500-point context
(the context drive included), their ratios, and the median valid prediction time (VPT, in Lyapunov times: the first
time the RMS over variables of the standardized error exceeds 0.5) over 5 test windows
(1,500-step forecasts from 500-point contexts).

Usage: python benchmarks/bench_reservoir.py [--repeats N] [--n-units N]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.sparse

import chaosbench
from chaosbench.forecasters.reservoir import EchoStateNetwork

HORIZON = 1000  # steps of the timed forecast
VPT_HORIZON = 1500  # steps of the forecasts scored by VPT (longer than any VPT reached, so none is cut off)


def vpt(pred, true, lyapunov_max, dt, threshold=0.5):
    """Valid prediction time in Lyapunov times; data already standardized by the training std."""
    err = np.sqrt(np.mean((pred - true) ** 2, axis=1))
    over = np.nonzero(err > threshold)[0]
    return (over[0] if len(over) else len(err)) * dt * lyapunov_max


def best_of(fn, repeats):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def run_chaosbench(data, params, repeats):
    EchoStateNetwork(**(params | {"n_units": 20})).fit(data.train[:300], data.context["dt"]).predict(5)  # compile
    t_fit, model = best_of(lambda: EchoStateNetwork(**params).fit(data.train, data.context["dt"]), repeats)
    ctx = data.test[0].context
    t_pred, _ = best_of(lambda: model.predict(HORIZON, context=ctx), repeats)
    vpts = [vpt(model.predict(VPT_HORIZON, context=w.context), w.target, data.context["lyapunov_max"],
                data.context["dt"]) for w in data.test]
    return t_fit, t_pred, vpts, model


def run_reservoirpy(data, params, template, repeats):
    from reservoirpy.nodes import Reservoir, Ridge

    warmup, n = params["warmup"], params["n_units"]
    w_res = scipy.sparse.csr_matrix((template.w_data_, template.w_indices_, template.w_indptr_), shape=(n, n))

    class Model:
        def fit(self, train):
            self.res = Reservoir(units=n, lr=params["leak_rate"], W=w_res, Win=template.w_in_.copy(),
                                 bias=template.bias_.copy(), input_dim=train.shape[1])
            states = self.res.run(train[:-1])
            feats = np.hstack([states, states * states])
            self.readout = Ridge(ridge=params["ridge"], fit_bias=True)
            self.readout.fit(feats, train[1:] - train[:-1], warmup=warmup)
            return self

        def predict(self, n_steps, context):
            self.res.reset()
            r = self.res.run(context)[-1]
            prev = context[-1]
            out = np.empty((n_steps, context.shape[1]))
            for i in range(n_steps):
                prev = prev + self.readout.step(np.concatenate([r, r * r]))
                out[i] = prev
                if i + 1 < n_steps:
                    r = self.res.step(prev)
            return out

    t_fit, model = best_of(lambda: Model().fit(data.train), repeats)
    ctx = data.test[0].context
    t_pred, _ = best_of(lambda: model.predict(HORIZON, ctx), repeats)
    vpts = [vpt(model.predict(VPT_HORIZON, w.context), w.target, data.context["lyapunov_max"], data.context["dt"])
            for w in data.test]
    return t_fit, t_pred, vpts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--n-units", type=int, default=None)
    args = parser.parse_args()

    params = EchoStateNetwork().get_params()
    if args.n_units:
        params["n_units"] = args.n_units
    data = chaosbench.Task("Lorenz", pts_per_period=77.146, n_train=20000, n_context=500, horizon=VPT_HORIZON,
                           n_test=5).generate()
    print(f"Lorenz, dt = {data.context['dt']:.4f}, 20,000 training points, {len(data.test)} test windows; "
          f"ESN {params}")
    t_fit, t_pred, v_ours, model = run_chaosbench(data, params, args.repeats)
    rows = [("chaosbench esn", t_fit, t_pred, v_ours)]
    try:
        import reservoirpy
    except ImportError:
        print("reservoirpy not installed")
    else:
        label = f"reservoirpy {reservoirpy.__version__}"
        rows.append((label, *run_reservoirpy(data, params, model, args.repeats)))
    print(f"{'':26s} {'fit (s)':>9s} {'predict 1000 (s)':>17s} {'median VPT':>11s}  VPTs")
    for name, tf, tp, v in rows:
        print(f"{name:26s} {tf:9.3f} {tp:17.4f} {np.median(v):11.2f}  {np.round(v, 2).tolist()}")
    if len(rows) == 2:
        print(f"ratio reservoirpy / chaosbench: fit {rows[1][1] / rows[0][1]:.2f}x, "
              f"predict {rows[1][2] / rows[0][2]:.2f}x")


if __name__ == "__main__":
    main()
