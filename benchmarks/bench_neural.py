"""Speed of the neural forecasters: training time per epoch and prediction time per 1,000 steps.

Standardized Lorenz sampled every 0.01 time units, 20,000 training points; each forecaster with its default
hyper-parameters on ``--threads`` torch threads (default 1). After a warm-up fit (imports, numba compilation), a fit
of ``--epochs`` epochs gives the time per epoch and per optimiser step (the fit's setup included, spread over the
epochs); a 1,000-step forecast from a 500-point context (the context drive included) is timed best of
``--repeats``.

Usage: python benchmarks/bench_neural.py [--models shplrnn alrnn transformer lstm] [--epochs 3] [--repeats 3]
       [--threads 1]
"""

from __future__ import annotations

import argparse
import time

import chaosbench

HORIZON = 1000
N_CONTEXT = 500


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=chaosbench.list_forecasters("requires"),
                        help="default: the registered forecasters with an optional dependency (torch)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    pts = chaosbench.get_system("Lorenz").period / 0.01
    data = chaosbench.Task("Lorenz", pts_per_period=pts, n_train=20_000, n_context=N_CONTEXT, horizon=HORIZON,
                           n_test=1, n_validation=0, seed=0).generate()
    dt, context = data.context["dt"], data.test[0].context
    print(f"Lorenz, dt=0.01, 20,000 training points, {args.threads} torch thread(s), default hyper-parameters")
    print(f"{'model':<12}{'steps/epoch':>12}{'s/epoch':>10}{'ms/step':>10}{'ms/1000 predicted':>19}")
    for name in args.models:
        common = {"n_threads": args.threads, "verbose": False}
        chaosbench.get_forecaster(name, max_epochs=1, batches_per_epoch=2, **common).fit(data.train[:2000], dt)
        model = chaosbench.get_forecaster(name, max_epochs=args.epochs, **common)
        model.fit(data.train, dt)
        info = model.fit_info_
        per_epoch = info["seconds"] / info["epochs"]
        predict = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            model.predict(HORIZON, context=context)
            predict.append(time.perf_counter() - start)
        per_step_ms = 1000 * info["seconds"] / info["steps"]
        print(f"{name:<12}{model.batches_per_epoch:>12}{per_epoch:>10.3f}{per_step_ms:>10.2f}"
              f"{1000 * min(predict):>19.1f}", flush=True)


if __name__ == "__main__":
    main()
