"""aarch64 bfd writes the .symtab entries of _DYNAMIC and _GLOBAL_OFFSET_TABLE_ as SHN_ABS (the value
still the address) in PIC output (-pie, -static-pie, -shared), in their sections otherwise; braze put
them in their sections everywhere.  Compared with aarch64 ld.bfd in each output kind."""
from __future__ import annotations

import subprocess

import pytest

import a64_harness as H
from harness import BuildDir

SRC = r"""
#include <stdio.h>
extern char _GLOBAL_OFFSET_TABLE_[];
int g = 3;
int f(void) { return g; }
int main(void) { printf("%d %d\n", f(), _GLOBAL_OFFSET_TABLE_ != 0); return 0; }
"""


def _entries(path) -> list[tuple[str, ...]]:
    out = subprocess.run(["readelf", "-sW", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 8 and f[7] in ("_DYNAMIC", "_GLOBAL_OFFSET_TABLE_"):
            rows.append((f[7], f[1], f[4], f[6]))
    return sorted(rows)


@pytest.mark.parametrize("mode", ["-pie", "-no-pie", "-static", "-static-pie", "-shared"])
def test_linker_locals_abs_in_pic_output_as_bfd(tmp_path, braze_lddir, mode):
    assert H.have_toolchain(), "the aarch64 cross toolchain is needed (Makefile APT_PKGS)"
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "m.c").write_text(SRC)
    cc = H.PREFIX + "gcc"
    b.run([cc, "-fPIC", "-c", "m.c", "-o", "m.o"])
    got = {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"m-{linker}"
        b.run([cc, *b.ld(linker), mode, "m.o", "-o", out])
        got[linker] = _entries(out)
    assert any(r[0] == "_GLOBAL_OFFSET_TABLE_" for r in got["bfd"]), "harness: no _GLOBAL_OFFSET_TABLE_"
    assert (mode in ("-pie", "-static-pie", "-shared")) == all(r[3] == "ABS" for r in got["bfd"])
    assert got["test"] == got["bfd"]
