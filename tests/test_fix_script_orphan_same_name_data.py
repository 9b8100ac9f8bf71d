"""An orphan input section named like one of the script's output sections: bfd puts it there only
when that section's type (its first input's) and ALLOC/LOAD flags agree with the orphan's, or when it
has nothing yet but assignments. A section filled by BYTE/LONG alone, or one whose first input is
NOBITS while the orphan is PROGBITS, makes bfd give the orphan a second output section of the same
name, placed as any orphan; braze merged it into the script's section (different addresses, a
LOAD segment more or less). Compared with ld.bfd: the section headers (name, type, flags, address,
size) and the program headers."""
from __future__ import annotations

import re
import subprocess

from harness import BuildDir

A_C = r"""
void _start(void) { for (;;) ; }
const char ro_a[4] = {1, 2, 3, 4};
asm(".section .fz4,\"a\",@nobits\n.zero 8\n.previous");
const char fz6_a[2] __attribute__((section(".fz6"), used)) = {5, 6};
"""
B_C = r"""
const unsigned char fz3_b[5] __attribute__((section(".fz3"), used)) = {43, 18, 182, 169, 92};
const unsigned char fz4_b[3] __attribute__((section(".fz4"), used)) = {1, 2, 3};
const unsigned char fz5_b[3] __attribute__((section(".fz5"), used)) = {4, 5, 6};
const unsigned char fz6_b[7] __attribute__((section(".fz6"), used)) = {7};
"""
SCRIPT = """ENTRY(_start)
SECTIONS
{
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { *(.text .text.*) }
  .rodata : { *(.rodata .rodata.*) }
  .fz6 : { *a.o(.fz6) }
  . = ALIGN(0x1000);
  .data : { *(.data .data.*) }
  .fz3 : { BYTE(0xee) BYTE(0x68) LONG(7) }
  .fz4 : { *a.o(.fz4) }
  .fz5 : { fz5_start = .; }
  .bss : { *(.bss .bss.*) *(COMMON) }
  /DISCARD/ : { *(.comment) *(.note.*) }
}
"""


def _headers(path) -> tuple:
    out = subprocess.run(["readelf", "-SlW", str(path)], capture_output=True, text=True, check=True).stdout
    secs = [tuple(m.groups()) for m in re.finditer(
        r"\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*)\s+\d+\s+\d+\s+\d+", out)
            if "A" in m.group(5)]      # (.symtab/.strtab: braze's symbol table differs legitimately)
    phdrs = re.findall(r"^\s+(LOAD\s+.*)$", out, re.M)
    return secs, phdrs


def test_orphan_named_like_script_section(tmp_path, braze_lddir):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "a.c").write_text(A_C)
    (tmp_path / "b.c").write_text(B_C)
    (tmp_path / "t.ld").write_text(SCRIPT)
    for n in ("a", "b"):
        b.run(["gcc", "-c", "-O1", "-fno-pic", "-fno-asynchronous-unwind-tables", f"{n}.c", "-o", f"{n}.o"])
    got = {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"out-{linker}"
        b.run(["gcc", *b.ld(linker), "-nostdlib", "-static", "-no-pie", "a.o", "b.o", "-Wl,-T,t.ld",
               "-Wl,--build-id=none", "-o", out])
        got[linker] = _headers(out)
    names = [s[0] for s in got["bfd"][0]]
    # harness: bfd made a second .fz3 and .fz4 and took the orphans .fz5 and .fz6 into the script's
    assert names.count(".fz3") == 2 and names.count(".fz4") == 2, names
    assert names.count(".fz5") == 1 and names.count(".fz6") == 1, names
    assert got["test"][0] == got["bfd"][0]
    assert got["test"][1] == got["bfd"][1]
