"""braze: a GNU-compatible ELF linker for x86-64 Linux.

Public API (documented in braze/api.py and the README):
``braze.link(args, **options) -> LinkResult`` links in-process and returns the link as data
(``result.model``: inputs, sections, segments, symbols, gc_removed, dynamic_relocs); a failed link
raises ``braze.LinkError`` carrying ``errors``, ``undefined`` and ``warnings``.
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["link", "LinkError", "LinkResult", "UndefinedSymbol", "__version__"]

# The per-item hot paths that `make venv` compiles with mypyc (tools/build_mypyc.py); each must pass mypy.
COMPILED_MODULES = (
    "braze.address",
    "braze.arch.common",
    "braze.arch.x86_64",
    "braze.symbols",
)


def _compiled_current() -> bool:
    """True when the mypyc build record (_compiled.txt: module, size, mtime of each source) matches the
    sources, so the extension modules are what the sources say; BRAZE_PURE=1 says False."""
    import os
    if os.environ.get("BRAZE_PURE"):
        return False
    here = os.path.dirname(__file__)
    try:
        with open(os.path.join(here, "_compiled.txt")) as f:
            lines = f.read().split("\n")
        for line in lines:
            if line:
                name, size, mtime = line.split()
                st = os.stat(os.path.join(here, *name.split(".")[1:]) + ".py")
                if st.st_size != int(size) or st.st_mtime_ns != int(mtime):
                    return False
    except (OSError, ValueError):
        return False
    return bool(lines)


class _PureFinder:
    """Imports the modules of COMPILED_MODULES from their .py sources, past any extension module built
    from them (plain Python is what the sources say even when the build is stale or missing)."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name not in COMPILED_MODULES or not path:
            return None
        import importlib.util
        import os
        for d in path:
            src = os.path.join(d, name.rpartition(".")[2] + ".py")
            if os.path.isfile(src):
                return importlib.util.spec_from_file_location(name, src)
        return None


if not _compiled_current():
    import sys as _sys
    _sys.meta_path.insert(0, _PureFinder)
    del _sys

# The pipeline module is braze.link too: import it first, so that the function below, not the module,
# is what `braze.link` names (importing a submodule sets the package's attribute only the first time).
from . import link as _pipeline  # noqa: E402
del _pipeline


def link(args=None, /, *, echo: bool = False, **options):
    from .api import link as _link
    return _link(args, echo=echo, **options)


def __getattr__(name):
    # lazily, so that `import braze` by the ld shim costs nothing
    if name in ("LinkResult", "UndefinedSymbol"):
        from . import api
        return getattr(api, name)
    if name == "LinkError":
        from .diag import LinkError
        return LinkError
    raise AttributeError(name)
