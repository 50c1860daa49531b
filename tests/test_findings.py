"""The 2023 study's findings computed from a run: Spearman intervals, family ranking, the data sweep, the agreement
sentences, ``chaosbench findings`` and the report's findings section, on constructed cells with known answers."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import chaosbench
from chaosbench._bench.findings import (MODEL_CLASSES, agreement, capped_systems, data_sweep, family_ranking,
                                        findings_lines, horizon_regimes, invariant_correlations, spearman_ci,
                                        too_short, write_findings)
from chaosbench._bench.leaderboard import cell_dtypes
from chaosbench._bench.report import write_report
from chaosbench.cli import main
from chaosbench.exceptions import ConfigError

SYSTEMS = ["Lorenz", "Rossler", "Thomas", "Aizawa", "Halvorsen", "Chen"]
LYAPUNOV = [0.9, 0.07, 0.04, 0.1, 0.8, 2.0]  # distinct: their order decides the constructed ranks
FAMILIES = {"esn": "reservoir", "ngrc": "reservoir", "nbeats": "deep", "lstm": "deep", "naive": "baseline"}


def make_cells(values: dict, systems=SYSTEMS, lyapunov=LYAPUNOV, metric="vpt_nrmse", censored=0.0,
               horizon=2000) -> pd.DataFrame:
    """One ok cell per (system, forecaster); ``values[forecaster]`` lists the metric per system."""
    rows = [{"system": s, "forecaster": f, "seed": 0, "status": "ok", "noise": 0.0, "horizon": horizon,
             "pts_per_period": 100.0, "dt": 0.01, "lyapunov_max": lam, metric: v, f"{metric}_censored": censored,
             "lyapunov_resolved": True, "error": pd.NA}
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
    assert ("At the shortest length (100 points), physics-based minus large +0.800 [+0.800, +0.800] (95 % bootstrap "
            "over 6 systems; better on 6 against 0): agrees;") in text
    assert "at the longest (1000 points), physics-based minus large -2.000" in text
    assert ": the large class leads, as in the study." in text
    flipped = " ".join(agreement(long.rename(columns=lambda c: c.replace("vpt_smape", "vpt_nrmse")),
                                 sweep={100: long, 1000: short}, invariants=invariants_of()))
    assert "better on 0 against 6): does not agree;" in flipped
    assert ": the physics-based class leads, unlike the study's large models." in flipped
    noisy = make_cells({"esn": [1.0, 2.0, 1.0, 2.0, 1.0, 2.0], "nbeats": [2.0, 1.0, 2.0, 1.0, 2.0, 1.5]},
                       metric="vpt_smape")  # the medians differ, but the classes trade places system by system
    tied = " ".join(agreement(long.rename(columns=lambda c: c.replace("vpt_smape", "vpt_nrmse")),
                              sweep={100: noisy, 1000: noisy}, invariants=invariants_of()))
    assert "better on 3 against 3): inconclusive (the interval spans 0);" in tied
    assert ": neither class leads beyond the interval." in tied


def too_short_cells(forecaster, needs, n_train=100, metric="vpt_smape"):
    """Failed cells of ``forecaster`` with Forecaster.fit's error for too little training data."""
    cells = make_cells({forecaster: [math.nan] * 6}, metric=metric)
    return cells.assign(status="failed", **{f"{metric}_censored": math.nan},
                        error=f"forecaster: training data has {n_train} time steps; {forecaster.upper()} needs at "
                              f"least {needs} with these hyper-parameters")


def test_data_sweep_leaves_out_cells_too_short_to_run_and_lists_them():
    # counted as the worst value (0), lstm would pull the deep median to 1.5, below esn's 2.0
    short = pd.concat([make_cells({"esn": [2.0] * 6, "nbeats": [3.0] * 6}, metric="vpt_smape"),
                       too_short_cells("lstm", 125)], ignore_index=True)
    long = make_cells({"esn": [1.0] * 6, "nbeats": [3.0] * 6, "lstm": [3.0] * 6}, metric="vpt_smape")
    assert too_short(short).to_dict("records") == [{"forecaster": "lstm", "n_train": 100, "needs": 125,
                                                    "n_cells": 6}]
    assert too_short(long).empty
    table = data_sweep({100: short, 1000: long}).set_index(["n_train", "family"])
    assert table.loc[(100, "deep"), "value"] == pytest.approx(3.0) and table.loc[(100, "deep"), "leader"]
    assert table.loc[(100, "deep"), "n_forecasters"] == 1 and table.loc[(100, "deep"), "cannot_run"] == "lstm"
    assert table.loc[(1000, "deep"), "cannot_run"] == "" and table.loc[(1000, "deep"), "n_forecasters"] == 2
    alone = data_sweep({100: too_short_cells("lstm", 125)}).set_index("family")
    assert math.isnan(alone.loc["deep", "value"]) and not alone.loc["deep", "leader"]
    text = " ".join(agreement(make_cells({"nbeats": [1.0] * 6}), sweep={100: short, 1000: long},
                              invariants=invariants_of()))
    assert "unable to run at that length (training data too short): 100 points: lstm (needs 125)." in text


def _verdict(lines, label):
    return next(line for line in lines if line.startswith(f"- **{label}"))


def test_agreement_sentences_flip_with_the_constructed_correlation():
    unrelated = [1.0, 2.0, 3.0, 6.0, 5.0, 4.0]  # against the λ_max ranks [5, 2, 1, 3, 4, 6]: ρ = 1/35
    assert spearman_ci(LYAPUNOV, unrelated)["rho"] == pytest.approx(1 / 35)
    low = [v / 100 for v in decreasing()]  # VPT well below 1 Lyapunov time: the short-horizon regime
    tied_to_lambda = agreement(make_cells({"nbeats": decreasing(scale=5.0), "naive": low}))
    assert "does not agree (the interval excludes 0)" in _verdict(tied_to_lambda, "Long-horizon")
    assert "ρ = -1.00 [-1.00, -1.00]" in _verdict(tied_to_lambda, "Long-horizon")
    # not confirmed from the paper: its numbers, no verdict
    assert ": not confirmed from the paper here; no verdict." in _verdict(tied_to_lambda, "Short-horizon")
    assert "ρ = -1.00" in _verdict(tied_to_lambda, "Short-horizon")
    scale = _verdict(tied_to_lambda, "Model scale")
    assert "median rank is `large domain-agnostic`" in scale and ": agrees." in scale
    assert "chaosbench's own mapping" in scale
    decoupled = agreement(make_cells({"nbeats": unrelated, "naive": [0.01 * lam for lam in LYAPUNOV]}))
    # ρ = 1/35 over 6 systems: the interval spans 0 but is far wider than the ±0.3 margin
    assert "inconclusive (the interval spans 0 but leaves the equivalence margin ±0.3)" in _verdict(
        decoupled, "Long-horizon")
    reservoir_first = agreement(make_cells({"esn": [9.0] * 6, "nbeats": unrelated}))
    assert "is `physics-based / hybrid`" in _verdict(reservoir_first, "Model scale")
    assert ": does not agree." in _verdict(reservoir_first, "Model scale")
    assert "Not testable here: no forecaster" in _verdict(reservoir_first, "Short-horizon")
    assert "Not tested: no sweep" in _verdict(reservoir_first, "Data-limited")
    for line in tied_to_lambda:  # every verdict on 6 systems says so, and that the protocol differs
        if "Here" in line:
            assert "few systems (6" in line and "not comparable with the study's protocol" in line


def test_no_correlation_agrees_only_inside_the_equivalence_margin():
    n = 200
    systems = [f"S{i}" for i in range(n)]
    lyapunov = list(np.linspace(0.1, 2.0, n))
    vee = [1.0 + abs(i - (n - 1) / 2) for i in range(n)]  # symmetric in the λ_max rank: ρ = 0 exactly
    cells = make_cells({"nbeats": vee}, systems=systems, lyapunov=lyapunov)
    invariants = invariants_of(systems, lyapunov)
    row = horizon_regimes(cells, invariants=invariants, n_boot=500).query("regime == 'long'").iloc[0]
    assert row["rho"] == pytest.approx(0.0, abs=1e-12) and -0.3 < row["ci_low"] < 0 < row["ci_high"] < 0.3
    lines = agreement(cells, invariants=invariants, n_boot=500)
    assert "agrees (the interval lies inside ±0.3, the equivalence margin)" in _verdict(lines, "Long-horizon")


def test_model_scale_uses_chaosbench_classes_and_needs_both_rankings_to_agree():
    assert {MODEL_CLASSES[name] for name in ("nbeats", "transformer", "lstm")} == {"large domain-agnostic"}
    assert {MODEL_CLASSES[name] for name in ("esn", "node", "sindy", "shplrnn")} == {"physics-based / hybrid"}
    assert "dlinear" not in MODEL_CLASSES and "nlinear" not in MODEL_CLASSES  # deep family, class "other"
    assert set(MODEL_CLASSES) <= set(chaosbench.list_forecasters())
    # ranks on every system: nbeats 1, esn 2, ngrc 3, naive 4, lstm 5
    cells = make_cells({"nbeats": [5.0] * 6, "esn": [4.0] * 6, "ngrc": [3.0] * 6, "naive": [2.0] * 6,
                        "lstm": [1.0] * 6})
    best = family_ranking(cells, groups="class")
    median = family_ranking(cells, within="median", groups="class")
    assert list(best["class"]) == ["large domain-agnostic", "physics-based / hybrid", "other"]
    assert median.set_index("class")["median_rank"].to_dict() == {"physics-based / hybrid": 2.5,
                                                                  "large domain-agnostic": 3.0, "other": 4.0}
    scale = _verdict(agreement(cells), "Model scale")
    assert ": inconclusive (the median-rank and best-rank orders disagree)." in scale
    with pytest.raises(ConfigError, match="groups must be one of"):
        family_ranking(cells, groups="tribe")


def test_capped_systems_are_left_out_of_rho_against_lambda_and_counted():
    cells = make_cells({"esn": decreasing()})  # horizon 2000 · dt 0.01 · λ_max: Thomas reaches 0.8 Lyapunov times
    assert capped_systems(cells, 1.0) == ["Thomas"] and capped_systems(cells, None) == []
    broken = decreasing()
    broken[SYSTEMS.index("Thomas")] = 0.8  # censored at its capped horizon: breaks the relation
    cells = make_cells({"esn": broken})
    plain = invariant_correlations(cells, invariants=invariants_of()).set_index(["name", "invariant"])
    capped = invariant_correlations(cells, invariants=invariants_of(), horizon_lyapunov=1.0).set_index(
        ["name", "invariant"])
    assert plain.loc[("esn", "lyapunov_max"), "rho"] > -0.9 and plain.loc[("esn", "lyapunov_max"), "n_capped"] == 0
    assert capped.loc[("esn", "lyapunov_max"), "rho"] == pytest.approx(-1.0)
    assert (capped.loc[("esn", "lyapunov_max"), "n"], capped.loc[("esn", "lyapunov_max"), "n_capped"]) == (5, 1)
    assert capped.loc[("esn", "correlation_dimension"), "n_capped"] == 0  # only ρ against λ_max
    lines = agreement(cells, settings={"horizon_lyapunov": 1.0}, invariants=invariants_of())
    assert "1 whose horizon was capped left out" in _verdict(lines, "Long-horizon")
    # esn alone reaches the long-horizon regime: the study's claim is about large domain-agnostic models
    assert ("inconclusive (no large domain-agnostic forecaster reaches this regime here, and the study's claim is "
            "about those; does not agree for the forecasters that do)") in _verdict(lines, "Long-horizon")


def test_verdicts_resting_on_censored_windows_are_inconclusive_and_unresolved_systems_do_not_count():
    cells = make_cells({"nbeats": decreasing(scale=5.0), "naive": [0.0] * 6}, censored=0.5)
    scale = _verdict(agreement(cells), "Model scale")
    assert ": inconclusive (50% of the windows used are censored, more than 20%)." in scale
    ok = make_cells({"nbeats": decreasing(scale=5.0), "naive": [0.0] * 6}, censored=0.1)
    assert ": agrees." in _verdict(agreement(ok), "Model scale")
    unresolved = make_cells({"nbeats": [1.0], "naive": [0.0]}, systems=["Bad"], lyapunov=[1.0], censored=1.0)
    mixed = pd.concat([ok, unresolved.assign(lyapunov_resolved=False)], ignore_index=True)
    table = invariant_correlations(mixed, invariants=invariants_of())
    assert table["censored"].to_numpy() == pytest.approx(0.1)
    assert ": agrees." in _verdict(agreement(mixed, invariants=invariants_of()), "Model scale")


def test_caveats_name_the_neural_budget_and_a_gilpin_run_with_it_is_not_the_study_protocol():
    cells = make_cells({"nbeats": decreasing(scale=5.0), "naive": [0.0] * 6}, metric="vpt_smape", horizon=200)
    budget = {"nbeats": {"max_epochs": 30, "patience": 3}, "transformer": {"max_epochs": 12, "patience": 3},
              "esn": {"warmup": 50}}
    scale = _verdict(agreement(cells, settings={"period_source": "dysts", "forecaster_params": budget}),
                     "Model scale")
    assert "neural forecasters trained 12–30 epochs with early stopping on the validation windows" in scale
    assert "the task is the study's, preset gilpin2023, but the neural training budget is chaosbench's" in scale
    plain = _verdict(agreement(cells, settings={"period_source": "dysts"}), "Model scale")
    assert "neural forecasters trained" not in plain and "not comparable with the study's protocol" not in plain
    fixed = {"nbeats": {"max_epochs": 40}}
    assert "trained 40 epochs (a compute-limited" in _verdict(
        agreement(cells, settings={"period_source": "dysts", "forecaster_params": fixed}), "Model scale")


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
    monkeypatch.setattr(gen, "FINDINGS_FULL_ROSTER", tmp_path / "results" / "reference" / "sweep-100-rest")
    empty = gen.findings_page()
    assert list(empty) == ["findings.md"]
    assert "chaosbench run --preset standard --out results/standard" in empty["findings.md"]
    assert "chaosbench run --preset gilpin2023 --n-train 550" in empty["findings.md"]
    assert "about two hours on 2 cores" in empty["findings.md"]
    sweep_command = gen.findings_command(550)
    assert "--forecasters naive,mean," in sweep_command and "--set esn.warmup=50" in sweep_command
    write_run(gen.FINDINGS_RUN, 6)
    write_run(gen.FINDINGS_SWEEP[100], 6)
    page = gen.findings_page()
    assert {"findings/findings_ranking.png", "findings/findings_invariants.png",
            "findings/findings_sweep.png"} <= set(page)
    text = page["findings.md"]
    assert "](findings/findings_ranking.png)" in text and "## Agreement with Gilpin (2023)" in text
    assert "results/reference/sweep-550` is not shipped yet" in text and "sweep-100` is not shipped" not in text
    assert f"`{gen.findings_command(550)}` ({gen.FINDINGS_COST[550]})" in text
    assert f"- `results/reference/sweep-100` (commit None): `{gen.findings_command(100)}`" in text
    assert "Check: the full roster" not in text
    rest = write_run(gen.FINDINGS_FULL_ROSTER, 6)
    cells = pd.read_csv(rest / "cells.csv")  # the rest: lstm beats every other forecaster; ngrc cannot train
    cells["forecaster"] = cells["forecaster"].map({"esn": "ngrc", "nbeats": "lstm", "naive": "mean"})
    cells.loc[cells["forecaster"] == "lstm", "vpt_nrmse"] = 50.0
    short = cells["forecaster"] == "ngrc"
    cells["status"] = cells["status"].astype(object).where(~short, "failed")
    cells.loc[short, "vpt_nrmse"] = math.nan
    cells["error"] = cells["error"].astype(object)
    cells.loc[short, "error"] = "forecaster: training data has 100 time steps; NGRC needs at least 125 with these"
    cells.to_csv(rest / "cells.csv", index=False)
    check = gen.findings_page()["findings.md"].split("## Check: the full roster at 100 points")[1]
    assert "Leading class: `large domain-agnostic` with every forecaster, `physics-based / hybrid` with the subset." \
        in check
    assert "Leading family: `deep` with every forecaster, `reservoir` with the subset." in check
    assert "| physics-based / hybrid |" in check and "| ngrc |" in check  # ngrc listed as unable to train
    assert "`results/reference/sweep-550`: `" not in text


def test_the_guide_lists_every_forecaster_of_the_model_classes():
    from pathlib import Path

    guide = " ".join((Path(__file__).parents[1] / "docs" / "guide" / "findings.md").read_text().split())
    for cls in set(MODEL_CLASSES.values()):
        listed = guide.split(f"{cls[0].upper()}{cls[1:]}: ")[1].split(".")[0]
        assert set(listed.split(", ")) == {n for n, c in MODEL_CLASSES.items() if c == cls}, cls


def test_the_sweep_sentence_names_forecasters_it_left_out_and_settings_it_changed():
    main = make_cells({"esn": [1.0] * 6, "nbeats": [3.0] * 6, "lstm": [2.0] * 6})
    sweep = {n: make_cells({"esn": [1.0] * 6, "nbeats": [2.0] * 6}, metric="vpt_smape") for n in (100, 1000)}
    budget = {"nbeats": {"max_epochs": 30, "learning_rate": 0.003}, "lstm": {"max_epochs": 20}}
    settings = {"forecaster_params": budget, "horizon": 200}
    run = {"forecaster_params": {"nbeats": {"max_epochs": 30}, "esn": {"warmup": 50}}, "horizon": 200}

    def sentence(sweep, sweep_settings):
        lines = agreement(main, sweep=sweep, invariants=invariants_of(), settings=settings,
                          sweep_settings=sweep_settings)
        return next(line for line in lines if "Data-limited" in line)

    text = sentence(sweep, {100: run, 1000: run})
    assert "the sweep ran 2 of the main run's 3 forecasters (left out: lstm)" in text
    # set only in the sweep, set only in the main run; lstm's budget is not compared (the sweep did not run it)
    assert "the sweep's runs set esn.warmup: default→50, nbeats.learning_rate: 0.003→default" in text
    assert "max_epochs" not in text and "differ" not in text
    uneven = {100: sweep[100], 1000: pd.concat([sweep[1000], make_cells({"lstm": [1.0] * 6}, metric="vpt_smape")])}
    text = sentence(uneven, {100: run, 1000: run | {"horizon": 500}})
    assert "the sweep's runs differ in forecasters (not run: 100 points: lstm)" in text
    assert "the sweep's runs differ in settings other than the training length: horizon" in text
    text = sentence(sweep, {100: run, 1000: {"horizon": 200}})
    assert "the 100-point run sets esn.warmup: default→50, nbeats.learning_rate: 0.003→default" in text
    assert "the 1000-point run sets nbeats.learning_rate: 0.003→default, nbeats.max_epochs: 30→default" in text
    same = " ".join(agreement(main, sweep={n: main for n in (100, 1000)}, invariants=invariants_of()))
    assert "left out:" not in same and "sets" not in same


def test_the_shipped_findings_runs_have_the_settings_of_their_commands_at_this_commit():
    """Each shipped run on the Findings page was made with the options its command gives, with today's presets and
    budgets: a change to either (which changes the numbers) fails here until the run is made again."""
    from chaosbench._bench.config import make_config

    gen = _gen_pages()
    shipped = {key: path for key, path in gen.findings_paths().items() if (path / "manifest.json").is_file()}
    if not shipped:
        pytest.skip("no shipped findings runs in this checkout")
    for key, path in shipped.items():
        manifest = json.loads((path / "manifest.json").read_text())
        assert make_config(**gen.FINDINGS_OPTIONS[key]).settings_hash() == manifest["settings_hash"], key
