"""The section of `a - b` assigned inside an output section when a and b are addresses in different
sections (`x = . - ADDR(.text);`), against ld.bfd (found by tools/fuzz/run.py --kind scripts).

bfd's fold_binary makes both operands absolute and its arith_result_section then makes the result a
number, since neither operand was a bare number; a number assigned inside an output section is
relative to that section (the ld manual's example with `__data_start = 0x10`). So the symbol's
value is the section's address plus the difference. braze kept it absolute (value = the difference).
An address combined with a bare number (`ABSOLUTE(x) + 1`) stays absolute in both. A negative
difference (`ADDR(.text) - ADDR(.rodata)`) wraps as bfd's (braze: internal error).

Compared: the symbol rows (value, section index) and the program's output."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

LINKERS = ("bfd", "test")
NAMES = ("ex_a", "ex_b", "ex_c", "ex_d", "ex_e")

SCRIPT = """SECTIONS
{
  .ex : {
    ex_a = . - ADDR(.text);
    *(.ex)
    ex_b = ADDR(.text) - ADDR(.rodata);
    ex_c = ABSOLUTE(.) - ABSOLUTE(ADDR(.text));
    ex_d = ABSOLUTE(.) + 1;
    ex_e = SIZEOF(.text) + ADDR(.text);
  }
}
INSERT AFTER .rodata;
"""

MAIN = r"""#include <stdio.h>
__attribute__((section(".ex"), used)) const char ex_data[24] = "in .ex";
extern const char ex_a[], ex_b[], ex_c[], ex_d[], ex_e[];
int main(void) {
  printf("%lx %lx %lx %lx %lx\n", (unsigned long)ex_a, (unsigned long)ex_b, (unsigned long)ex_c,
         (unsigned long)ex_d, (unsigned long)ex_e);
  return 0;
}
"""


def _rows(path) -> list[tuple]:
    """(name, value, section name or ABS) of the script's symbols."""
    out = subprocess.run(["readelf", "-W", "-S", "-s", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    secs = dict(re.findall(r"^\s*\[\s*(\d+)\]\s+(\S+)", out, re.M))
    syms = out.partition("Symbol table '.symtab'")[2]
    return sorted((f[7], f[1], secs.get(f[6], f[6])) for f in (l.split() for l in syms.splitlines())
                  if len(f) >= 8 and f[7] in NAMES)


@pytest.mark.parametrize("mode", ["-no-pie", "-static", "-pie"])
def test_difference_of_sections_in_section(tmp_path, braze_lddir, mode):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text(MAIN)
    (tmp_path / "ins.ld").write_text(SCRIPT)
    b.run(["gcc", "-O2", "-fPIE" if mode == "-pie" else "-fno-pic", "-c", "main.c"])
    rows, outs = [], []
    for linker in LINKERS:
        exe = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), mode, "main.o", "-Wl,-T,ins.ld", "-o", exe])
        rows.append(_rows(exe))
        if mode != "-pie":
            outs.append(b.run([exe]).stdout)
    assert len(rows[0]) == len(NAMES)
    assert any(ndx != "ABS" for name, _, ndx in rows[0] if name == "ex_a")   # (bfd: section-relative)
    assert rows[1] == rows[0]
    if outs:
        assert outs[1] == outs[0]
