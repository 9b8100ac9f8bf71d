"""ADDR, LOADADDR, SIZEOF and ALIGNOF of an output section the script declares but nothing fills,
against ld.bfd (/tmp/s20/expr/removed-addr: `fz_g = ADDR(.rodata) + SIZEOF(.rodata)` with no
.rodata input; braze refused "undefined section `.rodata' referenced in expression").

bfd makes the output section when an ADDR()/LOADADDR() names it (or FILL(), an assignment in it),
then removes it, but still sizes it: ADDR is the address it would have had (its own address, else
its region's current address, the default region's for one without `>region`, aligned by its
ALIGN()), relative to it (the symbol moves to a kept section); LOADADDR its AT(), its LMA region's
(propagated from the statement before it, removed or not, as bfd's lang_propagate_lma_regions)
or its address; SIZEOF 0; ALIGNOF its ALIGN() (1), or 0 for one nothing made (only SIZEOF or
ALIGNOF name it). A name no statement has is still bfd's error.

Compared: the symbols' values and kinds (nm), the allocated sections and the program headers; the
refusal."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

PROG = "int main(void) { return 0; }\nint x = 5;\n"

SCRIPTS = {
    # the reproducer: no .rodata input
    "plain": """SECTIONS {
  . = 0x800000 + SIZEOF_HEADERS;
  .text : { *(.text .text.*) }
  .rodata : { *(.rodata .rodata.*) }
  fz_a = ADDR(.text); fz_e = LOADADDR(.text);
  fz_g = ADDR(.rodata) + SIZEOF(.rodata);
  . = ALIGN(0x1000);
  .data : { *(.data .data.*) }
}""",
    "forms": """SECTIONS {
  . = 0x800000 + SIZEOF_HEADERS;
  .text : { *(.text .text.*) }
  .ro1 : { *(.nothing) }
  .ro2 : ALIGN(64) { *(.nothing) }
  .ro3 : { FILL(1) ; *(.nothing) }
  .ro4 : { fz_in4 = . ; *(.nothing) }
  .ro5 : AT(0x900000) { *(.nothing) }
  .ro6 : ALIGN(32) { *(.nothing) }
  fz_a1 = ADDR(.ro1); fz_s1 = SIZEOF(.ro1); fz_l1 = LOADADDR(.ro1); fz_g1 = ALIGNOF(.ro1);
  fz_a2 = ADDR(.ro2); fz_s2 = SIZEOF(.ro2); fz_l2 = LOADADDR(.ro2); fz_g2 = ALIGNOF(.ro2);
  fz_s3 = SIZEOF(.ro3); fz_g3 = ALIGNOF(.ro3);
  fz_s4 = SIZEOF(.ro4); fz_g4 = ALIGNOF(.ro4);
  fz_a5 = ADDR(.ro5); fz_l5 = LOADADDR(.ro5);
  fz_s6 = SIZEOF(.ro6); fz_g6 = ALIGNOF(.ro6);
  . = ALIGN(0x1000);
  .data : { *(.data .data.*) }
}""",
    "regions": """MEMORY { ROM (rx) : ORIGIN = 0x400000, LENGTH = 1M  RAM (rw) : ORIGIN = 0x600000, LENGTH = 1M }
SECTIONS {
  .text : AT(0x500000) { *(.text .text.*) } >ROM
  .ro1 : ALIGN(32) { *(.nothing) }
  .ro2 0x480000 : { *(.nothing) }
  .ro3 : { *(.nothing) } >RAM
  .ro4 : ALIGN(16) { *(.nothing) } >RAM AT>ROM
  .ro5 : { fz_in5 = .; *(.nothing) } >RAM
  .ro6 : { FILL(2); *(.nothing) }
  fz_a1 = ADDR(.ro1); fz_l1 = LOADADDR(.ro1); fz_s6 = SIZEOF(.ro6) ; fz_g6 = ALIGNOF(.ro6) ;
  fz_a2 = ADDR(.ro2); fz_l2 = LOADADDR(.ro2);
  fz_a3 = ADDR(.ro3); fz_l3 = LOADADDR(.ro3);
  fz_a4 = ADDR(.ro4); fz_l4 = LOADADDR(.ro4);
  fz_a5 = ADDR(.ro5); fz_l5 = LOADADDR(.ro5); fz_s5 = SIZEOF(.ro5); fz_g5 = ALIGNOF(.ro5);
  .data : { *(.data) } >RAM
  .d2 : { *(.data.none) LONG(3) } AT>ROM
  fz_end = .;
}""",
    # the LMA region passes on through a removed section (bfd's lang_propagate_lma_regions)
    "lma-chain": """MEMORY { ROM (rx) : ORIGIN = 0x400000, LENGTH = 1M  RAM (rw) : ORIGIN = 0x600000, LENGTH = 1M }
SECTIONS {
  .text : { *(.text) } >ROM
  .e : { *(.nothing) } >RAM AT>ROM
  .x : { fz_x = . ; } >RAM
  .data : { *(.data) } >RAM
  .d3 : { LONG(1) } >ROM
}""",
}

DISCARD = "  /DISCARD/ : { *(.note.GNU-stack) *(.eh_frame) *(.note.gnu.property) *(.comment) }\n}"


def _view(b, path) -> tuple:
    syms = sorted(re.findall(r"^([0-9a-f]+) (\S) (fz_\w+)$", b.run(["nm", path]).stdout, re.M))
    text = b.run(["readelf", "-W", "-S", "-l", path]).stdout
    secs = re.findall(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+(\S*A\S*)\s",
                      text, re.M)
    phdrs = re.findall(r"^\s+(LOAD)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)", text, re.M)
    return syms, secs, phdrs


def _link(tmp_path, braze_lddir, script):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "t.c").write_text(PROG)
    (tmp_path / "s.ld").write_text(script.rstrip()[:-1] + DISCARD + "\n")
    b.run(["gcc", "-O1", "-fno-pic", "-c", "t.c"])
    res = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        p = b.run(["gcc", *b.ld(linker), "-nostdlib", "-static", "-no-pie", "t.o", "-Wl,-T,s.ld,-e,main",
                   "-o", exe], check=False)
        res.append((p, exe))
    return b, res


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_removed_section_in_expressions(tmp_path, braze_lddir, name):
    b, ((pb, eb), (pt, et)) = _link(tmp_path, braze_lddir, SCRIPTS[name])
    assert pb.returncode == 0, pb.stderr
    assert pt.returncode == 0, pt.stderr
    vb, vt = _view(b, eb), _view(b, et)
    assert vb[0], "no fz_ symbols"
    assert vt == vb


@pytest.mark.parametrize("fn", ["ADDR", "SIZEOF", "LOADADDR", "ALIGNOF"])
def test_undeclared_section_refused(tmp_path, braze_lddir, fn):
    script = f"SECTIONS {{\n  .text : {{ *(.text) }}\n  fz_a = {fn}(.nosuch);\n  .data : {{ *(.data) }}\n}}"
    b, ((pb, eb), (pt, et)) = _link(tmp_path, braze_lddir, script)
    msg = "undefined section `.nosuch' referenced in expression"
    assert pb.returncode != 0 and msg in pb.stderr, pb.stderr
    assert pt.returncode == 1 and "braze: error: s.ld:" in pt.stderr and msg in pt.stderr, pt.stderr
    assert "Traceback" not in pt.stderr and not et.exists()
