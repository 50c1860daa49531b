"""The shipped data files of the catalogue: ``systems/invariants.csv`` (invariants that chaosbench computes, kept
apart from literature values) and ``systems/gilpin2023_periods.csv``.

Each invariants row records how it was made (chaosbench version, git commit, UTC time, settings as JSON); the rows
are computed by :func:`chaosbench._dynamics.invariants.invariants_table` and written here (``chaosbench
invariants``). Reading them needs no system, so :class:`System` can consult them.
"""

from __future__ import annotations

import math
from pathlib import Path

from ..exceptions import InvalidParameterError

__all__ = ["read_invariants", "write_invariants", "computed_invariants", "gilpin2023_periods", "data_path"]

AGREEMENT = 0.05  # lambda_max and its reference agree within 5 %
NEAR_ZERO = 0.02  # |lambda| * period below this: zero within the estimators' statistical error
HEADER = """\
# Invariants computed by chaosbench (not literature values; those live in the system declarations).
# Regenerate: chaosbench invariants --out systems/invariants.csv   (or --systems A,B to update some rows)
# lyapunov_max: Benettin with the exact Jacobian (for systems tagged discontinuous, two trajectories, since the
# tangent dynamics ignore the jumps); lyapunov_max_reference: two trajectories with adaptive DOP853, no Jacobian,
# from a different start (the same start for systems tagged conservative, whose mixed phase space is not ergodic);
# rel_diff = (lyapunov_max - reference) / |reference|. Vectors are space-separated.
"""
COLUMNS = [
    "system", "dim", "period", "lyapunov_max", "lyapunov_max_reference", "rel_diff", "lyapunov_spectrum",
    "kaplan_yorke_dimension", "correlation_dimension", "mean", "std", "seconds", "notes", "chaosbench_version",
    "git_commit", "computed_utc", "settings",
]


def data_path() -> Path:
    """Location of the shipped data file (inside the installed ``chaosbench.systems`` package)."""
    from importlib.util import find_spec

    return Path(find_spec("chaosbench.systems").origin).parent / "invariants.csv"


def review_notes() -> dict:
    """Human explanations of computed values (``systems/invariants_review.csv``: system, note), which
    :func:`write_invariants` adds to the notes of the systems' rows."""
    import pandas as pd

    path = data_path().with_name("invariants_review.csv")
    if not path.exists():
        return {}
    frame = pd.read_csv(path, comment="#", float_precision="round_trip")
    return dict(zip(frame["system"], frame["note"]))


def read_invariants(path=None):
    """The data file as a DataFrame (empty, with the right columns, when there is none)."""
    import pandas as pd

    path = Path(path) if path is not None else data_path()
    if not path.exists():
        return pd.DataFrame(columns=COLUMNS)
    return pd.read_csv(path, comment="#", keep_default_na=True, float_precision="round_trip")


def failed_rows(frame):
    """Which rows of an invariants table record a failed computation."""
    notes = frame["notes"]
    return notes.where(notes.notna(), "").astype(str).str.startswith("failed")


def write_invariants(frame, path=None) -> Path:
    """Write rows, replacing those of the same systems already in the file (unless the new row records a failure
    and the old one does not) and keeping the others."""
    import pandas as pd

    path = Path(path) if path is not None else data_path()
    old = read_invariants(path)
    # A failed computation never replaces a good row: the file keeps the last good values of that system.
    good = old.loc[~failed_rows(old), "system"]
    frame = frame[~(failed_rows(frame) & frame["system"].isin(good))]
    merged = pd.concat([old[~old["system"].isin(frame["system"])], frame], ignore_index=True)
    merged = merged.sort_values("system").reset_index(drop=True)[COLUMNS]
    reviewed = review_notes()
    for i, name in enumerate(merged["system"]):
        if name in reviewed:
            notes = merged.at[i, "notes"]
            # The review note is always last and may itself contain "; ": cut it off before splitting.
            computed = (notes if isinstance(notes, str) else "").split("reviewed: ")[0]
            automatic = [n.strip() for n in computed.split("; ")
                         if n.strip() and "under review" not in n and n.strip() not in reviewed[name]]
            merged.at[i, "notes"] = "; ".join(list(dict.fromkeys(automatic)) + [f"reviewed: {reviewed[name]}"])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w") as fh:
            fh.write(HEADER)
            merged.to_csv(fh, index=False, float_format="%.6g")
    except OSError as exc:
        raise InvalidParameterError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def computed_invariants(name: str) -> dict | None:
    """The shipped computed invariants of a system (default parameters), or None if it has no row."""
    frame = read_invariants()
    rows = frame[frame["system"] == name]
    if rows.empty:
        return None
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in rows.iloc[0].to_dict().items()}


_GILPIN2023_PERIODS: dict | None = None


def gilpin2023_periods() -> dict[str, float]:
    """Dominant periods published in the dysts catalogue (``systems/gilpin2023_periods.csv``: system, period, note),
    the sampling rule of the ``gilpin2023`` protocol; read once. Systems without a dysts period are omitted."""
    global _GILPIN2023_PERIODS
    if _GILPIN2023_PERIODS is None:
        import pandas as pd

        frame = pd.read_csv(data_path().with_name("gilpin2023_periods.csv"), comment="#",
                            float_precision="round_trip")
        frame = frame[frame["period"].notna()]
        _GILPIN2023_PERIODS = {str(s): float(p) for s, p in zip(frame["system"], frame["period"])}
    return dict(_GILPIN2023_PERIODS)
