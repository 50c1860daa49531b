"""Neural forecasters (``shplrnn``, ``alrnn``, ``transformer``, ``lstm``, ``rnn``, ``gru``, ``tcn``, ``node``): budgets,
determinism, the missing-torch error, the models' defining structure; one slow test of the issue's reconstruction
protocol."""

import json
import subprocess
import sys

import numpy as np
import pytest

import chaosbench
from chaosbench.exceptions import ChaosbenchError

torch = pytest.importorskip("torch")

from chaosbench.exceptions import MissingDependencyError  # noqa: E402
from chaosbench.forecasters.plrnn import SELECTION_STEPS, AlmostLinearRNN, ShallowPLRNN  # noqa: E402
from chaosbench.forecasters.transformer import PatchTransformer  # noqa: E402

QUIET = {"n_threads": 1, "verbose": False}  # one thread: tiny models are fastest, and the test machine is shared
TINY = {
    "shplrnn": {"n_hidden": 8, "sequence_length": 20, "batch_size": 4, "batches_per_epoch": 3} | QUIET,
    "alrnn": {"n_latent": 6, "n_relu": 2, "sequence_length": 20, "batch_size": 4, "batches_per_epoch": 3} | QUIET,
    "lstm": {"n_hidden": 8, "sequence_length": 20, "burn_in": 5, "batch_size": 4, "batches_per_epoch": 3} | QUIET,
    "rnn": {"n_hidden": 8, "sequence_length": 20, "burn_in": 5, "batch_size": 4, "batches_per_epoch": 3} | QUIET,
    "gru": {"n_hidden": 8, "sequence_length": 20, "burn_in": 5, "batch_size": 4, "batches_per_epoch": 3} | QUIET,
    "tcn": {"n_channels": 4, "n_blocks": 2, "sequence_length": 20, "batch_size": 4, "batches_per_epoch": 3} | QUIET,
    "node": {"n_hidden": 8, "n_layers": 1, "rollout_steps": 3, "batch_size": 4, "batches_per_epoch": 3} | QUIET,
    "transformer": {"lookback": 32, "output_length": 8, "patch_len": 8, "stride": 4, "d_model": 8, "n_heads": 2,
                    "n_layers": 1, "d_ff": 16, "batch_size": 8, "batches_per_epoch": 3} | QUIET,
}
NEURAL = sorted(TINY)


@pytest.fixture(scope="module")
def lorenz():
    return chaosbench.get_system("Lorenz").trajectory(600, pts_per_period=50, seed=1, standardize=True).x


@pytest.fixture(scope="module")
def duffing():
    """Standardized forced Duffing oscillator (dt = 2π/50), the sine and cosine of its forcing phase, and dt."""
    system = chaosbench.get_system("Duffing")
    trajectory = system.trajectory(2200, pts_per_period=50, seed=1, standardize=True)
    return trajectory.x, system.forcing_covariates(trajectory.t), trajectory.dt


def tiny(name, **params):
    return chaosbench.get_forecaster(name, **(TINY[name] | params))


def lorenz_protocol_data(n_context: int, horizon: int, n_test: int):
    """The issue-6 protocol's data: standardized Lorenz, dt = 0.01, 20,000 training points, seed 0."""
    pts = chaosbench.get_system("Lorenz").period / 0.01
    return chaosbench.Task("Lorenz", pts_per_period=pts, n_train=20_000, n_context=n_context, horizon=horizon,
                           n_test=n_test, n_validation=0, seed=0).generate()


@pytest.mark.parametrize("name", NEURAL)
def test_same_random_state_same_model_different_state_different_model(name, lorenz):
    train, context = lorenz[:500], lorenz[500:]
    a = tiny(name, max_epochs=2, random_state=5).fit(train, 0.02).predict(30, context=context)
    b = tiny(name, max_epochs=2, random_state=5).fit(train, 0.02).predict(30, context=context)
    c = tiny(name, max_epochs=2, random_state=6).fit(train, 0.02).predict(30, context=context)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


@pytest.mark.parametrize("name", NEURAL)
def test_max_epochs_is_respected_and_recorded(name, lorenz):
    model = tiny(name, max_epochs=3).fit(lorenz, 0.02)
    info = model.fit_info_
    assert info["epochs"] == 3 and info["steps"] == 3 * TINY[name]["batches_per_epoch"]
    assert info["stopped_by"] == "max_epochs" and np.isfinite(info["final_loss"])
    assert json.loads(json.dumps(info)) == info  # the runner stores it as JSON


@pytest.mark.parametrize("name", NEURAL)
def test_time_budget_stops_training(name, lorenz):
    tiny(name, max_epochs=1).fit(lorenz, 0.02)  # compiles the PLRNNs' numba kernels outside the budget
    model = tiny(name, max_epochs=10**6, time_budget_s=1.0).fit(lorenz, 0.02)
    info = model.fit_info_
    assert info["stopped_by"] == "time_budget"
    assert 1.0 <= info["seconds"] < 2.0  # the budget is checked after every optimiser step
    assert info["steps"] > 0
    assert np.isfinite(model.predict(20)).all()


def test_torch_settings_are_restored_and_threads_limited(lorenz):
    def settings():
        return (torch.get_num_threads(), torch.are_deterministic_algorithms_enabled(),
                torch.utils.deterministic.fill_uninitialized_memory)

    before, seen = settings(), []

    class Probe(ShallowPLRNN):
        def _train_batch(self, rng):
            seen.append((torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()))
            return super()._train_batch(rng)

    Probe(**TINY["shplrnn"], max_epochs=1).fit(lorenz, 0.02)
    assert set(seen) == {(1, True)}
    assert settings() == before


def test_non_finite_loss_stops_and_restores_the_last_complete_epoch(lorenz):
    class Exploding(AlmostLinearRNN):
        calls = 0

        def _train_batch(self, rng):
            Exploding.calls += 1
            loss = super()._train_batch(rng)
            return loss * float("nan") if Exploding.calls > 4 else loss

    model = Exploding(**TINY["alrnn"], max_epochs=5).fit(lorenz, 0.02)
    assert model.fit_info_["stopped_by"] == "non_finite_loss" and model.fit_info_["epochs"] == 1
    assert all(np.isfinite(w).all() for w in model.weights_.values())
    assert np.isfinite(model.predict(20)).all()


@pytest.mark.parametrize("name", ["shplrnn", "alrnn"])
def test_checkpoint_selection_by_free_run_statistics(name, lorenz):
    model = tiny(name, max_epochs=4, selection_interval=2).fit(lorenz, 0.02)
    info = model.fit_info_
    assert info["selected_epoch"] in (2, 4) and info["selection_score"] >= 0
    run = model.predict(SELECTION_STEPS, context=lorenz[:1])
    assert chaosbench.get_metric("d_stsp")(lorenz[1:], run) == pytest.approx(info["selection_score"])
    assert "selected_epoch" not in tiny(name, max_epochs=2, selection_interval=None).fit(lorenz, 0.02).fit_info_


def test_progress_bar_unless_silenced(lorenz, capsys):
    tiny("alrnn", max_epochs=2, verbose=True).fit(lorenz, 0.02)
    assert "alrnn epochs" in capsys.readouterr().err
    tiny("alrnn", max_epochs=2).fit(lorenz, 0.02)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("name", NEURAL)
def test_missing_torch_gives_a_clear_error(name, lorenz, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    with pytest.raises(MissingDependencyError, match=rf"forecaster '{name}' needs torch: "
                                                     r"pip install 'chaosbench\[neural\]'") as raised:
        tiny(name, max_epochs=1).fit(lorenz, 0.02)
    assert isinstance(raised.value, ChaosbenchError)


def test_the_registry_does_not_import_torch():
    code = ("import sys; sys.modules['torch'] = None; import chaosbench; "
            "names = chaosbench.list_forecasters(); "
            "assert {'shplrnn', 'alrnn', 'transformer', 'lstm'} <= set(names), names; "
            "from chaosbench._forecasting.forecaster import forecaster_class; "
            "assert forecaster_class('shplrnn').tags['requires'] == 'torch'; "
            "from chaosbench.forecasters import NeuralForecaster")  # public for third parties, without torch
    subprocess.run([sys.executable, "-c", code], check=True)


def test_gtf_alpha_from_the_jacobian_bound(lorenz):
    model = ShallowPLRNN(**TINY["shplrnn"], max_epochs=4).fit(lorenz, 0.02)
    trace = model.alpha_trace_
    assert len(trace) == len(range(0, 4 * 3, model.alpha_update_interval))  # updated every 5th of 12 steps
    assert ((trace >= 0) & (trace <= 1)).all() and model.fit_info_["alpha"] == trace[-1]
    # A linear model z -> 2z: every Jacobian has spectral norm 2, so alpha* = 1 - 1/2.
    with torch.no_grad():
        model.module_.A.fill_(2.0)
        model.module_.W1.zero_()
    model._alpha, model._alphas = None, []
    model._update_alpha(np.random.default_rng(0).standard_normal((2, 5, 3)))
    assert model._alpha == pytest.approx(0.5)
    # A smaller estimate is approached by exponential decay, a larger one is taken at once.
    with torch.no_grad():
        model.module_.A.fill_(0.5)
    model._update_alpha(np.random.default_rng(0).standard_normal((2, 5, 3)))
    assert model._alpha == pytest.approx(model.alpha_decay * 0.5)
    with torch.no_grad():
        model.module_.A.fill_(4.0)
    model._update_alpha(np.random.default_rng(0).standard_normal((2, 5, 3)))
    assert model._alpha == pytest.approx(0.75)


def test_shplrnn_latent_units_beyond_the_observed(lorenz):
    model = ShallowPLRNN(**TINY["shplrnn"], n_latent=5, max_epochs=1).fit(lorenz, 0.02)
    assert model.weights_["A"].shape == (5,) and model.weights_["L"].shape == (2, 3)
    assert model.predict(10, context=lorenz[:50]).shape == (10, 3)
    with pytest.raises(chaosbench.exceptions.InvalidParameterError, match="n_latent=2 is smaller"):
        ShallowPLRNN(n_latent=2).fit(lorenz, 0.02)


@pytest.mark.parametrize("cls", [ShallowPLRNN, AlmostLinearRNN])
@pytest.mark.parametrize("n_covariates", [0, 2])
def test_prediction_follows_the_torch_recurrence(cls, n_covariates, lorenz):
    covariates = np.random.default_rng(0).standard_normal((len(lorenz), n_covariates))
    model = cls(**TINY[cls.name], max_epochs=1).fit(lorenz, 0.02, covariates=covariates)
    with torch.no_grad():
        model.module_.C.normal_()  # inputs of weight one: a misaligned covariate row would show
    model._copy_weights()
    s = torch.from_numpy(covariates[:6])
    with torch.no_grad():
        z = model.module_.init_state(torch.from_numpy(lorenz[:1]))
        expected = [(z := model.module_.step(z, s[t:t + 1]))[0, :3].numpy() for t in range(1, 6)]
    np.testing.assert_allclose(model.predict(5, context=lorenz[:1], covariates=covariates[:6]), np.array(expected),
                               rtol=1e-10, atol=1e-12)


def _teacher_forced_loss(net, batch, inputs, force):
    """The training loss by PyTorch autograd, step by step: ``force(t, z_observed, x_t)`` gives the forced observed
    units."""
    x, s, n_obs = torch.from_numpy(batch), torch.from_numpy(inputs), net.n_obs
    z, predictions = net.init_state(x[:, 0]), []
    for t in range(1, x.shape[1]):
        z = net.step(z, s[:, t])
        predictions.append(z[:, :n_obs])
        z = torch.cat([force(t, z[:, :n_obs], x[:, t]), z[:, n_obs:]], dim=1)
    return torch.nn.functional.mse_loss(torch.stack(predictions, dim=1), x[:, 1:])


@pytest.mark.parametrize("model", ["shplrnn", "alrnn"])
@pytest.mark.parametrize("n_inputs", [0, 2])
def test_fused_kernels_give_the_autograd_loss_and_gradients(model, n_inputs):
    from chaosbench.forecasters import _neural_nets as nets
    from chaosbench.forecasters import _plrnn_kernels as kernels

    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    batch, inputs = rng.standard_normal((3, 13, 2)), rng.standard_normal((3, 13, n_inputs))
    if model == "shplrnn":
        net, alpha = nets.ShallowPLRNN(2, 5, 7, n_inputs).double(), 0.3
        params = [net.A, net.W1, net.W2, net.h1, net.h2, net.L, net.C]
        kernel = lambda *p: kernels.shplrnn_gtf(*p, batch, inputs, alpha)  # noqa: E731
        force = lambda t, z, x: torch.lerp(z, x, alpha)  # noqa: E731
    else:
        net = nets.AlmostLinearRNN(2, 5, 2, n_inputs).double()
        with torch.no_grad():
            net.W.normal_(0, 0.5)  # regions of both signs for the ReLUs
        params = [net.A, net.W, net.h, net.L, net.C]
        kernel = lambda *p: kernels.alrnn_sparse_tf(*p, batch, inputs, 2, 4)  # noqa: E731
        force = lambda t, z, x: x if t % 4 == 0 else z  # noqa: E731
    with torch.no_grad():
        net.C.normal_()  # initialised to zero
    fused = nets.KernelLoss.apply(kernel, *params)
    reference = _teacher_forced_loss(net, batch, inputs, force)
    assert fused.item() == pytest.approx(reference.item(), rel=1e-12)
    gradients = torch.autograd.grad(fused, params)
    for got, want in zip(gradients, torch.autograd.grad(reference, params)):
        torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-12)
    assert gradients[-1].shape == (5, n_inputs) and (n_inputs == 0 or gradients[-1].abs().min() > 0)


def test_alrnn_has_exactly_p_relu_units(lorenz):
    model = AlmostLinearRNN(**(TINY["alrnn"] | {"n_latent": 7, "n_relu": 3}), max_epochs=1)
    model.fit(lorenz, 0.02)
    z = -torch.arange(1.0, 8.0)
    phi = model.module_.phi(z)
    torch.testing.assert_close(phi[:4], z[:4])  # linear units pass negative values
    assert (phi[4:] == 0).all() and len(phi[4:]) == 3  # the last 3 are rectified
    with pytest.raises(chaosbench.exceptions.InvalidParameterError, match="n_relu=9 exceeds n_latent=7"):
        AlmostLinearRNN(n_latent=7, n_relu=9).fit(lorenz, 0.02)


def test_transformer_autoregression_and_short_contexts(lorenz):
    model = PatchTransformer(**TINY["transformer"], max_epochs=1).fit(lorenz, 0.02)
    long = model.predict(50, context=lorenz[:100])  # 7 passes of 8 steps
    np.testing.assert_array_equal(long[:8], model.predict(8, context=lorenz[:100]))
    assert np.isfinite(long).all()
    padded = np.concatenate([np.repeat(lorenz[:1], 22, axis=0), lorenz[:10]])
    np.testing.assert_array_equal(model.predict(8, context=lorenz[:10]), model.predict(8, context=padded))
    with pytest.raises(chaosbench.exceptions.InvalidParameterError,
                       match="needs at least 288 with these hyper-parameters"):
        PatchTransformer(**TINY["transformer"] | {"lookback": 256, "output_length": 32}).fit(lorenz[:287], 0.02)


@pytest.mark.parametrize("norm, norm_type, final_type", [("layer", torch.nn.LayerNorm, torch.nn.LayerNorm),
                                                        ("batch", torch.nn.BatchNorm1d, torch.nn.Identity)])
def test_transformer_normalisation_choice(norm, norm_type, final_type, lorenz):
    model = PatchTransformer(**TINY["transformer"], norm=norm, max_epochs=1).fit(lorenz, 0.02)
    layer = model.module_.layers[0]
    assert layer.pre_norm == (norm == "layer")
    assert type(layer.norm_attention) is norm_type and type(layer.norm_feed_forward) is norm_type
    assert type(model.module_.final_norm) is final_type
    assert np.isfinite(model.predict(20, context=lorenz[:100])).all()
    with pytest.raises(chaosbench.exceptions.InvalidParameterError, match="norm must be 'layer' or 'batch'"):
        PatchTransformer(**TINY["transformer"], norm="instance").fit(lorenz, 0.02)


def test_lstm_learns_short_term_dynamics(lorenz):
    """After two seconds of training (a short run, so a high final learning rate) the LSTM's 25-step forecasts beat
    persistence by a wide margin."""
    train, starts = lorenz[:450], range(460, 560, 20)
    model = tiny("lstm", n_hidden=32, batch_size=16, batches_per_epoch=20, max_epochs=30, learning_rate=1e-2,
                 final_learning_rate=1e-3).fit(train, 0.02)
    errors = {"lstm": [], "naive": []}
    for t in starts:
        truth = lorenz[t:t + 25]
        errors["lstm"].append(np.sqrt(np.mean((model.predict(25, context=lorenz[t - 100:t]) - truth) ** 2)))
        errors["naive"].append(np.sqrt(np.mean((lorenz[t - 1] - truth) ** 2)))
    assert np.median(errors["lstm"]) < 0.3 * np.median(errors["naive"]), errors


@pytest.mark.parametrize("name", NEURAL)
def test_no_covariates_and_zero_covariate_columns_give_the_same_model(name, lorenz):
    train, context = lorenz[:500], lorenz[500:]
    assert chaosbench.get_forecaster(name).tags["uses_covariates"]
    a = tiny(name, max_epochs=2).fit(train, 0.02).predict(30, context=context)
    b = (tiny(name, max_epochs=2).fit(train, 0.02, covariates=np.empty((500, 0)))
         .predict(30, context=context, covariates=np.empty((130, 0))))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", NEURAL)
def test_each_forecast_step_follows_its_own_and_earlier_covariates(name, duffing):
    x, covariates, dt = duffing
    model = tiny(name, max_epochs=2).fit(x[:500], dt, covariates=covariates[:500])
    context, known = x[500:550], covariates[500:580]  # 50 context rows, then 30 forecast steps
    forecast = model.predict(30, context=context, covariates=known)
    changed = known.copy()
    changed[50 + 10] = -changed[50 + 10]  # the covariates of forecast step 10
    other = model.predict(30, context=context, covariates=changed)
    np.testing.assert_array_equal(other[:10], forecast[:10])
    assert np.abs(other[10] - forecast[10]).min() > 1e-7
    # Without a context the forecast follows the training data, with the training covariates before its own.
    np.testing.assert_array_equal(model.predict(5, covariates=covariates[500:505]),
                                  model.predict(5, context=x[:500], covariates=covariates[:505]))


DUFFING = {  # small models that learn forced Duffing in a second or two
    "shplrnn": {"n_hidden": 32, "sequence_length": 25, "batch_size": 16, "max_epochs": 20, "selection_interval": None},
    "alrnn": {"n_latent": 8, "n_relu": 4, "forcing_interval": 8, "noise": 0.0, "sequence_length": 25, "batch_size": 16,
              "max_epochs": 20, "selection_interval": None},
    "lstm": {"n_hidden": 32, "sequence_length": 40, "burn_in": 10, "batch_size": 16, "max_epochs": 40},
    "rnn": {"n_hidden": 32, "sequence_length": 25, "burn_in": 5, "batch_size": 16, "max_epochs": 20},
    "gru": {"n_hidden": 32, "sequence_length": 25, "burn_in": 5, "batch_size": 16, "max_epochs": 20},
    "tcn": {"n_channels": 16, "n_blocks": 3, "sequence_length": 30, "batch_size": 16, "max_epochs": 20},
    "node": {"n_hidden": 32, "rollout_steps": 5, "batch_size": 16, "max_epochs": 20},
    "transformer": {"lookback": 32, "output_length": 8, "patch_len": 8, "stride": 4, "d_model": 16, "n_heads": 2,
                    "n_layers": 1, "d_ff": 32, "batch_size": 32, "max_epochs": 20},
}


@pytest.mark.parametrize("name", NEURAL)
def test_the_forcing_phase_improves_short_forecasts_of_forced_duffing(name, duffing):
    """Trained alike for a few hundred steps, with and without the sine and cosine of the forcing phase as
    covariates: median RMSE of 25-step forecasts from 50-point contexts at 14 starts after the training data."""
    x, covariates, dt = duffing
    params = {"batches_per_epoch": 20, "learning_rate": 1e-2, "final_learning_rate": 1e-3} | DUFFING[name] | QUIET
    starts, errors = range(1650, 2175, 40), {}
    for known in (None, covariates):
        model = chaosbench.get_forecaster(name, **params).fit(x[:1600], dt, None if known is None else known[:1600])
        errors[known is not None] = np.median([
            np.sqrt(np.mean((model.predict(25, context=x[t - 50:t], covariates=None if known is None
                                           else known[t - 50:t + 25]) - x[t:t + 25]) ** 2)) for t in starts])
    print(f"{name}: median RMSE {errors[True]:.3f} with the forcing phase, {errors[False]:.3f} without")
    assert errors[True] < 0.85 * errors[False], errors


@pytest.mark.slow
def test_shplrnn_reconstructs_lorenz_long_term_statistics():
    """Issue 6 protocol: standardized Lorenz, dt = 0.01, 20,000 training points, time_budget_s=240, a 20,000-step free
    run after a 500-point context on an independent stretch of the attractor. Training is bounded by 800 epochs
    instead of the clock, which this 2-core machine finishes within the budget (~180-210 s): a time budget also steers
    the learning-rate schedule, so with one the result would depend on the machine's load."""
    data = lorenz_protocol_data(n_context=500, horizon=20_000, n_test=1)
    model = ShallowPLRNN(max_epochs=800, random_state=0, **QUIET)
    model.fit(data.train, data.context["dt"])
    window = data.test[0]
    run = model.predict(20_000, context=window.context)
    d_stsp = chaosbench.get_metric("d_stsp")(window.target, run)
    d_h = chaosbench.get_metric("d_h")(window.target, run)
    print(f"shPLRNN-GTF: d_stsp={d_stsp:.3f} d_h={d_h:.4f} fit_info={model.fit_info_}")
    assert model.fit_info_["seconds"] <= 300  # the issue: "the whole fit ≤ 5 minutes"
    assert d_stsp <= 0.5 and d_h <= 0.15


@pytest.mark.slow
def test_transformer_forecasts_lorenz_for_a_lyapunov_time():
    """Issue 6 protocol for the transformer: standardized Lorenz, dt = 0.01, 20,000 training points, median
    ``vpt_nrmse`` over 5 test starts with 1,000-point contexts. Training is bounded by 160 epochs (8,000 steps, about
    what 240 s allow on one thread here) instead of the clock, so the result does not depend on the machine's load."""
    data = lorenz_protocol_data(n_context=1000, horizon=1500, n_test=5)
    model = PatchTransformer(max_epochs=160, random_state=0, **QUIET).fit(data.train, data.context["dt"])
    vpt = chaosbench.get_metric("vpt_nrmse")
    vpts = [vpt(w.target, model.predict(1500, context=w.context), context=data.context) for w in data.test]
    print(f"PatchTST: VPTs {np.round(vpts, 2)} fit_info={model.fit_info_}")
    assert model.fit_info_["seconds"] <= 300
    assert np.median(vpts) >= 1


# --- early stopping on validation windows ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def lorenz_task():
    return chaosbench.Task("Lorenz", pts_per_period=50, n_train=600, n_context=40, horizon=200, n_test=1,
                           n_validation=2, n_long=0, seed=3).generate()


def _fit(name, data, **params):
    return tiny(name, **params).fit(data.train, data.context["dt"], covariates=data.train_covariates,
                                    validation=data.validation)


def test_early_stopping_stops_after_patience_scorings_and_keeps_the_best(lorenz_task, monkeypatch):
    """With scripted validation scores the loop stops after ``patience`` scorings without improvement and restores
    the parameters of the best one (ties broken by the second score)."""
    from chaosbench.forecasters._neural import NeuralForecaster

    scores = iter([(-1.0, 9.0), (-3.0, 5.0), (-3.0, 4.0), (-2.0, 1.0), (-3.0, 4.0), (-9.0, 0.0)])
    states = []

    def scripted(self, torch, problems):
        states.append({k: v.clone() for k, v in self.module_.state_dict().items()})
        return next(scores)

    monkeypatch.setattr(NeuralForecaster, "_validation_score", scripted)
    model = _fit("node", lorenz_task, max_epochs=30, patience=2, validation_interval=2)
    info = model.fit_info_
    assert info["stopped_by"] == "early_stopping" and info["epochs"] == 10 and len(states) == 5
    assert info["selected_epoch"] == 6 and info["validation_valid_steps"] == 3.0
    for key, value in model.module_.state_dict().items():
        torch.testing.assert_close(value, states[2][key], rtol=0, atol=0)


@pytest.mark.parametrize("name", ["node", "shplrnn"])
def test_early_stopping_records_the_kept_parameters_score(name, lorenz_task):
    """The recorded validation score is that of the parameters kept: re-scoring the fitted model on the same
    validation problems (four 50-step forecasts from each of the two windows) gives it again."""
    from chaosbench.forecasters._neural import _validation_problems

    model = _fit(name, lorenz_task, max_epochs=6, patience=1, validation_interval=1, validation_steps=50)
    problems = _validation_problems(lorenz_task.validation, 50, lorenz_task.train.std(axis=0))
    assert len(problems) == 2 * 4
    valid, _ = model._validation_score(torch, problems)
    assert -valid == model.fit_info_["validation_valid_steps"]


def test_without_patience_or_windows_validation_changes_nothing(lorenz_task):
    """Validation windows without ``patience``, and ``patience`` without windows, train exactly as before."""
    data = lorenz_task
    plain = tiny("node", max_epochs=3).fit(data.train, data.context["dt"])
    with_windows = _fit("node", data, max_epochs=3)
    without_windows = tiny("node", max_epochs=3, patience=1, validation_interval=1).fit(data.train,
                                                                                      data.context["dt"])
    context = data.test[0].context
    expected = plain.predict(20, context=context)
    for model in (with_windows, without_windows):
        assert model.fit_info_["stopped_by"] == "max_epochs"
        np.testing.assert_array_equal(model.predict(20, context=context), expected)


def test_bad_validation_windows_are_one_line_errors(lorenz_task):
    data = lorenz_task
    with pytest.raises(ChaosbenchError, match=r"validation\[0\] must be a chaosbench.Window"):
        tiny("node").fit(data.train, data.context["dt"], validation=[data.train])
    window = data.validation[0]
    wrong = chaosbench.Window(window.context[:, :2], window.target, window.context_covariates,
                              window.target_covariates)
    with pytest.raises(ChaosbenchError, match=r"validation\[0\]\.context"):
        tiny("node").fit(data.train, data.context["dt"], validation=[wrong])


def test_a_run_early_stops_on_its_validation_windows(tmp_path):
    """``chaosbench run`` gives the task's validation windows to the forecaster: the cell's fit_info records the
    validation score."""
    results = chaosbench.run(systems=["Lorenz"], forecasters=["node"], n_train=300, horizon=50, n_context=20,
                             n_test=1, n_long=0, out=str(tmp_path / "run"), workers=1, quiet=True,
                             forecaster_params={"node": TINY["node"] | {"max_epochs": 4, "patience": 2,
                                                                        "validation_interval": 1,
                                                                        "validation_steps": 20}})
    info = json.loads(results.cells["fit_info"].iloc[0]) if isinstance(results.cells["fit_info"].iloc[0], str) \
        else results.cells["fit_info"].iloc[0]
    assert info["validation_valid_steps"] is not None and info["selected_epoch"] is not None


def test_tcn_streaming_forecast_equals_rerunning_the_network(duffing):
    """The cached step-by-step inference gives what re-running the network over its receptive field gives, with
    known inputs (forced Duffing), to float32 rounding."""
    x, covariates, dt = duffing
    model = tiny("tcn", max_epochs=2).fit(x[:1000], dt, covariates=covariates[:1000])
    context, n_steps = x[1000:1100], 40
    inputs_known = covariates[1000:1100 + n_steps]
    span = model.module_.receptive_field
    window = np.hstack([context, inputs_known[1:101]])[-span:].astype(np.float32)
    state, expected = context[-1].astype(float), []
    with torch.no_grad():
        for step in range(n_steps):
            state = state + model.module_(torch.from_numpy(window)[None])[0, -1].double().numpy() \
                * model.increment_scale_
            expected.append(state)
            if step + 1 < n_steps:
                step_input = np.concatenate([state, inputs_known[100 + step + 1]]).astype(np.float32)
                window = np.vstack([window, step_input[None]])[-span:]
    forecast = model.predict(n_steps, context=context, covariates=inputs_known)
    np.testing.assert_allclose(forecast, np.array(expected), rtol=0, atol=1e-5 * np.abs(x).max())


def test_a_subclass_written_before_device_and_early_stopping_still_fits(lorenz_task):
    """A NeuralForecaster subclass whose __init__ predates ``device`` and the early-stopping parameters trains on
    the CPU without early stopping, even when given validation windows."""
    from chaosbench.forecasters import NeuralForecaster

    class OldStyle(NeuralForecaster):
        name = "old_style"

        def __init__(self, batches_per_epoch=3, max_epochs=2, learning_rate=1e-3, final_learning_rate=1e-5,
                     time_budget_s=None, random_state=0, n_threads=1, verbose=False):
            self.batches_per_epoch, self.max_epochs = batches_per_epoch, max_epochs
            self.learning_rate, self.final_learning_rate = learning_rate, final_learning_rate
            self.time_budget_s, self.random_state = time_budget_s, random_state
            self.n_threads, self.verbose = n_threads, verbose

        def _build(self, train, covariates, rng):
            self.module_ = torch.nn.Linear(train.shape[1], train.shape[1])
            self._x = torch.from_numpy(train.astype(np.float32))
            return self.module_.parameters()

        def _train_batch(self, rng):
            return ((self._x[:-1] + self.module_(self._x[:-1]) - self._x[1:]) ** 2).mean()

        def _predict(self, n_steps, context, covariates):
            return np.repeat(context[-1:], n_steps, axis=0)

    data = lorenz_task
    model = OldStyle().fit(data.train, data.context["dt"], validation=data.validation)
    assert model.fit_info_["stopped_by"] == "max_epochs" and model.fit_info_["device"] == "cpu"
    assert "selected_epoch" not in model.fit_info_


def test_tcn_streaming_matches_the_network_at_every_step():
    """Cached inference equals the network run over the whole sequence (each layer zero-padded on the left) at
    every step, from a window shorter than the receptive field on: three blocks, weights of order one."""
    from chaosbench.forecasters._neural_nets import TemporalConvNet
    from chaosbench.forecasters.tcn import _StreamingTCN

    torch.manual_seed(0)
    network = TemporalConvNet(n_obs=3, n_inputs=2, n_channels=6, n_blocks=3, kernel_size=3, dropout=0.0).eval()
    with torch.no_grad():
        for parameter in network.parameters():
            parameter.normal_(0.0, 0.5)
        sequence = torch.randn(1, 80, 5)
        expected = network(sequence)[0].numpy()  # (time, n_obs)
        streaming = _StreamingTCN(network, sequence[:, :4])  # 4 < receptive field (29)
    outputs = [streaming.output()]
    for t in range(4, 80):
        streaming.push(sequence[0, t].numpy())
        outputs.append(streaming.output())
    np.testing.assert_allclose(np.array(outputs), expected[3:], rtol=1e-4, atol=1e-5 * np.abs(expected).max())


def test_node_numpy_forecast_equals_the_torch_rollout(duffing):
    """node's numpy inference takes the same RK4 steps as the torch rollout it trains with, with known inputs."""
    x, covariates, dt = duffing
    model = tiny("node", max_epochs=2).fit(x[:1000], dt, covariates=covariates[:1000])
    context, n_steps = x[1000:1100], 30
    inputs = covariates[1000:1100 + n_steps]
    z = torch.from_numpy(((context[-1] - model.loc_) / model.scale_).astype(np.float32))
    with torch.no_grad():
        rollout = model._rollout(z, torch.from_numpy(inputs[99:].astype(np.float32)), n_steps).double().numpy()
    np.testing.assert_allclose(model.predict(n_steps, context=context, covariates=inputs),
                               rollout * model.scale_ + model.loc_, rtol=1e-5, atol=1e-5)
