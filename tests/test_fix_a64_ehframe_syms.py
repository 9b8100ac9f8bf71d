"""Local symbols in input .eh_frame sections of an aarch64 final link (the assembler's `$d` at each
record), against aarch64 ld.bfd (found by tools/fuzz/run.py --arch aarch64 --seeds 7108:1:
eu-elflint's "st_value out of bounds" after --gc-sections).

bfd moves a local NOTYPE/OBJECT symbol in .eh_frame by its offset_adjust rule: with its record when
the record is kept, to the CIE a merged CIE merged into, and from a dropped FDE to the next kept
record of its section (or that section's end). braze left each at its input offset from where the
section's first kept record went, past the records that had moved up or were gone.

Compared: each .eh_frame symbol's value and type, with and without --gc-sections (which drops the
FDEs of the unused functions), and the programs' output under qemu."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from harness import BuildDir, tool_env

GCC = "aarch64-linux-gnu-gcc"
QEMU = ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"]

# unused functions between used ones: their FDEs go under --gc-sections, the later ones move up
A = """int a_dead1(int x) { return x * 3 + a_dead1(x - 1); }
int a_live1(int x) { return x + 1; }
int a_dead2(int x) { return x * 5 + a_dead2(x + 2); }
int a_dead3(int x) { return x * 7 + a_dead3(x + 3); }
int a_live2(int x) { return x * 2; }
int a_dead4(int x) { return x * 9 + a_dead4(x + 4); }
"""
MAIN = """#include <stdio.h>
int a_live1(int), a_live2(int);
int m_dead(int x) { return x * 11 + m_dead(x + 1); }
int main(void) { printf("%d\\n", a_live1(3) + a_live2(4)); return 0; }
"""


def _eh_symbols(path) -> list:
    out = subprocess.run(["aarch64-linux-gnu-readelf", "-W", "-S", "-s", str(path)], capture_output=True,
                         text=True, env=tool_env(), check=True).stdout
    idx = re.search(r"^\s*\[\s*(\d+)\]\s+\.eh_frame\s", out, re.M).group(1)
    return [(m[0], m[1], m[2]) for m in re.findall(r"^\s*\d+:\s+([0-9a-f]+)\s+\d+\s+(NOTYPE|OBJECT)\s+LOCAL\s+"
                                                     r"\S+\s+" + idx + r"\s+(\S+)$", out, re.M)]


@pytest.mark.parametrize("gc", [[], ["-Wl,--gc-sections"]], ids=["plain", "gc"])
def test_eh_frame_local_symbols_move_with_records(tmp_path, braze_lddir, gc):
    if not shutil.which(GCC):
        pytest.fail(f"{GCC} is missing (make deps installs it)")
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "a.c").write_text(A)
    (tmp_path / "main.c").write_text(MAIN)
    for src in ("a.c", "main.c"):
        b.run([GCC, "-O1", "-fno-pic", "-ffunction-sections", "-fno-optimize-sibling-calls", "-c", src])
    exes = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run([GCC, *b.ld(linker), "-no-pie", *gc, "main.o", "a.o", "-o", exe])
        exes.append(exe)
    ref = _eh_symbols(exes[0])
    assert sum(n == "$d" for _v, _t, n in ref) >= 2, f"harness: too few $d in bfd's .eh_frame: {ref}"
    assert _eh_symbols(exes[1]) == ref
    assert b.run([*QEMU, exes[1]]).stdout == b.run([*QEMU, exes[0]]).stdout == "12\n"
