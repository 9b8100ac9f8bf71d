"""GOTPCRELX conversions against absolute symbols, against ld.bfd (found with /tmp/s20/expr/gotpcrelx).

1. PIC output converts a GOT load of a linker-script symbol to a lea (call/jmp to a direct one) with
   64-bit address arithmetic: `neg = ADDR(.text) - fn_end` (0xffffffffffffffe0) is reached by
   wrapping, -0x1164(%rip). braze computed the displacement without the wrap and refused the link
   ("value that does not fit its field"). Out of the lea's reach, bfd converts anyway and fails:
   "failed to convert GOTPCREL relocation against 'neg'; relink with --no-relax".
2. Non-PIC output turns mov/test/binop into an imm32 form when an object's absolute symbol fits it
   (sign-extended under REX.W: -0x20 does, 0x80000000 does not) and keeps the GOT load otherwise;
   braze read 0xffffffffffffffe0 as not fitting, and failed the link for a value that does not.

Compared: the exit status, the program's output (no ASLR) and main's instructions."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

MAIN = r"""#include <stdio.h>
extern char neg[];
int main(void) { printf("%lx\n", (unsigned long)neg); return 0; }
"""
ASM = """.text
.globl main
main:
  movq neg@GOTPCREL(%rip), %rax
  movq neg@GOTPCREL(%rip), %r9
  testq %rax, neg@GOTPCREL(%rip)
  addq neg@GOTPCREL(%rip), %rax
  cmpq neg@GOTPCREL(%rip), %r10
  movl neg@GOTPCREL(%rip), %eax
  call *fn@GOTPCREL(%rip)
  jmp *fn@GOTPCREL(%rip)
"""
# (a PIE: bfd refuses the 64-bit loads of an object's absolute symbol; the 32-bit ones it converts)
ASM32 = """.text
.globl main
main:
  movl neg@GOTPCREL(%rip), %eax
  movl neg@GOTPCREL(%rip), %r9d
  testl %eax, neg@GOTPCREL(%rip)
  addl neg@GOTPCREL(%rip), %eax
"""


def _main_code(path) -> list[str]:
    text = subprocess.run(["objdump", "-d", str(path)], capture_output=True, text=True, env=tool_env(),
                          check=True).stdout
    body = text.split("<main>:\n", 1)[1].split("\n\n", 1)[0]
    # (the bytes and mnemonics; a comment names the GOT by its neighbours)
    return [re.sub(r"\s*#.*", "", line.split("\t", 1)[1]) for line in body.splitlines() if "\t" in line]


@pytest.mark.parametrize("value", ["ADDR(.text) - fn_end", "-0x20", "0x7fff0000", "-0x80000000",
                                   "0x100000000000", "ADDR(.text) + 0x90000000"])
def test_pie_script_symbol_lea(tmp_path, braze_lddir, value):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "m.c").write_text(MAIN)
    (tmp_path / "t.ld").write_text(f"SECTIONS {{ neg = {value}; fn_end = ADDR(.text) + 0x20; }} "
                                   "INSERT AFTER .rodata;\n")
    b.run(["gcc", "-O1", "-fPIC", "-c", "m.c"])
    got = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        p = b.run(["gcc", *b.ld(linker), "-pie", "m.o", "-Wl,-T,t.ld", "-o", exe], check=False)
        if p.returncode:
            got.append((p.returncode, "failed to convert GOTPCREL relocation" in p.stderr))
        else:
            got.append((0, b.run(["setarch", "x86_64", "-R", exe]).stdout, _main_code(exe)))
    assert got[1] == got[0]
    assert got[0][0] == (0 if value in ("ADDR(.text) - fn_end", "-0x20", "0x7fff0000") else 1)


@pytest.mark.parametrize("value", ["-0x20", "0x7fffffff", "0x80000000", "0xffffffff", "0x100000000",
                                   "-0x80000000", "-0x80000001"])
@pytest.mark.parametrize("out", ["-no-pie", "-pie"])
def test_object_abs_symbol_imm32(tmp_path, braze_lddir, direct_ld, value, out):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "g.s").write_text(ASM if out == "-no-pie" else ASM32)
    (tmp_path / "abs.s").write_text(f".globl neg, fn\n.set neg, {value}\n.set fn, -0x40\n")
    b.run(["as", "-mrelax-relocations=yes", "g.s", "-o", "g.o"])
    b.run(["as", "abs.s", "-o", "abs.o"])
    got = []
    for name, cmd in (("bfd", ["ld.bfd"]), ("test", direct_ld)):
        exe = tmp_path / f"g-{name}"
        p = b.run([*cmd, out, "-e", "main", "g.o", "abs.o", "-o", exe], check=False)
        got.append((p.returncode, _main_code(exe) if not p.returncode else None))
    assert got[1] == got[0]
