"""Orphan sections named like a script's output section statement, against ld.bfd on x86-64 and
aarch64 (tools/fuzz/run.py --kind scripts, x86-64 seeds 95135 and 95566: a statement made only of
data commands and an orphan of its name).

bfd's ELF orphan placement (ldelf_place_orphan), once every script input is in, puts an orphan in
an output section of its name only when that section has no flags yet (only assignments made it)
or agrees with the orphan on ALLOC and LOAD and has the orphan's ELF type (its first input's; a
section of data commands only, or a NOLOAD one, has none); a statement that got nothing yet takes
it too. Otherwise the orphan gets an output section of its own, placed as any orphan. braze put
every such orphan into the statement.

Compared: the section headers (name, type, address, offset, size, flags) and the symbols."""
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
	.section .fzd,"aw",@progbits
	.quad 4
	.section .fzh,"aw",@nobits
	.zero 8
	.section .rodata,"a",@progbits
	.byte 0x11
	.data
	.byte 0x12
	.bss
	.zero 3
"""

# the orphans: one per statement of its name, flags and type chosen against it
ORPH = r"""
	.section .fza,"aw",@nobits
	.zero 16
	.section .fzb,"a",@progbits
	.byte 5
	.section .fzc,"aw",@progbits
	.byte 6
	.section .fzd,"a",@progbits
	.byte 7
	.section .fze,"a",@progbits
	.byte 8
	.section .fzf,"a",@progbits
	.byte 9
	.section .fzh,"aw",@nobits
	.zero 2
	.section .fzj,"aw",@nobits
	.zero 2
	.globl orph_sym
orph_sym:
	.zero 2
"""

SCRIPT = """SECTIONS {
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { main.o(.text) }
  .fza : { main.o(.fza) }                  /* PROGBITS: the NOBITS orphan gets its own */
  .fzb : { main.o(.fzb) }                  /* NOBITS: the PROGBITS orphan gets its own */
  .fzc : { main.o(.fzc) }                  /* read-only: the writable orphan joins */
  .fzd : { LONG(1) main.o(.fzd) }          /* data, then input: joins */
  .fze : { fze_a = .; }                    /* no flags: joins */
  .rodata : { *(.rodata) }
  .fzf : { LONG(2) }                       /* data only: no type, its own */
  . = ALIGN(0x1000);
  .data : { *(.data) }
  .fzh (NOLOAD) : { main.o(.fzh) }         /* NOLOAD: no type, its own */
  .fzj : { BYTE(1) main.o(.fzb) }          /* data only (.fzb went above): its own */
  .bss : { *(.bss) }
}
"""

ARCHES = {"x86_64": ("gcc", "readelf", "jmp"),
          "aarch64": ("aarch64-linux-gnu-gcc", "aarch64-linux-gnu-readelf", "b")}


def _view(readelf, path) -> tuple:
    out = subprocess.run([readelf, "-W", "-S", "-s", str(path)], capture_output=True, text=True,
                         env=tool_env(), check=True).stdout
    secs = re.findall(r"^\s*\[\s*(\d+)\]\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+\S+\s+(\S*?)\s", out, re.M)
    names = {n: name for n, name, *_ in secs}
    syms = out.partition("Symbol table '.symtab'")[2]
    rows = sorted((f[7], f[1], names.get(f[6], f[6])) for f in (line.split() for line in syms.splitlines())
                  if len(f) >= 8 and f[7] in ("fze_a", "orph_sym", "_start"))
    return [s[1:] for s in secs if s[1] not in (".symtab", ".strtab", ".shstrtab")], rows


@pytest.mark.parametrize("arch", sorted(ARCHES))
def test_orphan_joins_statement_of_its_name_as_bfd(tmp_path, braze_lddir, arch):
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
    names = [s[0] for s in views[0][0]]
    assert names.count(".fzf") == 2 and names.count(".fzc") == 1        # (bfd's, as measured)
    assert views[1][0] == views[0][0]
    assert views[1][1] == views[0][1]


ADDR_MAIN = r"""
	.text
	.globl _start
_start:	{jump} _start
	.section .rodata,"a",@progbits
	.byte 0x11
	.data
	.byte 0x12
"""

ADDR_SCRIPT = """SECTIONS {
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { main.o(.text) }
  .rodata : { *(.rodata) }
  fzf_before = ADDR(.fzf);
  . = ALIGN(0x1000);
  .data : { *(.data) }
  .fzf : AT(0x700000) { LONG(2) BYTE(3) }  /* data only: the orphan .fzf goes after .rodata */
  .bss : { *(.bss) }
  /DISCARD/ : { orph.o(.fza .fzb .fzc .fzd .fze .fzh .fzj) }
  fzf_addr = ADDR(.fzf);
  fzf_size = SIZEOF(.fzf);
  fzf_lma = LOADADDR(.fzf);
  fzf_align = ALIGNOF(.fzf);
}
"""

ADDR_NAMES = ("fzf_before", "fzf_addr", "fzf_size", "fzf_lma", "fzf_align")


@pytest.mark.parametrize("arch", sorted(ARCHES))
def test_addr_of_name_shared_with_orphan(tmp_path, braze_lddir, arch):
    """ADDR/SIZEOF/LOADADDR/ALIGNOF of a name both a statement and an orphan section (placed
    earlier) have: bfd finds the statement (aarch64 seed 95104: `. - ADDR(.fz4)` ran differently)."""
    cc, readelf, jump = ARCHES[arch]
    if not shutil.which(cc):
        pytest.fail(f"{cc} is missing (make deps installs it)")
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.s").write_text(ADDR_MAIN.replace("{jump}", jump))
    (tmp_path / "orph.s").write_text(ORPH)
    (tmp_path / "s.ld").write_text(ADDR_SCRIPT)
    for n in ("main", "orph"):
        b.run([cc, "-c", f"{n}.s", "-o", f"{n}.o"])
    rows = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run([cc, *b.ld(linker), "-nostdlib", "-static", "main.o", "orph.o", "-Wl,-T,s.ld", "-o", exe])
        out = subprocess.run([readelf, "-W", "-s", str(exe)], capture_output=True, text=True, env=tool_env(),
                             check=True).stdout
        rows.append(sorted((f[7], f[1]) for f in (line.split() for line in out.splitlines())
                           if len(f) >= 8 and f[7] in ADDR_NAMES))
    got = dict(rows[0])
    assert len(got) == len(ADDR_NAMES) and int(got["fzf_size"], 16) == 5     # (the statement's)
    assert rows[1] == rows[0]
