"""The neural forecasters' "must show" protocol (issue 6) on standardized Lorenz.

Data: ``Task("Lorenz", dt = 0.01, n_train=20000, seed=SEED)``, i.e. 20,000 standardized training points sampled
every 0.01 time units. Each model is fitted once on one CPU thread with ``time_budget_s`` (default 240 s, the whole
``fit``) and ``random_state=SEED``; all other hyper-parameters are the forecaster's defaults unless given with
``--set``.

- Long-term statistics: from a 500-point context on an independent stretch of the attractor (the task's own test
  window), a free run of 20,000 steps is compared with the true continuation by ``d_stsp`` (30 bins per
  dimension) and ``d_h``. The same two numbers for the truth against an independent true series of the same length
  (the noise floor) are printed first.
- Short-term: the median ``vpt_nrmse`` (Lyapunov times) over 5 test starts with 1,000-point contexts and 1,500-step
  forecasts.

Usage: python benchmarks/neural_protocol.py [--models shplrnn alrnn transformer lstm] [--budget 240] [--seed 0]
       [--threads 1] [--set shplrnn.n_hidden=100 ...]
"""

from __future__ import annotations

import argparse
import ast
import json
import time

import numpy as np

import chaosbench

DT = 0.01
N_TRAIN = 20_000
N_FREE = 20_000
N_CONTEXT_FREE = 500
N_CONTEXT_VPT = 1000
N_VPT_STARTS = 5
VPT_HORIZON = 1500


def tasks(seed: int):
    """(free-run task, VPT task): the same training series (same seed and length), different test windows."""
    pts = chaosbench.get_system("Lorenz").period / DT
    free = chaosbench.Task("Lorenz", pts_per_period=pts, n_train=N_TRAIN, n_context=N_CONTEXT_FREE, horizon=N_FREE,
                           n_test=2, n_validation=0, seed=seed).generate()
    vpt = chaosbench.Task("Lorenz", pts_per_period=pts, n_train=N_TRAIN, n_context=N_CONTEXT_VPT,
                          horizon=VPT_HORIZON, n_test=N_VPT_STARTS, n_validation=0, seed=seed).generate()
    assert np.array_equal(free.train, vpt.train)
    return free, vpt


def parse_overrides(items: list[str]) -> dict:
    """``model.param=value`` strings -> {model: {param: value}} (values parsed as Python literals)."""
    out: dict = {}
    for item in items:
        key, value = item.split("=", 1)
        model, param = key.split(".", 1)
        out.setdefault(model, {})[param] = ast.literal_eval(value)
    return out


def evaluate(name: str, params: dict, free, vpt) -> dict:
    model = chaosbench.get_forecaster(name, **params)
    start = time.perf_counter()
    model.fit(free.train, free.context["dt"])
    fit_seconds = time.perf_counter() - start
    window = free.test[0]
    start = time.perf_counter()
    run = model.predict(N_FREE, context=window.context)
    free_seconds = time.perf_counter() - start
    d_stsp = chaosbench.get_metric("d_stsp")(window.target, run)
    d_h = chaosbench.get_metric("d_h")(window.target, run)
    vpts = [chaosbench.get_metric("vpt_nrmse")(w.target, model.predict(VPT_HORIZON, context=w.context),
                                                context=vpt.context) for w in vpt.test]
    info = getattr(model, "fit_info_", {})
    return {"model": name, "fit_s": fit_seconds, "epochs": info.get("epochs"), "stopped_by": info.get("stopped_by"),
            "final_loss": info.get("final_loss"), "free_run_s": free_seconds, "d_stsp": d_stsp, "d_h": d_h,
            "vpt_median": float(np.median(vpts)), "vpts": vpts, "fit_info": info}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=chaosbench.list_forecasters("requires"),
                        help="default: the registered forecasters with an optional dependency (torch)")
    parser.add_argument("--budget", type=float, default=240.0, help="time_budget_s of each fit")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="n_threads of each model")
    parser.add_argument("--set", nargs="*", default=[], metavar="MODEL.PARAM=VALUE",
                        help="hyper-parameter overrides, e.g. shplrnn.n_hidden=100")
    args = parser.parse_args(argv)
    overrides = parse_overrides(args.set)
    free, vpt = tasks(args.seed)
    truth, independent = free.test[0].target, free.test[1].target
    print(f"Lorenz, dt={DT}, {N_TRAIN} standardized training points, seed {args.seed}; lambda_max="
          f"{free.context['lyapunov_max']:.4f}")
    print(f"noise floor (truth vs independent truth, {N_FREE} steps): "
          f"d_stsp={chaosbench.get_metric('d_stsp')(truth, independent):.3f} "
          f"d_h={chaosbench.get_metric('d_h')(truth, independent):.4f}")
    header = (f"{'model':<12}{'fit s':>8}{'epochs':>8}  {'stopped by':<12}{'loss':>10}{'free s':>8}{'d_stsp':>9}"
              f"{'d_h':>8}{'VPT med':>9}  VPTs")
    print(header)
    rows = []
    for name in args.models:
        params = {"time_budget_s": args.budget, "random_state": args.seed, "n_threads": args.threads,
                  "verbose": False} | overrides.get(name, {})
        r = evaluate(name, params, free, vpt)
        rows.append(r)
        loss = "-" if r["final_loss"] is None else f"{r['final_loss']:.3g}"
        print(f"{name:<12}{r['fit_s']:>8.1f}{r['epochs']!s:>8}  {r['stopped_by']!s:<12}{loss:>10}"
              f"{r['free_run_s']:>8.2f}{r['d_stsp']:>9.3f}{r['d_h']:>8.4f}{r['vpt_median']:>9.2f}  "
              + " ".join(f"{v:.2f}" for v in r["vpts"]), flush=True)
        print(f"  fit_info_: {json.dumps(r['fit_info'])}" + (f"; overrides: {overrides[name]}" if name in overrides
                                                                else ""))
    return rows


if __name__ == "__main__":
    main()
