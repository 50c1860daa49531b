"""Sequence forecasters ``rnn``, ``gru``, ``lstm``, ``tcn`` and ``node``: the RK4 step's order, the neural ODE
recovering a linear vector field, the TCN's causal receptive field, forecasts that follow the trained network, and
each model beating persistence on a short Lorenz task."""

import numpy as np
import pytest
import scipy.linalg

import chaosbench

torch = pytest.importorskip("torch")

from chaosbench.forecasters._neural_nets import StepRecurrent, TemporalConvNet, rk4_step  # noqa: E402

QUIET = {"n_threads": 1, "verbose": False}


def test_rk4_step_converges_at_fourth_order():
    """x' = A x integrated to t = 1: halving the step divides the error by 2⁴."""
    a = torch.tensor([[-0.1, 2.0], [-2.0, -0.1]], dtype=torch.float64)
    x0 = torch.tensor([1.0, 0.5], dtype=torch.float64)
    exact = torch.from_numpy(scipy.linalg.expm(a.numpy()) @ x0.numpy())
    none = torch.empty(0, dtype=torch.float64)
    errors = []
    for n_steps in (10, 20, 40):
        x = x0
        for _ in range(n_steps):
            x = rk4_step(lambda z, s: a @ z, x, 1.0 / n_steps, none, none, none)
        errors.append(float(torch.linalg.norm(x - exact)))
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    assert np.all((ratios > 14) & (ratios < 18)), ratios


def test_rk4_step_reads_the_inputs_at_start_midpoint_and_end():
    """x' = s(t) with s cubic in t is integrated exactly (Simpson's rule) from s at the step's start, midpoint and
    end."""
    s = lambda t: torch.tensor([t**3 - t, 2.0 * t])  # noqa: E731
    h, t0 = 0.5, 1.0
    x = rk4_step(lambda z, inputs: inputs, torch.zeros(2), h, s(t0), s(t0 + h / 2), s(t0 + h))
    antiderivative = lambda t: np.array([t**4 / 4 - t**2 / 2, t**2])  # noqa: E731
    np.testing.assert_allclose(x.numpy(), antiderivative(t0 + h) - antiderivative(t0), rtol=1e-6)


def test_node_recovers_a_linear_vector_field():
    """Trained on one slowly decaying spiral of x' = A x (1,500 optimiser steps, ~6 s), the neural ODE forecasts another
    start of the same system for a quarter turn at least 10 times more accurately than persistence (max error)."""
    a = np.array([[-0.05, 1.0], [-1.0, -0.05]])
    dt = 0.05
    step = scipy.linalg.expm(a * dt)

    def trajectory(x0, n):
        out = [np.asarray(x0, dtype=float)]
        for _ in range(n - 1):
            out.append(step @ out[-1])
        return np.array(out)

    train = trajectory([2.0, 0.0], 600)  # radius 2 decaying to 0.45
    model = chaosbench.get_forecaster("node", n_hidden=32, n_layers=1, rollout_steps=5, batch_size=32,
                                      batches_per_epoch=50, max_epochs=30, learning_rate=1e-2,
                                      final_learning_rate=1e-4, **QUIET).fit(train, dt)
    truth = trajectory([0.0, -1.2], 32)
    forecast = model.predict(31, context=truth[:1])
    error = np.abs(forecast - truth[1:]).max()
    assert error < 0.1 * np.abs(truth[1:] - truth[0]).max(), error


def test_tcn_output_sees_exactly_its_receptive_field():
    torch.manual_seed(0)
    net = TemporalConvNet(n_obs=2, n_inputs=1, n_channels=8, n_blocks=3, kernel_size=3, dropout=0.0).eval()
    with torch.no_grad():
        for p in net.parameters():
            p.normal_()  # weights of order one: a changed input moves the outputs it reaches by order one
    span = net.receptive_field
    assert span == 1 + 2 * 2 * (1 + 2 + 4)
    x = torch.randn(1, 60, 3)
    with torch.no_grad():
        base = net(x)[0]
        for changed_step, first_affected in ((50, 50), (59 - span + 1, 59)):
            y = x.clone()
            y[0, changed_step] += 1.0
            out = net(y)[0]
            assert torch.equal(out[:changed_step], base[:changed_step])  # causal: nothing earlier moves
            assert (out[first_affected] != base[first_affected]).any()
        y = x.clone()
        y[0, 59 - span] += 1.0  # just outside the last output's receptive field
        assert torch.equal(net(y)[0, 59], base[59])


def test_tcn_scores_only_outputs_that_see_a_full_receptive_field():
    """A training window has receptive_field - 1 leading steps of history before the ``sequence_length`` scored
    ones; the outputs at those steps, which see zero padding, do not enter the loss."""
    lorenz = chaosbench.get_system("Lorenz").trajectory(300, pts_per_period=50, seed=1, standardize=True).x
    params = {"n_channels": 4, "n_blocks": 2, "sequence_length": 8, "batch_size": 3, "max_epochs": 1,
              "batches_per_epoch": 1}
    model = chaosbench.get_forecaster("tcn", **params, **QUIET).fit(lorenz, 0.02)
    model._build(lorenz, np.empty((len(lorenz), 0)), np.random.default_rng(0))
    network, history = model.module_, model.module_.receptive_field - 1
    lengths = []

    class Spoiled(torch.nn.Module):
        """The network with its outputs at the unscored steps moved far off."""
        receptive_field = network.receptive_field

        def forward(self, x):
            lengths.append(x.shape[1])
            out = network(x).clone()
            out[:, :history] += 100.0
            return out

    losses = []
    for module in (network, Spoiled()):
        model.module_ = module
        with torch.no_grad():
            losses.append(float(model._train_batch(np.random.default_rng(1))))
    assert lengths == [history + 8]
    assert losses[0] == losses[1] < 100.0


@pytest.mark.parametrize("name", ["rnn", "gru", "lstm", "tcn"])
def test_forecast_steps_are_the_network_fed_its_own_predictions(name):
    """Each forecast step adds the network's read-out (in units of the increment scale) at the previous state; a
    full pass of the network over the context followed by the forecast reproduces the forecast."""
    lorenz = chaosbench.get_system("Lorenz").trajectory(300, pts_per_period=50, seed=1, standardize=True).x
    params = type(chaosbench.get_forecaster(name)).get_test_params() | {"max_epochs": 1}
    model = chaosbench.get_forecaster(name, **params).fit(lorenz[:200], 0.02)
    context = lorenz[200:260]
    forecast = model.predict(8, context=context)
    series = np.vstack([context, forecast[:-1]]).astype(np.float32)
    with torch.no_grad():
        readout = model.module_(torch.from_numpy(series)[None])
    readout = (readout[0] if isinstance(readout, tuple) else readout)[0].double().numpy()
    expected = series[-8:] + readout[-8:] * model.increment_scale_
    np.testing.assert_allclose(forecast, expected, rtol=1e-5, atol=1e-5)


def test_recurrent_forecasters_differ_only_in_the_cell():
    for name, module in (("rnn", torch.nn.RNN), ("gru", torch.nn.GRU), ("lstm", torch.nn.LSTM)):
        cls = type(chaosbench.get_forecaster(name))
        assert cls.cell == name and StepRecurrent.CELLS[name] is module
        assert cls.tags["family"] == "deep" and cls.tags["requires"] == "torch"


@pytest.mark.parametrize("name", ["rnn", "gru", "tcn", "node"])
def test_beats_persistence_on_a_short_lorenz_task(name):
    """Task defaults (Lorenz, 1,000 training points, 100-point contexts, 200-step forecasts, 5 test windows); a short
    training run (3-5 s per model on one core); median valid prediction time (``vpt_nrmse``,
    Lyapunov times) over the test windows, at least twice persistence's."""
    data = chaosbench.Task("Lorenz", **chaosbench.Task.defaults()).generate()
    vpt = chaosbench.get_metric("vpt_nrmse")
    budget = {"max_epochs": 20, "batches_per_epoch": 20, "learning_rate": 1e-2, "final_learning_rate": 1e-3}
    scores = {}
    for model_name, params in ((name, budget | QUIET), ("naive", {})):
        model = chaosbench.get_forecaster(model_name, **params).fit(data.train, data.context["dt"])
        scores[model_name] = np.median([vpt(w.target, model.predict(len(w.target), context=w.context),
                                            context=data.context) for w in data.test])
    assert scores[name] > 2 * scores["naive"], scores
