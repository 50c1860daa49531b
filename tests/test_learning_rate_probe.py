"""The standard preset's learning rates are those its stated rule picks from the shipped probe runs."""

import importlib.util
import json
from pathlib import Path

import pytest

from chaosbench._bench.config import STANDARD_LEARNING_RATES, make_config, neural_budget
from chaosbench._forecasting.forecaster import forecaster_class

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "learning_rate_probe.py"
spec = importlib.util.spec_from_file_location("learning_rate_probe", SCRIPT)
probe = importlib.util.module_from_spec(spec)
spec.loader.exec_module(probe)


def test_the_rule_applied_to_the_shipped_probe_gives_the_standard_presets_learning_rates():
    chosen = probe.choose_multiples(probe.probe_scores())
    assert set(chosen) == set(probe.NEURAL)
    assert chosen == {name: STANDARD_LEARNING_RATES.get(name, 1.0) for name in probe.NEURAL}


@pytest.mark.parametrize("path", sorted(probe.PROBE.glob("x*")), ids=lambda p: p.name)
def test_each_shipped_probe_run_is_the_standard_preset_on_unscored_seeds_at_its_multiple(path):
    settings = json.loads((path / "manifest.json").read_text())["settings"]
    multiple = float(path.name[1:])
    assert settings["systems"] == list(probe.SYSTEMS) and settings["seeds"] == list(probe.SEEDS)
    assert set(settings["seeds"]).isdisjoint(make_config("standard").seeds)
    for name, params in settings["forecaster_params"].items():
        default = forecaster_class(name)().learning_rate
        assert params["learning_rate"] == pytest.approx(multiple * default, rel=1e-5), name
        schedule = {k: v for k, v in neural_budget("standard", name).items() if k != "learning_rate"}
        assert {k: params[k] for k in schedule} == schedule, name  # the standard preset's epochs and stopping


def test_the_probe_command_sets_each_learning_rate_to_its_multiple_of_the_default(tmp_path):
    command = probe.probe_command(30, ["gru", "nbeats"], tmp_path / "x30")
    assert command[1:4] == ["run", "--preset", "standard"]
    assert "gru.learning_rate=0.09" in command and "nbeats.learning_rate=0.03" in command
    assert command[command.index("--seeds") + 1] == "1,2"


def test_choose_multiples_takes_the_smallest_within_the_margin():
    scores = probe.pd.DataFrame({"forecaster": ["a"] * 3 + ["b"] * 2, "multiple": [1.0, 3.0, 10.0, 1.0, 3.0],
                                 "median": [0.5, 0.95, 1.0, 0.4, 0.2]})
    assert probe.choose_multiples(scores) == {"a": 3.0, "b": 1.0}
    assert probe.choose_multiples(scores, margin=0.0) == {"a": 10.0, "b": 1.0}
