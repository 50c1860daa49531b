"""The wheel installs systems/ and forecasters/ as chaosbench.systems and chaosbench.forecasters."""

import subprocess
import sys
import zipfile
from pathlib import Path

import chaosbench

ROOT = Path(__file__).resolve().parents[1]


def test_subpackages_import_from_the_mapped_folders():
    import chaosbench.forecasters
    import chaosbench.systems

    assert Path(chaosbench.systems.__file__).parent.name == "systems"
    assert Path(chaosbench.forecasters.__file__).parent.name == "forecasters"


def test_wheel_contains_the_mapped_packages(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path),
         str(ROOT)],
        check=True, capture_output=True,
    )
    (wheel,) = tmp_path.glob("chaosbench-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for module in ("chaosbench/__init__.py", "chaosbench/cli.py", "chaosbench/systems/__init__.py",
                   "chaosbench/systems/classic.py", "chaosbench/forecasters/__init__.py", "chaosbench/_core/registry.py"
                   if (ROOT / "chaosbench/_core/registry.py").exists() else "chaosbench/_core/plugins.py",
                   "chaosbench/_dynamics/system.py", "chaosbench/_forecasting/task.py", "chaosbench/_bench/runner.py"):
        assert module in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "chaosbench = chaosbench.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)
    assert chaosbench.__version__ in wheel.name
