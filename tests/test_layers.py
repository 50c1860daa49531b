"""The engine's layers (core -> dynamics -> forecasting -> bench -> cli) and what ``import chaosbench`` loads."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_layers_import_only_downwards():
    """The import-linter contract of pyproject.toml: no module imports a layer above its own (indirect imports
    included)."""
    done = subprocess.run([Path(sys.executable).parent / "lint-imports", "--config", ROOT / "pyproject.toml"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "1 kept, 0 broken" in done.stdout


def test_import_chaosbench_loads_no_heavy_optional_dependency():
    code = ("import sys, chaosbench; print(sorted(m for m in ('torch', 'dask', 'distributed', 'sympy', 'matplotlib') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
