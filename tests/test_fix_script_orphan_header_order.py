"""Section header order with orphans, against ld.bfd on x86-64 and aarch64.

bfd's section headers follow its output section list: a section is made when bfd maps the inputs
to the script (at its first input, data command, assignment, or an ADDR() naming it), and an
orphan is moved in after the section it is placed after. A statement only an orphan of its name
fills (`.fzg : { }`) is made when that orphan is placed: last in the list. A statement whose own
patterns match nothing but that a later ADDR() names (`.fzi`) is made at that ADDR(), after the
orphans placed behind `.bss`. braze made both at their statements.

Compared: the section headers (name, type, address, offset, size, flags), in order."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from harness import BuildDir, tool_env

MAIN = r"""
	.text
	.globl _start
_start:	{jump} _start
	.section .rodata,"a",@progbits
	.byte 0x11
	.data
	.byte 0x12
	.bss
	.zero 3
"""

ORPH = r"""
	.section .fza,"aw",@nobits
	.zero 16
	.section .fzg,"aw",@progbits
	.byte 10
	.section .fzi,"",@progbits
	.byte 11
	.section .fzk,"a",@progbits
	.byte 12
"""

SCRIPT = """SECTIONS {
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { main.o(.text) }
  .rodata : { *(.rodata) }
  .fzg : { }
  . = ALIGN(0x1000);
  .data : { *(.data) }
  .fzi : { main.o(.nothing) }
  .bss : { *(.bss) }
  x = ADDR(.fzi);
}
"""

ARCHES = {"x86_64": ("gcc", "readelf", "jmp"),
          "aarch64": ("aarch64-linux-gnu-gcc", "aarch64-linux-gnu-readelf", "b")}


def _headers(readelf, path) -> list:
    out = subprocess.run([readelf, "-W", "-S", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    rows = re.findall(r"^\s*\[\s*\d+\]\s+(\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+\S*?)\s", out, re.M)
    return [r for r in rows if r.split()[0] not in (".symtab", ".strtab", ".shstrtab")]   # (aarch64's $x/$d)


@pytest.mark.parametrize("arch", sorted(ARCHES))
def test_orphan_header_order(tmp_path, braze_lddir, arch):
    cc, readelf, jump = ARCHES[arch]
    if not shutil.which(cc):
        pytest.fail(f"{cc} is missing (make deps installs it)")
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.s").write_text(MAIN.replace("{jump}", jump))
    (tmp_path / "orph.s").write_text(ORPH)
    (tmp_path / "s.ld").write_text(SCRIPT)
    for n in ("main", "orph"):
        b.run([cc, "-c", f"{n}.s", "-o", f"{n}.o"])
    got = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run([cc, *b.ld(linker), "-nostdlib", "-static", "main.o", "orph.o", "-Wl,-T,s.ld", "-o", exe])
        got.append(_headers(readelf, exe))
    names = [h.split()[0] for h in got[0]]
    assert names.index(".fzg") > names.index(".fzi") > names.index(".fza")    # (bfd's, as measured)
    assert got[1] == got[0]
