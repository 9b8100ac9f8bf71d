"""Write src/braze/_startup.bin: the bytecode of the interpreted modules a plain link imports, in one file.

Every link imports ~35 of braze's interpreted modules; importing each through the path finder (stat
the directory and the source, open and read its .pyc, check it) costs ~0.9 ms a link over loading the
same code objects from one file.  braze/__init__.py installs a finder that serves a module from this
file while its source's size and mtime are the ones recorded here (checked at each import), and
leaves it to the ordinary import otherwise (an edited source, BRAZE_PURE=1, python -O, another
Python).  `tools/build_mypyc.py` (what `make venv` runs) calls write(); `--clean` removes the file.

The bytecode is the sources' less their docstrings (_NoDocstrings) and their `from __future__`
imports (_future_flags: compiled with the features' flags instead).

Format: the interpreter's bytecode magic (16 bytes, zero-padded), the index's length (4 bytes,
little-endian), the index: marshal of {module: (path relative to src/braze, is_package, source size,
source mtime_ns, offset, length)}, then the modules' marshalled code at those offsets (read with
os.pread when the module is imported: the whole file read and unmarshalled at once cost ~0.75 ms,
mostly copying 600 KB of bytecode into fresh pages).
"""
from __future__ import annotations

import __future__
import ast
import importlib.machinery
import importlib.util
import marshal
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PKG = os.path.join(ROOT, "src", "braze")
OUT = os.path.join(PKG, "_startup.bin")

# The interpreted modules the bench's links import (hello, static, musl, shared, lua ... rust-bin),
# plus libinit and version (-shared links, --version-script).  A module missing here is imported
# the ordinary way; one listed but compiled with mypyc is skipped.
MODULES = [
    "braze._os", "braze.link", "braze.main", "braze.diag", "braze.cli", "braze.config", "braze.arch",
    "braze.arch.base", "braze.elf", "braze.chunks", "braze.inputs", "braze.inputs.object",
    "braze.inputs.archive", "braze.inputs.script", "braze.inputs.shared", "braze.inputs.cache",
    "braze.synthetic", "braze.synthetic.rela", "braze.synthetic.notes", "braze.synthetic.dynsym",
    "braze.synthetic.got", "braze.synthetic.plt", "braze.synthetic.dynamic", "braze.writer",
    "braze.context", "braze.record", "braze.passes", "braze.layout", "braze.search", "braze.resolve",
    "braze.symwarn", "braze.dsocheck", "braze.ehframe", "braze.libinit", "braze.version",
]
# The standard library's modules a link imports that are neither built in nor frozen (every `from
# __future__` runs an import; importlib and warnings when some compiled modules run from their sources,
# braze/__init__.py's _SourceFinder): served the same way, by absolute path, while their sources are the
# ones recorded.
STDLIB = ["__future__", "importlib", "warnings"]


def _stdlib_sources() -> dict[str, tuple[str, bool]]:
    """name -> (absolute source path, is_package) of the STDLIB modules this Python reads from .py/.pyc
    files (another build may have them frozen or built in: those are left out)."""
    out = {}
    for name in STDLIB:
        spec = importlib.util.find_spec(name)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            continue
        out[name] = (spec.origin, spec.submodule_search_locations is not None)
    return out


def _compiled() -> set[str]:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from build_mypyc import MODULES as compiled
    return set(compiled)


class _NoDocstrings(ast.NodeTransformer):
    """Drops the docstrings of a module, its classes and functions (~9% of the bytecode, ~0.15 ms of
    unmarshalling a link, and memory): nothing in braze reads __doc__.  Not compile(optimize=2),
    which would drop the asserts too."""

    def _strip(self, node):
        self.generic_visit(node)
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.copy_location(ast.Pass(), body[0])]
        return node

    visit_Module = visit_ClassDef = visit_FunctionDef = visit_AsyncFunctionDef = _strip


def _future_flags(tree: ast.Module) -> int:
    """Takes the module's `from __future__ import ...` statements out of TREE and returns their
    compiler flags: compiled with the flags, the code is the same, without an import statement run
    per module only to bind the feature names, which braze never reads (the compiled modules still
    import __future__ itself: mypyc emits the import)."""
    flags = 0
    body = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            for alias in node.names:
                flags |= getattr(__future__, alias.name).compiler_flag
        else:
            body.append(node)
    tree.body = body
    return flags


def _entry(rel: str, pkg: bool, path: str) -> tuple:
    with open(path, "rb") as f:
        source = f.read()
    st = os.stat(path)
    tree = _NoDocstrings().visit(ast.parse(source, path))
    flags = _future_flags(tree)
    code = compile(tree, path, "exec", flags=flags, dont_inherit=True, optimize=0)
    return (rel, pkg, st.st_size, st.st_mtime_ns, marshal.dumps(code))


def write() -> None:
    compiled = _compiled()
    entries = {}
    for name in MODULES:
        if name in compiled:
            continue
        rel = os.path.join(*name.split(".")[1:]) if "." in name else ""
        pkg = os.path.isdir(os.path.join(PKG, rel))
        rel = os.path.join(rel, "__init__.py") if pkg else rel + ".py"
        path = os.path.join(PKG, rel)
        entries[name] = _entry(rel, pkg, path)
    for name, (path, pkg) in _stdlib_sources().items():
        entries[name] = _entry(path, pkg, path)      # (an absolute `rel`: os.path.join keeps it)
    # offsets: the index's size depends on them, so lay it out until it no longer changes
    head = 16 + 4
    n = 0
    while True:
        index, off = {}, head + n
        for name, (rel, pkg, size, mtime, blob) in entries.items():
            index[name] = (rel, pkg, size, mtime, off, len(blob))
            off += len(blob)
        ib = marshal.dumps(index)
        if len(ib) == n:
            break
        n = len(ib)
    tmp = f"{OUT}.{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(importlib.util.MAGIC_NUMBER.ljust(16, b"\0"))
        f.write(len(ib).to_bytes(4, "little"))
        f.write(ib)
        for e in entries.values():
            f.write(e[4])
    os.replace(tmp, OUT)


def read_index(data: bytes) -> dict:
    """The index of a _startup.bin's bytes (after the magic)."""
    n = int.from_bytes(data[16:20], "little")
    return marshal.loads(data[20:20 + n])


def clean() -> None:
    if os.path.exists(OUT):
        os.unlink(OUT)


def current() -> bool:
    """Every module's recorded source size and mtime still match (and the file is this Python's)."""
    try:
        with open(OUT, "rb") as f:
            data = f.read()
    except OSError:
        return False
    if data[:16] != importlib.util.MAGIC_NUMBER.ljust(16, b"\0"):
        return False
    try:
        entries = read_index(data)
    except (EOFError, ValueError, TypeError):
        return False
    if sorted(entries) != sorted([n for n in MODULES if n not in _compiled()] + list(_stdlib_sources())):
        return False
    for rel, _pkg, size, mtime, _off, _n in entries.values():
        try:
            st = os.stat(os.path.join(PKG, rel))
        except OSError:
            return False
        if st.st_size != size or st.st_mtime_ns != mtime:
            return False
    return True


if __name__ == "__main__":
    if sys.argv[1:] == ["--clean"]:
        clean()
    elif sys.argv[1:] == ["--if-stale"]:
        if not current():
            write()
    elif sys.argv[1:]:
        sys.exit("usage: build_startup.py [--clean | --if-stale]")
    else:
        write()
