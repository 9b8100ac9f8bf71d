"""Compile braze's hot modules with mypyc, in place (`make venv` runs this).

The extension modules land next to their sources in src/braze/ (plus one shared library,
src/braze_mypyc__mypyc*.so), and src/braze/_compiled.txt records the name, size and mtime of every
source compiled.  braze/__init__.py imports the extensions only while that record matches the
sources, so a source edited after the build runs as plain Python (correct, only slower) until the next
build; BRAZE_PURE=1 always runs the plain sources.  The record is written (as "not built") before the
extensions and removed after them, so no extension exists without a record naming it.

`--clean` removes what a build made; `--if-stale` builds only when a source changed since the last
build (what `make test`, `demo` and `bench` run).
"""
from __future__ import annotations

import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "src")
BUILD = os.path.join(ROOT, "build", "mypyc")
GROUP = "braze_mypyc"
STAMP = os.path.join(SRC, "braze", "_compiled.txt")
# where the compiled modules find mypy's runtime library `librt` (BytesWriter's native byte stores)
# when braze runs without site-packages on sys.path (the shim's `python -E -S`)
RTPATH = os.path.join(SRC, "braze", "_librt.txt")
# the functions representative x86-64 links run, placed together in .text.hot (tools/hot_functions.py)
HOT_LIST = os.path.join(ROOT, "tools", "hot_functions.txt")

# The per-item hot paths (see docs/how-braze-works.md, "The mypyc build"); each must pass mypy.
MODULES = [
    "braze.address",
    "braze.arch.common",
    "braze.relvalues",
    "braze.arch.x86_64",
    "braze.symbols",
    "braze.ehparse",
    "braze.ehbuild",
    "braze.symtab",
    "braze.synthetic.strtab",
    "braze.synthetic.relapack",
    "braze.sections",
    "braze.bindsyms",
    "braze.inputs.objparse",
    "braze.inputs.elfhdr",
    "braze.gc",
    "braze.groupapply",
    "braze.arch.x86_64_fast",
    "braze.arch.aarch64_fast",
    "braze.arch.aarch64",
    "braze.symwrite",
    "braze.arch._natives",
    "braze.layout",
    "braze.writer",
    "braze.passes",
    "braze.pipeline_natives",
    "braze.cli",
]


def modules_names() -> list[str]:
    return list(MODULES)


def modules() -> list[str]:
    """The compiled modules' sources, relative to src/."""
    return [m.replace(".", "/") + ".py" for m in MODULES]


def _recorded() -> list[str]:
    try:
        with open(STAMP) as f:
            return [line.split()[0] for line in f if line.strip()]
    except OSError:
        return []


def built_files() -> list[str]:
    out = glob.glob(os.path.join(SRC, GROUP + "__mypyc.*.so"))
    for m in sorted(set(MODULES) | set(_recorded())):
        out += glob.glob(os.path.join(SRC, *m.split(".")) + ".*.so")
    return out


def clean() -> None:
    for f in built_files():
        os.unlink(f)
    for f in (STAMP, RTPATH):
        if os.path.exists(f):
            os.unlink(f)


def stamp_lines() -> list[str]:
    lines = []
    for m, path in zip(MODULES, modules()):
        st = os.stat(os.path.join(SRC, path))
        lines.append(f"{m} {st.st_size} {st.st_mtime_ns}")
    return lines


def _write_stamp(lines: list[str]) -> None:
    tmp = STAMP + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, STAMP)


def current() -> bool:
    """The extension modules match the sources (the check braze/__init__.py makes at import)."""
    try:
        with open(STAMP) as f:
            return f.read().split("\n")[:-1] == stamp_lines()
    except OSError:
        return False


def build() -> None:
    from setuptools import Distribution
    from mypyc.build import mypycify

    clean()
    _write_stamp([f"{m} -1 -1" for m in MODULES])       # "not built": braze runs these as sources
    # the sources as mypyc reads them: one edited during the build must count as stale afterwards
    stamp = stamp_lines()
    os.chdir(SRC)           # module names come from the paths relative to here
    exts = mypycify(modules(), opt_level="3", debug_level="0", group_name=GROUP,
                    target_dir=os.path.join(BUILD, "c"))
    hot = _hot_names()
    marked = mark_hot(os.path.join(BUILD, "c", f"__native_{GROUP}.c"), hot)
    print(f"build_mypyc.py: {marked} of the {len(hot)} hot functions marked (the others are mypyc's runtime)")
    dist = Distribution({"name": "braze-mypyc", "ext_modules": exts})
    cmd = dist.get_command_obj("build_ext")
    cmd.inplace = True
    # objects and libraries of one interpreter only: setuptools reuses an object newer than its C
    # file, and one compiled for another Python's headers must not be linked into this one's modules
    import hashlib
    py = hashlib.sha1(f"{os.path.realpath(sys.executable)}\0{sys.version}".encode()).hexdigest()[:10]
    cmd.build_temp = os.path.join(BUILD, f"tmp-{py}")
    cmd.build_lib = os.path.join(BUILD, f"lib-{py}")
    cmd.parallel = os.cpu_count() or 1
    dist.run_command("build_ext")
    import librt.strings        # (librt is a namespace package: its modules have the path)
    with open(RTPATH, "w") as f:
        f.write(os.path.dirname(os.path.dirname(os.path.abspath(librt.strings.__file__))) + "\n")
    _write_stamp(stamp)


def _hot_names() -> frozenset[str]:
    try:
        with open(HOT_LIST) as f:
            return frozenset(line.strip() for line in f if line.strip())
    except OSError:
        return frozenset()


# what a C file's top level is made of, for mark_hot: strings, character constants, comments and
# preprocessor lines (skipped: they may hold braces or semicolons), and the braces and semicolons
_C_TOKENS = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|/\*.*?\*/|//[^\n]*'
                       r'|^[ \t]*#[^\n]*(?:\\\n[^\n]*)*|[{};]', re.S | re.M)
_C_SKIP = re.compile(r'(?:\s+|/\*.*?\*/|//[^\n]*|^[ \t]*#[^\n]*(?:\\\n[^\n]*)*)*', re.S | re.M)
_C_FUNC_HEAD = re.compile(r'(\w+)\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*$')


def mark_hot(path: str, names: frozenset[str]) -> int:
    """Mark the definitions of NAMES in the C file `hot`: GCC puts hot functions in .text.hot, which
    the linker places ahead of .text, so the code a link runs shares pages and the rest of the
    library is not faulted in around it (tools/hot_functions.py says why).  GCC also inlines a
    little more into hot functions (the library grew ~60 KB); instruction counts did not move.
    Returns the number of definitions marked."""
    with open(path) as f:
        text = f.read()
    inserts = []
    depth = 0
    start = 0           # where the current top-level declaration begins
    for m in _C_TOKENS.finditer(text):
        tok = m.group()
        if tok == "{":
            if depth == 0:
                head = text[start:m.start()]
                lead = _C_SKIP.match(head).end()
                fn = _C_FUNC_HEAD.search(head, lead)
                if fn and "=" not in head[lead:] and fn.group(1) in names:
                    inserts.append(start + lead)
            depth += 1
        elif tok == "}":
            depth -= 1
            if depth == 0:
                start = m.end()
        elif tok == ";" and depth == 0:
            start = m.end()
    if depth != 0:
        raise SystemExit(f"build_mypyc.py: unbalanced braces in {path}")
    parts, last = [], 0
    for pos in inserts:
        parts += [text[last:pos], "__attribute__((hot)) "]
        last = pos
    parts.append(text[last:])
    with open(path, "w") as f:
        f.write("".join(parts))
    return len(inserts)


if __name__ == "__main__":
    import build_startup        # the interpreted start-up modules' bytecode in one file (build_startup.py)
    if sys.argv[1:] == ["--clean"]:
        clean()
        build_startup.clean()
    elif sys.argv[1:] == ["--if-stale"]:
        if not current():
            build()
        if not build_startup.current():
            build_startup.write()
    elif sys.argv[1:]:
        sys.exit("usage: build_mypyc.py [--clean | --if-stale]")
    else:
        build()
        build_startup.write()
