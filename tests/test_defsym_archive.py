"""--defsym and linker-script assignments against archives, linked by ld.bfd and by the linker under
test from the same objects (sources tests/c/defsym_*.c) and compared: the program's output, the
`nm` values of the symbols involved, and -t -t's list of the files and members loaded.

bfd defines an assigned symbol where the assignment appears among the inputs: an archive read after
`--defsym foo=0x10` (or a script's `foo = 0x10;`) does not load the member that defines foo, one
read before it does (and the assignment's value still wins). `PROVIDE(foo = …)` acts there only when
foo is referenced and still undefined at that point, and then defines it for good: later archives do
not load a member for it and a later object's definition does not replace it.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import BuildDir, RUN_TIMEOUT, _no_core, run_env, tool_env

SRC = Path(__file__).resolve().parent / "c"
LINKERS = ("bfd", "test")
DEFSYM = "-Wl,--defsym,defsym_foo=0x10"

# name -> (main uses defsym_other too, link arguments); LIB/OBJ/ASSIGN/PROVIDE are replaced below
CASES = {
    "defsym-before-archive": (False, ["MAIN", DEFSYM, "LIB"]),
    "defsym-after-archive": (False, ["MAIN", "LIB", DEFSYM]),
    "defsym-before-archive-member-needed": (True, ["MAIN", DEFSYM, "LIB"]),
    "defsym-first": (False, [DEFSYM, "MAIN", "LIB"]),
    "defsym-before-object": (False, ["MAIN", DEFSYM, "OBJ"]),
    "defsym-symbol-before-archive": (False, ["MAIN", "-Wl,--defsym,defsym_foo=defsym_other", "LIB"]),
    "defsym-symbol-plus-before-archive": (False, ["MAIN", "-Wl,--defsym,defsym_foo=defsym_other+4", "LIB"]),
    "defsym-in-group-after-archive": (False, ["MAIN", "-Wl,--start-group", "LIB", DEFSYM, "-Wl,--end-group"]),
    "defsym-in-group-before-archive": (False, ["MAIN", "-Wl,--start-group", DEFSYM, "LIB", "-Wl,--end-group"]),
    "assign-before-archive": (False, ["MAIN", "ASSIGN", "LIB"]),
    "assign-after-archive": (False, ["MAIN", "LIB", "ASSIGN"]),
    "assign-before-archive-member-needed": (True, ["MAIN", "ASSIGN", "LIB"]),
    "provide-before-archive": (False, ["MAIN", "PROVIDE", "LIB"]),
    "provide-after-archive": (False, ["MAIN", "LIB", "PROVIDE"]),
    "provide-before-archive-member-needed": (True, ["MAIN", "PROVIDE", "LIB"]),
    "provide-before-reference": (False, ["PROVIDE", "MAIN", "LIB"]),
    "provide-before-object": (False, ["MAIN", "PROVIDE", "OBJ"]),
    "provide-unreferenced-before-object": (False, ["PROVIDE", "MAIN", "OBJ"]),
    "provide-hidden-before-archive": (False, ["MAIN", "PROVIDE_HIDDEN", "LIB"]),
}

SCRIPTS = {"ASSIGN": "defsym_foo = 0x10;\n", "PROVIDE": "PROVIDE(defsym_foo = 0x10);\n",
           "PROVIDE_HIDDEN": "PROVIDE_HIDDEN(defsym_foo = 0x10);\n"}


class Build(BuildDir):
    def obj(self, src: str, *flags: str, name: str | None = None) -> Path:
        out = self.root / (name or (Path(src).stem + ".o"))
        if not out.exists():
            self.run(["gcc", "-c", "-O2", "-fno-pie", *flags, SRC / src, "-o", out])
        return out


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> Build:
    b = Build(tmp_path_factory.mktemp("defsym"), braze_lddir)
    lib = b.root / "libdefsym.a"
    b.run(["ar", "rcs", lib, b.obj("defsym_lib.c")])
    for key, text in SCRIPTS.items():
        (b.root / f"defsym_{key.lower()}.ld").write_text(text)
    return b


def run(exe: Path):
    p = subprocess.run([str(exe)], cwd=exe.parent, env=run_env(exe.parent, {}), capture_output=True,
                       text=True, errors="replace", timeout=RUN_TIMEOUT, preexec_fn=_no_core)
    return p.returncode, p.stdout, p.stderr


def nm_values(exe: Path) -> list:
    out = subprocess.run(["nm", str(exe)], capture_output=True, text=True, env=tool_env()).stdout
    return sorted(l for l in out.splitlines() if re.search(r"\bdefsym_(foo|other)$", l))


@pytest.mark.parametrize("case", sorted(CASES))
def test_defsym_and_archives_like_bfd(build, case):
    """Same program output, same values of defsym_foo/defsym_other, same members loaded (-t -t)."""
    use_other, args = CASES[case]
    main = build.obj("defsym_main.c", *(["-DUSE_OTHER"] if use_other else []),
                     name="defsym_main_other.o" if use_other else "defsym_main.o")
    subst = {"MAIN": str(main), "LIB": str(build.root / "libdefsym.a"), "OBJ": str(build.obj("defsym_obj.c"))}
    subst.update((k, str(build.root / f"defsym_{k.lower()}.ld")) for k in SCRIPTS)
    argv = [subst.get(a, a) for a in args]
    seen = {}
    for linker in LINKERS:
        d = build.root / linker
        d.mkdir(exist_ok=True)
        exe = d / f"defsym-{case}"
        exe.unlink(missing_ok=True)
        p = build.run(["gcc", *build.ld(linker), "-no-pie", *argv, "-Wl,-t,-t", "-o", exe], cwd=d)
        trace = [l for l in p.stdout.splitlines() if "defsym" in l]
        seen[linker] = (run(exe), nm_values(exe), trace)
    assert seen["test"] == seen["bfd"]
    assert seen["bfd"][0][0] == 0 and "foo 0x" in seen["bfd"][0][1], seen["bfd"]
