"""An executable's hidden definition of a name a needed shared library also defines: bfd keeps it
GLOBAL/WEAK HIDDEN in .symtab (only a PLT32 call in a PIE, -E, a dynamic list or a library's
reference make it LOCAL); braze wrote it LOCAL.  Found in fmtlib's format-test (a WEAK HIDDEN
std::string constructor instance libstdc++.so also exports).  Compared with ld.bfd."""
from __future__ import annotations

import subprocess

import pytest

from harness import BuildDir

LIB = r"""
int f(void) { return 1; }
int g(void) { return 2; }
int h(void) { return 3; }
__attribute__((weak)) int w(void) { return 4; }
"""

MAIN = r"""
#include <stdio.h>
__attribute__((visibility("hidden"))) int f(void) { return 10; }
__attribute__((visibility("hidden"))) int g(void) { return 20; }
__attribute__((visibility("hidden"))) int h(void) { return 30; }
__attribute__((visibility("hidden"), weak)) int w(void) { return 40; }
int (*gp)(void) = g;
int main(void) { printf("%d %d\n", f(), gp()); return 0; }
"""


def _rows(path) -> list[tuple[str, ...]]:
    out = subprocess.run(["readelf", "-sW", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        x = line.split()
        if len(x) >= 8 and x[7] in ("f", "g", "h", "w"):
            rows.append((x[7], x[3], x[4], x[5]))
    return sorted(rows)


@pytest.mark.parametrize("mode,pic", [("-pie", "-fPIE"), ("-no-pie", "-fno-pie"), ("-pie", "-fPIC")])
@pytest.mark.parametrize("libfirst", [False, True])
def test_hidden_definition_also_in_library_as_bfd(tmp_path, braze_lddir, mode, pic, libfirst):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "lib.c").write_text(LIB)
    (tmp_path / "m.c").write_text(MAIN)
    b.run(["gcc", "-fPIC", "-shared", "lib.c", "-o", "libz.so"])
    b.run(["gcc", pic, "-c", "m.c", "-o", "m.o"])
    lib = ["-L.", "-Wl,--no-as-needed", "-lz"]
    got = {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"m-{linker}"
        ins = [*lib, "m.o"] if libfirst else ["m.o", *lib]
        b.run(["gcc", *b.ld(linker), mode, *ins, "-Wl,-rpath,.", "-o", out])
        got[linker] = _rows(out)
        run = subprocess.run([str(out)], cwd=tmp_path, capture_output=True, text=True)
        assert run.stdout == "10 20\n", (linker, run)
    assert ("h", "FUNC", "GLOBAL", "HIDDEN") in got["bfd"], got["bfd"]      # harness: the case is live
    assert ("w", "FUNC", "WEAK", "HIDDEN") in got["bfd"], got["bfd"]
    assert got["test"] == got["bfd"]
