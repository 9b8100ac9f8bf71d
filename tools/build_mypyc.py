"""Compile braze's hot modules with mypyc, in place (`make venv` runs this).

The extension modules land next to their sources in src/braze/ (plus one shared library,
src/braze_mypyc__mypyc*.so), and src/braze/_compiled.txt records the size and mtime of every source
compiled.  braze/__init__.py imports the extensions only while that record matches the sources, so a
source edited after the build runs as plain Python (correct, only slower) until the next build;
BRAZE_PURE=1 always runs the plain sources.  `--clean` removes what a build made; `--if-stale`
builds only when a source changed since the last build (what `make test`, `demo` and `bench` run).
"""
from __future__ import annotations

import glob
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "src")
BUILD = os.path.join(ROOT, "build", "mypyc")
GROUP = "braze_mypyc"



def modules_names() -> list[str]:
    """braze.COMPILED_MODULES, read from braze/__init__.py (the import hook needs the list there)
    without importing braze."""
    import ast
    with open(os.path.join(SRC, "braze", "__init__.py")) as f:
        tree = ast.parse(f.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "COMPILED_MODULES" for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise SystemExit("braze/__init__.py defines no COMPILED_MODULES")


def modules() -> list[str]:
    """The compiled modules' sources, relative to src/."""
    return [m.replace(".", "/") + ".py" for m in modules_names()]


STAMP = os.path.join(SRC, "braze", "_compiled.txt")


def built_files() -> list[str]:
    out = glob.glob(os.path.join(SRC, GROUP + "__mypyc.*.so"))
    for m in modules():
        out += glob.glob(os.path.join(SRC, m[:-3] + ".*.so"))
    return out


def clean() -> None:
    for f in built_files() + [STAMP]:
        if os.path.exists(f):
            os.unlink(f)


def stamp_lines() -> list[str]:
    lines = []
    for m in modules():
        st = os.stat(os.path.join(SRC, m))
        name = m[:-3].replace("/", ".")
        lines.append(f"{name} {st.st_size} {st.st_mtime_ns}")
    return lines


def build() -> None:
    from setuptools import Distribution
    from mypyc.build import mypycify

    clean()
    os.chdir(SRC)           # module names come from the paths relative to here
    exts = mypycify(modules(), opt_level="3", debug_level="0", group_name=GROUP,
                    target_dir=os.path.join(BUILD, "c"))
    dist = Distribution({"name": "braze-mypyc", "ext_modules": exts})
    cmd = dist.get_command_obj("build_ext")
    cmd.inplace = True
    cmd.build_temp = os.path.join(BUILD, "tmp")
    cmd.build_lib = os.path.join(BUILD, "lib")
    cmd.parallel = os.cpu_count() or 1
    dist.run_command("build_ext")
    with open(STAMP, "w") as f:
        f.write("\n".join(stamp_lines()) + "\n")


def current() -> bool:
    """The extension modules match the sources (the check braze/__init__.py makes at import)."""
    try:
        with open(STAMP) as f:
            return f.read().split("\n")[:-1] == stamp_lines()
    except OSError:
        return False


if __name__ == "__main__":
    if sys.argv[1:] == ["--clean"]:
        clean()
    elif sys.argv[1:] == ["--if-stale"]:
        if not current():
            build()
    else:
        build()
