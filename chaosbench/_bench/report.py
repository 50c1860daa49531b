"""The report of a run directory behind ``chaosbench report``: PNG plots and a Markdown summary in ``PATH/report/``;
and :func:`export_run` behind ``chaosbench export``: a run as it is shipped, its tables and its report.

Files written::

    README.md             settings, leaderboard, cell status, the plots, and a regression of VPT on invariants
    vpt_distribution.png  VPT (vpt_nrmse) of every cell, per forecaster
    error_growth.png      median normalised error against time in Lyapunov times, per forecaster
    forecasts.png         first test window of a few systems: the best forecaster against the truth
    attractors.png        first two variables of the free-run forecasts against the truth

A plot without data (e.g. no stored forecast because every cell failed) is replaced by a sentence in README.md.
Plots are drawn on :class:`matplotlib.figure.Figure` objects, so pyplot's global state and backend are untouched.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .._core.provenance import commit_text
from .._dynamics.datafile import computed_invariants
from .._forecasting.metrics import VPT_NRMSE_THRESHOLD, get_metric
from .findings import findings_lines, write_findings
from .runner import Results, check_run, load_results
from .store import DB_NAME
from .tables import cell_text, markdown_table, training_budget
from ..exceptions import ResultsStoreError

# write_findings: for the CLI, which loads this module (matplotlib) lazily
__all__ = ["write_report", "export_run", "write_findings"]

VPT = "vpt_nrmse"
MAX_SYSTEMS = 4  # systems shown in forecasts.png and attractors.png
MAX_FORECASTERS = 4  # forecasters (best ranked) shown in attractors.png
MAX_VARIABLES = 3  # variables drawn per system in forecasts.png
MAX_LISTED_FAILURES = 20  # not-ok cells listed with their error message
MIN_REGRESSION_CELLS = 5
ERROR_RANGE = (1e-4, 1e2)  # normalised errors are clipped to this range (log axis; inf and nan go to the top)
GRID_POINTS = 200  # points of the common Lyapunov-time grid of error_growth.png
DPI = 110
STATUS_STYLE = {"ok": ("k", "o"), "diverged": ("tab:orange", "s"), "failed": ("tab:red", "x"),
                "timeout": ("tab:purple", "x")}
INVARIANTS = {"lyapunov_max": "λ_max", "correlation_dimension": "correlation dimension"}


def write_report(path) -> Path:
    """Write the plots and ``README.md`` of a run directory into ``PATH/report/``.

    Parameters
    ----------
    path : path-like
        A run directory written by ``chaosbench run`` (finished or interrupted).

    Returns
    -------
    pathlib.Path
        The Markdown summary, ``PATH/report/README.md``.

    Raises
    ------
    ResultsStoreError
        The directory holds no chaosbench results, or the report folder cannot be written.
    """
    results = load_results(path)
    folder = results.path / "report"
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise ResultsStoreError(f"cannot write the report folder {folder}: {exc.strerror}") from None
    cells = results.cells
    metric = VPT if VPT in results.metrics or not results.metrics else results.metrics[0]
    board = results.leaderboard(metric) if len(cells) else pd.DataFrame(columns=["rank", "forecaster"])
    ranked = list(board["forecaster"])
    colors = {name: f"C{i % 10}" for i, name in enumerate(ranked)}
    shown = _first_cells(cells)
    curves, unreadable = {}, []
    for row in shown.itertuples():
        try:
            arrays = results.forecast(row.system, row.forecaster, int(row.seed), float(row.noise))
        except ResultsStoreError:  # deleted or truncated: left out of the plots, named in the summary
            unreadable.append(f"{row.system}/{row.forecaster}")
            continue
        if "error_curve" in arrays:
            curves[(row.system, row.forecaster)] = (arrays["error_curve"], row.dt * row.lyapunov_max)
    best = _best_per_system(shown, curves, metric, ranked, _system_order(shown, results.manifest))

    plots = [
        ("vpt_distribution.png", "VPT per forecaster",
         f"Valid prediction time (normalised RMS error ≤ {VPT_NRMSE_THRESHOLD}) of every cell, in Lyapunov times; "
         "boxes span the quartiles, failed and timed-out cells count as 0 (as in the leaderboard).",
         lambda fig: _plot_vpt(fig, cells, ranked) if VPT in results.metrics and len(cells) else False,
         f"No VPT plot: no cell has a `{VPT}` value."),
        ("error_growth.png", "Error growth",
         "Median (line) and quartiles (band) of the normalised RMS error over all test windows against time in "
         "Lyapunov times (lowest seed and noise level of each system and forecaster); beyond the shortest "
         "horizon fewer systems contribute.",
         lambda fig: _plot_error_growth(fig, curves, ranked, colors),
         "No error-growth plot: no cell stored a forecast."),
        ("forecasts.png", "Forecasts against truth",
         f"First test window of up to {MAX_SYSTEMS} systems: the truth (solid) and the system's best forecaster "
         f"by `{metric}` (dashed), first {MAX_VARIABLES} variables at most; the dotted line marks the window's "
         "VPT. Runaway values are clipped.",
         lambda fig: _plot_forecasts(results, fig, shown, best),
         "No forecast plot: no cell stored a forecast."),
        ("attractors.png", "Attractor projections",
         f"First two variables of every test window's free run (colour) over the truth (grey), for the "
         f"{MAX_FORECASTERS} best-ranked forecasters at most; one-dimensional systems are left out and runaway "
         "values are clipped.",
         lambda fig: _plot_attractors(results, fig, shown, curves, ranked[:MAX_FORECASTERS], colors),
         "No attractor plot: no system of dimension two or more stored a forecast."),
    ]
    plot_lines = []
    for filename, title, caption, draw, missing in plots:
        target = folder / filename
        fig = Figure(layout="constrained")
        if draw(fig):
            fig.savefig(target, dpi=DPI)
            plot_lines += [f"### {title}", "", f"![{title}]({filename})", "", caption, ""]
        elif results.shipped and target.exists():  # drawn by export_run from the arrays, which are not shipped
            plot_lines += [f"### {title}", "", f"![{title}]({filename})", "", caption, ""]
        elif results.shipped:
            plot_lines += [f"### {title}", "", f"{missing.split(':')[0]}: a shipped run has no forecast arrays.", ""]
        else:
            target.unlink(missing_ok=True)
            plot_lines += [f"### {title}", "", missing, ""]

    lines = [f"# chaosbench report: {results.path.name}", "",
             "## Run settings", "", *_settings_lines(results.manifest, cells), "",
             f"## Leaderboard (by {metric}, median)", "",
             markdown_table(board) if len(board) else "No cell has finished yet.", "",
             "## Cell status", "", *_status_lines(cells, ranked), "",
             "## Plots", "", *_unreadable_lines(unreadable, results.path), *plot_lines,
             "## VPT versus system invariants", "", *_regression_lines(cells, results.metrics, ranked), "",
             "## Findings against Gilpin (2023)", "", *_findings_lines(results, metric)]
    index = folder / "README.md"
    index.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    return index


def export_run(run, dest) -> Results:
    """Write a run as it is shipped: ``cells.csv``, ``leaderboard.csv``, ``manifest.json`` and the report
    (``report/``: Markdown and plots), without the store and the forecast arrays, small enough for git.

    The report is made from ``run`` (``run/report/``, as ``chaosbench report`` writes it), where the forecast
    arrays its plots need are, and copied; a shipped ``run`` is left as it is (its report is copied and completed
    in the copy). The export is written into a temporary folder beside ``dest`` and checked against its manifest
    (:func:`check_run`) there; only then are ``dest``'s files replaced, so a failed export leaves ``dest`` as it was.

    Parameters
    ----------
    run : path-like
        A run directory (a store, or a shipped run).
    dest : path-like
        The directory to write: new, empty, or an earlier export (holding ``manifest.json``), whose files are
        replaced.

    Returns
    -------
    Results
        The exported run, read back.

    Raises
    ------
    ResultsStoreError
        ``dest`` is ``run`` itself, holds a run's store, holds other files than an earlier export's, cannot be
        written, or the exported run disagrees with its manifest (e.g. an interrupted run with cells missing).
    """
    results = load_results(run)
    dest = Path(dest)
    if dest.exists() and dest.resolve() == results.path.resolve():
        raise ResultsStoreError(f"export {results.path} into another directory, not into itself")
    if (dest / DB_NAME).exists():
        raise ResultsStoreError(f"{dest} holds a run's store ({DB_NAME}); export into another directory")
    if dest.is_dir() and any(dest.iterdir()) and not (dest / "manifest.json").is_file():
        raise ResultsStoreError(f"{dest} is not empty and holds no earlier export (no manifest.json); export into a "
                                "new or empty directory")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.export-", dir=dest.parent))
    except OSError as exc:
        raise ResultsStoreError(f"cannot write beside {dest}: {exc.strerror or exc}") from None
    try:
        results.write_tables(folder=staging)
        source = results.path / "report" if results.shipped else write_report(results.path).parent
        try:
            if source.is_dir():
                shutil.copytree(source, staging / "report")
        except OSError as exc:
            raise ResultsStoreError(f"cannot copy {source}: {exc.strerror or exc}") from None
        if results.shipped:
            write_report(staging)  # keeps the plots drawn at the first export, notes those it cannot draw
        problems = check_run(staging)
        if problems:
            raise ResultsStoreError(f"the run exported to {dest} disagrees with its manifest: {problems[0]}"
                                    + (f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""))
        try:
            dest.mkdir(exist_ok=True)
            for item in staging.iterdir():
                target = dest / item.name
                if target.is_dir():
                    shutil.rmtree(target)
                os.replace(item, target)
        except OSError as exc:
            raise ResultsStoreError(f"cannot write {dest}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return load_results(dest)


# --------------------------------------------------------------------------------------------------------------
# Selection
# --------------------------------------------------------------------------------------------------------------
def _first_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """One cell per (system, forecaster): the lowest seed and noise level."""
    ordered = cells.sort_values(["seed", "noise"], kind="mergesort")
    return ordered.drop_duplicates(["system", "forecaster"]).sort_values(["system", "forecaster"])


def _system_order(cells: pd.DataFrame, manifest: dict) -> list[str]:
    listed = manifest.get("settings", {}).get("systems", [])
    present = set(cells["system"])
    return [s for s in listed if s in present] + sorted(present - set(listed))


def _best_per_system(shown: pd.DataFrame, curves: dict, metric: str, ranked: list[str],
                     systems: list[str]) -> list[tuple]:
    """``(system, forecaster)`` of the best stored forecast of each system (ties go to the better ranked)."""
    sign = -1.0 if get_metric(metric).greater_is_better else 1.0
    best = {}
    for row in shown.itertuples():
        if (row.system, row.forecaster) not in curves:
            continue
        value = getattr(row, metric)
        key = (sign * value if math.isfinite(value) else math.inf, ranked.index(row.forecaster))
        if row.system not in best or key < best[row.system][0]:
            best[row.system] = (key, row.forecaster)
    return [(system, best[system][1]) for system in systems if system in best]


# --------------------------------------------------------------------------------------------------------------
# Plots (each returns False when it has nothing to draw)
# --------------------------------------------------------------------------------------------------------------
def _plot_vpt(fig: Figure, cells: pd.DataFrame, ranked: list[str]) -> bool:
    fig.set_size_inches(max(5.0, 0.9 * len(ranked) + 2.0), 4.2)
    ax = fig.add_subplot()
    values = [cells.loc[cells["forecaster"] == name, VPT].fillna(0.0).to_numpy(float) for name in ranked]
    ax.boxplot(values, showfliers=False, widths=0.6, medianprops={"color": "tab:blue"})
    tilt = len(ranked) > 6
    ax.set_xticks(range(1, len(ranked) + 1), ranked, rotation=30 if tilt else 0, ha="right" if tilt else "center")
    rng = np.random.default_rng(0)
    for i, name in enumerate(ranked, start=1):
        group = cells[cells["forecaster"] == name]
        for status, (color, marker) in STATUS_STYLE.items():
            y = group.loc[group["status"] == status, VPT].fillna(0.0).to_numpy(float)
            if len(y):
                ax.scatter(i + rng.uniform(-0.15, 0.15, len(y)), y, s=14, c=color, marker=marker, alpha=0.7,
                           label=status, zorder=3)
    handles = {label: h for h, label in zip(*ax.get_legend_handles_labels())}
    ax.legend(handles.values(), handles.keys(), fontsize="small", loc="upper right")
    ax.set_ylabel("VPT (Lyapunov times)")
    ax.set_title("Valid prediction time per forecaster (ranked)")
    return True


def _clipped_error(curve: np.ndarray) -> np.ndarray:
    return np.clip(np.nan_to_num(curve.astype(float), nan=ERROR_RANGE[1], posinf=ERROR_RANGE[1]), *ERROR_RANGE)


def _plot_error_growth(fig: Figure, curves: dict, ranked: list[str], colors: dict) -> bool:
    if not curves:
        return False
    t_max = max(unit * (curve.shape[1] - 1) for curve, unit in curves.values())
    grid = np.linspace(0.0, t_max, GRID_POINTS)
    fig.set_size_inches(6.5, 4.2)
    ax = fig.add_subplot()
    for name in ranked:
        rows = []
        for (_system, forecaster), (curve, unit) in curves.items():
            if forecaster == name:
                times = unit * np.arange(curve.shape[1])
                rows += [np.interp(grid, times, np.log10(_clipped_error(c)), right=np.nan) for c in curve]
        if not rows:
            continue
        stack = np.vstack(rows)
        keep = np.isfinite(stack).any(axis=0)
        low, mid, high = 10.0 ** np.nanquantile(stack[:, keep], [0.25, 0.5, 0.75], axis=0)
        ax.plot(grid[keep], mid, color=colors[name], label=name)
        ax.fill_between(grid[keep], low, high, color=colors[name], alpha=0.15, linewidth=0)
    ax.axhline(VPT_NRMSE_THRESHOLD, color="grey", linestyle=":", label=f"ε = {VPT_NRMSE_THRESHOLD}")
    ax.set_yscale("log")
    ax.set_ylim(*ERROR_RANGE)
    ax.set_xlabel("time (Lyapunov times)")
    ax.set_ylabel("normalised RMS error")
    ax.set_title("Error growth")
    ax.legend(fontsize="small", ncols=2)
    return True


def _clip_to(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Clip a forecast to the truth's range widened by one span on each side (inf goes to the edge)."""
    low, high = np.nanmin(reference, axis=0), np.nanmax(reference, axis=0)
    span = np.where(high > low, high - low, 1.0)
    return np.clip(values.astype(float), low - span, high + span)


def _plot_forecasts(results: Results, fig: Figure, shown: pd.DataFrame, best: list[tuple]) -> bool:
    chosen = best[:MAX_SYSTEMS]
    if not chosen:
        return False
    fig.set_size_inches(7.0, 2.2 * len(chosen))
    axes = fig.subplots(len(chosen), 1, squeeze=False)[:, 0]
    for ax, (system, forecaster) in zip(axes, chosen):
        row = shown[(shown["system"] == system) & (shown["forecaster"] == forecaster)].iloc[0]
        arrays = results.forecast(system, forecaster, int(row["seed"]), float(row["noise"]))
        truth, forecast = arrays["truth"][0].astype(float), arrays["forecast"][0]
        unit = row["dt"] * row["lyapunov_max"]
        times = unit * np.arange(len(truth))
        clipped = _clip_to(forecast, truth)
        for i in range(min(MAX_VARIABLES, truth.shape[1])):
            ax.plot(times, truth[:, i], color=f"C{i}", linewidth=1.2, label=f"x{i} truth")
            ax.plot(times, clipped[:, i], color=f"C{i}", linestyle="--", linewidth=1.2, label=f"x{i} forecast")
        error = arrays["error_curve"][0]
        bad = ~(error <= VPT_NRMSE_THRESHOLD)
        ax.axvline(unit * (int(np.argmax(bad)) if bad.any() else len(error)), color="grey", linestyle=":")
        ax.set_title(f"{system}: {forecaster}", fontsize="medium")
        ax.set_ylabel("value")
    axes[0].legend(fontsize="x-small", ncols=MAX_VARIABLES, loc="upper left")
    axes[-1].set_xlabel("time (Lyapunov times)")
    return True


def _plot_attractors(results: Results, fig: Figure, shown: pd.DataFrame, curves: dict, forecasters: list[str],
                     colors: dict) -> bool:
    panels = {}
    for system in _system_order(shown, results.manifest):
        if len(panels) == MAX_SYSTEMS:
            break
        row_panels = {}
        for name in forecasters:
            if (system, name) not in curves:
                continue
            row = shown[(shown["system"] == system) & (shown["forecaster"] == name)].iloc[0]
            arrays = results.forecast(system, name, int(row["seed"]), float(row["noise"]))
            if arrays["truth"].shape[-1] >= 2:
                row_panels[name] = arrays
        if row_panels:
            panels[system] = row_panels
    if not panels:
        return False
    fig.set_size_inches(2.6 * len(forecasters) + 0.5, 2.5 * len(panels))
    axes = fig.subplots(len(panels), len(forecasters), squeeze=False)
    for r, (system, row_panels) in enumerate(panels.items()):
        for c, name in enumerate(forecasters):
            ax = axes[r, c]
            if r == 0:
                ax.set_title(name, fontsize="medium")
            if c == 0:
                ax.set_ylabel(f"{system}\nx1")
            if name not in row_panels:
                ax.text(0.5, 0.5, "no forecast", ha="center", va="center", transform=ax.transAxes, color="grey")
                ax.set_xticks([])
                ax.set_yticks([])
                continue
            truth, forecast = row_panels[name]["truth"].astype(float), row_panels[name]["forecast"]
            for window_truth, window_forecast in zip(truth, forecast):
                clipped = _clip_to(window_forecast, window_truth)
                ax.plot(window_truth[:, 0], window_truth[:, 1], color="0.7", linewidth=1.0)
                ax.plot(clipped[:, 0], clipped[:, 1], color=colors[name], linewidth=0.8)
            ax.tick_params(labelsize="x-small")
    for ax in axes[-1]:
        ax.set_xlabel("x0", fontsize="small")
    return True


# --------------------------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------------------------
def _unreadable_lines(unreadable: list[str], path: Path) -> list[str]:
    if not unreadable:
        return []
    return [f"Left out of the plots: the forecast files of {', '.join(unreadable)} are missing or damaged "
            f"(`chaosbench run --resume --out {path}` runs those cells again).", ""]


def _names(values, limit: int = 20) -> str:
    values = [str(v) for v in values]
    text = ", ".join(values[:limit])
    return f"{len(values)}: {text}" + (f", … ({len(values) - limit} more)" if len(values) > limit else "")


def _settings_lines(manifest: dict, cells: pd.DataFrame) -> list[str]:
    settings = manifest.get("settings", {})
    versions = manifest.get("versions", {})
    rows = [
        ("preset", settings.get("preset")),
        ("systems", _names(settings.get("systems", sorted(set(cells["system"]))))),
        ("forecasters", _names(settings.get("forecasters", sorted(set(cells["forecaster"]))))),
        ("metrics", ", ".join(settings.get("metrics", []))),
        ("seeds", ", ".join(map(str, settings.get("seeds", [])))),
        ("noise", ", ".join(map(str, settings.get("noise", [])))),
        *[(key, settings.get(key)) for key in ("n_train", "horizon", "n_context", "n_test", "pts_per_period",
                                                "standardize", "cell_timeout")],
        ("tuning", manifest.get("tuning")),
        ("neural training", _neural_training_text(settings.get("forecaster_params", {}))),
        ("cells stored", len(cells)),
        ("started", manifest.get("started_at")),
        ("finished", manifest.get("finished_at") or "not finished (interrupted or running)"),
        ("executor", f"{manifest.get('executor')}, workers: {manifest.get('workers')}"),
        ("git commit", commit_text(manifest)),
        ("versions", ", ".join(f"{k} {v}" for k, v in sorted(versions.items()))),
    ]
    frame = pd.DataFrame([(k, cell_text(v)) for k, v in rows], columns=["setting", "value"], dtype="string")
    return [markdown_table(frame)]


def _neural_training_text(params: dict) -> str | None:
    """The neural forecasters' training budgets in one line (epochs, early stopping), or None without any."""
    budget = training_budget(params)
    if budget is None:
        return None
    n = budget["n_forecasters"]
    text = f"{budget['epochs']} epochs ({n} forecaster{'s' if n > 1 else ''})"
    if budget["patience"]:
        text += f", early stopping on the validation windows (patience {', '.join(map(str, budget['patience']))})"
    return text + "; scores are those of these budgets, not of fully trained models"


def _status_lines(cells: pd.DataFrame, ranked: list[str]) -> list[str]:
    if cells.empty:
        return ["No cell has finished yet."]
    counts = pd.crosstab(cells["forecaster"].astype(str), cells["status"].astype(str)).reindex(ranked)
    counts = counts.reindex(columns=[s for s in STATUS_STYLE if s in counts.columns])
    counts.loc["all"] = counts.sum()
    counts["cells"] = counts.sum(axis=1)
    lines = [markdown_table(counts.reset_index())]
    bad = cells[cells["status"] != "ok"]
    if len(bad):
        lines += ["", "Cells not ok:", ""]
        for row in bad.head(MAX_LISTED_FAILURES).itertuples():
            message = "" if pd.isna(row.error) else ": " + str(row.error).strip().splitlines()[-1][:160]
            lines.append(f"- {row.system} / {row.forecaster} (seed {row.seed}, noise {row.noise:g}) "
                         f"{row.status}{message}")
        if len(bad) > MAX_LISTED_FAILURES:
            lines.append(f"- … and {len(bad) - MAX_LISTED_FAILURES} more (see cells.csv)")
    return lines


def _regression_lines(cells: pd.DataFrame, metrics: list[str], ranked: list[str]) -> list[str]:
    """OLS of each cell's VPT on the system's λ_max and correlation dimension, with forecaster fixed effects."""
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools import add_constant

    intro = (f"Does forecastability depend on the system? Ordinary least squares of each cell's `{VPT}` (Lyapunov "
             "times) on the system's computed invariants, λ_max and correlation dimension, with one intercept per "
             "forecaster (reference: the best ranked), as in Gilpin's \"model scale versus domain knowledge\" "
             "study. Cells that failed or timed out, and systems without computed invariants, are left out.")
    if VPT not in metrics:
        return [f"Regression skipped: the run did not compute `{VPT}`."]
    data = cells[cells["status"].isin(["ok", "diverged"]) & np.isfinite(cells[VPT])]
    table = {s: computed_invariants(s) or {} for s in data["system"].unique()}
    invariants = pd.DataFrame({label: data["system"].map(lambda s, key=key: table[s].get(key))
                               for key, label in INVARIANTS.items()}, index=data.index)
    usable = invariants.notna().all(axis=1)
    data, invariants = data[usable].reset_index(drop=True), invariants[usable].astype(float).reset_index(drop=True)
    y = data[VPT].astype(float)
    present = [f for f in ranked if f in set(data["forecaster"])]
    dummies = pd.get_dummies(pd.Categorical(data["forecaster"].astype(str), categories=present),
                             prefix="forecaster", prefix_sep=": ", drop_first=True, dtype=float)
    design = add_constant(pd.concat([invariants, dummies], axis=1), has_constant="add")
    n_systems = data["system"].nunique()
    skip = None
    if len(data) < MIN_REGRESSION_CELLS:
        skip = (f"only {len(data)} usable cell(s) (at least {MIN_REGRESSION_CELLS} with a VPT and a system with "
                "computed invariants are needed)")
    elif y.nunique() < 2:
        skip = "the VPT does not vary across the usable cells"
    elif np.linalg.matrix_rank(design.to_numpy()) < design.shape[1] or len(y) <= design.shape[1]:
        skip = (f"the invariants of the {n_systems} usable system(s) cannot be told apart from the intercepts (at "
                "least 3 systems with different invariants, and more cells than coefficients, are needed)")
    if skip is not None:
        return [intro, "", f"Regression skipped: {skip}."]
    fit = OLS(y, design).fit()
    conf = fit.conf_int()
    coefficients = pd.DataFrame({"term": ["intercept" if n == "const" else n for n in fit.params.index],
                                 "coef": fit.params.to_numpy(), "std err": fit.bse.to_numpy(),
                                 "t": fit.tvalues.to_numpy(), "P>|t|": fit.pvalues.to_numpy(),
                                 "[0.025": conf[0].to_numpy(), "0.975]": conf[1].to_numpy()})
    significant = [f"{label} ({fit.params[label]:+.3g} Lyapunov times per unit, p = {fit.pvalues[label]:.2g})"
                   for label in INVARIANTS.values() if fit.pvalues[label] < 0.05]
    cap = data["horizon"].astype(float) * data["dt"] * data["lyapunov_max"]
    capped = int(np.isclose(y, cap, rtol=1e-6).sum())
    caveat = ("Caveats: the cells of one system share its invariants, so the evidence rests on "
              f"{n_systems} systems rather than {int(fit.nobs)} independent observations and the standard errors "
              "are optimistic; the VPT is capped at the forecast horizon (horizon · dt · λ_max Lyapunov times, "
              f"reached by {capped} of the {int(fit.nobs)} cells), which ties it to λ_max mechanically.")
    if n_systems < 10:
        caveat += f" With fewer than 10 systems ({n_systems}), read the coefficients as indicative only."
    return [intro, "", markdown_table(coefficients), "",
            f"R² = {fit.rsquared:.3f} (adjusted {fit.rsquared_adj:.3f}), n = {int(fit.nobs)} cells from "
            f"{n_systems} systems and {len(present)} forecasters.", "",
            ("Significant at the 5 % level: " + "; ".join(significant) + ".") if significant
            else "Neither invariant is significant at the 5 % level.", "", caveat]


def _findings_lines(results: Results, metric: str) -> list[str]:
    return findings_lines(results.cells, metric, settings=results.manifest.get("settings"))
