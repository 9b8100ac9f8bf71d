"""A script that /DISCARD/s a code section whose function has an FDE (every gcc function does) or an
LSDA entry: bfd drops the FDE without complaint (its elf_action_discarded exempts .eh_frame and
.gcc_except_table from "defined in discarded section"); braze refused the link. Compared with ld.bfd:
the link succeeds, .eh_frame's FDEs are the same, and the program catches its exception alike."""
from __future__ import annotations

import subprocess

import pytest

from harness import BuildDir

CXX = r"""
#include <cstdio>
#include <stdexcept>
__attribute__((section(".gone"))) int gone_fn(int x) { if (x) throw std::runtime_error("g"); return 1; }
int thrower(int x) { if (x > 1) throw std::runtime_error("boom"); return x; }
int main(int argc, char **) {
    try { thrower(argc + 1); } catch (const std::exception &e) { std::printf("caught %s\n", e.what()); }
    return 0;
}
"""
C_LIB = '__attribute__((section(".gone"))) int gone_fn(void) { return 1; }\nint keep(void) { return 2; }\n'
SCRIPT = "SECTIONS { /DISCARD/ : { *(.gone) } }\nINSERT AFTER .text;\n"


def _frames(path) -> str:
    out = subprocess.run(["readelf", "-wf", str(path)], capture_output=True, text=True, check=True).stdout
    return out.split("\n", 2)[-1]


@pytest.mark.parametrize("kind", ["c++-exe", "c-shared"])
def test_discarded_code_with_fde_links_as_bfd(tmp_path, braze_lddir, kind):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "d.ld").write_text(SCRIPT)
    if kind == "c++-exe":
        (tmp_path / "t.cc").write_text(CXX)
        b.run(["g++", "-c", "t.cc", "-o", "t.o"])
        cmd = ["g++", "t.o"]
    else:
        (tmp_path / "t.c").write_text(C_LIB)
        b.run(["gcc", "-fPIC", "-c", "t.c", "-o", "t.o"])
        cmd = ["gcc", "-shared", "t.o"]
    got = {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"out-{linker}"
        b.run([cmd[0], *b.ld(linker), *cmd[1:], "-Wl,-T,d.ld", "-o", out])
        run = subprocess.run([str(out)], capture_output=True, text=True).stdout if kind == "c++-exe" else ""
        got[linker] = (_frames(out), run)
    assert "FDE" in got["bfd"][0], "harness: no FDE in bfd's output"
    assert got["test"] == got["bfd"]
