"""What a PHDRS PT_PHDR entry covers, against ld.bfd on x86-64 and aarch64.

bfd's PT_PHDR holds what its keywords say: `FILEHDR PHDRS` the ELF header and the table (offset 0),
`FILEHDR` the ELF header only, `PHDRS` the table, none of them nothing (an empty entry with no
flags). braze always gave it the table alone (offset 64, flags R).

Compared: the program headers."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from harness import BuildDir, tool_env

SRC = "int v = 3;\nvoid _start(void) { for (;;); }\n"

SCRIPT = """PHDRS { headers PT_PHDR {kw}; text PT_LOAD FILEHDR PHDRS; data PT_LOAD; }
SECTIONS {
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { *(.text*) } :text
  .rodata : { *(.rodata*) }
  . = ALIGN(0x10000);
  .data : { *(.data*) } :data
  .bss : { *(.bss*) }
}
"""

ARCHES = {"x86_64": ("gcc", "readelf"), "aarch64": ("aarch64-linux-gnu-gcc", "aarch64-linux-gnu-readelf")}


@pytest.mark.parametrize("kw", ["FILEHDR PHDRS", "FILEHDR", "PHDRS", ""])
@pytest.mark.parametrize("arch", sorted(ARCHES))
def test_pt_phdr_contents(tmp_path, braze_lddir, arch, kw):
    cc, readelf = ARCHES[arch]
    if not shutil.which(cc):
        pytest.fail(f"{cc} is missing (make deps installs it)")
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "a.c").write_text(SRC)
    (tmp_path / "s.ld").write_text(SCRIPT.replace("{kw}", kw))
    b.run([cc, "-O2", "-c", "a.c"])
    got = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run([cc, *b.ld(linker), "-static", "-nostdlib", "a.o", "-Wl,-T,s.ld", "-o", exe])
        out = subprocess.run([readelf, "-W", "-l", str(exe)], capture_output=True, text=True, env=tool_env(),
                             check=True).stdout
        got.append(re.findall(r"^\s+((?:PHDR|LOAD)\s.*)$", out, re.M))
    assert got[0][0].startswith("PHDR")
    assert got[1] == got[0]
