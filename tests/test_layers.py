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


def test_no_import_cycles():
    """No two of chaosbench's modules import each other, directly or through others (function-level imports
    included). Left out: the package itself (the public API re-exports everything) and the two loaders of the
    built-in catalogue and roster, which import them by design."""
    import grimp

    graph = grimp.build_graph("chaosbench")
    for importer in graph.find_modules_that_directly_import("chaosbench"):
        graph.remove_import(importer=importer, imported="chaosbench")
    for imported in graph.find_modules_directly_imported_by("chaosbench"):
        graph.remove_import(importer="chaosbench", imported=imported)
    for loader, package in (("chaosbench._dynamics.system", "chaosbench.systems"),
                            ("chaosbench._forecasting.forecaster", "chaosbench.forecasters")):
        for imported in graph.find_modules_directly_imported_by(loader):
            if imported == package or imported.startswith(package + "."):
                graph.remove_import(importer=loader, imported=imported)
    assert {"chaosbench._dynamics.system", "chaosbench._bench.cell"} <= graph.modules
    cycles = sorted({tuple(graph.find_shortest_chain(importer=imported, imported=importer)) + (imported,)
                     for importer in graph.modules for imported in graph.find_modules_directly_imported_by(importer)
                     if graph.find_shortest_chain(importer=imported, imported=importer)})
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def test_no_function_level_imports_of_chaosbench_modules():
    """Imports inside functions are kept for optional or heavy third-party dependencies (torch, dask, sympy,
    matplotlib, ...); chaosbench's own modules are imported at the top, where the layering is visible. The one
    exception: the CLI loads the report module (matplotlib) only for ``chaosbench report``."""
    import ast

    allowed = {("chaosbench/cli.py", "_bench.report")}
    found = []
    for path in sorted((ROOT / "chaosbench").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for inner in ast.walk(node):
                own = (isinstance(inner, ast.ImportFrom) and (inner.level > 0 or (inner.module or "").startswith(
                    "chaosbench"))) or (isinstance(inner, ast.Import) and any(
                        alias.name.startswith("chaosbench") for alias in inner.names))
                module = getattr(inner, "module", None)
                if own and (str(path.relative_to(ROOT)), module) not in allowed:
                    found.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert not found, found
