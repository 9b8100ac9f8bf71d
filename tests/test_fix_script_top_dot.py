"""A top-level assignment combining `.` with another section's address (`MIN(ADDR(.text), .)`,
`. - ADDR(.text)`), against ld.bfd (found by tools/fuzz/run.py --kind scripts, x86-64 seed 13:
eu-elflint's "st_value out of bounds").

bfd's `.` outside an output section sets rel_from_abs (the symbol assigned goes to the section of
dot, as `end = .` does); operands from two sections are made absolute first (make_abs), which clears
it: the symbol is absolute. braze kept the flag and wrote the absolute value as an offset into the
section before it (st_shndx .rodata, st_value past its end; a PIE would relocate it).

Compared: each fz_ symbol's value and section (by name, or ABS) and the program's output."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, run_cmd, tool_env

MAIN = r"""#include <stdio.h>
extern char fz_min[], fz_diff[], fz_dot[], fz_plus[];
int main(void) {
  printf("%lx %lx %lx\n", (unsigned long)(fz_dot - fz_min), (unsigned long)fz_diff, (unsigned long)(fz_plus - fz_dot));
  return 0;
}
"""

ADDED = """  fz_min = MIN(ADDR(.text), .);
  fz_diff = . - ADDR(.text);
  fz_dot = .;
  fz_plus = SIZEOF(.text) + .;
"""


def _syms(path) -> list:
    out = subprocess.run(["readelf", "-W", "-S", "-s", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    names = dict(re.findall(r"^\s*\[\s*(\d+)\]\s+(\S+)", out, re.M))
    syms = re.findall(r"^\s*\d+:\s+([0-9a-f]+)\s+\d+\s+\w+\s+\w+\s+\w+\s+(\S+)\s+(fz_\w+)$", out, re.M)
    return sorted((n, v, names.get(ndx, ndx)) for v, ndx, n in syms)


@pytest.mark.parametrize("mode", ["-no-pie", "-pie"])
def test_top_level_dot_with_other_section(tmp_path, braze_lddir, mode):
    verbose = run_cmd(["ld.bfd", "--verbose"] + (["-pie"] if mode == "-pie" else []), tmp_path).stdout.splitlines()
    marks = [i for i, line in enumerate(verbose) if line.startswith("=====")]
    script = "\n".join(verbose[marks[0] + 1:marks[1]]) + "\n"
    script, n = re.subn(r"(\n\s*\.rodata1\s*:[^\n]*\n)", r"\1" + ADDED, script, count=1)
    assert n == 1
    (tmp_path / "s.ld").write_text(script)
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "m.c").write_text(MAIN)
    b.run(["gcc", "-O1", "-fPIE" if mode == "-pie" else "-fno-pic", "-c", "m.c"])
    syms, outs = [], []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), mode, "m.o", "-Wl,-T,s.ld", "-o", exe])
        syms.append(_syms(exe))
        outs.append(b.run(["setarch", "x86_64", "-R", exe]).stdout)     # (no ASLR: the PIE prints an address)
    assert ("fz_min" in [s[0] for s in syms[0]]) and any(s[2] == "ABS" for s in syms[0])
    assert syms[1] == syms[0]
    assert outs[1] == outs[0]
