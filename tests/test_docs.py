"""The documentation: the site builds strictly with a page and a picture per system, the generated roster and API
pages list what is registered, and the README stays short and shows the two set-up commands."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import chaosbench

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

pytest.importorskip("mkdocs_gen_files", reason="the docs extra is not installed (pip install -e '.[docs]')")
pytest.importorskip("mkdocstrings")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The whole site, built as `make docs` builds it (about 20 s with the picture cache empty, 7 s when full)."""
    out = tmp_path_factory.mktemp("site")
    env = os.environ | {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    env.pop("CHAOSBENCH_DOCS_SYSTEMS", None)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_every_system_has_a_page_with_its_attractor_picture(site):
    index = (site / "catalogue" / "index.html").read_text()
    for name in chaosbench.list_systems():
        page = site / "catalogue" / name / "index.html"
        assert page.exists(), name
        html = page.read_text()
        assert f'src="../{name}.png"' in html, name
        picture = site / "catalogue" / f"{name}.png"
        assert picture.read_bytes().startswith(b"\x89PNG"), name
        assert f'href="{name}/"' in index, name
    lorenz = (site / "catalogue" / "Lorenz" / "index.html").read_text()
    for line in chaosbench.get_system("Lorenz").equations():
        assert line.split(" = ")[0] in lorenz


def test_roster_lists_every_forecaster_and_metric(site):
    roster = (site / "forecasters" / "index.html").read_text()
    for name in chaosbench.list_forecasters():
        assert f'id="{name}"' in roster, name
    metrics = (site / "metrics" / "index.html").read_text()
    for name in chaosbench.list_metrics():
        assert f'id="{name}"' in metrics, name


def test_roster_table_shows_the_shipped_lorenz_costs(site):
    """The roster's cost columns come from the shipped standard-protocol Lorenz run, which covers every forecaster
    that runs without external weights and agrees with its manifest."""
    import json

    run = ROOT / "results" / "examples" / "lorenz-standard"
    cells = pd.read_csv(run / "cells.csv").set_index("forecaster")
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["settings"]["preset"] == "standard" and list(manifest["settings"]["systems"]) == ["Lorenz"]
    assert sorted(manifest["settings"]["forecasters"]) == sorted(cells.index)
    not_run = {name for name in chaosbench.list_forecasters()
               if chaosbench.get_forecaster(name).tags.get("pretrained")}
    assert set(chaosbench.list_forecasters()) - not_run == set(cells.index)
    roster = (site / "forecasters" / "index.html").read_text()
    table = roster.split('id="roster"', 1)[1].split("</table>", 1)[0]
    rows = {re.search(r"<code>(\w+)</code>", row).group(1): row for row in table.split("<tr>")[2:]}
    assert set(rows) == set(chaosbench.list_forecasters())
    for name, cell in cells.iterrows():
        assert f"<td>{cell.fit_seconds:.3g}</td>" in rows[name] and f"<td>{cell.vpt_nrmse:.2f}</td>" in rows[name]


def test_api_page_documents_every_public_name(site):
    api = (site / "reference" / "api" / "index.html").read_text()
    for name in chaosbench.__all__:
        if name not in ("__version__", "exceptions"):
            assert f'id="chaosbench.{name}"' in api, name
    cli = (site / "reference" / "cli" / "index.html").read_text()
    for command in ("list systems", "info", "simulate", "lyapunov", "invariants", "run", "leaderboard", "report"):
        assert f"chaosbench {command}" in cli, command


def test_results_page_shows_the_shipped_leaderboard(site):
    results = (site / "results" / "index.html").read_text()
    board = pd.read_csv(ROOT / "results" / "examples" / "quick" / "leaderboard.csv")
    for forecaster, vpt in zip(board["forecaster"], board["vpt_nrmse_median"]):
        assert re.search(rf"<td>{re.escape(forecaster)}</td>\s*<td>{vpt:.4g}</td>", results), forecaster
    assert "chaosbench run --preset quick" in results


def test_readme_is_short_and_shows_the_two_commands():
    text = README.read_text()
    assert len(text.splitlines()) <= 200
    assert re.search(r"^make run\b", text, re.M) and re.search(r"^make test\b", text, re.M)


def test_readme_leaderboard_excerpt_matches_the_shipped_run():
    text = README.read_text()
    board = pd.read_csv(ROOT / "results" / "examples" / "quick" / "leaderboard.csv").set_index("forecaster")
    rows = re.findall(r"^\s+(\d+)\s+(\w+)\s+([\d.]+)\s", text.split("```text", 1)[1].split("```", 1)[0], re.M)
    assert rows
    for rank, forecaster, vpt in rows:
        assert board.loc[forecaster, "rank"] == int(rank)
        assert float(vpt) == pytest.approx(board.loc[forecaster, "vpt_nrmse_median"], rel=1e-3)


def test_readme_links_point_at_existing_docs():
    for target in re.findall(r"\]\((docs/[^)#]+)", README.read_text()):
        assert (ROOT / target).exists(), target


def test_readme_python_examples_run(tmp_path, monkeypatch):
    """Every ``python`` block of the README runs as shown, and the forecaster it declares passes the contract."""
    import chaosbench
    from chaosbench.testing import scoped_registries

    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    assert len(blocks) >= 3
    with scoped_registries():
        namespace: dict = {}
        for block in blocks:
            exec(compile(block, "README.md", "exec"), namespace)
        chaosbench.check_forecaster("drift")


def test_readme_and_home_page_count_the_registered_forecasters():
    import chaosbench

    for page in (README, ROOT / "docs" / "index.md"):
        assert re.search(r"(\d+) forecasters \(", page.read_text()).group(1) == str(len(chaosbench.list_forecasters()))
