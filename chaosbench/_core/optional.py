"""Optional dependencies: one table of which extra installs which library, one import that fails with the install
hint.

chaosbench imports an optional library only when something that needs it runs (a forecaster's ``fit``, an
adapter); ``import chaosbench`` imports none of them.
"""

from __future__ import annotations

import importlib
import importlib.util

from chaosbench.exceptions import MissingDependencyError

__all__ = ["EXTRAS", "import_optional", "is_installed", "install_hint", "missing"]

# Import name -> (distribution name, chaosbench extra that installs it).
EXTRAS = {
    "torch": ("torch", "neural"),
    "sklearn": ("scikit-learn", "ml"),
    "lightgbm": ("lightgbm", "ml"),
    "pysindy": ("pysindy", "sindy"),
    "chronos": ("chronos-forecasting", "pretrained"),
    "darts": ("darts", "darts"),
    "sktime": ("sktime", "sktime"),
    "neuralforecast": ("neuralforecast", "neuralforecast"),
}


def install_hint(module: str) -> str:
    """The pip command that installs ``module`` (the chaosbench extra where one exists)."""
    distribution, extra = EXTRAS.get(module, (module, None))
    return f"pip install 'chaosbench[{extra}]'" if extra else f"pip install {distribution}"


def missing(module: str) -> str:
    """What a user lacks without ``module``, with the command that installs it: "needs X: pip install ..."."""
    return f"needs {EXTRAS.get(module, (module, None))[0]}: {install_hint(module)}"


def is_installed(module: str) -> bool:
    """Whether ``module`` can be imported (found on the path; not imported)."""
    return importlib.util.find_spec(module) is not None


def import_optional(module: str, user: str):
    """Import and return ``module``, or raise :class:`MissingDependencyError` in one line: what ``user`` (e.g.
    ``"forecaster 'sindy'"``) needs and the command that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if exc.name is not None and exc.name.split(".")[0] != module.split(".")[0]:
            raise  # the library is there but one of its own imports failed: show that error, not an install hint
        raise MissingDependencyError(f"{user} {missing(module)}") from None
