"""GOTPCRELX loads of symbols defined in SHF_X86_64_LARGE sections: bfd's elf_x86_64_convert_load_reloc
("Don't convert GOTPCREL relocation against large section") keeps them as GOT loads, since code or
data of a large section may lie beyond a rel32's reach. braze relaxed them to lea/mov $imm like any
other, so a rustc -C code-model=large program (functions in .ltext.*, main referenced by Scrt1.o's
`mov main@GOTPCREL(%rip)`) had one GOT slot and one R_X86_64_RELATIVE fewer than bfd's.

Compared with ld.bfd: the instructions (mnemonics) of the references, the GOT's size, the dynamic
relocations by type, and the program's result; in PIE, -no-pie and -shared links, for a global
function in .ltext, a global and a local object in .ldata (and a small-model object, still relaxed).
"""
from __future__ import annotations

import collections
import re

import pytest

from harness import BuildDir

ASM = r"""
	.section .ltext.main,"axl",@progbits
	.globl main
	.type main,@function
main:
entry:	movq lfun@GOTPCREL(%rip), %rax
	call *%rax
	movq ldat@GOTPCREL(%rip), %rcx
	addl (%rcx), %eax
	movq sdat@GOTPCREL(%rip), %rcx
	addl (%rcx), %eax
	movq lloc@GOTPCREL(%rip), %rcx
	addl (%rcx), %eax
	movq lfun@GOTPCREL(%rip), %rdx
	ret
	.size main, .-main
	.globl lfun
	.hidden lfun
	.type lfun,@function
lfun:	movl $40, %eax
	ret
	.size lfun, .-lfun
	.globl entry2
	.type entry2,@function
entry2:	jmp entry
	.section .ldata,"awl",@progbits
	.globl ldat
	.hidden ldat
ldat:	.long 1
lloc:	.long 100
	.data
	.globl sdat
	.hidden sdat
sdat:	.long 1
	.section .note.GNU-stack,"",@progbits
"""

MODES = {"pie": [], "no-pie": ["-no-pie"], "shared": ["-shared"]}


def _insns(b: BuildDir, out) -> list[str]:
    dis = b.run(["objdump", "-d", "--no-show-raw-insn", "-j", ".ltext.main", out]).stdout
    return [m.group(1) for m in re.finditer(r"^\s+[0-9a-f]+:\s+(\S+)", dis, re.M)]


def _view(b: BuildDir, out):
    sects = b.run(["readelf", "-W", "-S", out]).stdout
    got = [line.split()[-6] for line in sects.splitlines() if re.search(r"\] \.got\s", line)]
    rels = b.run(["readelf", "-W", "-r", out]).stdout
    kinds = collections.Counter(m.group(1) for m in re.finditer(r"^[0-9a-f]+\s+[0-9a-f]+\s+(R_X86_64_\w+)",
                                                                rels, re.M))
    return _insns(b, out), got, sorted(kinds.items())


@pytest.mark.parametrize("mode", sorted(MODES))
def test_large_section_got_loads_kept_like_bfd(tmp_path, braze_lddir, mode):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "l.s").write_text(ASM)
    b.run(["gcc", "-c", "l.s"])
    views = {}
    for linker in ("bfd", "test"):
        out = tmp_path / (f"libl-{linker}.so" if mode == "shared" else f"l-{linker}")
        b.run(["gcc", *b.ld(linker), *MODES[mode], "l.o", "-o", out])
        if mode != "shared":
            assert b.run([out], check=False).returncode == 142
        views[linker] = _view(b, out)
    assert views["bfd"][0].count("lea") + views["bfd"][0].count("mov") >= 4
    assert views["test"] == views["bfd"]
