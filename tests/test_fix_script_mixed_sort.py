"""An input description mixing sorted and unsorted patterns, `*(SORT(.a.*) .a)`, against ld.bfd
(found by tools/fuzz/run.py --kind scripts).

bfd's wild_sort puts every section such a description matches, in input order (file by file), into
one binary tree: an unsorted one at the rightmost place, a sorted one by descending from the root
and comparing (by its own pattern's kind) with each node on the way, sorted or not; the output is the
tree in order. braze put all sorted sections first and the unsorted ones after them (different
contents between the script's symbols, different addresses), and two different sort kinds in one
description (`SORT_BY_NAME(.x.b*) SORT_BY_ALIGNMENT(.x.a*)`) ended in a Python exception.

Compared: the program's output (the bytes between each section's bounds, in order) and the symbol
rows of the variables."""
from __future__ import annotations

import subprocess

import pytest

from harness import BuildDir, tool_env

LINKERS = ("bfd", "test")

# name -> (section, alignment) per variable, over two files: the walk order is file by file
ONE = [("a1", ".ms", 2), ("a2", ".ms.9", 1), ("a3", ".ms.1", 8), ("a4", ".mt.b", 16), ("a5", ".mt", 1),
       ("a6", ".mu.b2", 4), ("a7", ".mu.a1", 1), ("a8", ".mv.q", 8), ("a9", ".mv", 1)]
TWO = [("b1", ".ms.5", 4), ("b2", ".ms", 1), ("b3", ".mt.a", 32), ("b4", ".mt", 2), ("b5", ".mu.b1", 1),
       ("b6", ".mu.a2", 16), ("b7", ".mv.a", 2), ("b8", ".mv", 4)]

SCRIPT = """SECTIONS
{
  .ms : { ms_start = .; *(SORT(.ms.*) .ms) ms_end = .; }
  .mt : { mt_start = .; *(.mt SORT_BY_ALIGNMENT(.mt.*)) mt_end = .; }
  .mu : { mu_start = .; *(SORT_BY_NAME(.mu.b*) SORT_BY_ALIGNMENT(.mu.a*)) mu_end = .; }
  .mv : { mv_start = .; *(SORT_BY_NAME(SORT_BY_ALIGNMENT(.mv.*)) .mv) mv_end = .; }
}
INSERT AFTER .rodata;
"""

MAIN = r"""#include <stdio.h>
#define SHOW(n) { extern const char n##_start[], n##_end[]; printf(#n ":"); \
  for (const char *p = n##_start; p < n##_end; p++) if (*p) putchar(*p); putchar('\n'); }
int main(void) { SHOW(ms) SHOW(mt) SHOW(mu) SHOW(mv) return 0; }
"""


def _vars(rows) -> str:
    return "".join(f'__attribute__((section("{sec}"), used, aligned({al}))) const char {n}[3] = "{n}";\n'
                   for n, sec, al in rows)


@pytest.mark.parametrize("mode", ["-no-pie", "-pie"])
def test_mixed_sort_order(tmp_path, braze_lddir, mode):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "one.c").write_text(_vars(ONE))
    (tmp_path / "two.c").write_text(_vars(TWO))
    (tmp_path / "main.c").write_text(MAIN)
    (tmp_path / "ins.ld").write_text(SCRIPT)
    b.run(["gcc", "-O2", "-c", "main.c", "one.c", "two.c"])
    outs, syms = [], []
    for linker in LINKERS:
        exe = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), mode, "main.o", "one.o", "two.o", "-Wl,-T,ins.ld", "-o", exe])
        outs.append(b.run([exe]).stdout)
        nm = subprocess.run(["nm", exe], capture_output=True, text=True, env=tool_env(), check=True).stdout
        syms.append(sorted(l for l in nm.splitlines() if l.split()[-1][:1] in "ab" and len(l.split()[-1]) == 2))
    assert outs[0].count("\n") == 4 and "ms:a2" not in outs[0]       # (bfd: not all sorted first)
    assert outs[1] == outs[0]
    assert syms[1] == syms[0]
