"""Every system of the catalogue x 1,000 points at 100 points per period: cold, cached and warm totals.

- cold: fresh processes with empty caches (integrator kernels and every system traced and compiled), split over
  ``--workers`` processes; the wall time of the whole catalogue;
- cached: a fresh process whose caches are filled (everything loaded from disk);
- warm: the second trajectory of each system in the same process.
Prints the totals, the slowest ten systems, and, where dysts is installed, dysts' ``make_trajectory`` with its
defaults on a sample of systems with the ratio to chaosbench on the same sample.

Usage: python benchmarks/bench_catalogue.py [--workers 2] [--dysts-sample Lorenz,Rossler,...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import chaosbench

CHILD = """
import json, sys, time
start = time.perf_counter()
import chaosbench
imported = time.perf_counter() - start
out = {"import": imported, "first": {}, "warm": {}}
for name in sys.argv[1].split(","):
    t = time.perf_counter(); chaosbench.get_system(name).trajectory(1000); out["first"][name] = time.perf_counter() - t
    t = time.perf_counter(); chaosbench.get_system(name).trajectory(1000); out["warm"][name] = time.perf_counter() - t
print(json.dumps(out))
"""


def run_children(names: list[str], workers: int, env: dict) -> tuple[float, dict, dict, float]:
    """Wall time, first-call and warm times per system, and the largest import time, over ``workers`` processes."""
    chunks = [names[i::workers] for i in range(workers)]
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, ",".join(chunk)], env=env, stdout=subprocess.PIPE,
                              text=True) for chunk in chunks if chunk]
    results = [json.loads(p.communicate()[0]) for p in procs]
    wall = time.perf_counter() - start
    if any(p.returncode for p in procs):
        raise SystemExit("a benchmark process failed")
    first = {k: v for r in results for k, v in r["first"].items()}
    warm = {k: v for r in results for k, v in r["warm"].items()}
    return wall, first, warm, max(r["import"] for r in results)


def slowest(times: dict, k: int = 10) -> str:
    return ", ".join(f"{name} {sec:.2f}s" for name, sec in sorted(times.items(), key=lambda kv: -kv[1])[:k])


def dysts_sample(names: list[str], warm: dict, first: dict) -> None:
    try:
        import dysts.flows
    except ImportError:
        print("\ndysts: not installed (pip install dysts to compare)")
        return
    print(f"\ndysts make_trajectory(1000, pts_per_period=100) with its defaults, on a sample of {len(names)} systems")
    total = 0.0
    for name in names:
        start = time.perf_counter()
        getattr(dysts.flows, name)().make_trajectory(1000, pts_per_period=100)
        seconds = time.perf_counter() - start
        total += seconds
        print(f"  {name:<14} dysts {seconds:8.2f}s   chaosbench cold {first[name]:.3f}s, warm {warm[name] * 1e3:.2f}ms")
    ours_cold = sum(first[n] for n in names)
    ours_warm = sum(warm[n] for n in names)
    print(f"  total          dysts {total:8.2f}s   chaosbench cold {ours_cold:.2f}s ({total / ours_cold:.0f}x), "
          f"warm {ours_warm:.3f}s ({total / ours_warm:.0f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for the cold run")
    parser.add_argument("--dysts-sample", default="Lorenz,Rossler,Chen,Halvorsen,SprottB",
                        help="comma-separated systems to time with dysts, if installed")
    args = parser.parse_args()
    names = chaosbench.list_systems()
    with tempfile.TemporaryDirectory() as numba_cache, tempfile.TemporaryDirectory() as cache:
        env = os.environ | {"NUMBA_CACHE_DIR": numba_cache, "CHAOSBENCH_CACHE_DIR": cache}
        cold_wall, cold_first, _, _ = run_children(names, args.workers, env)
        cached_wall, cached_first, warm, imported = run_children(names, 1, env)
    print(f"{len(names)} systems x trajectory(1000), 100 points per period")
    print(f"cold   (empty caches, {args.workers} processes): {cold_wall:7.2f} s wall for the catalogue")
    print(f"cached (one fresh process, caches filled):   {cached_wall:7.2f} s wall "
          f"(import {imported:.2f} s, first calls {sum(cached_first.values()):.2f} s)")
    print(f"warm   (second call, same process):          {sum(warm.values()):7.2f} s in total")
    print(f"slowest cold: {slowest(cold_first)}")
    print(f"slowest warm: {slowest(warm)}")
    sample = [n for n in args.dysts_sample.split(",") if n in names]
    dysts_sample(sample, warm, cold_first)


if __name__ == "__main__":
    main()
