"""ALIGNOF() of a section a script places at an address its alignment does not fit, against ld.bfd
on x86-64 and aarch64 (tools/fuzz/run.py --kind scripts).

bfd (since 2.35) lowers such a section's sh_addralign to what the address allows, but ALIGNOF()
is the section's alignment (the largest of its inputs' and ALIGN()'s), not derived from the
address.  braze read the lowered value, so `ALIGNOF(.fza)` gave 1 for bfd's 16 -- in symbols, in a
LONG(), and in an address computed from it.

Compared: the symbols' values and sections, the section headers and the LONG() word."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from harness import BuildDir, tool_env

SRC = r"""
__attribute__((section(".fza"), aligned(16))) long va = 5;
__attribute__((section(".fzb"), aligned(4))) int vb = 6;
void _start(void) { for (;;); }
"""

SCRIPT = """SECTIONS {
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { *(.text*) }
  .fza 0x600001 : { in1 = ALIGNOF(.fza); *(.fza) }
  .fzb . + 3 : { *(.fzb) }
  al1 = ALIGNOF(.fza);
  al2 = ALIGNOF(.fzb);
  al3 = ALIGNOF(.text);
  .fzc ALIGN(ALIGNOF(.fza) * 2) : { LONG(ALIGNOF(.fza)) LONG(ALIGNOF(.fzb)) }
  al4 = ADDR(.fzc);
  .data : { *(.data) }
  .bss : { *(.bss) }
}
"""

NAMES = ("in1", "al1", "al2", "al3", "al4")
ARCHES = {"x86_64": ("gcc", "readelf"), "aarch64": ("aarch64-linux-gnu-gcc", "aarch64-linux-gnu-readelf")}


def _view(readelf, path) -> tuple:
    out = subprocess.run([readelf, "-W", "-S", "-s", "-x", ".fzc", str(path)], capture_output=True, text=True,
                         env=tool_env(), check=True).stdout
    secs = dict(re.findall(r"^\s*\[\s*(\d+)\]\s+(\S+)", out, re.M))
    headers = sorted(re.findall(r"^\s*\[\s*\d+\]\s+(\.fz\S*\s.*)$", out, re.M))
    syms = out.partition("Symbol table '.symtab'")[2]
    rows = sorted((f[7], f[1], secs.get(f[6], f[6])) for f in (line.split() for line in syms.splitlines())
                  if len(f) >= 8 and f[7] in NAMES)
    words = re.findall(r"^\s*0x[0-9a-f]+ ((?:[0-9a-f]{8} ?)+)", out.partition("Hex dump")[2], re.M)
    return rows, headers, words


@pytest.mark.parametrize("arch", sorted(ARCHES))
def test_alignof_unaligned_address(tmp_path, braze_lddir, arch):
    cc, readelf = ARCHES[arch]
    if not shutil.which(cc):
        pytest.fail(f"{cc} is missing (make deps installs it)")
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "a.c").write_text(SRC)
    (tmp_path / "s.ld").write_text(SCRIPT)
    b.run([cc, "-O2", "-c", "a.c"])
    views = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run([cc, *b.ld(linker), "-static", "-nostdlib", "a.o", "-Wl,-T,s.ld", "-o", exe])
        views.append(_view(readelf, exe))
    rows = dict((r[0], r[1]) for r in views[0][0])
    assert len(rows) == len(NAMES) and int(rows["al1"], 16) == 16     # (bfd: not lowered)
    assert views[1] == views[0]
