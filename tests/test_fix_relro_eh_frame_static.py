"""A static -nostdlib program whose RW segment has no RELRO section, against ld.bfd: bfd's
lang_find_relro_sections also counts input sections that the patterns between DATA_SEGMENT_ALIGN and
DATA_SEGMENT_RELRO_END match wherever they went, and `.eh_frame : ONLY_IF_RW { *(.eh_frame) }` matches
the read-only .eh_frame (or `.gcc_except_table*`) of the text segment. So with unwind tables -z relro
still takes effect: .data starts on a fresh page (0x403000), not at the -z norelro offset in the page
(0x403034) where braze put it. Valgrind's tool executables are linked this way
(-static -nodefaultlibs -nostartfiles, -Ttext-segment)."""
from __future__ import annotations

import re

import pytest

from harness import BuildDir

SRC = r"""
#ifndef N
#define N 4
#endif
#ifndef B
#define B 4
#endif
static long sys3(long n, long a, long b, long c) { long r;
  __asm__ volatile ("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory"); return r; }
char d[N] = {'o', 'k', '\n'}; char bss[B];
#ifdef EXC
const int exc_tab[2] __attribute__((section(".gcc_except_table.x"))) = {1, 2};
#endif
void _start(void) { sys3(1, 1, (long)d, 3); sys3(60, bss[0], 0, 0); }
"""

UNWIND = {"eh_frame": ["-fasynchronous-unwind-tables"],
          "none": ["-fno-asynchronous-unwind-tables"],
          "except_table": ["-fno-asynchronous-unwind-tables", "-DEXC"]}
SIZES = {"small": ["-DN=4", "-DB=4"], "big-data": ["-DN=5000", "-DB=4"], "big-bss": ["-DN=4", "-DB=9000"]}
LINK = {"default": [], "noseparate-code": ["-Wl,-z,noseparate-code"],
        "Ttext-segment": ["-Wl,-Ttext-segment=0x58000000"], "norelro": ["-Wl,-z,norelro"]}


def _view(b: BuildDir, exe) -> str:
    """readelf -lSW without the rows the symbol tables' sizes move."""
    out = b.run(["readelf", "-lSW", exe]).stdout
    return "\n".join(line for line in out.splitlines()
                     if not re.search(r"section headers|\.(comment|symtab|strtab|shstrtab)\b", line))


@pytest.mark.parametrize("link", sorted(LINK))
@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("unwind", sorted(UNWIND))
def test_static_rw_segment_like_bfd(tmp_path, braze_lddir, unwind, size, link):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "v.c").write_text(SRC)
    b.run(["gcc", "-O1", "-fno-pic", "-fno-stack-protector", *UNWIND[unwind], *SIZES[size], "-c", "v.c"])
    views = {}
    for linker in ("bfd", "test"):
        exe = tmp_path / f"v-{linker}"
        b.run(["gcc", *b.ld(linker), "-no-pie", "-nostdlib", "-static", "v.o", *LINK[link], "-o", exe])
        assert b.run([exe]).stdout == "ok\n"
        views[linker] = _view(b, exe)
    assert views["test"] == views["bfd"]
