"""A SECTIONS script that does not name .eh_frame: bfd places the .eh_frame orphan where the first
input file that has one puts it among the other orphans, in input order (ldlang's orphan pass
walks the files' sections in order).  braze placed the merged .eh_frame after every other orphan
of its kind (found by tools/fuzz/run.py --arch aarch64 --kind scripts, seeds 206 and 228).
Compared with ld.bfd: the section rows (name, type, address, offset, size)."""
from __future__ import annotations

import re

import pytest

from elfrows import tool

START = """void _start(void) { __asm__ volatile("mov $60, %eax\\nxor %edi, %edi\\nsyscall"); }
int used(int x) { return x * 3; }
"""
RO1 = 'const unsigned char ro1[2] __attribute__((section(".fz.ro1"), used, aligned(16))) = { 11, 203 };\n'
RO2 = ('const unsigned char ro2[3] __attribute__((section(".fz.ro2"), used)) = { 1, 2, 3 };\n'
       "int f2(int x) { return x + 2; }\n")
SCRIPT = """ENTRY(_start)
SECTIONS
{
  . = 0x800000 + SIZEOF_HEADERS;
  .text : { *(.text .text.*) }
  .rodata : { *(.rodata .rodata.*) }
  . = ALIGN(0x1000);
  .data : { *(.data .data.*) }
  .bss : { *(.bss .bss.*) *(COMMON) }
  /DISCARD/ : { *(.comment) *(.note.GNU-stack) }
}
"""


def _rows(path, cwd) -> list[tuple]:
    out = tool(["readelf", "-WS", path], cwd)
    return [m.groups() for m in re.finditer(r"\]\s+(\S+)\s+(\S+)\s+([0-9a-f]{16})\s+([0-9a-f]+)\s+([0-9a-f]+)", out)
            if m.group(1) not in (".strtab", ".shstrtab", ".symtab")]


@pytest.mark.parametrize("order", [["start.o", "ro1.o", "ro2.o"], ["ro1.o", "start.o", "ro2.o"],
                                   ["ro1.o", "ro2.o", "start.o"]])
def test_eh_frame_orphan_place(tmp_path, braze_lddir, order):
    for name, text in (("start", START), ("ro1", RO1), ("ro2", RO2)):
        (tmp_path / f"{name}.c").write_text(text)
        tool(["gcc", "-O2", "-funwind-tables", "-fno-pic", "-c", f"{name}.c"], tmp_path)
    (tmp_path / "s.ld").write_text(SCRIPT)
    got = {}
    for who, how in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        tool(["gcc", *how, "-nostdlib", "-static", "-no-pie", "-Wl,-T,s.ld", *order, "-o", who], tmp_path)
        got[who] = _rows(who, tmp_path)
        tool([f"./{who}"], tmp_path)
    assert any(r[0] == ".eh_frame" for r in got["bfd"]) and got["braze"] == got["bfd"]
