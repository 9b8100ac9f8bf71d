"""The mypyc-compiled modules every link uses, imported at once (see tools/build_mypyc.py).

Compiled itself, this module imports them natively, inside the one shared library mypyc builds: an
import of a compiled module from interpreted code goes through that module's own small extension
stub instead (a dlopen each, ~0.15 ms), and eight of them were first imported that way by a hello
link.  braze.arch imports it before its first target (the default back end is among them).
braze.gc (only --gc-sections) is not here: it stays an import of its own.
"""
from __future__ import annotations

from ..inputs import elfhdr, objparse  # noqa: F401  (first: interpreted inputs.object imports objparse)
from .. import symbols, sections, address, bindsyms, ehparse, ehbuild, symtab  # noqa: F401
from ..synthetic import strtab, relapack  # noqa: F401
from . import common, x86_64  # noqa: F401
