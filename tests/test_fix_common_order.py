"""Where COMMON symbols land in `.bss`/`.tbss`, against ld.bfd 2.40 (found in LAPACK's EIG test
program: gfortran's COMMON blocks /INFOC/, /CLAENV/, /SSLCT/… are common symbols).
bfd's default script places each input's own COMMON section (`*(COMMON)`, inputs in load order); an
input's section holds the commons it owns, allocated in bfd's hash-table walk (-Map's "Allocating
common symbols" order) and starts aligned to the largest of their alignments. braze placed them in
symbol-table order, each at its own alignment. Many commons share buckets: bfd's chains put the
newest name first and its growing table rehashes them; -Map's "Allocating common symbols" list
(the same walk) is compared too.
Compared: every defined symbol's (value, size, section) and the sections' (name, address, size,
alignment), for PIE, -no-pie and -static links, and the program's output."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from harness import BuildDir, tool_env

A = "".join(f"int a{i}[{i + 1}];\n" for i in range(12)) + "double ad[50];\nchar ac;\n" + \
    "__thread int ta __attribute__((common));\n__thread long tb[9] __attribute__((common));\n"
B = "".join(f"long b{i}[{3 * i + 1}];\n" for i in range(15)) + "int a3[40];\nchar bc[3];\n" + \
    "__thread char tc __attribute__((common));\n"
C = ("char cbig[5000];\nshort cs;\nint a5[6];\n"
     "extern int a0[], a3[], ad; extern long b7[]; extern char cbig[];\n"
     "#include <stdio.h>\nint main(void) { a0[0] = 1; a3[39] = 2; b7[0] = 3; cbig[4999] = 4;\n"
     " printf(\"%d %d %ld %d\\n\", a0[0], a3[39], b7[0], cbig[4999]); return 0; }\n")
FORTRAN_MAIN = ("      program m\n      common /blk/ x(10), n\n      common /big/ y(300)\n"
                "      common /tiny/ k\n      n = 3\n      call s\n      print *, n, x(1), y(2), k\n      end\n")
FORTRAN_SUB = ("      subroutine s\n      common /blk/ x(100), n, z(7)\n      common /tiny/ k\n"
               "      common /mid/ w(20)\n      common /big/ y(300)\n      x(1) = 2.5\n      y(2) = 1.5\n"
               "      k = 4\n      w(1) = 0\n      end\n")


# three files of 150 commons each (sizes from a fixed formula): names share buckets of bfd's table
MANY = ["".join(f"int c{f}_{i}[{(i * 7 + f * 3) % 40 + 1}];\n" for i in range(150)) for f in range(3)]
MANY[0] += '#include <stdio.h>\nextern int c1_5[];\nint main(void) { c1_5[0] = 1; puts("ok"); return c1_5[0] - 1; }\n'


def _readelf(*args) -> str:
    return subprocess.run(["readelf", "-W", *map(str, args)], capture_output=True, text=True,
                          env=tool_env(), check=True).stdout


def _view(path) -> tuple[list, list]:
    secs = re.findall(r"^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+\S*\s+\d+"
                      r"\s+\d+\s+(\d+)$", _readelf("-S", path), re.M)
    syms = []
    text = _readelf("-s", path)
    text = text[text.index("Symbol table '.symtab'"):]
    for line in text.splitlines()[3:]:
        f = line.split()
        if len(f) >= 8 and f[6] not in ("UND", "ABS") and f[3] in ("OBJECT", "TLS"):
            syms.append((f[7], f[1], f[2], f[6]))
    return [s for s in secs if s[0] not in (".strtab", ".shstrtab", ".symtab")], sorted(syms)


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("commonorder"), braze_lddir)
    for name, text in (("a.c", A), ("b.c", B), ("c.c", C), ("m0.c", MANY[0]), ("m1.c", MANY[1]),
                       ("m2.c", MANY[2])):
        (w.root / name).write_text(text)
    w.run(["gcc", "-O1", "-fcommon", "-fPIE", "-c", "a.c", "b.c", "c.c", "m0.c", "m1.c", "m2.c"])
    if shutil.which("gfortran"):
        (w.root / "fm.f").write_text(FORTRAN_MAIN)
        (w.root / "fs.f").write_text(FORTRAN_SUB)
        w.run(["gfortran", "-O1", "-c", "fm.f", "fs.f"])
    return w


PROGRAMS = {"c": ("gcc", ["a.o", "b.o", "c.o"]), "c-rev": ("gcc", ["c.o", "b.o", "a.o"]),
            "fortran": ("gfortran", ["fm.o", "fs.o"]), "many": ("gcc", ["m0.o", "m1.o", "m2.o"]),
            "many-rev": ("gcc", ["m2.o", "m0.o", "m1.o"])}


@pytest.mark.parametrize("mode", ["-pie", "-no-pie", "-static"])
@pytest.mark.parametrize("prog", sorted(PROGRAMS))
def test_common_places_vs_bfd(work, prog, mode):
    driver, objs = PROGRAMS[prog]
    if driver == "gfortran" and not shutil.which("gfortran"):
        pytest.skip("no gfortran")
    res = {}
    for linker in ("bfd", "test"):
        exe = f"{prog}{mode}-{linker}"
        work.run([driver, *work.ld(linker), mode, "-o", exe, *objs])
        ran = work.run([f"./{exe}"])
        res[linker] = (*_view(work.root / exe), ran.stdout)
    assert res["test"] == res["bfd"]


def _allocating(map_text: str) -> list[str]:
    part = map_text.split("Allocating common symbols", 1)[1].split("\n\n", 2)[1]
    return [ln.split()[0] for ln in part.splitlines() if ln.strip() and not ln.startswith(" ")]


@pytest.mark.parametrize("mode", ["-pie", "-static"])
def test_map_allocating_commons_vs_bfd(work, mode):
    res = {}
    for linker in ("bfd", "test"):
        exe = f"many-map{mode}-{linker}"
        work.run(["gcc", *work.ld(linker), mode, "-o", exe, f"-Wl,-Map,{exe}.map", "m0.o", "m1.o", "m2.o"])
        res[linker] = _allocating((work.root / f"{exe}.map").read_text())
    assert len(res["bfd"]) >= 450       # (libc.a adds its own in -static)
    assert res["test"] == res["bfd"]
