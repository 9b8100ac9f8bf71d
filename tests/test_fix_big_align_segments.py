"""Sections aligned beyond the page size, against ld.bfd.

bfd (elf.c) starts a new PT_LOAD at a section that would leave a whole page of its segment unused
(map_sections_to_segments), gives a PT_LOAD the largest alignment of its sections as p_align when that
is beyond the page size, and places the segment's file offset congruent to its address modulo that
alignment (assign_file_positions_for_load_sections); a segment's address is its first section's.
The loader then maps the segment so aligned. braze kept one RW PT_LOAD with p_align 0x1000 (and ~the
alignment in file padding), so in a PIE `int foo __attribute__((aligned(0x800000)))` was misaligned at
run time and the program aborted (found by the binutils 2.40 ld testsuite's p_align-1 run tests);
a big-aligned .rodata started its segment a page after the code, below the section.

Compared with bfd: the program's output and status, the PT_LOAD/PT_TLS/PT_GNU_RELRO headers and
the section headers."""
from __future__ import annotations

import pytest

from harness import BuildDir

SRC = r"""#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
Q int foo __attribute__((aligned(ALIGN))) INIT;
int small = 3;
int main(void) {
    if ((uintptr_t)&foo & (ALIGN - 1)) abort();
    printf("aligned %d\n", small + (int)foo);
    return 0;
}
"""
KINDS = {"data": ["-DQ=", "-DINIT==1"], "bss": ["-DQ=", "-DINIT="], "rodata": ["-DQ=const", "-DINIT==1"]}
MODES = {"pie": ["-pie"], "no-pie": ["-no-pie"], "static": ["-static"], "static-pie": ["-static-pie"],
         "shared": ["-shared"]}
CASES = [(k, a, m) for k in KINDS for a in (0x2000, 0x10000, 0x200000) for m in MODES]


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("bigalign"), braze_lddir)
    (w.root / "p.c").write_text(SRC)
    return w


def _view(work, out):
    loads = [ln.split() for ln in work.run(["readelf", "-W", "-l", out]).stdout.splitlines()
             if ln.strip().startswith(("LOAD", "TLS", "GNU_RELRO"))]
    secs = [ln.split("]", 1)[1].split() for ln in work.run(["readelf", "-W", "-S", out]).stdout.splitlines()
            if ln.strip().startswith("[") and "]" in ln and "Name" not in ln]
    return loads, [s for s in secs if s and s[0] not in (".symtab", ".strtab", ".shstrtab")]


@pytest.mark.parametrize("kind,align,mode", CASES, ids=[f"{k}-{a:#x}-{m}" for k, a, m in CASES])
def test_big_alignment_segments_vs_bfd(work, kind, align, mode):
    obj = f"{kind}-{align:x}.o"
    if not (work.root / obj).exists():
        work.run(["gcc", "-O1", "-fPIC", f"-DALIGN={align:#x}", *KINDS[kind], "-c", "p.c", "-o", obj])
    res = {}
    for linker in ("bfd", "test"):
        out = f"{kind}-{align:x}-{mode}-{linker}"
        work.run(["gcc", *work.ld(linker), *MODES[mode], obj, "-o", out])
        run = None
        if mode != "shared":
            p = work.run([f"./{out}"], check=False)
            run = (p.returncode, p.stdout)
        res[linker] = (run, *_view(work, out))
    if res["bfd"][0] is not None:
        assert res["bfd"][0] == (0, "aligned 3\n" if kind == "bss" else "aligned 4\n")
    assert res["test"] == res["bfd"]
