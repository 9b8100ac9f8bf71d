"""braze: a GNU-compatible ELF linker for x86-64 Linux.

Public API (documented in braze/api.py and the README):
``braze.link(args, **options) -> LinkResult`` links in-process and returns the link as data
(``result.model``: inputs, sections, segments, symbols, gc_removed, dynamic_relocs); a failed link
raises ``braze.LinkError`` carrying ``errors``, ``undefined`` and ``warnings``.

Importing the package sets up how braze's own modules load, in this order: the start-up finder
(_startup.bin), then the mypyc build's check and library, then the pipeline module.  This code runs
on every link before anything is served from _startup.bin, so it uses the built-in posix module, not
braze._os (the first module the finder serves).
"""

__version__ = "0.1.0"

__all__ = ["link", "LinkError", "LinkResult", "UndefinedSymbol", "__version__"]

import posix as _posix
import sys as _sys

_HERE = __file__.rpartition("/")[0]


def _getenv(key: str):
    """braze._os.getenv, for the code that runs before braze._os is served: the real os's environ once
    os is imported, else the start-up environment."""
    real = _sys.modules.get("os")
    if real is not None:
        return real.environ.get(key)
    v = _posix.environ.get(key.encode())
    return None if v is None else v.decode(_sys.getfilesystemencoding(), "surrogateescape")


def _read(name: str) -> bytes:
    """The bytes of the build's record NAME next to this file (OSError if there is none)."""
    fd = _posix.open(f"{_HERE}/{name}", _posix.O_RDONLY | _posix.O_CLOEXEC)
    try:
        return _posix.pread(fd, 1 << 16, 0)
    finally:
        _posix.close(fd)


class _StartupFinder:
    """Serves the interpreted modules a plain link imports from _startup.bin (tools/build_startup.py:
    their bytecode in one file, ~0.9 ms a link less than a path search and a .pyc read for each);
    a module whose source's size or mtime differs from the recorded ones is left to the ordinary
    import, so an edited source always runs as written."""

    def __init__(self, entries, fd):
        from _frozen_importlib import ModuleSpec
        from marshal import loads
        self.entries = entries
        self.fd = fd
        # bound once: an import statement run per module imported costs ~3,000 instructions (the
        # import system probes `__spec__._initializing` and `__path__`, raising AttributeErrors)
        self._stat, self._pread = _posix.stat, _posix.pread
        self._spec, self._loads = ModuleSpec, loads
        self._module = type(_sys)
        self.prefix = _HERE + "/"
        self.bundle = self.prefix + "_startup.bin"

    def find_spec(self, name, path=None, target=None):
        e = self.entries.get(name)
        if e is None:
            return None
        rel = e[0]
        origin = rel if rel[:1] == "/" else self.prefix + rel     # (the standard library's: absolute)
        try:
            st = self._stat(origin)
        except OSError:
            return None
        if st.st_size != e[2] or st.st_mtime_ns != e[3]:
            return None
        spec = self._spec(name, self, origin=origin, is_package=e[1])
        spec.has_location = True
        if e[1]:
            spec.submodule_search_locations = [origin.rpartition("/")[0]]
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
    if _getenv("BRAZE_PURE") or _sys.flags.optimize:
        return None
    try:        # (kept open: the modules' code is read when they are imported; O_CLOEXEC: not
        # inherited by what braze runs)
        fd = _posix.open(f"{_HERE}/_startup.bin", _posix.O_RDONLY | _posix.O_CLOEXEC)
        head = _posix.pread(fd, 4096, 0)
    except OSError:
        return None
    from _frozen_importlib_external import MAGIC_NUMBER
    import marshal
    try:
        if head[:16] != MAGIC_NUMBER.ljust(16, b"\0"):
            raise ValueError
        n = int.from_bytes(head[16:20], "little")
        if 20 + n > len(head):
            head = _posix.pread(fd, 20 + n, 0)
        entries = marshal.loads(head[20:20 + n])
        if type(entries) is not dict or not all(type(e) is tuple and len(e) == 6 for e in entries.values()):
            raise ValueError        # (a file of another layout: the ordinary import until it is rebuilt)
    except (EOFError, ValueError, TypeError, OSError):
        _posix.close(fd)
        return None
    finder = _StartupFinder(entries, fd)
    _sys.meta_path.insert(0, finder)
    return finder


def _compiled_modules() -> tuple[list[str], bool]:
    """(the modules `make venv` compiled with mypyc (tools/build_mypyc.py), whether their extension
    modules are the ones to run).  They must run from their .py sources under BRAZE_PURE=1 or while the
    build's record (_compiled.txt: module, size and mtime of each source) does not match the sources;
    ([], False) when nothing was built."""
    try:
        rows = [line.split() for line in _read("_compiled.txt").decode().split("\n") if line]
    except OSError:
        return [], False
    names = [r[0] for r in rows]
    if _getenv("BRAZE_PURE"):
        return names, False
    stat, prefix = _posix.stat, _HERE + "/"
    try:
        for name, size, mtime in rows:      # braze.x.y -> HERE/x/y.py
            st = stat(prefix + name.partition(".")[2].replace(".", "/") + ".py")
            if st.st_size != int(size) or st.st_mtime_ns != int(mtime):
                return names, False
    except (OSError, ValueError):
        return names, False
    return names, bool(names)


def _stale_compiled() -> list[str]:
    """The compiled modules that must run from their .py sources (all of them, or none)."""
    names, fresh = _compiled_modules()
    return [] if fresh else names


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
    try:
        d = _read("_librt.txt").decode().strip()
    except OSError:
        return
    if d and d not in _sys.path:
        _sys.path.append(d)


def _load_compiled() -> None:
    """Loads the mypyc library, with what its runtime asks of importlib already in sys.modules.

    As the library loads, mypyc's runtime imports importlib._bootstrap (its module locks) and
    importlib.machinery (ModuleSpec and ExtensionFileLoader, for each compiled module's __spec__), and
    so the importlib package: importlib/__init__.py and warnings.py, ~0.8 M instructions, 1.5% of a
    small link.  What it takes from them the interpreter already has: _frozen_importlib is the module
    importlib/__init__.py itself registers as importlib._bootstrap (done here the same way), and the
    two classes are _frozen_importlib's and _frozen_importlib_external's.  The runtime keeps what it
    got, so stand-ins for importlib and importlib.machinery holding just that are in sys.modules only
    while the first compiled module loads; a later `import importlib` gets the real modules."""
    mods = _sys.modules
    mods.setdefault("importlib._bootstrap", mods["_frozen_importlib"])
    if "importlib" in mods:
        from . import symbols       # noqa: F401
        return
    from _frozen_importlib import ModuleSpec
    from _frozen_importlib_external import ExtensionFileLoader
    module = type(_sys)
    package, machinery = module("importlib"), module("importlib.machinery")
    machinery.ModuleSpec, machinery.ExtensionFileLoader = ModuleSpec, ExtensionFileLoader
    package.machinery = machinery
    mods["importlib"], mods["importlib.machinery"] = package, machinery
    try:
        from . import symbols       # noqa: F401  (every link's; loading it loads the library)
    finally:
        for name, stand_in in (("importlib", package), ("importlib.machinery", machinery)):
            if mods.get(name) is stand_in:
                del mods[name]


_startup_finder()
_compiled, _fresh = _compiled_modules()
if _compiled and not _fresh:
    _sys.meta_path.insert(0, _SourceFinder(_compiled))
_librt_path()       # (plain Python uses it too: the same apply path as the compiled code)
if _fresh:
    _load_compiled()
del _compiled, _fresh

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
