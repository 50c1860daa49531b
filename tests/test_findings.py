"""The 2023 study's findings computed from a run: Spearman intervals, family ranking, the data sweep, the agreement
sentences, ``chaosbench findings`` and the report's findings section, on constructed cells with known answers."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from chaosbench._bench.findings import (agreement, data_sweep, family_ranking, findings_lines, horizon_regimes,
                                        invariant_correlations, spearman_ci, write_findings)
from chaosbench._bench.leaderboard import cell_dtypes
from chaosbench._bench.report import write_report
from chaosbench.cli import main

SYSTEMS = ["Lorenz", "Rossler", "Thomas", "Aizawa", "Halvorsen", "Chen"]
LYAPUNOV = [0.9, 0.07, 0.04, 0.1, 0.8, 2.0]  # distinct: their order decides the constructed ranks
FAMILIES = {"esn": "reservoir", "ngrc": "reservoir", "nbeats": "deep", "lstm": "deep", "naive": "baseline"}


def make_cells(values: dict, systems=SYSTEMS, lyapunov=LYAPUNOV, metric="vpt_nrmse") -> pd.DataFrame:
    """One ok cell per (system, forecaster); ``values[forecaster]`` lists the metric per system."""
    rows = [{"system": s, "forecaster": f, "seed": 0, "status": "ok", "noise": 0.0, "horizon": 2000,
             "pts_per_period": 100.0, "dt": 0.01, "lyapunov_max": lam, metric: v, f"{metric}_censored": 0.0,
             "lyapunov_resolved": True}
            for f, per_system in values.items() for s, lam, v in zip(systems, lyapunov, per_system)]
    return pd.DataFrame(rows)


def invariants_of(systems=SYSTEMS, lyapunov=LYAPUNOV, dimension=None):
    dimension = np.linspace(1.5, 3.0, len(systems)) if dimension is None else dimension
    return pd.DataFrame({"lyapunov_max": lyapunov, "correlation_dimension": dimension},
                        index=pd.Index(systems, name="system"))


def decreasing(lyapunov=LYAPUNOV, scale=1.0):
    """A VPT exactly decreasing in λ_max."""
    return [scale / lam for lam in lyapunov]


def test_spearman_of_an_exactly_decreasing_relation_is_minus_one_with_a_degenerate_interval():
    x = np.arange(1.0, 9.0)
    out = spearman_ci(x, -x ** 3)
    assert out["rho"] == pytest.approx(-1.0)
    assert out["ci_low"] == pytest.approx(-1.0) and out["ci_high"] == pytest.approx(-1.0)
    assert out["n"] == 8 and 0 < out["n_boot_used"] <= 2000


def test_spearman_without_relation_and_with_a_constant():
    x = np.arange(1.0, 6.0)
    out = spearman_ci(x, [1.0, 3.0, 5.0, 3.0, 1.0])  # symmetric: ranks uncorrelated exactly
    assert out["rho"] == pytest.approx(0.0, abs=1e-12)
    assert out["ci_low"] < 0 < out["ci_high"]
    assert math.isnan(spearman_ci(x, np.ones(5))["rho"])
    assert math.isnan(spearman_ci([1.0, 2.0], [2.0, 1.0])["rho"])  # fewer than 3 pairs
    assert spearman_ci(x, x ** 2, seed=3) == spearman_ci(x, x ** 2, seed=3)  # seeded


def test_invariant_correlations_per_forecaster_and_family_drop_and_count_missing_invariants():
    cells = make_cells({"esn": decreasing(), "ngrc": decreasing(scale=2.0), "naive": [0.0] * 6})
    dimension = [2.0, 2.1, np.nan, 2.3, 2.4, 2.5]
    table = invariant_correlations(cells, invariants=invariants_of(dimension=dimension))
    row = table[(table["name"] == "esn") & (table["invariant"] == "lyapunov_max")].iloc[0]
    assert (row["rho"], row["ci_low"], row["ci_high"], row["n"], row["n_dropped"]) == (
        pytest.approx(-1.0), pytest.approx(-1.0), pytest.approx(-1.0), 6, 0)
    family = table[(table["level"] == "family") & (table["name"] == "reservoir")
                   & (table["invariant"] == "lyapunov_max")].iloc[0]
    assert family["rho"] == pytest.approx(-1.0)
    dim = table[(table["name"] == "esn") & (table["invariant"] == "correlation_dimension")].iloc[0]
    assert dim["n"] == 5 and dim["n_dropped"] == 1
    assert math.isnan(table[(table["name"] == "naive") & (table["invariant"] == "lyapunov_max")].iloc[0]["rho"])


def test_family_ranking_puts_the_family_of_the_best_forecaster_first():
    # ranks on every system: esn 1, nbeats 2, lstm 3, naive 4, ngrc 5
    cells = make_cells({"esn": [5.0] * 6, "ngrc": [0.0] * 6, "nbeats": [3.0] * 6, "lstm": [2.0] * 6,
                        "naive": [0.5] * 6})
    best = family_ranking(cells)
    assert list(best["family"]) == ["reservoir", "deep", "baseline"]
    assert list(best["median_rank"]) == [1.0, 2.0, 4.0] and list(best["wins"]) == [6.0, 0.0, 0.0]
    assert list(best["n_forecasters"]) == [2, 2, 1] and set(best["n_systems"]) == {6}
    median = family_ranking(cells, within="median")
    assert median.set_index("family")["median_rank"].to_dict() == {"deep": 2.5, "reservoir": 3.0, "baseline": 4.0}
    assert list(median["family"]) == ["deep", "reservoir", "baseline"]


def test_data_sweep_names_the_leading_family_at_each_length():
    short = make_cells({"esn": [1.0] * 6, "nbeats": [0.2] * 6}, metric="vpt_smape")
    long = make_cells({"esn": [1.0] * 6, "nbeats": [3.0] * 6}, metric="vpt_smape")
    table = data_sweep({1000: long, 100: short})
    leaders = table[table["leader"]].set_index("n_train")["family"].to_dict()
    assert leaders == {100: "reservoir", 1000: "deep"} and set(table["metric"]) == {"vpt_smape"}
    assert table.loc[(table["n_train"] == 100) & (table["family"] == "deep"), "value"].item() == pytest.approx(0.2)
    text = " ".join(agreement(long.rename(columns=lambda c: c.replace("vpt_smape", "vpt_nrmse")),
                              sweep={100: short, 1000: long}, invariants=invariants_of()))
    assert "at the shortest length (100 points) agrees" in text and "a large-scale family, as in the study" in text
    flipped = " ".join(agreement(long.rename(columns=lambda c: c.replace("vpt_smape", "vpt_nrmse")),
                                 sweep={100: long, 1000: short}, invariants=invariants_of()))
    assert "at the shortest length (100 points) does not agree" in flipped
    assert "not a large-scale family, unlike the study" in flipped


def _verdict(lines, label):
    return next(line for line in lines if line.startswith(f"- **{label}"))


def test_agreement_sentences_flip_with_the_constructed_correlation():
    unrelated = [1.0, 2.0, 3.0, 6.0, 5.0, 4.0]  # against the λ_max ranks [5, 2, 1, 3, 4, 6]: ρ = 1/35
    assert spearman_ci(LYAPUNOV, unrelated)["rho"] == pytest.approx(1 / 35)
    low = [v / 100 for v in decreasing()]  # VPT well below 1 Lyapunov time: the short-horizon regime
    tied_to_lambda = agreement(make_cells({"nbeats": decreasing(scale=5.0), "naive": low}))
    assert "does not agree (the interval excludes 0)" in _verdict(tied_to_lambda, "Long-horizon")
    assert "ρ = -1.00 [-1.00, -1.00]" in _verdict(tied_to_lambda, "Long-horizon")
    assert ": agrees." in _verdict(tied_to_lambda, "Short-horizon")  # shorter VPT for larger λ_max
    assert "is `deep`" in _verdict(tied_to_lambda, "Model scale") and ": agrees." in _verdict(tied_to_lambda,
                                                                                             "Model scale")
    decoupled = agreement(make_cells({"nbeats": unrelated, "naive": [0.01 * lam for lam in LYAPUNOV]}))
    assert "agrees (the interval spans 0)" in _verdict(decoupled, "Long-horizon")
    assert "does not agree (the opposite sign)" in _verdict(decoupled, "Short-horizon")
    reservoir_first = agreement(make_cells({"esn": [9.0] * 6, "nbeats": unrelated}))
    assert "is `reservoir`" in _verdict(reservoir_first, "Model scale")
    assert "does not agree" in _verdict(reservoir_first, "Model scale")
    assert "Not testable here: no forecaster" in _verdict(reservoir_first, "Short-horizon")
    assert "Not tested: no sweep" in _verdict(reservoir_first, "Data-limited")
    for line in tied_to_lambda:  # every verdict on 6 systems says so, and that the protocol differs
        if "Here" in line:
            assert "few systems (6" in line and "not comparable with the study's protocol" in line


def test_horizon_regimes_split_forecasters_at_the_threshold():
    cells = make_cells({"nbeats": [2.0] * 6, "naive": [0.1] * 6})
    regimes = horizon_regimes(cells, invariants=invariants_of(), threshold=1.0)
    assert regimes.set_index(["regime", "invariant"]).loc[("long", "lyapunov_max"), "forecasters"] == "nbeats"
    assert regimes.set_index(["regime", "invariant"]).loc[("short", "lyapunov_max"), "forecasters"] == "naive"


def write_run(path, n_systems: int):
    """A shipped run (cells.csv, manifest.json) with ``n_systems`` systems and three forecasters."""
    metrics = ["vpt_nrmse"]
    cells = make_cells({"esn": decreasing()[:n_systems], "nbeats": [1.0] * n_systems, "naive": [0.0] * n_systems},
                       systems=SYSTEMS[:n_systems], lyapunov=LYAPUNOV[:n_systems])
    full = pd.DataFrame({column: cells[column] if column in cells else pd.NA for column in cell_dtypes(metrics)})
    path.mkdir(parents=True)
    full.to_csv(path / "cells.csv", index=False)
    (path / "manifest.json").write_text(json.dumps({"settings": {"metrics": metrics, "systems": SYSTEMS[:n_systems],
                                                                 "forecasters": ["esn", "nbeats", "naive"]}}))
    return path


def test_cli_findings_writes_the_page_and_its_plots(tmp_path):
    run = write_run(tmp_path / "run", 6)
    out = tmp_path / "page"
    result = CliRunner().invoke(main, ["findings", str(run), "--sweep", f"100={run}", "--sweep", f"1000={run}",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("findings.md", "findings_ranking.png", "findings_invariants.png", "findings_sweep.png"):
        assert (out / name).stat().st_size > 0, name
    text = (out / "findings.md").read_text()
    assert "## Agreement with Gilpin (2023)" in text and "| reservoir |" in text and "Leading family: 100" in text


@pytest.mark.parametrize("args", [["findings", "{missing}", "-o", "{out}"],
                                  ["findings", "{run}", "--sweep", "ten={run}", "-o", "{out}"],
                                  ["findings", "{small}", "-o", "{out}"],
                                  ["findings", "{run}", "--metric", "no_such_metric", "-o", "{out}"]])
def test_cli_findings_bad_input_is_one_line_and_exit_2(tmp_path, args):
    paths = {"missing": tmp_path / "missing", "out": tmp_path / "out", "run": write_run(tmp_path / "run", 6),
             "small": write_run(tmp_path / "small", 2)}
    result = CliRunner().invoke(main, [a.format(**paths) for a in args])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and result.output.startswith("Error: ")
    assert "Traceback" not in result.output


def test_report_has_a_findings_section_from_five_systems_on(tmp_path):
    text = write_report(write_run(tmp_path / "six", 6)).read_text()
    section = text.split("## Findings against Gilpin (2023)")[1]
    assert "| rank | family |" in section and "- **Model scale.**" in section
    small = write_report(write_run(tmp_path / "two", 2)).read_text().split("## Findings against Gilpin (2023)")[1]
    assert small.strip() == "Not computed: the run has 2 usable system(s); the findings need at least 5."
    assert findings_lines(make_cells({"esn": [1.0] * 6}).drop(columns="vpt_nrmse"))[0].startswith("Not computed:")


def test_write_findings_without_sweep_removes_a_stale_sweep_plot(tmp_path):
    cells = make_cells({"esn": decreasing(), "nbeats": [1.0] * 6})
    (tmp_path / "findings_sweep.png").write_bytes(b"old")
    text = write_findings(tmp_path, cells, invariants=invariants_of()).read_text()
    assert not (tmp_path / "findings_sweep.png").exists() and "No sweep given" in text


def _gen_pages():
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("gen_pages_findings", Path(__file__).parents[1] / "docs" /
                                                  "gen_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_findings_page_is_generated_from_the_shipped_runs_or_names_the_missing_ones(tmp_path, monkeypatch):
    gen = _gen_pages()
    monkeypatch.setattr(gen, "ROOT", tmp_path)
    monkeypatch.setattr(gen, "FINDINGS_RUN", tmp_path / "results" / "reference" / "standard")
    monkeypatch.setattr(gen, "FINDINGS_SWEEP", {n: tmp_path / "results" / "reference" / f"sweep-{n}"
                                                for n in (100, 550, 1000)})
    empty = gen.findings_page()
    assert list(empty) == ["findings.md"]
    assert "chaosbench run --preset standard --out results/standard" in empty["findings.md"]
    assert "chaosbench run --preset gilpin2023 --n-train 550" in empty["findings.md"]
    write_run(gen.FINDINGS_RUN, 6)
    write_run(gen.FINDINGS_SWEEP[100], 6)
    page = gen.findings_page()
    assert {"findings/findings_ranking.png", "findings/findings_invariants.png",
            "findings/findings_sweep.png"} <= set(page)
    text = page["findings.md"]
    assert "](findings/findings_ranking.png)" in text and "## Agreement with Gilpin (2023)" in text
    assert "results/reference/sweep-550` is not shipped yet" in text and "sweep-100` is not shipped" not in text
