"""FDEs whose CIE encodes addresses as 8-byte values (DW_EH_PE_pcrel|sdata8: what LLVM writes for
the large code model, e.g. rustc -C code-model=large): bfd's _bfd_elf_discard_section_eh_frame starts
each such FDE at an 8-aligned offset within its input section (an FDE's alignment is the width of its
address encoding, at least 4), the record before it growing by DW_CFA_nop padding. braze padded every
record to 4 only, so after trimming the input's padding its .eh_frame came out shorter and the FDEs
sat at other offsets (a rustc -C code-model=large program: 0x68 bytes short).

The objects here spell such an .eh_frame out in assembly (gas's .cfi directives always use sdata4):
a CIE and two FDEs, each padded to 8 in the input so that trimming the nops leaves sizes that are
4 but not 8 aligned. Compared with ld.bfd: the frames as readelf decodes them (offsets, lengths,
ranges), the .eh_frame/.eh_frame_hdr section rows, and the program's output.
"""
from __future__ import annotations

import re

import pytest

from harness import BuildDir

ASM = r"""
	.text
	.globl f1
	.hidden f1
	.type f1,@function
f1:	leal 1(%rdi), %eax
	ret
.Lf1e:
	.size f1, .-f1
	.globl f2
	.hidden f2
	.type f2,@function
f2:	leal 2(%rdi), %eax
	ret
.Lf2e:
	.size f2, .-f2
	.section .eh_frame,"a",@unwind
	.balign 8
.Lcie:
	.long .Lcie_end - .Lcie_start
.Lcie_start:
	.long 0
	.byte 1
	.string "zR"
	.uleb128 1
	.sleb128 -8
	.byte 16
	.uleb128 1
	.byte 0x1c
	.byte 0x0c, 7, 8, 0x90, 1, 0x08, 3, 0x08, 12, 0x08, 13
	.balign 8, 0
.Lcie_end:
.Lfde1:
	.long .Lfde1_end - .Lfde1_start
.Lfde1_start:
	.long .Lfde1_start - .Lcie
	.quad f1 - .
	.quad .Lf1e - f1
	.uleb128 0
	.balign 8, 0
.Lfde1_end:
.Lfde2:
	.long .Lfde2_end - .Lfde2_start
.Lfde2_start:
	.long .Lfde2_start - .Lcie
	.quad f2 - .
	.quad .Lf2e - f2
	.uleb128 0
	.byte 0x41, 0x0e, 0x10
	.balign 8, 0
.Lfde2_end:
	.section .note.GNU-stack,"",@progbits
"""

MAIN = r"""
#include <stdio.h>
int f1(int), f2(int);
int main(void) { printf("%d %d\n", f1(40), f2(40)); return 0; }
"""

AFTER = r"""
int g1(int x) { return x * 3; }
"""

MODES = {"pie": [], "no-pie": ["-no-pie"], "static": ["-static"], "gc": ["-Wl,--gc-sections"]}


def _frames(b: BuildDir, exe) -> str:
    out = b.run(["readelf", "-W", "--debug-dump=frames", exe]).stdout
    return "\n".join(line for line in out.splitlines() if re.search(r"CIE|FDE|ZERO|Augmentation", line))


def _rows(b: BuildDir, exe) -> list[str]:
    out = b.run(["readelf", "-W", "-S", exe]).stdout
    return [re.sub(r"^\s*\[\s*\d+\]", "", line) for line in out.splitlines() if ".eh_frame" in line]


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("order", ["asm-first", "asm-middle"])
def test_sdata8_fdes_aligned_like_bfd(tmp_path, braze_lddir, mode, order):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "e.s").write_text(ASM)
    (tmp_path / "m.c").write_text(MAIN)
    (tmp_path / "g.c").write_text(AFTER)
    b.run(["gcc", "-c", "e.s", "m.c", "g.c", "-O1", "-fasynchronous-unwind-tables"])
    objs = ["e.o", "m.o", "g.o"] if order == "asm-first" else ["m.o", "e.o", "g.o"]
    got = {}
    for linker in ("bfd", "test"):
        exe = tmp_path / f"e-{linker}"
        b.run(["gcc", *b.ld(linker), *MODES[mode], *objs, "-o", exe])
        assert b.run([exe]).stdout == "41 42\n"
        got[linker] = (_frames(b, exe), _rows(b, exe))
    assert "pc=" in got["bfd"][0]
    assert got["test"] == got["bfd"]


def test_shared_sdata8_fdes_aligned_like_bfd(tmp_path, braze_lddir):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "e.s").write_text(ASM)
    (tmp_path / "g.c").write_text(AFTER)
    b.run(["gcc", "-c", "e.s", "g.c", "-O1", "-fPIC"])
    got = {}
    for linker in ("bfd", "test"):
        lib = tmp_path / f"libe-{linker}.so"
        b.run(["gcc", *b.ld(linker), "-shared", "g.o", "e.o", "-o", lib])
        got[linker] = (_frames(b, lib), _rows(b, lib))
    assert got["test"] == got["bfd"]
