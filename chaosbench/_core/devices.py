"""Torch devices: which names a ``device`` parameter accepts and what one resolves to on this machine (the rule
shared by the neural forecasters and ``chaosbench run --device``)."""

from __future__ import annotations

import re

from ..exceptions import InvalidParameterError
from .optional import import_optional

__all__ = ["DEVICE_NAME", "resolve_device"]


class _DeviceName:
    """The constraint of a ``device`` parameter: a torch device this package can name."""

    pattern = re.compile(r"cpu|cuda(:[0-9]+)?|mps|auto")

    def is_satisfied_by(self, value) -> bool:
        return isinstance(value, str) and self.pattern.fullmatch(value) is not None

    def __str__(self) -> str:
        return "'cpu', 'cuda', 'cuda:N', 'mps' or 'auto'"


def resolve_device(device: str, supports_gpu: bool = True) -> str:
    """The torch device that ``device`` names on this machine: ``"auto"`` is CUDA if available, else MPS if
    available, else the CPU (always the CPU when not ``supports_gpu``); an :class:`InvalidParameterError` for a
    device that is not available. Imports torch only to look for a GPU."""
    if device == "cpu" or (device == "auto" and not supports_gpu):
        return "cpu"
    if not supports_gpu:
        raise InvalidParameterError(f"device {device!r} is not available to this forecaster: it runs on the CPU "
                                    "only; use device='auto' or 'cpu'")
    torch = import_optional("torch", f"device {device!r}")
    cuda, mps = torch.cuda.is_available(), torch.backends.mps.is_available()
    if device == "auto":
        return "cuda" if cuda else "mps" if mps else "cpu"
    if device.startswith("cuda") and not cuda:
        raise InvalidParameterError(f"device {device!r} is not available here: torch.cuda.is_available() is False; "
                                    "use device='auto' or 'cpu'")
    if device.startswith("cuda:") and torch.device(device).index >= torch.cuda.device_count():
        raise InvalidParameterError(f"device {device!r} is not available here: torch.cuda.device_count() is "
                                    f"{torch.cuda.device_count()}; use device='auto' or 'cpu'")
    if device == "mps" and not mps:
        raise InvalidParameterError("device 'mps' is not available here: torch.backends.mps.is_available() is "
                                    "False; use device='auto' or 'cpu'")
    return device


#: The constraint of a ``device`` parameter (for ``parameter_constraints`` and ``check_param``).
DEVICE_NAME = _DeviceName()
