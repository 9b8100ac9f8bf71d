"""Program header room and the headers' segment when a section's LMA is not its VMA, against ld.bfd
(found by tools/fuzz/run.py --kind scripts).

With `.data : AT(0x800100)` at 0x900000 after `. = 0x800000 + SIZEOF_HEADERS`, the header count
decides .text's address, which decides the count (3 <-> 4): braze gave up ("layout does not
converge"). bfd's ldelf_map_segments lets the count change freely only in its first passes, then
only grow, so it keeps room for 4 headers and writes 3. The segment holding the headers (with .data)
gets p_paddr = the section's LMA minus its distance from the segment start, as bfd (braze rounded
the LMA down to the page).

Compared: program headers and section headers."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

LINKERS = ("bfd", "test")

SCRIPT = """SECTIONS {
 . = 0x800000 + SIZEOF_HEADERS;
 .text : { *(.text) }
 . = 0x900000;
 .data : AT(0x800100) { *(.data) }
 .bss : AT(0x800400) { *(.bss) }
}
"""

ASM = """.globl _start
.text
_start: ret
.data
.zero 0x20
.bss
.p2align 5
.zero 0x68
.section .note.GNU-stack,"",@progbits
"""


def _headers(path) -> tuple:
    out = subprocess.run(["readelf", "-W", "-S", "-l", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    phdrs = re.findall(r"^\s+([A-Z_]+)\s+(0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+.*)$",
                       out, re.M)
    secs = re.findall(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]{16})\s+[0-9a-f]+\s+([0-9a-f]+)", out, re.M)
    return phdrs, secs


@pytest.mark.parametrize("build_id", ["--build-id=none", "--build-id"])
def test_phdr_room_and_headers_paddr(tmp_path, braze_lddir, build_id):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "v.s").write_text(ASM)
    (tmp_path / "s.ld").write_text(SCRIPT)
    b.run(["gcc", "-c", "v.s"])
    got = []
    for linker in LINKERS:
        exe = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), "-nostdlib", "-static", "-no-pie", f"-Wl,{build_id}", "v.o",
               "-Wl,-T,s.ld", "-o", exe])
        got.append(_headers(exe))
    assert any(p[0] == "LOAD" and "0x00000000007ff100" in p[1] for p in got[0][0])    # (bfd's p_paddr)
    assert got[1] == got[0]
