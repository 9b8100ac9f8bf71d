"""Architecture back ends: one Target per module (see base.py); this module picks one per link.

Adding an architecture: a module here defining a Target subclass instance `TARGET`, listed in
_MODULES. Nothing outside this package names an architecture.
"""
from __future__ import annotations

import sys

_MODULES = ("x86_64", "aarch64")        # the first is the default target (no -m, no ELF input yet)
_loaded: list | None = None


def targets() -> list:
    global _loaded
    if _loaded is None:
        _loaded = list(each_target())
    return _loaded


_by_index: dict = {}


def each_target():
    """The targets in _MODULES order, each module imported only when a search reaches it: an x86-64
    link does not import the aarch64 back end."""
    if not _by_index:
        from . import _natives  # noqa: F401  (the compiled modules, this package's among them, at once)
    for i, m in enumerate(_MODULES):
        t = _by_index.get(i)
        if t is None:
            name = f"{__name__}.{m}"
            __import__(name)        # not importlib.import_module: importing importlib costs ~0.4 ms
            t = _by_index[i] = sys.modules[name].TARGET
        yield t


def default_target():
    return next(each_target())


def select_target(e_machine: int):
    """The Target for an ELF e_machine, or None if braze has none."""
    return next((t for t in each_target() if t.e_machine == e_machine), None)


def target_for_emulation(name: str):
    """The Target whose -m emulation names include `name`, or None."""
    return next((t for t in each_target() if name in t.emulations), None)


def emulation_names() -> list[str]:
    return [e for t in targets() for e in t.emulations]


def refused_emulation(name: str) -> str | None:
    """What bfd's emulation `name` would select, if it is one braze knows and refuses; else None."""
    return next((t.refused_emulations[name] for t in targets() if name in t.refused_emulations), None)

