"""braze: a GNU-compatible ELF linker for x86-64 Linux.

Public API (documented in braze/api.py and the README):
``braze.link(args, **options) -> LinkResult`` links in-process and returns the link as data
(``result.model``: inputs, sections, segments, symbols, gc_removed, dynamic_relocs); a failed link
raises ``braze.LinkError`` carrying ``errors``, ``undefined`` and ``warnings``.
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["link", "LinkError", "LinkResult", "UndefinedSymbol", "__version__"]

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
