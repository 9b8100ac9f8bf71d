"""Orphans of one name that no statement has, with different ELF types or ALLOC, against ld.bfd on
x86-64 and aarch64.

bfd's orphan placement puts an orphan into an earlier orphan section of its name only when they
agree on ALLOC and LOAD and on the ELF type; otherwise it makes another output section of that name,
placed by the orphan's own kind (a NOBITS one after .bss, a PROGBITS one after .rodata or .data).
braze merged all orphans of a name into one section.

Compared: the section headers."""
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
	.section .fza,"a",@progbits
	.byte 1
	.section .fzb,"aw",@nobits
	.zero 4
	.section .fzc,"a",@progbits
	.byte 3
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
	.section .fzb,"a",@progbits
	.byte 5
	.section .fzc,"aw",@progbits
	.byte 6
	.section .fzc,"",@progbits
	.byte 7
"""

SCRIPT = """SECTIONS {
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { main.o(.text) }
  .rodata : { *(.rodata) }
  . = ALIGN(0x1000);
  .data : { *(.data) }
  .bss : { *(.bss) }
}
"""

ARCHES = {"x86_64": ("gcc", "readelf", "jmp"),
          "aarch64": ("aarch64-linux-gnu-gcc", "aarch64-linux-gnu-readelf", "b")}


def _view(readelf, path) -> list:
    out = subprocess.run([readelf, "-W", "-S", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    rows = re.findall(r"^\s*\[\s*\d+\]\s+(\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+\S*?)\s", out, re.M)
    return [r for r in rows if r.split()[0] not in (".symtab", ".strtab", ".shstrtab")]


@pytest.mark.parametrize("arch", sorted(ARCHES))
def test_orphans_of_one_name_split_by_type(tmp_path, braze_lddir, arch):
    cc, readelf, jump = ARCHES[arch]
    if not shutil.which(cc):
        pytest.fail(f"{cc} is missing (make deps installs it)")
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.s").write_text(MAIN.replace("{jump}", jump))
    (tmp_path / "orph.s").write_text(ORPH)
    (tmp_path / "s.ld").write_text(SCRIPT)
    for n in ("main", "orph"):
        b.run([cc, "-c", f"{n}.s", "-o", f"{n}.o"])
    views = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run([cc, *b.ld(linker), "-nostdlib", "-static", "main.o", "orph.o", "-Wl,-T,s.ld", "-o", exe])
        views.append(_view(readelf, exe))
    names = [r.split()[0] for r in views[0]]
    assert names.count(".fza") == 2 and names.count(".fzb") == 2      # (bfd's, as measured)
    assert views[1] == views[0]
