"""Integration speed of chaosbench against scipy and dysts, measured in one run.

Prints:
1. Lorenz, 1,000 points at 100 points per period, warm: chaosbench DOP853 against scipy ``solve_ivp`` DOP853 at the
   same tolerances over the same time span (a plain-Python right-hand side, as a user would write it), and against
   dysts' ``make_trajectory`` with its defaults when dysts is installed; with the ratios.
2. First-call times in fresh processes: fully cold (integrator kernels compiled too), per system cold (equations
   traced and compiled; kernels cached) and per system cached (everything loaded from disk).

Usage: python benchmarks/bench_integrate.py [--systems A,B] [--repeats N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy.integrate import solve_ivp

import chaosbench

N, PTS, RTOL, ATOL = 1000, 100, 1e-10, 1e-10


def best_of(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def lorenz_comparison(repeats: int) -> None:
    lorenz = chaosbench.get_system("Lorenz")
    ic = lorenz.sample_ics(1, seed=0)[0]
    dt = lorenz.period / PTS
    t_eval = dt * np.arange(N)

    def ours():
        return lorenz.trajectory(N, dt=dt, ic=ic, transient=0.0, rtol=RTOL, atol=ATOL).x

    def lorenz_py(t, u, sigma=10.0, rho=28.0, beta=8 / 3):
        x, y, z = u
        return [sigma * (y - x), x * (rho - z) - y, x * y - beta * z]

    def scipy_dop853():
        return solve_ivp(lorenz_py, (0, t_eval[-1]), ic, method="DOP853", t_eval=t_eval, rtol=RTOL, atol=ATOL).y.T

    ours()  # warm up
    np.testing.assert_allclose(ours(), scipy_dop853(), atol=1e-5)  # the same trajectory
    rows = [("chaosbench DOP853", best_of(ours, repeats)), ("scipy solve_ivp DOP853", best_of(scipy_dop853, 3))]
    try:
        import dysts.flows

        model = dysts.flows.Lorenz()
        rows.append(("dysts make_trajectory (defaults)", best_of(lambda: model.make_trajectory(N, pts_per_period=PTS),
                                                                   1)))
    except ImportError:
        rows.append(("dysts make_trajectory (defaults)", None))
    print(f"Lorenz, {N} points at {PTS} points per period (dt={dt:.5g}), rtol={RTOL:g}, atol={ATOL:g}, warm")
    print(f"{'implementation':<34} {'seconds':>10} {'chaosbench faster by':>22}")
    for label, seconds in rows:
        if seconds is None:
            print(f"{label:<34} {'not installed':>10}")
        else:
            print(f"{label:<34} {seconds:>10.5f} {seconds / rows[0][1]:>21.0f}x")


CHILD = """
import json, sys, time
t0 = time.perf_counter()
import chaosbench
t1 = time.perf_counter()
chaosbench.get_system(sys.argv[1]).trajectory(1000)
t2 = time.perf_counter()
chaosbench.get_system(sys.argv[1]).trajectory(1000)
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "first": t2 - t1, "warm": t3 - t2}))
"""


def child(name: str, env: dict) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, name], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def first_call_times(names: list[str]) -> None:
    with tempfile.TemporaryDirectory() as numba_cache, tempfile.TemporaryDirectory() as cache:
        env = os.environ | {"NUMBA_CACHE_DIR": numba_cache, "CHAOSBENCH_CACHE_DIR": cache}
        cold = child("Lorenz", env)
        print(f"\nFully cold (integrator kernels compiled, then Lorenz traced and compiled): import "
              f"{cold['import']:.2f} s, first trajectory {cold['first']:.2f} s")
    print("\nFirst trajectory(1000) in a fresh process (seconds; kernels already cached)")
    print(f"{'system':<12} {'cold':>8} {'cached':>8} {'warm':>9}")
    with tempfile.TemporaryDirectory() as cache:
        child("Lorenz", os.environ | {"CHAOSBENCH_CACHE_DIR": cache})  # the shared kernels are cached from here on
    colds, cacheds = [], []
    for name in names:
        with tempfile.TemporaryDirectory() as cache:
            env = os.environ | {"CHAOSBENCH_CACHE_DIR": cache}
            cold = child(name, env)
            cached = child(name, env)
        colds.append(cold["first"])
        cacheds.append(cached["first"])
        print(f"{name:<12} {cold['first']:>8.3f} {cached['first']:>8.3f} {cached['warm'] * 1e3:>7.2f}ms")
    print(f"{'median':<12} {statistics.median(colds):>8.3f} {statistics.median(cacheds):>8.3f}   "
          f"(import chaosbench: {cached['import']:.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", help="comma-separated systems for the first-call table (default: all)")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    lorenz_comparison(args.repeats)
    first_call_times(args.systems.split(",") if args.systems else chaosbench.list_systems())


if __name__ == "__main__":
    main()
