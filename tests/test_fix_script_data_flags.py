"""The flags of an output section made of data commands, FILL() and assignments (no input
section), and so its default MEMORY region, against ld.bfd (/tmp/s20/expr/fillcmd-flags:
`.fz : { FILL(0x11); BYTE(1) ... }` was read-only in braze and went to the (rx) region; bfd makes it
writable and puts it in the (rw) one).

bfd's map_input_to_output_sections creates the output section at the first statement that needs
it: a data command makes it ALLOC|LOAD|READONLY, but FILL(), an assignment, or an ADDR()/LOADADDR()
naming it (in any earlier assignment, data command, address or AT()) make it with no flags, and a
later data command adds ALLOC|LOAD without READONLY: writable. Such a section has no SEC_DATA (that
comes from input sections), so a read-only one does not match a region's `w` attribute; a writable
one counts as data (bfd's lang_memory_default).

Compared: the allocated sections (name, type, flags, address, size) and the program headers."""
from __future__ import annotations

import re

import pytest

from harness import BuildDir

PROG = "int fn(void) { return 1; }\nconst int ro = 3;\nint x = 5;\n"

SCRIPTS = {
    "fill-first": """MEMORY { ROM (rx) : ORIGIN = 0x400000, LENGTH = 1M  RAM (rw) : ORIGIN = 0x600000, LENGTH = 1M }
SECTIONS {
  .text : { *(.text .text.*) } >ROM
  .fz : { FILL(0x11); BYTE(1) . = ALIGN(8); BYTE(2) }
  .fy : { BYTE(1) FILL(0x11); . = ALIGN(8); BYTE(2) }
  .fx : { fz_a = .; BYTE(1) }
  .fw : { . = .; BYTE(1) }
  .fv : { FILL(2); . += 4; }
  .fu : { FILL(2); *(.rodata*) }
  .ft : { FILL(2); *(.nothing) BYTE(3) }
  .fs : { *(.nothing) BYTE(3) }
  .data : { *(.data) } >RAM
}""",
    "addr-first": """MEMORY { ROM (rx) : ORIGIN = 0x400000, LENGTH = 1M  RAM (rw) : ORIGIN = 0x600000, LENGTH = 1M }
SECTIONS {
  .text : { *(.text .text.*) } >ROM
  fz_a = ADDR(.fs);
  fz_b = SIZEOF(.fr);
  .fo : { LONG(LOADADDR(.fq)) }
  fz_c = ALIGNOF(.fp);
  .fs : { BYTE(3) }
  .fr : { BYTE(3) }
  .fq : { BYTE(3) }
  .fp : { BYTE(3) }
  .fn : { BYTE(ADDR(.fn)) }
  .data : { *(.data) } >RAM
}""",
    # a read-only section of data commands is not "data" for a (w) region; .rodata's input is
    "w-region": """MEMORY { RAM (w) : ORIGIN = 0x600000, LENGTH = 1M  ROM (rx) : ORIGIN = 0x400000, LENGTH = 1M }
SECTIONS {
  .text : { *(.text .text.*) } >ROM
  .fq : ALIGN(4) { BYTE(1) ; fz_q = ADDR(.fo); }
  .fs : { BYTE(3) }
  .fr : { BYTE(3) }
  .fa ADDR(.fs) + 0x100 : AT(LOADADDR(.fr) + 0x1000) { BYTE(1) }
  .fp : { BYTE(3) }
  .fo : { BYTE(3) }
  .rodata : { *(.rodata*) }
  .data : { *(.data) } >RAM
}""",
}

DISCARD = "  /DISCARD/ : { *(.note.GNU-stack) *(.eh_frame) *(.note.gnu.property) *(.comment) }\n}"


def _view(b, path) -> tuple:
    text = b.run(["readelf", "-W", "-S", "-l", path]).stdout
    secs = re.findall(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+(\S*A\S*)\s",
                      text, re.M)
    phdrs = re.findall(r"^\s+(LOAD)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)"
                       r"\s+(\S+)", text, re.M)
    return secs, phdrs


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_data_section_flags(tmp_path, braze_lddir, name):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "t.c").write_text(PROG)
    (tmp_path / "s.ld").write_text(SCRIPTS[name].rstrip()[:-1] + DISCARD + "\n")
    b.run(["gcc", "-O1", "-fno-pic", "-c", "t.c"])
    views = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), "-nostdlib", "-static", "-no-pie", "t.o", "-Wl,-T,s.ld,-e,fn", "-o", exe])
        views.append(_view(b, exe))
    assert any("W" in s[4] and s[0].startswith(".f") for s in views[0][0])
    assert views[1] == views[0]
