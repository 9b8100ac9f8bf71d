"""GOT loads of the linker's _DYNAMIC stay GOT loads, as in ld.bfd (found building Boehm GC 8.2.2:
dyn_load.c's `#pragma weak _DYNAMIC` ... `&_DYNAMIC` is a `mov _DYNAMIC@GOTPCREL(%rip)`).

bfd's elf_x86_64_convert_load_reloc skips _DYNAMIC ("ld.so may use its link-time address"): in a
-shared, -pie, -static-pie or -no-pie link the mov/call/jmp keep their GOT slot (a RELATIVE
relocation in PIC output). braze converted them (lea, `mov $imm`, direct call/jmp), so libgc.so had
one GOT slot and one R_X86_64_RELATIVE fewer. A -static link has no _DYNAMIC: the undefined weak
reference still converts to 0 in both.

Compared: the instructions (mnemonics and operands, numbers masked), the dynamic relocation types
with their counts, .got's size, and the programs' output."""
from __future__ import annotations

import collections
import re
import subprocess

import pytest

from harness import BuildDir, tool_env

ASM = """.text
.globl f_asm
.weak _DYNAMIC
f_asm:
  movq _DYNAMIC@GOTPCREL(%rip), %rax
  movl _DYNAMIC@GOTPCREL(%rip), %ecx
  testq %rax, _DYNAMIC@GOTPCREL(%rip)
  addq _DYNAMIC@GOTPCREL(%rip), %rcx
  cmpq $0, %rax
  je 1f
  call *_DYNAMIC@GOTPCREL(%rip)
1:
  ret
  jmp *_DYNAMIC@GOTPCREL(%rip)
.section .note.GNU-stack,"",@progbits
"""
DYN_C = """#pragma weak _DYNAMIC
extern char _DYNAMIC[];
void *get_dynamic(void) { return _DYNAMIC; }
"""
MAIN_C = r"""#include <stdio.h>
extern void *get_dynamic(void);
int main(void) { printf("%d\n", get_dynamic() != 0); return 0; }
"""
MODES = {"shared": ["-shared", "asm.o", "dyn.o"], "pie": ["-pie", "asm.o", "dyn.o", "main.o"],
         "no-pie": ["-no-pie", "asm.o", "dyn.o", "main.o"],
         "static-pie": ["-static-pie", "asm.o", "dyn.o", "main.o"],
         "static": ["-static", "asm.o", "dyn.o", "main.o"]}


def _code(path, fn) -> list[str]:
    text = subprocess.run(["objdump", "-d", "--no-show-raw-insn", str(path)], capture_output=True,
                          text=True, env=tool_env(), check=True).stdout
    body = text.split(f"<{fn}>:\n", 1)[1].split("\n\n", 1)[0]
    return [re.sub(r"0x[0-9a-f]+|\b[0-9a-f]{3,}\b", "N", re.sub(r"\s*#.*", "", line.split("\t", 1)[1]))
            for line in body.splitlines() if "\t" in line]


def _facts(path):
    r = subprocess.run(["readelf", "-W", "-r", "-S", str(path)], capture_output=True, text=True,
                       env=tool_env(), check=True).stdout
    relocs = collections.Counter(m.group(1) for m in re.finditer(r"\s(R_X86_64_\w+)", r))
    got = re.search(r"\] \.got\s+PROGBITS\s+\S+\s+\S+\s+(\S+)", r)
    return (_code(path, "f_asm"), _code(path, "get_dynamic"), dict(relocs), got and got.group(1))


@pytest.mark.parametrize("mode", list(MODES))
def test_dynamic_got_load_kept_as_bfd(tmp_path, braze_lddir, mode):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "asm.s").write_text(ASM)
    (tmp_path / "dyn.c").write_text(DYN_C)
    (tmp_path / "main.c").write_text(MAIN_C)
    b.run(["as", "-mrelax-relocations=yes", "asm.s", "-o", "asm.o"])
    b.run(["gcc", "-O2", "-fPIC", "-c", "dyn.c", "main.c"])
    got = []
    for linker in ("bfd", "test"):
        out = tmp_path / f"{mode}-{linker}"
        b.run(["gcc", *b.ld(linker), *MODES[mode], "-o", out])
        run = None if mode == "shared" else b.run([out]).stdout
        got.append((_facts(out), run))
    assert got[1] == got[0]
