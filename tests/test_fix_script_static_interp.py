"""A static link whose script has its own .interp output section, against ld.bfd on x86-64 and
aarch64.

bfd's segment map gives any output section named .interp with contents a PT_PHDR and a PT_INTERP
(first in the table), not only the dynamic linker's; braze did so only for the linker-made one, so
a static program with an .interp section had neither. PT_PHDR's p_paddr is where the PT_LOAD holding
the headers loads them (here moved by the AT() of .data, the segment's first section).

Compared: the program headers and the header count."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from harness import BuildDir, tool_env

ASM = r"""
	.globl _start
	.text
_start:	{jump} _start
	.section .interp,"a",@progbits
	.asciz "/lib/ld-fake.so.1"
	.data
	.zero 0x20
	.bss
	.p2align 5
	.zero 0x68
"""

SCRIPTS = {
    "plain": """SECTIONS {
 . = 0x800000 + SIZEOF_HEADERS;
 .interp : { *(.interp) }
 .text : { *(.text) }
 . = ALIGN(0x10000);
 .data : { *(.data) }
 .bss : { *(.bss) }
}
""",
    "data-lma": """SECTIONS {
 . = 0x800000 + SIZEOF_HEADERS;
 .interp : { *(.interp) }
 .text : { *(.text) }
 . = 0x900000;
 .data : AT(0x800100) { *(.data) }
 .bss : AT(0x800400) { *(.bss) }
}
""",
}

ARCHES = {"x86_64": ("gcc", "readelf", "jmp"),
          "aarch64": ("aarch64-linux-gnu-gcc", "aarch64-linux-gnu-readelf", "b")}


def _phdrs(readelf, path) -> tuple:
    out = subprocess.run([readelf, "-W", "-l", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    return (re.findall(r"There are (\d+) program headers", out),
            re.findall(r"^\s+([A-Z_]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+.*)$", out, re.M))


@pytest.mark.parametrize("script", sorted(SCRIPTS))
@pytest.mark.parametrize("arch", sorted(ARCHES))
def test_static_interp_phdrs(tmp_path, braze_lddir, arch, script):
    cc, readelf, jump = ARCHES[arch]
    if not shutil.which(cc):
        pytest.fail(f"{cc} is missing (make deps installs it)")
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "v.s").write_text(ASM.replace("{jump}", jump))
    (tmp_path / "s.ld").write_text(SCRIPTS[script])
    b.run([cc, "-c", "v.s"])
    got = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run([cc, *b.ld(linker), "-nostdlib", "-static", "-no-pie", "-Wl,--build-id=none", "v.o", "-Wl,-T,s.ld",
               "-o", exe])
        got.append(_phdrs(readelf, exe))
    assert [r.split()[0] for r in got[0][1]][:2] == ["PHDR", "INTERP"]      # (bfd's, as measured)
    assert got[1] == got[0]
