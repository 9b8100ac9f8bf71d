"""braze: a GNU-compatible ELF linker for x86-64 Linux.

Public API (documented in braze/api.py and the README):
``braze.link(args, **options) -> LinkResult`` links in-process and returns the link as data
(``result.model``: inputs, sections, segments, symbols, gc_removed, dynamic_relocs); a failed link
raises ``braze.LinkError`` carrying ``errors``, ``undefined`` and ``warnings``.
"""

__version__ = "0.1.0"

__all__ = ["link", "LinkError", "LinkResult", "UndefinedSymbol", "__version__"]

def _stale_compiled() -> list[str]:
    """The modules `make venv` compiled with mypyc (tools/build_mypyc.py) that must run from their .py
    sources: all of them under BRAZE_PURE=1 or while the build's record (_compiled.txt: module, size and
    mtime of each source) does not match the sources; none when they match or nothing was built."""
    from . import _os as os
    here = os.path.dirname(__file__)
    try:
        with open(os.path.join(here, "_compiled.txt")) as f:
            rows = [line.split() for line in f.read().split("\n") if line]
    except OSError:
        return []
    names = [r[0] for r in rows]
    if os.getenv("BRAZE_PURE"):
        return names
    try:
        for name, size, mtime in rows:
            st = os.stat(os.path.join(here, *name.split(".")[1:]) + ".py")
            if st.st_size != int(size) or st.st_mtime_ns != int(mtime):
                return names
    except (OSError, ValueError):
        return names
    return []


class _SourceFinder:
    """Imports the modules in `names` from their .py sources, past the extension modules built from
    them (plain Python is what the sources say, even when the build is stale)."""

    def __init__(self, names):
        self.names = frozenset(names)

    def find_spec(self, name, path=None, target=None):
        if name not in self.names or not path:
            return None
        import importlib.util
        from . import _os as os
        for d in path:
            src = os.path.join(d, name.rpartition(".")[2] + ".py")
            if os.path.isfile(src):
                return importlib.util.spec_from_file_location(name, src)
        return None


def _librt_path() -> None:
    """The apply pass uses mypy's runtime library (librt), compiled or not: the directory that holds
    it, as the build recorded it, goes at the end of sys.path (the shim runs Python without
    site-packages)."""
    from . import _os as os
    try:
        with open(os.path.join(os.path.dirname(__file__), "_librt.txt")) as f:
            d = f.read().strip()
    except OSError:
        return
    import sys
    if d and d not in sys.path:
        sys.path.append(d)


_stale = _stale_compiled()
if _stale:
    import sys as _sys
    _sys.meta_path.insert(0, _SourceFinder(_stale))
    del _sys
_librt_path()       # (plain Python uses it too: the same apply path as the compiled code)
del _stale


class _StartupFinder:
    """Serves the interpreted modules a plain link imports from _startup.bin (tools/build_startup.py:
    their bytecode in one file, ~0.9 ms a link less than a path search and a .pyc read for each);
    a module whose source's size or mtime differs from the recorded ones is left to the ordinary
    import, so an edited source always runs as written."""

    def __init__(self, here, entries, fd):
        from . import _os as os
        from _frozen_importlib import ModuleSpec
        from marshal import loads
        self.here = here
        self.entries = entries
        self.fd = fd
        # bound once: an import statement run per module imported costs ~3,000 instructions (the
        # import system probes `__spec__._initializing` and `__path__`, raising AttributeErrors)
        self._join, self._stat, self._pread, self._dirname = os.path.join, os.stat, os.pread, os.path.dirname
        self._spec, self._loads = ModuleSpec, loads
        self._module = type(os)
        self.bundle = os.path.join(here, "_startup.bin")

    def find_spec(self, name, path=None, target=None):
        e = self.entries.get(name)
        if e is None:
            return None
        origin = self._join(self.here, e[0])
        try:
            st = self._stat(origin)
        except OSError:
            return None
        if st.st_size != e[2] or st.st_mtime_ns != e[3]:
            return None
        spec = self._spec(name, self, origin=origin, is_package=e[1])
        spec.has_location = True
        if e[1]:
            spec.submodule_search_locations = [self._dirname(origin)]
        return spec

    def create_module(self, spec):
        # __file__ and __cached__ set here: the import system probes a new module for them (two
        # AttributeErrors raised and cleared each) and computes spec.cached, a .pyc path no one reads
        m = self._module(spec.name)
        m.__file__ = spec.origin
        m.__cached__ = self.bundle
        if spec.submodule_search_locations is not None:
            m.__path__ = spec.submodule_search_locations
        return m

    def exec_module(self, module):
        e = self.entries[module.__spec__.name]
        exec(self._loads(self._pread(self.fd, e[5], e[4])), module.__dict__)


def _startup_finder():
    """The finder for _startup.bin, or None: no file, BRAZE_PURE=1 (plain sources only), python -O
    (the file's code keeps asserts), or a file written by another Python (its bytecode magic)."""
    from . import _os as os
    import sys
    if os.getenv("BRAZE_PURE") or sys.flags.optimize:
        return None
    here = os.path.dirname(__file__)
    try:        # (kept open: the modules' code is read when they are imported; os.O_CLOEXEC: not
        # inherited by what braze runs)
        fd = os.open(os.path.join(here, "_startup.bin"), os.O_RDONLY | os.O_CLOEXEC)
        head = os.pread(fd, 4096, 0)
    except OSError:
        return None
    from _frozen_importlib_external import MAGIC_NUMBER
    import marshal
    try:
        if head[:16] != MAGIC_NUMBER.ljust(16, b"\0"):
            raise ValueError
        n = int.from_bytes(head[16:20], "little")
        if 20 + n > len(head):
            head = os.pread(fd, 20 + n, 0)
        entries = marshal.loads(head[20:20 + n])
        if type(entries) is not dict or not all(type(e) is tuple and len(e) == 6 for e in entries.values()):
            raise ValueError        # (a file of another layout: the ordinary import until it is rebuilt)
    except (EOFError, ValueError, TypeError, OSError):
        os.close(fd)
        return None
    finder = _StartupFinder(here, entries, fd)
    sys.meta_path.insert(0, finder)
    return finder


_startup_finder()

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
