"""Sections aligned beyond the page size under a -T script, against ld.bfd (x86-64 and aarch64).

bfd's assign_file_positions_for_load_sections makes the largest section alignment of a PT_LOAD its
p_align when that exceeds the page size, and gives the segment a file offset congruent to its
address modulo that. braze (with a script; its default layout already did) kept the page size for
both: p_align 0x1000 and a file offset only page-congruent, so a loader honouring p_align would map
the variable misaligned.

Compared: the program headers (and the section offsets); the hosted programs' output."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from harness import BuildDir, tool_env

FREE = r"""
__attribute__((aligned(0x20000))) const int rbig = 6;
__attribute__((aligned(0x40000))) int big = 5;
void _start(void) { for (;;); }
"""

SCRIPTS = {
    "after-text": """SECTIONS {
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { *(.text*) }
  .rodata : { *(.rodata*) }
  . = . + 0x123;
  .data : { *(.data*) }
  .bss : { *(.bss*) }
}
""",
    "first": """SECTIONS {
  . = 0x400000 + SIZEOF_HEADERS;
  .rodata : { *(.rodata*) }
  .text : { *(.text*) }
  .data : { *(.data*) }
  .bss : { *(.bss*) }
}
""",
}

HOSTED = r"""#include <stdio.h>
__attribute__((aligned(0x10000))) int big = 5;
__attribute__((aligned(0x4000))) const int rbig = 6;
int main(void) {
  printf("%d %d %lx %lx\n", big, rbig, (unsigned long)&big & 0xffff, (unsigned long)&rbig & 0x3fff);
  return 0;
}
"""

ARCHES = {"x86_64": ("gcc", "readelf"), "aarch64": ("aarch64-linux-gnu-gcc", "aarch64-linux-gnu-readelf")}


def _view(readelf, path) -> tuple:
    out = subprocess.run([readelf, "-W", "-l", "-S", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    loads = re.findall(r"^\s+((?:LOAD|GNU_RELRO)\s.*)$", out, re.M)
    secs = re.findall(r"^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)", out, re.M)
    return loads, [x for x in secs if int(x[1], 16)]      # (allocated ones: .strtab's size differs)


@pytest.mark.parametrize("script", sorted(SCRIPTS))
@pytest.mark.parametrize("arch", sorted(ARCHES))
def test_big_align_freestanding(tmp_path, braze_lddir, arch, script):
    cc, readelf = ARCHES[arch]
    if not shutil.which(cc):
        pytest.fail(f"{cc} is missing (make deps installs it)")
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "f.c").write_text(FREE)
    (tmp_path / "s.ld").write_text(SCRIPTS[script])
    b.run([cc, "-O2", "-c", "f.c"])
    views = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run([cc, *b.ld(linker), "-static", "-nostdlib", "f.o", "-Wl,-T,s.ld", "-o", exe])
        views.append(_view(readelf, exe))
    assert any(row.split()[-1] == "0x40000" for row in views[0][0])     # (bfd's p_align, as measured)
    assert views[1] == views[0]


@pytest.mark.parametrize("mode", ["-pie", "-no-pie"])
def test_big_align_default_script(tmp_path, braze_lddir, mode):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "a.c").write_text(HOSTED)
    verbose = subprocess.run(["ld.bfd", "--verbose", *(["-pie"] if mode == "-pie" else [])], capture_output=True,
                             text=True, env=tool_env(), check=True).stdout
    (tmp_path / "s.ld").write_text(verbose.split("=" * 50)[1])
    b.run(["gcc", "-O2", "-fPIE", "-c", "a.c"])
    views, outs = [], []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), mode, "a.o", "-Wl,-T,s.ld", "-o", exe])
        views.append(_view("readelf", exe))
        outs.append(b.run([exe]).stdout)
    assert any(row.split()[-1] == "0x10000" for row in views[0][0])
    assert views[1] == views[0]
    assert outs[1] == outs[0] == "5 6 0 0\n"
