"""Symbolic tracing of declared equations and generation of compiled right-hand sides and Jacobians.

A system is declared as a plain Python function. To compile it once, cache it on disk and differentiate it exactly,
chaosbench calls that function a single time with sympy symbols instead of numbers (numpy and math functions are
swapped for their sympy counterparts while tracing), differentiates the resulting expressions, and writes a small
Python module for each of two functions, generated and compiled by numba on first use, with fixed explicit
signatures:

``rhs(t, u, p, du)``  writes du/dt into ``du``;
``jac(t, u, p, J)``   writes the Jacobian d(du/dt)/du into ``J``.

The module's file name contains a hash of its source, so numba's on-disk cache is valid exactly as long as the
equations are unchanged, and every integrator (compiled once) can call any system through a first-class function.
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import math
import os
import re
import sys
import tempfile
import types
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .._core.provenance import __version__
from ..exceptions import SystemDefinitionError

CODEGEN_VERSION = 4  # bump whenever generate_source changes, so that cached modules are regenerated
RHS_SIGNATURE = "void(float64, float64[::1], float64[::1], float64[::1])"
JAC_SIGNATURE = "void(float64, float64[::1], float64[::1], float64[:, ::1])"


@dataclass
class Traced:
    """Equations of one system as sympy expressions, in its own variable and parameter names; the Jacobian is
    derived (or the analytic one traced) on first access."""

    states: tuple  # sympy Symbols, one per state variable (for a delay equation: current, then delayed)
    params: tuple  # sympy Symbols, one per parameter entry
    time: object  # sympy Symbol for t
    rhs: tuple  # expressions for du/dt
    _jacobian: object = field(repr=False)  # () -> rows of expressions for d(du/dt)/d(states)
    _jac: tuple | None = field(default=None, repr=False)

    @property
    def jac(self) -> tuple:
        if self._jac is None:
            self._jac = self._jacobian()
        return self._jac


def _sympy_namespace():
    """A stand-in for ``numpy``/``math`` whose functions accept sympy expressions (and object arrays of them)."""
    import sympy as sp

    def elementwise(fn):
        def apply(*args):
            if any(isinstance(a, np.ndarray) for a in args):
                return np.vectorize(fn, otypes=[object])(*args)
            return fn(*args)

        return apply

    def heaviside(x, h0=0.5):
        return sp.Piecewise((0, x < 0), (h0, sp.Eq(x, 0)), (1, True))

    def where(cond, a, b):
        return sp.Piecewise((a, cond), (b, True))

    scalar = {
        "sin": sp.sin, "cos": sp.cos, "tan": sp.tan,
        "arcsin": sp.asin, "arccos": sp.acos, "arctan": sp.atan, "arctan2": sp.atan2,
        "asin": sp.asin, "acos": sp.acos, "atan": sp.atan, "atan2": sp.atan2,
        "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh,
        "arcsinh": sp.asinh, "arccosh": sp.acosh, "arctanh": sp.atanh,
        "asinh": sp.asinh, "acosh": sp.acosh, "atanh": sp.atanh,
        "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt, "cbrt": sp.cbrt,
        "abs": sp.Abs, "fabs": sp.Abs, "absolute": sp.Abs, "sign": sp.sign,
        "floor": sp.floor, "ceil": sp.ceiling,
        "minimum": sp.Min, "maximum": sp.Max, "fmin": sp.Min, "fmax": sp.Max,
        "heaviside": heaviside, "where": where, "power": sp.Pow, "square": lambda x: x**2,
    }
    ns = types.SimpleNamespace(**{k: elementwise(v) for k, v in scalar.items()})
    ns.pi, ns.e = sp.pi, sp.E

    class Namespace(types.SimpleNamespace):
        def __getattr__(self, attr):  # anything else (array, roll, zeros, ...) is plain numpy
            return getattr(np, attr)

    return Namespace(**vars(ns)), {"min": sp.Min, "max": sp.Max}


def _with_symbolic_globals(fn):
    """Return a copy of ``fn`` whose numpy/math references (modules or imported functions) accept sympy input."""
    ns, builtin_overrides = _sympy_namespace()
    by_identity = {}
    for module in (np, math):
        for attr in dir(module):
            if attr in vars(ns):
                by_identity[id(getattr(module, attr))] = getattr(ns, attr)
    new_globals = dict(fn.__globals__)
    for key, value in fn.__globals__.items():
        if value is np or value is math:
            new_globals[key] = ns
        elif id(value) in by_identity and callable(value):
            new_globals[key] = by_identity[id(value)]
    for key, value in builtin_overrides.items():  # builtin min/max cannot compare symbols
        new_globals.setdefault(key, value)
    copy = types.FunctionType(fn.__code__, new_globals, fn.__name__, fn.__defaults__, fn.__closure__)
    copy.__kwdefaults__ = fn.__kwdefaults__
    return copy


def _call_symbolically(fn, name, states, params, time, param_values, vector, nonautonomous):
    import sympy as sp

    kwargs = dict(param_values)
    if nonautonomous:
        kwargs["t"] = time
    args = (np.array(states, dtype=object),) if vector else tuple(states)
    try:
        out = _with_symbolic_globals(fn)(*args, **kwargs)
        return [sp.sympify(v) for v in np.asarray(out, dtype=object).ravel()], np.shape(out)
    except Exception as exc:  # any failure here means the function cannot be traced
        raise SystemDefinitionError(
            f"{name}: cannot trace {fn.__name__}() symbolically ({type(exc).__name__}: {exc}). Write branches "
            "with np.where/np.heaviside/min/max/abs instead of if-statements, and use numpy or math functions."
        ) from None


def trace(fn, *, name, state_names, param_shapes, vector, nonautonomous, jac_fn=None, n_outputs=None) -> Traced:
    """Trace ``fn`` (and an optional analytic ``jac_fn``) into sympy expressions and differentiate if needed.

    ``param_shapes`` maps each parameter name to its shape: ``()`` for a number, else the array's shape, whose
    entries become symbols ``name_0, name_1, ...`` in row-major order. ``n_outputs`` (default: one per state
    name) is smaller for delay equations, whose arguments are the current and then the delayed state.
    """
    import sympy as sp

    dim = len(state_names) if n_outputs is None else n_outputs
    states = tuple(sp.Symbol(s, real=True) for s in state_names)
    param_values, params = {}, []
    for key, shape in param_shapes.items():
        if shape == ():
            param_values[key] = sp.Symbol(key, real=True)
            params.append(param_values[key])
        else:
            flat = [sp.Symbol(f"{key}_{i}", real=True) for i in range(int(np.prod(shape)))]
            param_values[key] = np.array(flat, dtype=object).reshape(shape)
            params.extend(flat)
    params = tuple(params)
    time = sp.Symbol("t", real=True)
    call = dict(name=name, states=states, params=params, time=time, param_values=param_values,
                vector=vector, nonautonomous=nonautonomous)
    rhs, shape = _call_symbolically(fn, **call)
    if len(rhs) != dim:
        raise SystemDefinitionError(f"{name}: the equations return {len(rhs)} derivatives for {dim} state variables")
    known = set(states) | set(params) | {time}

    def check_symbols(exprs):
        for expr in exprs:
            unknown = expr.free_symbols - known
            if unknown:
                raise SystemDefinitionError(f"{name}: equations use undeclared symbols {sorted(map(str, unknown))}")

    check_symbols(rhs)

    def jacobian():
        n_in = len(states)
        if jac_fn is None:
            jac = [[sp.diff(f, s) for s in states] for f in rhs]
        else:
            flat, shape = _call_symbolically(jac_fn, **call)
            if len(flat) != dim * n_in:
                raise SystemDefinitionError(f"{name}: the Jacobian has shape {shape}, expected ({dim}, {n_in})")
            jac = [flat[i * n_in:(i + 1) * n_in] for i in range(dim)]
        # Derivatives of abs/heaviside/max produce DiracDelta terms that vanish almost everywhere.
        jac = tuple(tuple(sp.sympify(e).replace(sp.DiracDelta, lambda *a: sp.S.Zero) for e in row) for row in jac)
        check_symbols([e for row in jac for e in row])
        return jac

    return Traced(states, params, time, tuple(rhs), jacobian)


def _printer():
    from sympy.printing.pycode import PythonCodePrinter

    class ExactFloatPrinter(PythonCodePrinter):
        def _print_Float(self, expr):  # the default prints 15 digits and loses the last bits of a double
            return repr(float(expr))

    return ExactFloatPrinter({"fully_qualified_modules": True, "standard": "python3"})


def _assignments(exprs, targets, printer, indent="    "):
    """Common-subexpression-eliminated assignments of ``exprs`` to the target strings."""
    import sympy as sp

    temps = sp.numbered_symbols("_c")
    replacements, reduced = sp.cse(list(exprs), symbols=temps, optimizations="basic")
    lines = [f"{indent}{sym} = {printer.doprint(val)}" for sym, val in replacements]
    lines += [f"{indent}{target} = {printer.doprint(e)}" for target, e in zip(targets, reduced)]
    return lines


def generate_source(traced: Traced, name: str, kind: str) -> str:
    """Source of a module defining the function ``kind`` (``"rhs"`` or ``"jac"``) of a traced system."""
    import sympy as sp

    dim = len(traced.states)
    u = [sp.Symbol(f"_u{i}", real=True) for i in range(dim)]
    p = [sp.Symbol(f"_p{j}", real=True) for j in range(len(traced.params))]
    rename = dict(zip(traced.states, u)) | dict(zip(traced.params, p)) | {traced.time: sp.Symbol("t", real=True)}
    printer = _printer()
    prologue = [f"    _u{i} = u[{i}]" for i in range(dim)] + [f"    _p{j} = p[{j}]" for j in range(len(p))]
    header = [f'"""Generated by chaosbench from the declaration of {name}; do not edit."""', "import math", "", ""]
    if kind == "rhs":
        rhs = [e.xreplace(rename) for e in traced.rhs]
        body = ["def rhs(t, u, p, du):", *prologue,
                *_assignments(rhs, [f"du[{i}]" for i in range(len(rhs))], printer)]
    else:
        entries = [(i, j, e.xreplace(rename)) for i, row in enumerate(traced.jac) for j, e in enumerate(row)
                   if e != 0]
        body = ["def jac(t, u, p, J):", *prologue, "    J[:, :] = 0.0",
                *_assignments([e for _, _, e in entries], [f"J[{i}, {j}]" for i, j, _ in entries], printer)]
    return "\n".join(header + body + [""])


def cache_dir() -> Path:
    """Directory holding generated modules and numba's cache (``$CHAOSBENCH_CACHE_DIR``, else ~/.cache/chaosbench)."""
    root = os.environ.get("CHAOSBENCH_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "chaosbench"
    )
    path = Path(root) / "compiled"
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=path, delete=True)
        probe.close()
    except OSError:  # read-only home: compile into a per-user temporary directory instead
        path = Path(tempfile.gettempdir()) / f"chaosbench-{os.getuid()}" / "compiled"
        path.mkdir(parents=True, exist_ok=True)
    return path


def declaration_key(name, *functions, extra="") -> str | None:
    """A digest of what determines a system's generated code: the source of the functions and of the Python helpers
    they call, the values of the constants they refer to, and the versions of the code generator, chaosbench and
    sympy. None when a source cannot be read (e.g. a REPL)."""
    from importlib.metadata import version

    parts = [name, extra, str(CODEGEN_VERSION), __version__, version("sympy")]
    pending, seen = [fn for fn in functions if fn is not None], set()
    while pending:  # the declaration and, recursively, the Python helpers it calls
        fn = pending.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        try:
            parts.append(inspect.getsource(fn))
        except (OSError, TypeError):
            return None
        for ref in fn.__code__.co_names:
            value = fn.__globals__.get(ref)
            if isinstance(value, types.FunctionType):
                pending.append(value)
            elif isinstance(value, (int, float, complex, str, tuple)):
                parts.append(f"{ref}={value!r}")
            elif callable(value) and not isinstance(value, type):
                parts.append(f"{ref}:{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}")
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)


def cached_module(key: str | None) -> Path | None:
    """The generated module previously recorded for a declaration key, if it is still there."""
    if key is None:
        return None
    index = cache_dir() / f"{key}.key"
    if not index.exists():
        return None
    path = index.parent / index.read_text().strip()
    return path if path.exists() else None


def write_module(source: str, name: str, key: str | None = None) -> Path:
    """Write ``source`` to the cache (atomically, once per content) and record it under ``key``."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:16]
    path = cache_dir() / f"{re.sub(r'[^0-9A-Za-z_]', '_', name)}_{digest}.py"
    if not path.exists():
        _write_atomically(path, source)
    if key is not None:
        _write_atomically(path.parent / f"{key}.key", path.name)
    return path


class Compiled:
    """A system's compiled right-hand side ``rhs`` and Jacobian ``jac``, each generated, compiled (or loaded from
    numba's disk cache) when first used: integrating with an explicit solver never derives the Jacobian.

    ``module_path(kind)`` returns the path of the generated module for ``kind`` (``"rhs"`` or ``"jac"``).
    """

    def __init__(self, module_path):
        self._module_path = module_path
        self._functions = {}

    def _get(self, name: str, signature: str):
        fn = self._functions.get(name)
        if fn is None:
            import numba

            module = load_module(self._module_path(name))
            fn = self._functions[name] = numba.njit(signature, cache=True, nogil=True, error_model="numpy")(
                getattr(module, name))
        return fn

    @property
    def rhs(self):
        return self._get("rhs", RHS_SIGNATURE)

    @property
    def jac(self):
        return self._get("jac", JAC_SIGNATURE)


def load_module(path: Path):
    """Import a generated module by path (once per process)."""
    module_name = f"_chaosbench_compiled_{path.stem}"
    module = sys.modules.get(module_name)
    if module is None:
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module  # numba's cache loader looks the module up by name
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[module_name]
            raise
    return module
