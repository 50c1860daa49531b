"""The ``chaosbench`` command line: a thin layer over the library.

Bad input ends with one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path

import click

from ._core.provenance import __version__
from ._dynamics.datafile import AGREEMENT, failed_rows, write_invariants
from ._dynamics.invariants import DEFAULT_SETTINGS, invariants_table
from ._dynamics.system import get_system, list_systems
from ._bench.config import DEFAULT_METRICS, DEFAULTS, LONG_HORIZON, PRESETS
from ._bench.tables import forecasters_table, lyapunov_table, metrics_table, system_info, systems_table
from ._dynamics.trajectory import SAVE_FORMATS
from .exceptions import ChaosbenchError, InvalidParameterError
from ._bench.leaderboard import compare, compare_notes
from ._bench.runner import default_out, load_results, run

USAGE_ERROR = 2
POSITIVE = click.FloatRange(min=0.0, min_open=True)  # checked before any computation starts


class _Group(click.Group):
    """A click group that turns chaosbench's errors into one line and exit status 2."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:  # e.g. an unknown top-level option
            click.echo(f"Error: {exc.format_message()}", err=True)
            sys.exit(USAGE_ERROR)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ChaosbenchError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(USAGE_ERROR)
        except MemoryError:
            click.echo("Error: out of memory; ask for less (e.g. a smaller --n)", err=True)
            ctx.exit(USAGE_ERROR)
        except click.UsageError as exc:  # click's own messages, without the usage lines: one line, exit 2
            click.echo(f"Error: {exc.format_message()} (see '{exc.ctx.command_path if exc.ctx else 'chaosbench'} "
                       "--help')", err=True)
            ctx.exit(USAGE_ERROR)


@contextlib.contextmanager
def _writing(path):
    """Report a file that cannot be written (bad name, a file as parent folder, full disk) as one line."""
    try:
        yield
    except OSError as exc:
        blocking = _file_among_parents(path)
        reason = f"{blocking} is a file, not a folder" if blocking is not None else exc.strerror or exc
        raise ChaosbenchError(f"cannot write {path}: {reason}") from None


def _file_among_parents(path) -> Path | None:
    return next((p for p in Path(path).parents if p.exists() and not p.is_dir()), None)


def _refuse_unwritable(path) -> None:
    """Before a long computation: refuse an output path under an existing file (it could never be written)."""
    blocking = _file_among_parents(path)
    if blocking is not None:
        raise ChaosbenchError(f"cannot write {path}: {blocking} is a file, not a folder")


def _parse_params(pairs) -> dict:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        try:
            params[key.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not key.strip():
            raise InvalidParameterError(f"--param expects NAME=NUMBER, got {pair!r}")
    return params


def _emit(frame, fmt: str) -> None:
    if fmt == "csv":
        click.echo(frame.to_csv(index=False), nl=False)
    elif fmt == "json":
        click.echo(frame.to_json(orient="records", indent=2))
    else:
        click.echo(frame.to_string(index=False) if len(frame) else "(none)")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="chaosbench")
def main():
    """chaosbench: simulate chaotic systems and benchmark forecasters on them.

    \b
    Examples:
      chaosbench list systems
      chaosbench info Lorenz
      chaosbench simulate Lorenz --n 1000 --out lorenz.csv
      chaosbench lyapunov Lorenz --spectrum
      chaosbench run --preset quick --out results/quick
      chaosbench leaderboard results/quick --metric vpt_nrmse
      chaosbench report results/quick
      chaosbench leaderboard --compare results/reference/standard results/quick
    """


@main.group(name="list")
def list_():
    """List registered items."""


@list_.command(name="systems")
@click.option("--tag", help="Only systems with this tag (e.g. polynomial, nonautonomous, high_dim).")
@click.option("--dim", type=click.IntRange(min=1), help="Only systems of this dimension.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def list_systems_cmd(tag, dim, fmt):
    """List the registered systems with their dimension, parameters and tags."""
    frame = systems_table(tag=tag, dim=dim)
    if fmt == "table":
        frame = frame.drop(columns=["citation"])
    _emit(frame, fmt)


@list_.command(name="forecasters")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def list_forecasters_cmd(fmt):
    """List the registered forecasters with their capabilities and default hyper-parameters."""
    _emit(forecasters_table(), fmt)


@list_.command(name="metrics")
@click.option("--kind", type=click.Choice(["pointwise", "horizon", "long_term"]), help="Only metrics of this kind.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def list_metrics_cmd(kind, fmt):
    """List the registered metrics with their kind and the first line of their definition."""
    _emit(metrics_table(kind), fmt)


@main.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def info(name, as_json):
    """Show a system's equations, parameters, initial condition, period, literature invariants and citation."""
    data = system_info(name)
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"{data['name']} (dim {data['dim']}; tags: {', '.join(data['tags']) or 'none'})")
    if data["description"]:
        click.echo(f"  {data['description'].splitlines()[0]}")
    click.echo("equations:")
    for line in data["equations"]:
        click.echo(f"  {line}")
    click.echo("parameters: " + (", ".join(f"{k}={v}" for k, v in data["params"].items()) or "none"))
    click.echo("initial condition: " + ", ".join(f"{v:g}" for v in data["ic"]))
    click.echo(f"period: {data['period']:.6g} ({data['period_source']})")
    for key, value in data["literature"].items():
        click.echo(f"literature {key}: {value}")
    computed = data["computed"]
    if computed:
        click.echo(f"computed (chaosbench {computed['chaosbench_version']}, {computed['computed_utc']}): "
                   f"lyapunov_max {computed['lyapunov_max']:.4g} (reference {computed['lyapunov_max_reference']:.4g}), "
                   f"spectrum [{computed['lyapunov_spectrum']}], Kaplan-Yorke {computed['kaplan_yorke_dimension']}, "
                   f"correlation dimension {computed['correlation_dimension']:.3g}")
        if computed.get("notes"):
            click.echo(f"computed notes: {computed['notes']}")
    else:
        click.echo("computed: not in the invariants file (run `chaosbench invariants --systems NAME`)")
    for row in data["comparison"]:
        if row["rel_diff"] is not None:
            flag = "  <-- differs by more than 10%" if row["flag"] else ""
            click.echo(f"{row['quantity']}: literature {row['literature']:.4g}, computed {float(row['computed']):.4g} "
                       f"({row['rel_diff']:+.1%}){flag}")
    click.echo(f"citation: {data['citation']}")
    if data["deviation_from_dysts"]:
        click.echo(f"differs from dysts: {data['deviation_from_dysts']}")


@main.command()
@click.argument("name")
@click.option("--n", "n", type=int, required=True, help="Number of samples.")
@click.option("--pts-per-period", type=float, default=100.0, show_default=True,
              help="Samples per characteristic period (ignored with --dt).")
@click.option("--dt", type=float, help="Sampling interval in time units.")
@click.option("--seed", type=click.IntRange(min=0), help="Start from an on-attractor state drawn with this seed.")
@click.option("--ic", help="Initial condition as comma-separated numbers (default: the declared one).")
@click.option("--method", default=None, help="dop853 (default), dopri5, rk4, radau, bdf or lsoda.")
@click.option("--rtol", type=float, help="Relative tolerance of adaptive methods.")
@click.option("--atol", type=float, help="Absolute tolerance of adaptive methods.")
@click.option("--transient", type=float, default=20.0, show_default=True,
              help="Characteristic periods integrated and discarded first.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Override a parameter (repeatable).")
@click.option("--standardize", is_flag=True, help="Zero mean, unit variance per variable.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True,
              help=f"Output file; format by suffix ({', '.join(SAVE_FORMATS)}).")
def simulate(name, n, pts_per_period, dt, seed, ic, method, rtol, atol, transient, params, standardize, out):
    """Integrate a system and write the sampled trajectory to a file."""
    if not out.lower().endswith(SAVE_FORMATS):
        raise InvalidParameterError(f"--out must end in one of {', '.join(SAVE_FORMATS)}, got {out!r}")
    if ic is not None:
        try:
            ic = [float(v) for v in ic.split(",")]
        except ValueError:
            raise InvalidParameterError(f"--ic expects comma-separated numbers, got {ic!r}") from None
    system = get_system(name).with_params(**_parse_params(params))
    if dt is not None and dt > 0:  # samples at t0 + k dt must be distinct times in double precision
        t_end = transient * system.period + n * dt
        if abs((t_end + dt) - t_end - dt) > 1e-6 * dt:
            raise InvalidParameterError(f"--dt {dt:g} is too small to advance the time t = {t_end:.6g} in double "
                                        "precision")
    needed = n * (system.dim + 1) * 8 * 2  # the states and times, and one copy on the way to the file
    available = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    if needed > available:
        raise InvalidParameterError(f"--n {n} needs about {needed / 2**30:.3g} GiB, more than this machine's "
                                    f"{available / 2**30:.3g} GiB of memory")
    traj = system.trajectory(n, pts_per_period=pts_per_period, dt=dt, seed=seed, ic=ic, method=method, rtol=rtol,
                             atol=atol, transient=transient, standardize=standardize)
    with _writing(out):
        path = traj.save(out)
    click.echo(f"wrote {len(traj)} samples of {system.name} (dt={traj.dt:.6g}) to {path}")


@main.command()
@click.argument("names", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Every registered system.")
@click.option("--spectrum", is_flag=True, help="Compute the whole spectrum and the Kaplan-Yorke dimension.")
@click.option("--n-periods", type=POSITIVE, default=5000.0, show_default=True, help="Averaging length in periods.")
@click.option("--seed", type=click.IntRange(min=0), help="Start from an on-attractor state drawn with this seed.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Also write the table as CSV.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def lyapunov(names, all_, spectrum, n_periods, seed, out, fmt):
    """Compute Lyapunov exponents (Benettin's method) and compare with the literature.

    Give system NAMES or --all. Systems that diverge are reported and skipped.
    """
    if all_ == bool(names):
        raise click.UsageError("give system names or --all (not both)")
    selected = list_systems() if all_ else list(names)
    for name in selected:
        get_system(name)  # fail on an unknown name before computing anything
    if out:
        _refuse_unwritable(out)
    frame = lyapunov_table(selected, spectrum=spectrum, n_periods=n_periods, seed=seed,
                           record_failures=len(selected) > 1)
    failed = frame[frame["error"].notna()] if "error" in frame else frame.iloc[:0]
    _emit(frame.drop(columns=["error"], errors="ignore"), fmt)
    if out:
        with _writing(out):
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            frame.to_csv(out, index=False)
        click.echo(f"wrote {out}", err=True)
    for message in failed.get("error", []):
        click.echo(f"failed: {message}", err=True)
    if len(failed):
        sys.exit(1)


@main.command()
@click.option("--systems", help="Comma-separated systems (default: all); other rows of the file are kept.")
@click.option("--out", type=click.Path(dir_okay=False), help="Data file to update (default: the shipped one).")
@click.option("--n-periods", type=POSITIVE, default=DEFAULT_SETTINGS["n_periods"], show_default=True,
              help="Averaging length of the Lyapunov spectrum, in periods.")
@click.option("--reference-periods", type=POSITIVE, default=DEFAULT_SETTINGS["reference_periods"], show_default=True,
              help="Length of the independent two-trajectory reference for lambda_max, in periods.")
@click.option("--seed", type=click.IntRange(min=0), default=DEFAULT_SETTINGS["seed"], show_default=True)
def invariants(systems, out, n_periods, reference_periods, seed):
    """Recompute invariants (Lyapunov spectrum and an independent lambda_max reference, Kaplan-Yorke and
    correlation dimensions, period, mean and std) and write them, with provenance, to the data file."""
    names = [s.strip() for s in systems.split(",")] if systems else list_systems()
    for name in names:
        get_system(name)  # unknown names fail before any work
    frame = invariants_table(names, n_periods=n_periods, reference_periods=reference_periods, seed=seed)
    with _writing(out or "the invariants file"):
        path = write_invariants(frame, out)
    failed = failed_rows(frame)
    disagree = (frame["rel_diff"].abs() > AGREEMENT).sum()
    click.echo(f"wrote {len(frame)} rows to {path}: {int(failed.sum())} failed (a good row already in the file is "
               f"kept), {int(disagree)} with lambda_max more than {AGREEMENT:.0%} from the reference")
    for message in frame.loc[failed, "notes"]:
        click.echo(message, err=True)
    if failed.any():
        sys.exit(1)


def _parse_forecaster_params(pairs) -> dict:
    params: dict = {}
    for pair in pairs:
        target, sep, value = pair.partition("=")
        name, dot, key = target.partition(".")
        if not (sep and dot and name.strip() and key.strip()):
            raise InvalidParameterError(f"--set expects FORECASTER.NAME=VALUE, got {pair!r}")
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            parsed = value
        params.setdefault(name.strip(), {})[key.strip()] = parsed
    return params


@main.command(name="run")
@click.option("--preset", help="quick (about 10 systems x the fast forecasters, 1 seed; the default), standard "
              "(all chaotic systems x all forecasters), full (adds seeds and noise levels) or gilpin2023 (the 2023 "
              "'model scale versus domain knowledge' study's sampling, lengths and sMAPE VPT; it sets its own "
              + ", ".join(f"--{k.replace('_', '-')} {','.join(v) if isinstance(v, tuple) else v}"
                          for k, v in PRESETS["gilpin2023"].items()
                          if k not in ("systems", "forecasters", "seeds", "noise"))
              + "; neural forecasters train on the standard preset's schedule with the learning rates its shipped "
              "sweep used). Each preset's neural budgets: docs/benchmarks.md.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="TOML file with the same options (keys as below, '-' or '_'); command-line options win.")
@click.option("--systems", help="Comma-separated system names (overrides the preset's).")
@click.option("--tag", help="All systems with this tag (e.g. polynomial, delay, high_dim).")
@click.option("--forecasters", help="Comma-separated forecaster names ('@all' for every registered one).")
@click.option("--metrics", help=f"Comma-separated metrics (default: {','.join(DEFAULT_METRICS)}; "
              "'chaosbench list metrics' shows all).")
@click.option("--n-train", type=int, help=f"Training points per cell (default {DEFAULTS['n_train']} = "
              f"{DEFAULTS['n_train'] / DEFAULTS['pts_per_period']:g} periods at {DEFAULTS['pts_per_period']:g} points "
              "per period).")
@click.option("--horizon", type=int, help="Forecast length of each test window in steps; with --horizon-lyapunov the "
              f"most steps allowed (presets: {LONG_HORIZON['horizon']}).")
@click.option("--horizon-lyapunov", type=float, help="Forecast length in Lyapunov times, capped at --horizon steps "
              f"(presets: {LONG_HORIZON['horizon_lyapunov']:g}).")
@click.option("--n-long", type=int, help="Steps of the long free run on which d_stsp and d_h are scored beside "
              f"their noise floors (presets: {LONG_HORIZON['n_long']}; 0 for none).")
@click.option("--period-source", help="'chaosbench' (default) or 'dysts': whose characteristic period "
              "points-per-period refers to (gilpin2023: dysts' published periods).")
@click.option("--n-context", type=int, help=f"Observed points before each test window (presets: "
              f"{LONG_HORIZON['n_context']}).")
@click.option("--n-test", type=int, help="Test windows per cell, each from its own initial state "
              f"(default {DEFAULTS['n_test']}).")
@click.option("--noise", help="Comma-separated observation-noise levels, in units of each variable's std.")
@click.option("--seeds", help="Comma-separated run seeds (each cell's seeds derive from its names and these).")
@click.option("--set", "fparams", multiple=True, metavar="FORECASTER.NAME=VALUE",
              help="Set a forecaster hyper-parameter, e.g. --set esn.n_units=500 (repeatable; VALUE is read as JSON, "
              "e.g. 0.01, true or null for None, and as text otherwise).")
@click.option("--device", help="Torch device of every neural forecaster that can use a GPU: cpu (their default: the "
              "same numbers on every machine), auto (a GPU if one is available), cuda, cuda:N or mps. A setting of "
              "the run, stored as the device it resolves to here, or as given for a Dask run, whose workers resolve "
              "it (a GPU's numbers differ from the CPU's); --set NAME.device=... wins for one neural forecaster "
              "(stored resolved in the same way).")
@click.option("--out", help="Results directory (default results/run-DATE-TIME).")
@click.option("--workers", type=int, help="Parallel cells (default: the number of cores).")
@click.option("--executor", type=click.Choice(["local", "dask"]), help="local process pool (default) or dask.")
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler to connect to (tcp://HOST:PORT); without it "
              "--executor dask starts a LocalCluster.")
@click.option("--cell-timeout", type=float, help="Seconds before a cell is stopped and recorded as timeout.")
@click.option("--tune", is_flag=True, default=None, help="Search each forecaster's hyper-parameter space on the "
              "validation split (same seeded budget per cell).")
@click.option("--tune-trials", type=int, help="Hyper-parameter candidates tried per cell with --tune "
              f"(default {DEFAULTS['tune_trials']}).")
@click.option("--tune-seconds", type=float, help="Safety cap on the search time per cell with --tune "
              f"(default {DEFAULTS['tune_seconds']:g}; "
              "the trial count is the budget).")
@click.option("--tune-metric", help="Validation metric the search optimises "
              f"(default {DEFAULTS['tune_metric']}).")
@click.option("--resume", is_flag=True, help="Continue the run in --out with its stored settings.")
@click.option("--force", is_flag=True, help="If --out holds a run with other settings, archive it and start over.")
@click.option("--retry-failed", is_flag=True, help="Run stored failed and timed-out cells again (e.g. with a longer "
              "--cell-timeout).")
@click.option("--plugin", "plugins", multiple=True, type=click.Path(dir_okay=False),
              help="Python file whose decorated systems/forecasters join the run (repeatable).")
@click.option("--quiet", is_flag=True, default=None, help="No progress output.")
def run_cmd(preset, config_file, fparams, resume, force, retry_failed, **options):
    """Run the benchmark grid: every system x forecaster x seed x noise level is one cell, stored in
    OUT/results.sqlite as soon as it finishes. Re-running the same command (or --resume) skips finished cells.
    Writes OUT/cells.csv and OUT/leaderboard.csv at the end."""

    options["plugins"] = options["plugins"] or None
    if fparams:
        options["forecaster_params"] = _parse_forecaster_params(fparams)
    if options["out"] is None and not resume and config_file is None:
        options["out"] = default_out()  # known here, so that an interruption can name it
    try:
        results = run(preset, config_file=config_file, resume=resume, force=force, retry_failed=retry_failed,
                      **options)
    except KeyboardInterrupt:
        out = options.get("out")
        if out is None:  # named by the config file or the resumed run
            click.echo("Interrupted: finished cells are stored; run the same command again to continue", err=True)
        elif (Path(out) / "results.sqlite").is_file():
            click.echo(f"Interrupted: finished cells are stored; continue with: chaosbench run --resume --out {out}",
                       err=True)
        else:
            click.echo("Interrupted before anything was stored", err=True)
        sys.exit(130)
    if not options.get("quiet"):
        _print_leaderboard(results.leaderboard())
    click.echo(f"wrote {results.path / 'leaderboard.csv'}, {results.path / 'cells.csv'} and "
               f"{results.path / 'manifest.json'}", err=True)


def _print_leaderboard(board) -> None:
    shown = board.copy()
    for column in shown.columns:
        if shown[column].dtype.kind == "f":
            shown[column] = shown[column].map(lambda v: f"{v:.4g}")
    click.echo(shown.to_string(index=False))


@main.command(name="leaderboard")
@click.argument("path", type=click.Path(file_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Leaderboard CSV (default PATH/leaderboard.csv, or PATH/comparison.csv with --compare).")
@click.option("--metric", help="Metric to rank by (default vpt_nrmse, or the run's first metric without it).")
@click.option("--agg", type=click.Choice(["median", "mean"]), default="median", show_default=True)
@click.option("--include-unresolved", is_flag=True,
              help="Also aggregate systems whose λ_max disagrees with its independent reference (left out by "
                   "default: their Lyapunov times are not trustworthy).")
@click.option("--compare", "reference", type=click.Path(file_okay=False), metavar="REF",
              help="Rank PATH's forecasters beside those of the run REF (e.g. results/reference/standard) over the "
                   "cells both hold; the task settings must agree. Writes PATH/comparison.csv.")
def leaderboard_cmd(path, output, metric, agg, include_unresolved, reference):
    """Rank the forecasters of a run directory; also rewrites PATH/cells.csv (not that of a shipped run, whose
    leaderboard.csv is rewritten only as the default leaderboard: other options need -o FILE).

    \b
    With --compare REF: one leaderboard of the forecasters of REF and PATH over the cells (system, seed, noise)
    both hold, each row naming its run (a forecaster in both has two rows); PATH's tables are left as they are.
    Notes on stderr: the cells of each run kept, the metrics left out, forecaster_params and git commits that
    differ.
    """

    if reference is None:
        results = load_results(path)
        if results.shipped and output is None and (
                (metric or results.default_metric) != results.default_metric or agg != "median" or include_unresolved):
            raise ChaosbenchError(f"{path} is a shipped run, whose leaderboard.csv is the default leaderboard of its "
                                  "cells; write this one elsewhere with -o FILE")
        target = results.write_tables(metric, agg, leaderboard_file=output, include_unresolved=include_unresolved)
        _print_leaderboard(results.leaderboard(metric, agg, include_unresolved))
        click.echo(f"wrote {target}", err=True)
        return
    if Path(reference).resolve() == Path(path).resolve():
        raise ChaosbenchError(f"--compare needs two different runs, got {path} twice")
    runs = {reference: load_results(reference), path: load_results(path)}
    board = compare(runs, metric, agg, include_unresolved)
    for note in compare_notes(runs):
        click.echo(note, err=True)
    target = Path(output) if output else Path(path) / "comparison.csv"
    with _writing(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        board.to_csv(target, index=False)
    _print_leaderboard(board)
    click.echo(f"wrote {target}", err=True)


@main.command(name="export")
@click.argument("run", type=click.Path(file_okay=False))
@click.argument("dest", type=click.Path(file_okay=False))
def export_cmd(run, dest):
    """Write RUN as it is shipped into DEST: cells.csv, leaderboard.csv, manifest.json and the report (Markdown
    and plots, made in RUN/report from its forecast arrays), without the store and the arrays; the copy is read
    back and checked against its manifest before DEST (new, empty, or an earlier export) is replaced.
    'chaosbench leaderboard' and 'report' read DEST like any run."""

    from ._bench.report import export_run  # matplotlib: loaded only for reports

    exported = export_run(run, dest)
    click.echo(f"wrote {len(exported.cells)} cells, the leaderboard, the manifest and the report to {exported.path}",
               err=True)


@main.command(name="report")
@click.argument("path", type=click.Path(file_okay=False))
def report_cmd(path):
    """Write plots (PNG) and a Markdown summary of a run directory into PATH/report/."""

    from ._bench.report import write_report  # matplotlib: loaded only for reports


    index = write_report(path)
    click.echo(f"wrote {index}", err=True)


def _sweep_option(pairs) -> dict:
    sweep = {}
    for pair in pairs:
        n, sep, path = pair.partition("=")
        if not sep or not n.strip().isdigit() or int(n) <= 0 or not path:
            raise ChaosbenchError(f"--sweep takes N=PATH with N a positive training length, got {pair!r}")
        if int(n) in sweep:
            raise ChaosbenchError(f"--sweep names the training length {int(n)} twice")
        sweep[int(n)] = path
    return sweep


@main.command(name="findings")
@click.argument("run", type=click.Path(file_okay=False))
@click.option("--sweep", "sweep", multiple=True, metavar="N=PATH",
              help="A run of the data-limited sweep at training length N (repeatable; e.g. the gilpin2023 preset "
                   "with --n-train N).")
@click.option("--metric", help="The main run's metric (default vpt_nrmse, else vpt_smape).")
@click.option("-o", "--out", "out", type=click.Path(file_okay=False), required=True,
              help="Folder to write findings.md and its plots into.")
def findings_cmd(run, sweep, metric, out):
    """Gilpin's 2023 findings computed from RUN: families ranked, VPT against λ_max and correlation dimension
    (Spearman, bootstrap intervals, short- and long-horizon regimes), the data-limited sweep, and where they agree
    with the study. Writes OUT/findings.md and its PNG plots."""

    from ._bench.report import write_findings  # matplotlib: loaded only for reports

    results = load_results(run)
    sweep_runs = {n: load_results(path) for n, path in _sweep_option(sweep).items()}
    with _writing(out):
        target = write_findings(out, results.cells, {n: r.cells for n, r in sweep_runs.items()} or None, metric,
                                settings=results.manifest.get("settings"), source=f"`{run}`",
                                sweep_settings={n: r.manifest.get("settings") for n, r in sweep_runs.items()},
                                sweep_sources={n: f"`{r.path}`" for n, r in sweep_runs.items()})
    click.echo(f"wrote {target}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
