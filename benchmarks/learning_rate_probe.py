"""Choose the standard preset's learning rates on probe cells that no cell of the standard preset uses.

At the standard preset's budgets, each neural forecaster is trained with its default learning rate times a multiple
(1, 3, 10, 30, 60, 100) on Chen, Halvorsen and Rossler with task seeds 1 and 2 (the standard preset scores seed 0,
so these are other training and test trajectories). Per forecaster and multiple, the score is the median
``vpt_nrmse`` over the 6 cells (a diverged cell counts 0); the chosen multiple is the smallest whose score is within
``--margin`` (10 %) of the best multiple's. The choice is stored in
``chaosbench._bench.config.STANDARD_LEARNING_RATES``; the runs behind it are shipped in
``results/reference/learning-rate-probe/xM`` (M the multiple), and tests check that the rule applied to them gives
the stored multiples.

Usage: python benchmarks/learning_rate_probe.py [--run] [--multiples 1 3 10 30 60 100] [--forecasters alrnn gru ...]
       [--probe results/reference/learning-rate-probe] [--margin 0.1] [--workers 2]

Without ``--run`` it reads the shipped probe and prints the table and the chosen multiples; with ``--run`` it first
makes the probe runs (about 4 minutes per multiple for the twelve neural forecasters on 2 cores).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pandas as pd

from chaosbench._bench.config import STANDARD_LEARNING_RATES, scaled_learning_rate

ROOT = Path(__file__).resolve().parents[1]
PROBE = ROOT / "results" / "reference" / "learning-rate-probe"
SYSTEMS, SEEDS = ("Chen", "Halvorsen", "Rossler"), (1, 2)
MULTIPLES = (1, 3, 10, 30, 60, 100)
NEURAL = ("alrnn", "dlinear", "gru", "lstm", "nbeats", "nhits", "nlinear", "node", "rnn", "shplrnn", "tcn",
          "transformer")


def probe_command(multiple: float, forecasters, out: Path, workers: int = 2) -> list[str]:
    """The ``chaosbench run`` of one multiple: the standard preset's budgets, learning rates = multiple × default."""
    sets = []
    for name in forecasters:
        sets += ["--set", f"{name}.learning_rate={scaled_learning_rate(name, multiple)!r}"]
    chaosbench = str(Path(sys.executable).with_name("chaosbench"))
    return [chaosbench, "run", "--preset", "standard", "--systems", ",".join(SYSTEMS),
            "--seeds", ",".join(map(str, SEEDS)), "--forecasters", ",".join(forecasters), *sets, "--n-long", "0",
            "--metrics", "vpt_nrmse,nrmse", "--workers", str(workers), "--quiet", "--out", str(out)]


def probe_scores(probe: Path = PROBE) -> pd.DataFrame:
    """Median ``vpt_nrmse`` (diverged or failed = 0) and the number of cells not ``ok``, per forecaster and multiple,
    from the runs stored in ``probe/xM``."""
    rows = []
    for path in sorted(probe.glob("x*/cells.csv")):
        cells = pd.read_csv(path)
        vpt = cells.vpt_nrmse.where(cells.status == "ok", 0.0)
        for name, group in cells.assign(vpt=vpt).groupby("forecaster"):
            rows.append({"forecaster": name, "multiple": float(path.parent.name[1:]), "median": group.vpt.median(),
                         "not_ok": int((group.status != "ok").sum()), "n_cells": len(group)})
    return pd.DataFrame(rows)


def choose_multiples(scores: pd.DataFrame, margin: float = 0.1) -> dict[str, float]:
    """Per forecaster, the smallest multiple whose median VPT is at least ``(1 - margin)`` × the best multiple's."""
    chosen = {}
    for name, group in scores.groupby("forecaster"):
        good = group[group["median"] >= (1.0 - margin) * group["median"].max()]
        chosen[name] = float(good.multiple.min())
    return chosen


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", action="store_true", help="make the probe runs first (into --probe)")
    parser.add_argument("--multiples", type=float, nargs="+", default=MULTIPLES)
    parser.add_argument("--forecasters", nargs="+", default=NEURAL)
    parser.add_argument("--probe", type=Path, default=PROBE)
    parser.add_argument("--margin", type=float, default=0.1)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    if args.run:
        for multiple in args.multiples:
            out = args.probe / f"x{multiple:g}"
            subprocess.run(probe_command(multiple, args.forecasters, out, args.workers), check=True)
    scores = probe_scores(args.probe)
    table = scores.pivot(index="forecaster", columns="multiple", values="median").round(2)
    print(table.to_string())
    chosen = choose_multiples(scores, args.margin)
    for name, multiple in chosen.items():
        print(f"{name}: {multiple:g}x (the standard preset: {STANDARD_LEARNING_RATES.get(name, 1.0):g}x)")


if __name__ == "__main__":
    main()
