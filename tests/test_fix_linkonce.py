""".gnu.linkonce.* sections, against ld.bfd (found by the binutils 2.40 ld testsuite run with braze,
ld-linkonce/linkonce.exp "pr26103").

Before COMDAT groups, duplicates were eliminated by section name: bfd keeps the first
.gnu.linkonce.* section of each name and discards the later ones, whose symbols then refer to the
kept copy (_bfd_elf_section_already_linked). braze kept every copy and failed the link with
"duplicate symbol".

Compared: the links succeed, the programs' output, and how many definitions of the symbols .symtab
holds."""
from __future__ import annotations

import subprocess

from harness import BuildDir, tool_env

ASM = """
 .section .gnu.linkonce.t.get_one,"ax",@progbits
 .globl get_one
 .type get_one,@function
get_one:
 movl value(%%rip), %%eax
 addl $%d, %%eax
 ret
 .section .gnu.linkonce.d.value,"aw",@progbits
 .globl value
 .type value,@object
 .size value,4
value:
 .long %d
 .section .note.GNU-stack,"",@progbits
"""

MAIN = r"""
#include <stdio.h>
int get_one(void);
extern int value;
int main(void) { printf("%d %d\n", get_one(), value); return 0; }
"""


def _defs(path, name) -> int:
    out = subprocess.run(["readelf", "-W", "-s", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    return sum(1 for l in out.splitlines() if len(l.split()) > 7 and l.split()[7] == name
               and l.split()[6] != "UND" and ".symtab" not in l)


def test_linkonce_first_copy_kept(tmp_path, braze_lddir):
    b = BuildDir(tmp_path, braze_lddir)
    for n in (1, 2):
        (tmp_path / f"l{n}.s").write_text(ASM % (n, 10 * n))
        b.run(["as", "-o", f"l{n}.o", f"l{n}.s"])
    (tmp_path / "main.c").write_text(MAIN)
    b.run(["gcc", "-c", "main.c"])
    got = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"m-{linker}"
        p = b.run(["gcc", *b.ld(linker), "-o", exe, "main.o", "l1.o", "l2.o"], check=False)
        if p.returncode:
            got.append(("link failed", p.stderr.splitlines()[:1]))
            continue
        r = b.run([exe], check=False)
        got.append((r.returncode, r.stdout, _defs(exe, "get_one"), _defs(exe, "value")))
    assert got[0] == (0, "11 10\n", 1, 1)
    assert got[1] == got[0]
