"""LTO with --as-needed, against ld.bfd 2.40: an --as-needed library that is left out (nothing needs
it yet) still counts when bfd tells the compiler's plugin which IR definitions are visible from
outside. bfd's as-needed restore of its symbol table keeps non_ir_ref_dynamic, so an IR definition
of a name such a library defines or references is PREVAILING_DEF_IRONLY_EXP (kept global), not
PREVAILING_DEF_IRONLY (internalized). braze forgot the dropped library: GCC internalized the
definition, and when the library was needed after all (the LTRANS objects' own references,
e.g. a `.symver` reference to its hidden version), the program no longer exported the name, so
the library's version answered where bfd's program's own function does: `9 1` against `9 9`
(fuzz seed 533).
Compared: the program's output, its .dynsym and its .symtab's global definitions."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

LIB = """__attribute__((symver("f1_sv@VERS_1"))) int f1_i1(void) { return 1; }
__attribute__((symver("f1_sv@@VERS_3"))) int f1_i3(void) { return 3; }
int other(void) { return 5; }
"""
MAP = "VERS_1 { global: other; local: f1_i1; f1_i3; };\nVERS_3 { } VERS_1;\n"
REF = '__asm__(".symver f1_sv_o1,f1_sv@VERS_1");\nint f1_sv_o1(void);\nint f1_call_old(void) { return f1_sv_o1(); }\n'
MAIN = """#include <stdio.h>
int f1_sv(void) { return 9; }
int other(void) { return 7; }
int f1_call_old(void);
int main(void) { printf("%d %d %d\\n", f1_sv(), f1_call_old(), other()); return 0; }
"""
MAIN_NOREF = """#include <stdio.h>
int f1_sv(void) { return 9; }
int other(void) { return 7; }
int main(void) { printf("%d %d\\n", f1_sv(), other()); return 0; }
"""


def _view(path) -> tuple:
    def rows(opt):
        out = subprocess.run(["readelf", "-W", opt, str(path)], capture_output=True, text=True,
                             env=tool_env(), check=True).stdout
        return sorted(m.group(2) + " " + m.group(1) for m in
                      re.finditer(r"^\s*\d+:\s+[0-9a-f]+\s+\d+\s+\w+\s+GLOBAL\s+\w+\s+(\w+)\s+(\S+)", out, re.M)
                      if not m.group(2).startswith(("_", "GLIBC")))
    return rows("--dyn-syms"), [r for r in rows("-s") if not r.endswith(" UND")]


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("ltodropped"), braze_lddir)
    for name, text in (("l1.c", LIB), ("s1.map", MAP), ("b.c", REF), ("m.c", MAIN), ("n.c", MAIN_NOREF)):
        (w.root / name).write_text(text)
    w.run(["gcc", "-fPIC", "-shared", "-o", "libs1.so", "l1.c", "-Wl,--version-script=s1.map",
           "-Wl,-soname,libs1.so"])
    w.run(["gcc", "-O2", "-flto", "-c", "m.c", "b.c", "n.c"])
    return w


@pytest.mark.parametrize("objs", [["m.o", "b.o"], ["n.o"]], ids=["symver-ref", "no-ref"])
@pytest.mark.parametrize("mode", ["-pie", "-no-pie"])
def test_dropped_as_needed_library_vs_bfd(work, objs, mode):
    res = {}
    for linker in ("bfd", "test"):
        exe = f"p-{objs[0]}{mode}-{linker}"
        work.run(["gcc", *work.ld(linker), "-flto", "-O2", mode, "-o", exe, *objs, "-L.",
                  "-Wl,--as-needed", "-ls1"])
        ran = work.run([f"./{exe}"], env=tool_env({"LD_LIBRARY_PATH": str(work.root)})).stdout
        res[linker] = (ran, _view(work.root / exe))
    if objs[0] == "m.o":
        assert res["bfd"][0] == "9 9 7\n", res["bfd"]       # (bfd's behaviour the test rests on)
    assert any("f1_sv" in r for r in res["bfd"][1][1]), res["bfd"]     # (kept global by bfd)
    assert res["test"] == res["bfd"]
