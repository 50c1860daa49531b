"""Generate the documentation pages that come from the registries (run by the mkdocs-gen-files plugin).

Pages: the system catalogue (an index and one page per system, with an attractor picture), the forecaster roster,
the metrics, the API reference (every name in ``chaosbench.__all__``), the CLI reference (from the click commands),
the measured results of ``make run`` and the findings of Gilpin's 2023 study on the shipped reference runs.
Everything is read through chaosbench's public registries, so a new system, forecaster or metric appears without a
docs edit.

``CHAOSBENCH_DOCS_SYSTEMS=Lorenz,Rossler`` limits the catalogue to those systems (for a fast test build).
Attractor pictures are cached under ``<chaosbench cache>/docs`` keyed by everything they depend on.
"""

from __future__ import annotations

import datetime
import hashlib
import inspect
import io
import json
import os
import re
import subprocess
import textwrap
from pathlib import Path

import numpy as np

import chaosbench
from chaosbench._bench.tables import system_info
from chaosbench._dynamics.symbolic import cache_dir
from chaosbench._forecasting.forecaster import forecaster_class

ROOT = Path(__file__).resolve().parent.parent
QUICK_EXAMPLE = ROOT / "results" / "examples" / "quick"
QUICK_COMMAND = "chaosbench run --preset quick --out results/quick --force"  # what `make run` runs
ROSTER_RUN = ROOT / "results" / "examples" / "lorenz-standard"  # the roster's costs: every forecaster on Lorenz
ROSTER_COMMAND = ("chaosbench run --preset standard --systems Lorenz --forecasters @all --workers 2 "
                  "--out results/lorenz-standard")  # then its cells.csv, leaderboard.csv and manifest.json copied
PICTURE = {"inches": 3.0, "dpi": 80, "n": 3000, "pts_per_period": 30, "style": 1}  # change "style" to redraw all
SYSTEMS_ENV = "CHAOSBENCH_DOCS_SYSTEMS"


# --------------------------------------------------------------------------------------------------------------
# Helpers


def _rst_to_markdown(text: str) -> str:
    """The reStructuredText of numpydoc docstrings as Markdown: roles, ``.. math::`` directives, section titles."""
    text = re.sub(r":(?:func|class|meth|attr|mod|data):`~?([^`]+)`", r"`\1`", text)
    text = re.sub(r"^([ \t]*)\.\. math::[ \t]*(.+)$", r"\1```text\n\1\2\n\1```", text, flags=re.M)
    text = re.sub(r"^([ \t]*)(\w[\w ]*)\n[ \t]*-{3,}$", r"\1**\2**\n", text, flags=re.M)  # numpydoc sections
    return text


def _docstring(obj) -> str:
    return inspect.cleandoc(obj.__doc__ or "")


def _first_paragraph(doc: str) -> str:
    return " ".join(doc.split("\n\n", 1)[0].split())


def _description(doc: str) -> str:
    """A numpydoc docstring without its first paragraph and from its ``Parameters`` section on."""
    body = doc.split("\n\n", 1)[1] if "\n\n" in doc else ""
    return re.split(r"^(?:Parameters|Attributes|Returns|Raises|Examples|Notes)\n-{3,}$", body, maxsplit=1,
                    flags=re.M)[0].strip()


def _cell(value) -> str:
    """A value fit for a Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join(_number(v) for v in value)
    if isinstance(value, str):
        return ", ".join(_number(float(v)) for v in value.split())
    return f"{float(value):.4g}"


def _git_date(path: Path) -> str | None:
    """The date of the last commit that changed ``path``, or None outside a git checkout."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs %h", "--", str(path)], cwd=ROOT, capture_output=True,
                             text=True, check=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out or None


def catalogue_names() -> list[str]:
    """The systems documented: all registered, or those named in ``$CHAOSBENCH_DOCS_SYSTEMS``."""
    chosen = os.environ.get(SYSTEMS_ENV)
    if not chosen:
        return chaosbench.list_systems()
    names = [n.strip() for n in chosen.split(",") if n.strip()]
    for name in names:
        chaosbench.get_system(name)  # an unknown name fails here, with "did you mean"
    return names


# --------------------------------------------------------------------------------------------------------------
# Catalogue


def _projection(system, x: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Up to three coordinates to draw: the first three variables, (x, y), or for one variable a delay embedding
    x(t), x(t - τ) with τ the equation's delay (else a quarter period). Variables that drift by design are taken
    modulo 2π."""
    x = x.copy()
    for i in system.unbounded:
        x[:, i] = np.mod(x[:, i], 2 * np.pi)
    if system.dim >= 2:
        return x[:, :3], list(system.variables[:3])
    lag_time = system.delay if system.delay is not None else system.period / 4
    lag = max(1, round(lag_time * PICTURE["pts_per_period"] / system.period))
    v = system.variables[0]
    return np.column_stack([x[lag:, 0], x[:-lag, 0]]), [f"{v}(t)", f"{v}(t - {lag_time:g})"]


def attractor_png(name: str) -> bytes:
    """A small picture of the system's attractor (PNG), from the cache when nothing it depends on changed."""
    system = chaosbench.get_system(name)
    key = json.dumps([name, system.equations(), {k: np.asarray(v).tolist() for k, v in system.params.items()},
                      system.ic.tolist(), list(system.unbounded), PICTURE, chaosbench.__version__])
    path = cache_dir().parent / "docs" / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.png"
    if path.exists():
        return path.read_bytes()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    traj = system.trajectory(PICTURE["n"], pts_per_period=PICTURE["pts_per_period"])
    points, labels = _projection(system, traj.x)
    dots = bool(system.unbounded)  # wrapped coordinates jump: draw points, not lines
    fig = plt.figure(figsize=(PICTURE["inches"], PICTURE["inches"]), dpi=PICTURE["dpi"])
    style = {"color": "#3f51b5", "alpha": 0.7}
    if points.shape[1] == 3:
        ax = fig.add_subplot(projection="3d")
        if dots:
            ax.scatter(*points.T, s=0.6, linewidths=0, **style)
        else:
            ax.plot(*points.T, lw=0.3, **style)
        ax.set_zlabel(labels[2], labelpad=-12)
    else:
        ax = fig.add_subplot()
        if dots:
            ax.scatter(*points.T, s=0.8, linewidths=0, **style)
        else:
            ax.plot(*points.T, lw=0.3, **style)
    ax.set_xlabel(labels[0], labelpad=-12 if points.shape[1] == 3 else 0)
    ax.set_ylabel(labels[1], labelpad=-12 if points.shape[1] == 3 else 0)
    ax.tick_params(labelbottom=False, labelleft=False, labelright=False, length=0)
    if points.shape[1] == 3:
        ax.tick_params(labelbottom=False, labelleft=False, labelright=False, labeltop=False)
        ax.set_xticklabels([]), ax.set_yticklabels([]), ax.set_zticklabels([])
    ax.set_title(name, fontsize=9)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=PICTURE["dpi"])
    plt.close(fig)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(path)
    return buffer.getvalue()


def system_page(name: str) -> str:
    """The catalogue page of one system."""
    info = system_info(name)
    lines = [f"# {name}", "", info["description"] or "", "", f"![Attractor of {name}]({name}.png)", ""]
    facts = [
        ["dimension", info["dim"]],
        ["variables", ", ".join(info["variables"])],
        ["tags", ", ".join(f"`{t}`" for t in info["tags"]) or "—"],
        ["characteristic period", f"{info['period']:.6g} ({info['period_source']})"],
    ]
    if info["unbounded"]:
        facts.append(["drift by design", ", ".join(info["variables"][i] for i in info["unbounded"])])
    lines += [_table(["", ""], facts), "## Equations", "", "```text", *info["equations"], "```", ""]
    params = [[f"`{k}`", v] for k, v in info["params"].items()]
    lines += ["## Parameters", "", _table(["parameter", "value"], params) if params else "None.", ""]
    lines += ["## Initial condition", "", "`" + ", ".join(f"{v:g}" for v in info["ic"]) + "`", ""]
    if info["deviation_from_dysts"]:
        lines += ['!!! note "Differs from dysts"', "", "    " + info["deviation_from_dysts"], ""]
    lines += ["## Invariants", ""]
    computed = info["computed"]
    rows = []
    for row in info["comparison"]:
        flag = " (differs by more than 10 %)" if row["flag"] else ""
        rel = "—" if row["rel_diff"] is None else f"{row['rel_diff']:+.1%}{flag}"
        rows.append([row["quantity"], _number(row["literature"]), _number(row["computed"]), rel])
    for key in ("lyapunov_max", "lyapunov_spectrum", "kaplan_yorke_dimension", "correlation_dimension"):
        if key not in info["literature"] and computed.get(key) is not None:
            rows.append([key, "—", _number(computed[key]), "—"])
    if computed.get("lyapunov_max_reference") is not None:
        rows.append(["lyapunov_max, independent reference", "—", _number(computed["lyapunov_max_reference"]), "—"])
    if rows:
        lines += [_table(["quantity", "literature", "computed", "difference"], rows)]
    if computed:
        lines += [f"Computed by chaosbench {computed['chaosbench_version']} (commit {computed['git_commit']}, "
                  f"{computed['computed_utc']}) with settings `{computed['settings']}`; see "
                  "[computed invariants](../guide/systems.md#computed-invariants)."]
        if computed.get("notes"):
            lines += ["", f"Notes: {computed['notes']}"]
    else:
        lines += ["Not in the invariants file (`chaosbench invariants --systems NAME` computes them)."]
    lines += ["", "## Citation", "", info["citation"], ""]
    return "\n".join(lines)


def catalogue_index(names: list[str]) -> str:
    rows = []
    for name in names:
        s = chaosbench.get_system(name)
        computed = system_info(name)["computed"]
        rows.append([f"[{name}]({name}.md)", s.dim, ", ".join(sorted(s.tags)) or "—",
                     _number(computed.get("lyapunov_max")), (s.description or "").split("\n")[0]])
    return "\n".join([
        "# System catalogue", "",
        f"{len(names)} systems, generated from the registry (`chaosbench.list_systems()`). Each page shows the "
        "traced equations, parameters, initial condition, literature and computed invariants, the citation and "
        "the attractor (100 characteristic periods from the declared initial condition). "
        "See [systems](../guide/systems.md) for what the tags mean and how the catalogue was made.", "",
        _table(["system", "dim", "tags", "λ_max (computed)", "description"], rows),
    ])


# --------------------------------------------------------------------------------------------------------------
# Forecasters and metrics


_CITATION = re.compile(r"\(([^()]*?[A-Za-z][^()]*?\b(?:19|20)\d\d[a-z]?)\)")  # "(Author et al. 2024)"


def _short_citation(names: list[str], year: str) -> str:
    """"Surname YEAR", "A & B YEAR" or "Surname et al. YEAR" from a list of author names."""
    surnames = [name.split()[-1] for name in names if name.split()]
    if len(surnames) > 2:
        return f"{surnames[0]} et al. {year}"
    return f"{' & '.join(surnames)} {year}"


def _citations(doc: str) -> str:
    """Short citations of a forecaster: those in its summary ("(Author et al. 2020)"), else the first entry of
    its References section."""
    found = []
    for citation in _CITATION.findall(_first_paragraph(doc)):
        for one in citation.split(";"):
            match = re.match(r"(.+?),?\s+((?:19|20)\d\d[a-z]?(?:,\s*(?:19|20)\d\d[a-z]?)*)$", one.strip())
            if match is None:
                continue
            names = re.split(r",\s*|\s+&\s+|\s+and\s+", match.group(1).replace(" et al.", ", _, _"))
            found.append(_short_citation([n for n in names if n != "_"] + (["_", "_"] if "et al." in one else []),
                                         match.group(2)))
    if found:
        return "; ".join(dict.fromkeys(found))
    references = re.split(r"^References\n-{3,}\n", doc, maxsplit=1, flags=re.M)
    if len(references) < 2:
        return "—"
    first = " ".join(references[1].strip().split("\n\n")[0].split())
    authors = re.split(r"[\"“(]", first, maxsplit=1)[0]
    year = re.search(r"\b(?:19|20)\d\d\b", first)
    names = [n for n in re.split(r",\s*|\s*&\s+|\s+and\s+", authors)
             if n.strip() and not re.fullmatch(r"(?:[A-Z]\.[\s-]*)+", n.strip())]  # "V." is an initial
    return _short_citation(names, year.group() if year else "") if names else "—"


def _library(cls) -> str:
    """What the forecaster is built on: its own ``library`` tag, the optional library it requires, or numpy."""
    from chaosbench._core.optional import EXTRAS

    requires = cls.tags.get("requires")
    return cls.tags.get("library") or (EXTRAS.get(requires, (requires,))[0] if requires else "numpy")


def _budget(cls) -> str:
    """The standard preset's training budget of a neural forecaster, else "—" (fitted to convergence)."""
    from chaosbench._bench.config import neural_budget

    defaults = cls().get_params()
    if "max_epochs" not in defaults:
        return "—"
    budget = defaults | neural_budget("standard", cls.name)
    text = f"{budget['max_epochs']} epochs × {budget.get('batches_per_epoch', 1)} batches"
    if budget.get("patience") is not None:
        text += f", early stopping (patience {budget['patience']} × {budget['validation_interval']} epochs)"
    if budget["learning_rate"] != defaults["learning_rate"]:
        factor = budget["learning_rate"] / defaults["learning_rate"]
        text += f", learning rate {budget['learning_rate']:g} ({factor:.3g}× its default)"
    return text


def _roster_costs():
    """Median fit and predict seconds and VPT per forecaster of the shipped Lorenz run, and the run's manifest."""
    import pandas as pd

    if not (ROSTER_RUN / "cells.csv").exists():
        return {}, {}
    cells = pd.read_csv(ROSTER_RUN / "cells.csv")
    manifest = json.loads((ROSTER_RUN / "manifest.json").read_text())
    costs = {row.forecaster: row for row in cells.itertuples(index=False)}
    return costs, manifest


def forecasters_page() -> str:
    names = chaosbench.list_forecasters()
    costs, manifest = _roster_costs()
    naive_vpt = getattr(costs.get("naive"), "vpt_nrmse", None)
    capabilities = ("needs_context", "stochastic", "uses_covariates", "pretrained")
    roster, rows, sections = [], [], []
    for name in names:
        cls = forecaster_class(name)
        doc = _docstring(cls)
        summary = _first_paragraph(doc)
        rows.append([f"[`{name}`](#{name})", summary])
        cost = costs.get(name)
        measured = cost is not None and cost.status in ("ok", "diverged")
        roster.append([f"[`{name}`](#{name})", cls.tags.get("family", "other"), _citations(doc), _library(cls),
                       ", ".join(k for k in capabilities if cls.tags.get(k)) or "—", _budget(cls),
                       f"{cost.fit_seconds:.3g}" if measured else "—",
                       f"{cost.predict_seconds:.3g}" if measured else "—",
                       f"{cost.vpt_nrmse:.2f}" if measured else ("failed" if cost is not None else "not run")])
        tags = ", ".join(f"`{k}`" if v is True else f"`{k}={v}`" for k, v in cls.tags.items() if v) or "—"
        defaults = ", ".join(f"`{k}={v!r}`" for k, v in cls().get_params().items()) or "—"
        space = ", ".join(f"`{k}`: {v}" for k, v in cls.search_space.items()) or "—"
        sections += [f"## {name}", "", summary, "",
                     _table(["", ""], [["class", f"`{cls.__module__}.{cls.__qualname__}`"], ["tags", tags],
                                       ["defaults", defaults], ["search space", space],
                                       ["citation", _citations(doc)]])]
        description = _description(doc)
        if description:
            sections += ['??? info "Description"', "", textwrap.indent(_rst_to_markdown(description), "    "), ""]
    import chaosbench.forecasters as builtins

    for name in getattr(builtins, "__all__", []):  # public base classes for third-party forecasters
        obj = getattr(builtins, name)
        sections += [f"## Base class `chaosbench.forecasters.{name}`", "", _rst_to_markdown(_docstring(obj)), ""]
    if manifest:
        settings = manifest.get("settings", {})
        provenance = (f"Costs and VPT from the shipped run `results/examples/lorenz-standard/` (`{ROSTER_COMMAND}`, "
                      "its tables and manifest copied there; "
                      f"commit {str(manifest.get('git_commit'))[:10]}, one core per cell, "
                      f"{settings.get('n_train')} training points, {settings.get('n_test')} test windows of "
                      f"{settings.get('horizon_lyapunov')} Lyapunov times): fit seconds, predict seconds for all "
                      f"test windows, and the median valid prediction time (NRMSE < 0.4) in Lyapunov times; "
                      f"persistence (`naive`) scores {naive_vpt:.2f}." if naive_vpt is not None else "")
    else:
        provenance = "No shipped Lorenz run yet: the cost columns are empty."
    return "\n".join([
        "# Forecasters", "",
        f"{len(names)} forecasters, generated from the registry (`chaosbench.list_forecasters()`): each one's "
        "docstring, capability tags, default hyper-parameters and the search space `--tune` draws from. "
        "See [forecasting](guide/forecasting.md) for how they are called, [adding one](guide/extending.md), "
        "[models of darts, sktime and neuralforecast](guide/adapters.md) and "
        "[pretrained zero-shot models](guide/pretrained.md).", "",
        "## Roster", "", provenance, "",
        _table(["name", "family", "citation", "library", "capabilities", "standard budget", "fit s", "predict s",
                "Lorenz VPT"], roster),
        "## Summaries", "", _table(["name", "summary"], rows), *sections,
    ])


def metrics_page() -> str:
    from chaosbench._forecasting import metrics as metrics_module

    rows, sections = [], []
    for name in chaosbench.list_metrics():
        fn = chaosbench.get_metric(name)
        doc = _docstring(fn)
        better = "greater" if fn.greater_is_better else "lower"
        rows.append([f"[`{name}`](#{name})", fn.kind, better, fn.units, _first_paragraph(doc)])
        sections += [f"## {name}", "", f"*{fn.kind}; {better} is better; units {fn.units}.*", "",
                     _rst_to_markdown(doc), ""]
    return "\n".join([
        "# Metrics", "",
        "Generated from the registry (`chaosbench.list_metrics()`, `chaosbench.get_metric`): each metric's "
        "docstring gives its formula and source.", "",
        _table(["metric", "kind", "better", "units", "definition"], rows),
        "## Conventions", "", _rst_to_markdown(_docstring(metrics_module)), "", *sections,
    ])


# --------------------------------------------------------------------------------------------------------------
# References and results


def api_page() -> str:
    lines = ["# API reference", "",
             "Every public name of the `chaosbench` package (`chaosbench.__all__`), generated from the docstrings.", ""]
    for name in chaosbench.__all__:
        if name in ("__version__", "exceptions"):
            continue
        lines += [f"::: chaosbench.{name}", ""]
    lines += ["## Exceptions", "", "::: chaosbench.exceptions", "    options:", "      show_root_heading: false", ""]
    return "\n".join(lines)


def cli_page() -> str:
    import click

    from chaosbench.cli import main

    lines = ["# Command-line reference", "",
             "Generated from the commands' own help (`chaosbench COMMAND --help`). "
             "See the [CLI guide](../guide/cli.md) for examples.", ""]

    def walk(command, path):
        ctx = click.Context(command, info_name=" ".join(path), terminal_width=100, max_content_width=100)
        if not path[1:] or not isinstance(command, click.Group):
            lines.extend([f"## `{' '.join(path)}`" if path[1:] else "## `chaosbench`", "", "```text",
                          command.get_help(ctx), "```", ""])
        if isinstance(command, click.Group):
            for sub in command.list_commands(ctx):
                walk(command.get_command(ctx, sub), path + [sub])

    walk(main, ["chaosbench"])
    return "\n".join(lines)


def results_page() -> str:
    import pandas as pd

    board = pd.read_csv(QUICK_EXAMPLE / "leaderboard.csv")
    shown = ["rank", "forecaster", "vpt_nrmse_median", "vpt_nrmse_q25", "vpt_nrmse_q75", "d_stsp_median",
             "d_stsp_floor_median", "d_h_median", "d_h_floor_median", "censored_fraction", "diverged_fraction",
             "success_rate", "n_cells", "fit_seconds_median"]
    shown = [c for c in shown if c in board.columns]
    rows = [[f"{v:.4g}" if isinstance(v, float) else v for v in row] for row in board[shown].itertuples(index=False)]
    dated = _git_date(QUICK_EXAMPLE / "leaderboard.csv")
    stamp = f"committed {dated}" if dated else "undated (no git history available)"
    return "\n".join([
        "# Results", "",
        "## The quick preset (`make run`)", "",
        f"`{QUICK_COMMAND}`: 10 systems × 9 forecasters, seed 0 (the shipped copy, "
        f"`results/examples/quick/leaderboard.csv`, {stamp}). Ranked by the median valid prediction time in "
        "Lyapunov times; long-term metrics beside their floors (truth against an independent truth); see "
        "[the protocol](guide/protocol.md) and [the runner](guide/runner.md) for the columns.", "",
        _table(shown, rows),
        "![VPT per forecaster](results/vpt_distribution.png)", "",
        "![Error growth](results/error_growth.png)", "",
        "Speed benchmarks and the neural forecasters' long-budget runs: [benchmarks](benchmarks.md).", "",
        f"*Page generated {datetime.date.today().isoformat()}.*", "",
    ])


FINDINGS_RUN = ROOT / "results" / "reference" / "standard"
FINDINGS_SWEEP = {n: ROOT / "results" / "reference" / f"sweep-{n}" for n in (100, 550, 1000)}
FINDINGS_FULL_ROSTER = ROOT / "results" / "reference" / "sweep-100-rest"
# The shipped sweep runs every forecaster except chronos and nine of the twelve neural ones, so that a length takes
# about half an hour on 2 cores; of the large domain-agnostic class it keeps nbeats and rnn (the best two in the
# standard run at 2f64c0e, with the former learning rates); the nine left out run once at 100 points
# (FINDINGS_FULL_ROSTER) as a check of the subset. The echo state network warms up on 50 points instead of 100 so
# that it can train on 100 (its default needs 102).
FINDINGS_SWEEP_FORECASTERS = ("naive", "mean", "naive_drift", "naive_seasonal", "fft", "four_theta", "ets", "theta",
                              "linear", "var", "kalman", "arima", "edmd", "dmd", "sindy", "context_parroting", "ngrc",
                              "esn", "poly_ar", "random_forest", "gradient_boosting", "nbeats", "rnn", "nlinear")
FINDINGS_REST = ("alrnn", "dlinear", "gru", "lstm", "nhits", "node", "shplrnn", "tcn", "transformer")
# The run options (chaosbench.make_config's keywords) of each shipped run; the commands below are built from them and
# tests/test_findings.py checks them against the shipped manifests' settings.
FINDINGS_OPTIONS = {
    "standard": {"preset": "standard"},
    **{n: {"preset": "gilpin2023", "n_train": n, "forecasters": FINDINGS_SWEEP_FORECASTERS,
           "forecaster_params": {"esn": {"warmup": 50}}} for n in FINDINGS_SWEEP},
    "full_roster": {"preset": "gilpin2023", "n_train": 100, "forecasters": FINDINGS_REST},
}
# Wall times measured on 2 cores; the sweep's runs and the full-roster check shared the machine with other runs.
FINDINGS_COST = {"standard": "about two hours on 2 cores",
                 **dict.fromkeys(FINDINGS_SWEEP, "20–32 minutes on 2 cores shared with other runs"),
                 "full_roster": "about 40 minutes on 2 cores shared with other runs"}


def findings_paths() -> dict:
    """Where each run of :data:`FINDINGS_OPTIONS` is shipped."""
    return {"standard": FINDINGS_RUN, **FINDINGS_SWEEP, "full_roster": FINDINGS_FULL_ROSTER}


def findings_command(key) -> str:
    """The shell command that makes and ships the run ``key`` of :data:`FINDINGS_OPTIONS`."""
    options = FINDINGS_OPTIONS[key]
    name = findings_paths()[key].name
    words = ["chaosbench run", f"--preset {options['preset']}"]
    words += [f"--n-train {options['n_train']}"] if "n_train" in options else []
    words += [f"--forecasters {','.join(options['forecasters'])}"] if "forecasters" in options else []
    words += [f"--set {forecaster}.{name}={value}"
              for forecaster, params in options.get("forecaster_params", {}).items() for name, value in params.items()]
    return " ".join(words + [f"--out results/{name} && chaosbench export results/{name} results/reference/{name}"])


def _full_roster_check(subset, rest) -> list[str]:
    """The class and family values at 100 points with the sweep's subset and with every forecaster."""
    import pandas as pd

    from chaosbench._bench.findings import data_sweep
    from chaosbench._bench.tables import markdown_table

    full = pd.concat([subset.cells, rest.cells], ignore_index=True)
    lines = ["## Check: the full roster at 100 points", "",
             f"`{FINDINGS_FULL_ROSTER.relative_to(ROOT)}` runs the nine neural forecasters the sweep leaves out "
             f"({', '.join(FINDINGS_REST)}) at 100 points, so that this length holds every forecaster of the "
             "standard reference run. Per class and family, the median over systems of the per-system median "
             "VPT with the sweep's subset and with every forecaster (cells too short to train are left out, as above):",
             ""]
    top = 0.0
    for groups in ("class", "family"):
        tables = {name: data_sweep({100: cells}, groups=groups).set_index(groups)
                  for name, cells in (("subset", subset.cells), ("every forecaster", full))}
        shown = pd.DataFrame({name: table["value"] for name, table in tables.items()})
        shown["cannot train on 100 points"] = tables["every forecaster"]["cannot_run"]
        lines += [markdown_table(shown.reset_index()), ""]
        leaders = {name: ", ".join(table.index[table["leader"]]) for name, table in tables.items()}
        lines += [f"Leading {groups}: `{leaders['every forecaster']}` with every forecaster, `{leaders['subset']}` "
                  f"with the subset{' (the same)' if len(set(leaders.values())) == 1 else ''}.", ""]
        top = max(top, float(shown[["subset", "every forecaster"]].max().max()))
    return lines + [f"The values are VPTs in Lyapunov times: at 100 points no group's median exceeds {top:.2g}, so "
                    "any lead here is one among forecasts that fail early.", ""]


def findings_page() -> dict[str, str | bytes]:
    """``findings.md`` and its pictures (``findings/*.png``), computed by :func:`write_findings` from the shipped
    reference run and sweep; a missing run is named with the command that produces it."""
    import tempfile

    from chaosbench._bench.findings import write_findings

    missing = [("standard", FINDINGS_RUN)] if not (FINDINGS_RUN / "cells.csv").is_file() else []
    missing += [(key, path) for key, path in findings_paths().items()
                if key != "standard" and not (path / "cells.csv").is_file()]
    notes = [f"- `{path.relative_to(ROOT)}` is not shipped yet; it is made by `{findings_command(key)}` "
             f"({FINDINGS_COST[key]})." for key, path in missing]
    header = ["# Findings", "",
              "Gilpin's 2023 study (Phys. Rev. Research 5, 043252) reproduced or refuted on chaosbench's shipped "
              "reference runs, computed by `chaosbench findings` (see [the findings guide](guide/findings.md)).", ""]
    if missing and missing[0][0] == "standard":
        return {"findings.md": "\n".join(header + ["Not computed:", "", *notes, ""])}
    shipped = {key: chaosbench.load_results(path) for key, path in findings_paths().items()
               if (path / "cells.csv").is_file()}
    run, sweep = shipped["standard"], {n: shipped[n] for n in FINDINGS_SWEEP if n in shipped}
    with tempfile.TemporaryDirectory() as folder:
        write_findings(folder, run.cells, {n: r.cells for n, r in sweep.items()} or None,
                       settings=run.manifest.get("settings"), source="`results/reference/standard`",
                       sweep_settings={n: r.manifest.get("settings") for n, r in sweep.items()},
                       sweep_sources={n: f"`results/reference/sweep-{n}`" for n in sweep})
        text = (Path(folder) / "findings.md").read_text().split("\n", 1)[1]
        out: dict[str, str | bytes] = {f"findings/{png.name}": png.read_bytes()
                                       for png in sorted(Path(folder).glob("*.png"))}
    text = text.replace("](findings_", "](findings/findings_")
    made = [f"- `{findings_paths()[key].relative_to(ROOT)}` (commit {str(r.manifest.get('git_commit'))[:10]}): "
            f"`{findings_command(key)}`" for key, r in shipped.items()]
    check = _full_roster_check(shipped[100], shipped["full_roster"]) if {100, "full_roster"} <= set(shipped) else []
    subset = ("The sweep runs a subset: every forecaster except chronos and nine of the twelve neural ones. Of the "
              "large domain-agnostic class it keeps nbeats and rnn, the two with the best median VPT in the standard "
              "reference of the time (commit 2f64c0e, with the former learning rates; chosen after seeing it); of the "
              "physics-based class 6 of 9 (not node, shplrnn, alrnn). The check at the end of this page runs the "
              "rest at 100 points. The sweep's runs keep the learning rates they were made with (the gilpin2023 "
              "preset's); the standard reference was made again with larger ones, chosen on probe cells "
              "(docs/benchmarks.md), so the settings below differ in them.")
    out["findings.md"] = "\n".join(header + ["Made by:", "", *made, "", subset, ""]
                                   + (["Runs missing:", "", *notes, ""] if notes else [])) + text + "\n".join(
        ["", *check])
    return out


# --------------------------------------------------------------------------------------------------------------


def pages() -> dict[str, str | bytes]:
    """Every generated file: path inside the docs -> text or bytes."""
    names = catalogue_names()
    out: dict[str, str | bytes] = {"catalogue/index.md": catalogue_index(names)}
    for name in names:
        out[f"catalogue/{name}.md"] = system_page(name)
        out[f"catalogue/{name}.png"] = attractor_png(name)
    out["forecasters.md"] = forecasters_page()
    out["metrics.md"] = metrics_page()
    out["reference/api.md"] = api_page()
    out["reference/cli.md"] = cli_page()
    out["results.md"] = results_page()
    out.update(findings_page())
    for picture in ("vpt_distribution.png", "error_growth.png"):
        out[f"results/{picture}"] = (QUICK_EXAMPLE / picture).read_bytes()
    return out


def _write_with_gen_files() -> None:
    import mkdocs_gen_files

    for path, content in pages().items():
        with mkdocs_gen_files.open(path, "wb" if isinstance(content, bytes) else "w") as fh:
            fh.write(content)


def _write_to(directory: Path) -> None:
    for path, content in pages().items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content) if isinstance(content, bytes) else target.write_text(content)


if __name__ == "<run_path>":  # run by mkdocs-gen-files during `mkdocs build`
    _write_with_gen_files()
elif __name__ == "__main__":  # python docs/gen_pages.py DIR: write the pages into DIR, to look at them
    import sys

    _write_to(Path(sys.argv[1]))
