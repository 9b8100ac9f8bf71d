"""--defsym with an expression beyond NUMBER or SYMBOL[+-NUMBER] (`ABSOLUTE(x)`, `(x + 4) & ~3`,
`x + SIZEOF(.bss)`), which bfd evaluates as a script assignment ahead of its default script's statements.
braze refused them ("unsupported expression"); it now lays such a link out with the SECTIONS engine from
bfd's default script, the assignments first.  Compared with ld.bfd: the symbols' .symtab rows, the
section and program headers, and (non-PIE) what the program prints."""
from __future__ import annotations

import pytest

from elfrows import symbol_rows, tool

SRC = r"""#include <stdio.h>
extern char a[], b[], c[], d[];
int x;
static void *tab[] = { a, b, c, d };
int main(void) { for (int i = 0; i < 4; i++) printf("%lx ", (unsigned long)tab[i]); printf("\n"); return 0; }
"""
DEFSYMS = ["a=ABSOLUTE(x)", "b=(x+4)&~3", "c=x+SIZEOF(.bss)", "d=x*1+__bss_start-__bss_start"]


@pytest.mark.parametrize("mode", ["-pie", "-no-pie", "-static"])
def test_defsym_expressions_vs_bfd(tmp_path, braze_lddir, mode):
    (tmp_path / "ds.c").write_text(SRC)
    tool(["gcc", "-c", "ds.c"], tmp_path)
    flags = [f"-Wl,--defsym,{d}" for d in DEFSYMS]
    got = {}
    for who, how in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        tool(["gcc", *how, mode, "ds.o", *flags, "-o", who], tmp_path)
        heads = [line.strip() for line in tool(["readelf", "-SlW", who], tmp_path).splitlines()
                 if "STRTAB" not in line and "section headers, starting" not in line]
        ran = tool([f"./{who}"], tmp_path) if mode != "-pie" else ""
        got[who] = (symbol_rows(who, tmp_path, {"a", "b", "c", "d", "x"}), heads, ran)
    assert got["braze"] == got["bfd"]
