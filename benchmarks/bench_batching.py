"""Would training many cells of one neural forecaster together, with stacked weights, pay on this CPU?

Each neural forecaster is built with its default hyper-parameters on standardized Lorenz (dt = 0.01, as in
``bench_neural.py``) through its own ``fit`` (stopped before the training loop, so ``_build`` and the seeding are the
real ones), and its loss is its own ``_train_batch``. On one torch thread with deterministic algorithms, it measures

* **plain**: the forecaster's own loop, per optimiser step: ``fit`` for 3 epochs minus ``fit`` for 1 epoch (each the
  fastest of two), divided by the difference in steps (the loop's overheads included, the set-up excluded);
* **stacked**: K models of different seeds trained as one (``torch.func.stack_module_state`` + ``functional_call`` +
  ``vmap``, one RAdam over the stacked parameters), per model-step, at K = 1, 8, 32: the fastest of three blocks of
  ``--seconds`` / 3 after a warm-up step. Every model draws its own
  batches with its own generator: the tensors its ``_train_batch`` makes (``torch.from_numpy``) are recorded per
  model up to the network's first call, stacked, and fed to one vmapped ``_train_batch`` (whose own numpy work is
  thrown away: one extra batch preparation per stacked step, included in the time);
* for rnn/gru/lstm, the same with a **hand-written cell** (one matmul for the inputs of all steps, then the
  recurrence step by step) carrying the network's own weights, since ``vmap`` has no rule for ``aten::lstm`` and
  friends;
* **identity**: K = 8 models, one stacked step against each trained alone for one step (same seeds, same batches):
  bit-identical parameters or not, and the largest absolute difference.

shplrnn and alrnn compute their loss and gradients in numba kernels, outside autograd: not vmap-able.

Usage: python benchmarks/bench_batching.py [--quick] [--forecasters node tcn ...] [--seconds 3]
       [--output benchmarks/results/bench_batching.json]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import datetime
import functools
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

import chaosbench

VMAP_FORECASTERS = ["nbeats", "nhits", "dlinear", "nlinear", "tcn", "rnn", "gru", "lstm", "node", "transformer"]
NOT_VMAPPABLE = {name: "loss and gradients come from a fused numba kernel (forecasters/_plrnn_kernels.py) "
                       "through a custom autograd.Function, not from torch operations vmap can batch"
                 for name in ("shplrnn", "alrnn")}
RECURRENT = {"rnn", "gru", "lstm"}
STACK_SIZES = (1, 8, 32)
N_IDENTITY = 8
DEFAULT_OUTPUT = Path(__file__).parent / "results" / "bench_batching.json"


class _Built(Exception):
    """Raised in place of the training loop once ``fit`` has built the network."""


class _Recorded(Exception):
    """Raised at the network's first call once a batch's tensors are recorded."""


class _Proxy:
    """Stands in for a forecaster's ``module_``: calls ``call`` and reads attributes from ``module``."""

    def __init__(self, module, call):
        self._module, self._call = module, call

    def __call__(self, *args, **kwargs):
        return self._call(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._module, name)


def _raise_recorded(*args, **kwargs):
    raise _Recorded


@contextlib.contextmanager
def _from_numpy(torch, replace):
    """``torch.from_numpy(array)`` replaced by ``replace(original, array)``."""
    original = torch.from_numpy
    torch.from_numpy = lambda array: replace(original, array)
    try:
        yield
    finally:
        torch.from_numpy = original


def build(name, seed, train, dt, **params):
    """A forecaster fitted up to its training loop: ``module_`` built and seeded as ``fit`` does, with the loop's
    generator and optimiser kept as ``rng_`` and ``optimizer_``."""
    model = chaosbench.get_forecaster(name, random_state=seed, n_threads=1, verbose=False, **params)

    def stop(torch, optimizer, rng, *rest):
        model.rng_, model.optimizer_ = rng, optimizer
        raise _Built

    model._train = stop
    try:
        model.fit(train, dt)
    except _Built:
        pass
    return model


def plain_step(model):
    """One step of the forecaster's own loop (first step: the optimiser's initial learning rate)."""
    model.optimizer_.zero_grad(set_to_none=True)
    model._train_batch(model.rng_).backward()
    model.optimizer_.step()


def record_batch(torch, model):
    """The tensors ``model._train_batch`` makes from numpy before its network's first call."""
    tensors, module = [], model.module_
    with _from_numpy(torch, lambda original, array: tensors.append(original(array)) or tensors[-1]):
        model.module_ = _Proxy(module, _raise_recorded)
        try:
            model._train_batch(model.rng_)
        except _Recorded:
            pass
        finally:
            model.module_ = module
    return tensors


class Stacked:
    """K built forecasters of one kind trained as one: stacked parameters, a vmapped ``_train_batch``, one RAdam."""

    def __init__(self, torch, models):
        from torch.func import functional_call, stack_module_state, vmap

        self.torch, self.models = torch, models
        self.params, self.buffers = stack_module_state([m.module_ for m in models])
        lead = models[0]
        template = copy.deepcopy(lead.module_).to("meta")
        replay_rng = np.random.default_rng(0)

        def loss(params, buffers, batch):
            tensors = iter(batch)
            call = _Proxy(lead.module_, lambda *a, **k: functional_call(template, (params, buffers), a, k))
            module, lead.module_ = lead.module_, call
            try:
                with _from_numpy(torch, lambda original, array: next(tensors)):
                    return lead._train_batch(replay_rng)
            finally:
                lead.module_ = module

        self.loss = vmap(loss, randomness="different")
        self.optimizer = torch.optim.RAdam(list(self.params.values()), lr=float(lead.learning_rate), foreach=True)

    def step(self):
        batches = [record_batch(self.torch, m) for m in self.models]
        stacked = [self.torch.stack(parts) for parts in zip(*batches)]
        self.optimizer.zero_grad(set_to_none=True)
        self.loss(self.params, self.buffers, stacked).sum().backward()
        self.optimizer.step()


@functools.cache
def _hand_recurrent_class(torch):
    """The module class of :func:`hand_recurrent` (one class, so that its instances stack)."""
    nn = torch.nn

    class HandRecurrent(nn.Module):
        def __init__(self, step_recurrent):
            super().__init__()
            recurrent = step_recurrent.recurrent
            self.kind = {nn.RNN: "rnn", nn.GRU: "gru", nn.LSTM: "lstm"}[type(recurrent)]
            self.n_layers, self.n_hidden = recurrent.num_layers, recurrent.hidden_size
            self.head = copy.deepcopy(step_recurrent.head)
            self.names = [[f"{w}_l{layer}" for w in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
                          for layer in range(self.n_layers)]
            for name in sum(self.names, []):  # plain attributes: a ParameterList would detach functional_call's
                self.register_parameter(name, nn.Parameter(getattr(recurrent, name).detach().clone()))

        def forward(self, x):
            for layer in range(self.n_layers):
                w_ih, w_hh, b_ih, b_hh = (getattr(self, name) for name in self.names[layer])
                driven = x @ w_ih.T + b_ih
                h = c = x.new_zeros(x.shape[0], self.n_hidden)
                outputs = []
                for t in range(x.shape[1]):
                    fed = h @ w_hh.T + b_hh
                    if self.kind == "rnn":
                        h = torch.tanh(driven[:, t] + fed)
                    elif self.kind == "gru":
                        r, z, n = driven[:, t].chunk(3, -1)
                        hr, hz, hn = fed.chunk(3, -1)
                        r, z = torch.sigmoid(r + hr), torch.sigmoid(z + hz)
                        h = (1 - z) * torch.tanh(n + r * hn) + z * h
                    else:
                        i, f, g, o = (driven[:, t] + fed).chunk(4, -1)
                        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                        h = torch.sigmoid(o) * torch.tanh(c)
                    outputs.append(h)
                x = torch.stack(outputs, 1)
            return self.head(x), None

    return HandRecurrent


def hand_recurrent(torch, step_recurrent):
    """``step_recurrent`` (a ``StepRecurrent``) with its ``nn.RNN``/``GRU``/``LSTM`` replaced by a hand-written
    cell over the same weights: one matmul for all steps' inputs, then the recurrence step by step."""
    return _hand_recurrent_class(torch)(step_recurrent)


def _timed(step, seconds, blocks=3):
    """Seconds per call of ``step`` after one warm-up call: the fastest of ``blocks`` blocks of at least one call
    and ``seconds / blocks`` seconds each (the minimum resists load from other jobs on a shared machine)."""
    step()
    best = float("inf")
    for _ in range(blocks):
        start, n = time.perf_counter(), 0
        while n < 1 or time.perf_counter() - start < seconds / blocks:
            step()
            n += 1
        best = min(best, (time.perf_counter() - start) / n)
    return best


def plain_ms(name, train, dt, batches_per_epoch, repeats=2):
    """The forecaster's own loop, ms per step: fit(3 epochs) - fit(1 epoch), each the fastest of ``repeats``,
    over the steps in between."""
    seconds, steps = {}, {}
    for epochs in (1, 3):
        for _ in range(repeats):
            model = chaosbench.get_forecaster(name, max_epochs=epochs, batches_per_epoch=batches_per_epoch,
                                              random_state=0, n_threads=1, verbose=False)
            start = time.perf_counter()
            model.fit(train, dt)
            seconds[epochs] = min(seconds.get(epochs, float("inf")), time.perf_counter() - start)
            steps[epochs] = model.fit_info_["steps"]
    return 1000 * (seconds[3] - seconds[1]) / (steps[3] - steps[1])


def stacked_ms(torch, name, train, dt, sizes, seconds, swap=None):
    """Per model-step ms of K stacked models for each K in ``sizes`` (an error message where it fails)."""
    out = {}
    for k in sizes:
        models = [build_swapped(torch, name, seed, train, dt, swap) for seed in range(k)]
        try:
            stacked = Stacked(torch, models)
            out[str(k)] = round(1000 * _timed(stacked.step, seconds) / k, 3)
        except Exception as error:  # noqa: BLE001 - the benchmark reports why vmap fails
            out[str(k)] = f"{type(error).__name__}: {str(error).splitlines()[0][:160]}"
    return out


def build_swapped(torch, name, seed, train, dt, swap=None):
    """:func:`build`, then the network replaced by ``swap(torch, module_)`` (with a new optimiser) if given."""
    model = build(name, seed, train, dt)
    if swap is not None:
        model.module_ = swap(torch, model.module_)
        model.optimizer_ = torch.optim.RAdam(model.module_.parameters(), lr=float(model.learning_rate), foreach=True)
    return model


def identity(torch, name, train, dt, k, swap=None):
    """One stacked step of k models against each trained alone: (bit-identical, largest absolute difference)."""
    stacked = Stacked(torch, [build_swapped(torch, name, seed, train, dt, swap) for seed in range(k)])
    stacked.step()
    worst = 0.0
    for seed in range(k):
        alone = build_swapped(torch, name, seed, train, dt, swap)
        plain_step(alone)
        for key, value in alone.module_.named_parameters():
            if value.numel():  # an input layer for zero covariates is empty
                worst = max(worst, float((stacked.params[key][seed].detach() - value.detach()).abs().max()))
    return worst == 0.0, worst


def hand_cell_error(torch, name, train, dt):
    """Largest |hand-written cell - nn module| over one training batch's outputs (a check of the cell)."""
    model = build(name, 0, train, dt)
    inputs = next(t for t in reversed(record_batch(torch, model)))
    with torch.no_grad():
        return float((hand_recurrent(torch, model.module_)(inputs)[0] - model.module_(inputs)[0]).abs().max())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--forecasters", nargs="+", default=VMAP_FORECASTERS + list(NOT_VMAPPABLE))
    parser.add_argument("--quick", action="store_true", help="smoke run: K = 1 and 4, short timings")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each stacked timing (three blocks)")
    parser.add_argument("--output", type=Path, default=None,
                        help="JSON file (default benchmarks/results/bench_batching.json; --quick writes none unless "
                             "given)")
    args = parser.parse_args(argv)
    sizes, seconds, batches_per_epoch = ((1, 4), 0.3, 5) if args.quick else (STACK_SIZES, args.seconds, None)
    n_identity = 2 if args.quick else N_IDENTITY
    output = args.output or (None if args.quick else DEFAULT_OUTPUT)

    import torch

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.utils.deterministic.fill_uninitialized_memory = False
    pts = chaosbench.get_system("Lorenz").period / 0.01
    data = chaosbench.Task("Lorenz", pts_per_period=pts, n_train=5_000, n_context=500, horizon=100, n_test=1,
                           n_validation=0, seed=0).generate()
    train, dt = data.train, data.context["dt"]
    train = (train - train.mean(axis=0)) / train.std(axis=0)
    bpe = {} if batches_per_epoch is None else {"batches_per_epoch": batches_per_epoch}

    results = {}
    print("ms per optimiser step of one model, 1 torch thread; stacked = vmap over K models, per model-step")
    print(f"{'forecaster':<12}{'plain':>8}" + "".join(f"{'K=' + str(k):>9}" for k in sizes)
          + f"{'best ratio':>11}  identical (max |diff|)")
    for name in args.forecasters:
        if name in NOT_VMAPPABLE:
            results[name] = {"vmap": False, "reason": NOT_VMAPPABLE[name]}
            print(f"{name:<12}  not vmap-able: {NOT_VMAPPABLE[name]}", flush=True)
            continue
        row = {"plain_ms": round(plain_ms(name, train, dt, bpe.get("batches_per_epoch", 50)), 3),
               "stacked_ms": stacked_ms(torch, name, train, dt, sizes, seconds)}
        timed = [v for v in row["stacked_ms"].values() if isinstance(v, float)]
        row["best_ratio"] = round(row["plain_ms"] / min(timed), 2) if timed else None
        if timed:
            same, worst = identity(torch, name, train, dt, n_identity)
            row |= {"identical": same, "max_abs_diff": worst}
        cells = "".join(f"{v:>9.2f}" if isinstance(v, float) else f"{'fails':>9}" for v in row["stacked_ms"].values())
        ratio = f"{row['best_ratio']:>10.2f}x" if row["best_ratio"] else f"{'-':>11}"
        same = f"  {'yes' if row['identical'] else 'no'} ({row['max_abs_diff']:.1e})" if timed else ""
        print(f"{name:<12}{row['plain_ms']:>8.2f}{cells}{ratio}{same}", flush=True)
        for error in dict.fromkeys(v for v in row["stacked_ms"].values() if not isinstance(v, float)):
            print(f"{'':<12}  {error}")
        if name in RECURRENT:
            hand = {"stacked_ms": stacked_ms(torch, name, train, dt, sizes, seconds, swap=hand_recurrent),
                    "max_abs_output_diff_vs_nn": hand_cell_error(torch, name, train, dt)}
            timed = [v for v in hand["stacked_ms"].values() if isinstance(v, float)]
            hand["best_ratio_vs_plain"] = round(row["plain_ms"] / min(timed), 2) if timed else None
            if timed:
                same, worst = identity(torch, name, train, dt, n_identity, swap=hand_recurrent)
                hand |= {"identical": same, "max_abs_diff": worst}
            row["hand_cell"] = hand
            cells = "".join(f"{v:>9.2f}" if isinstance(v, float) else f"{'fails':>9}"
                            for v in hand["stacked_ms"].values())
            ratio = f"{hand['best_ratio_vs_plain']:>10.2f}x" if timed else f"{'-':>11}"
            same = f"  {'yes' if hand['identical'] else 'no'} ({hand['max_abs_diff']:.1e})" if timed else ""
            print(f"{'  hand cell':<12}{'':>8}{cells}{ratio}{same}", flush=True)
        results[name] = row

    record = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                          "cpu_count": os.cpu_count(), "load_average_1_5_15": os.getloadavg()},
              "torch": torch.__version__, "torch_threads": torch.get_num_threads(), "quick": args.quick,
              "data": "Lorenz, dt=0.01, 5,000 training points, standardized", "stack_sizes": list(sizes),
              "identity_models": n_identity, "seconds_per_timing": seconds, "timing": "fastest of 3 blocks; plain: fastest of 2 fits", "results": results}
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(record, indent=1) + "\n")
        print(f"wrote {output}")



if __name__ == "__main__":
    main()
