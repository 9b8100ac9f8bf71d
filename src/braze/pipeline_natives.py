"""The link pipeline's compiled passes (passes, layout, writer), imported at once by link.py.

Compiled itself, this module imports them natively, inside mypyc's one shared library: imported one
by one from interpreted code, each would load an extension stub of its own (a dlopen each).  Not in
arch/_natives.py, which `ld --version` imports (its emulation list) without needing the pipeline.
"""
from __future__ import annotations

from . import passes, layout, writer  # noqa: F401
