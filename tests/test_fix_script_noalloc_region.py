"""Where a script puts an unallocated output section in a MEMORY script, against ld.bfd:

* one with a `>REGION` sits at that region's current address (aligned; the region does not move
  on), and a statement's ALIGN() is its alignment too (bfd's init_os); braze put it where the default
  region was (often 0, or the last top-level assignment's `.`) with its inputs' alignment;
* a section kept for its `.` assignments alone (its inputs gone to --gc-sections, or none) has no
  flags while bfd sizes it, so no region's attributes take it: it starts where the default region
  is, and only becomes allocated (and then goes to its region) if an assignment advances `.` there.
  braze sized it in the attribute-matched region from the start, where `. = ALIGN(32)` could advance
  `.`: an allocated NOBITS section that moved the rest of the region, where bfd has an empty
  unallocated one.

Found by the differential fuzzer (x86-64 scripts seed 98112: `.fz1 : ALIGN(64) { ... . = ALIGN(32);
fz1_end = .; } >RAM` with its input collected: braze gave fz1_start/fz1_end a ROM address).
Compared: the headers of the script's sections (type, address, offset, size, flags, alignment) and
the values of symbols defined in them."""
from __future__ import annotations

import re

import pytest

from harness import BuildDir

SRC = r"""
int d1 = 5; int b1;
int gone[4] __attribute__((section(".fzg"))) = {1};
int _start(void) { return d1 + b1; }
"""

SCRIPT = """MEMORY
{
  ROM (rx) : ORIGIN = 0x10000000, LENGTH = 1M
  RAM (rw!x) : ORIGIN = 0x10200000, LENGTH = 1M
}
SECTIONS
{
  .text : { *(.text .text.*) } >ROM
  .data : { *(.data .data.*) } >RAM AT>ROM
  %s
  .bss : { *(.bss .bss.*) } >RAM
  /DISCARD/ : { *(.note.GNU-stack) *(.eh_frame) %s}
}
"""

CASES = {
    # (unallocated input, ALIGN(): not in a region, then in RAM and in ROM)
    "comment-align": ".fz9 : ALIGN(64) { *(.comment) }",
    "comment-ram": ".fz9 : ALIGN(64) { *(.comment) } >RAM",
    "comment-rom": ".fz9 : { *(.comment) } >ROM",
    # (`.` assignments only: the input is collected)
    "dot-ram": ".fz1 : ALIGN(64) { s1 = .; *(.fzg) . = ALIGN(32); e1 = .; } >RAM",
    "dot-rom": ".fz1 : ALIGN(16) { s1 = .; *(.fzg) . = ALIGN(32); e1 = .; } >ROM",
    "dot-default": ".fz1 : { s1 = .; *(.fzg) . = ALIGN(32); e1 = .; }",
    "dot-advances": ".fz1 : { s1 = .; *(.fzg) . = ALIGN(32); e1 = .; } >RAM",
    "dot-top-assign": "fz_q = 0x10200100; .fz1 : { s1 = .; . = ALIGN(32); e1 = .; }",
    "dot-plus": ".fz1 : { s1 = .; . += 0x100; e1 = .; }",
}


def _shdrs(b, path):
    out = b.run(["readelf", "-SW", path]).stdout
    return re.findall(r"\]\s+(\.(?:fz\d|bss))\s+(\w+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+\S+\s+([A-Z]*)\s+\d+\s+\d+\s+(\d+)",
                      out)


def _syms(b, path):
    out = b.run(["nm", path]).stdout
    return sorted(l for l in out.splitlines() if re.search(r" [se]1$", l))


@pytest.mark.parametrize("case", sorted(CASES))
def test_script_noalloc_region(tmp_path, direct_ld, case):
    b = BuildDir(tmp_path, "")
    (tmp_path / "t.c").write_text(SRC)
    stmt = CASES[case]
    (tmp_path / "s.ld").write_text(SCRIPT % (stmt, "" if ".comment" in stmt else "*(.comment) "))
    b.run(["gcc", "-O2", "-fno-pic", "-fcf-protection=none", "-fno-asynchronous-unwind-tables", "-c", "t.c"])
    res = {}
    for name, ld in (("bfd", ["ld.bfd"]), ("test", direct_ld)):
        b.run([*ld, "-o", f"p.{name}", "-T", "s.ld", "t.o", "-e", "_start", "--gc-sections"])
        res[name] = _shdrs(b, tmp_path / f"p.{name}"), _syms(b, tmp_path / f"p.{name}")
    assert res["test"] == res["bfd"]
    assert any(s[0] != ".bss" for s in res["bfd"][0])      # (the section is there)
