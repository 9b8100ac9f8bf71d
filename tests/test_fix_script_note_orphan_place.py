"""An orphan note (.note.ABI-tag) with no .interp and no note in the script goes where bfd's
untyped lang_output_section_find_by_flags puts it: after the last read-only data section, which
includes a section made of data commands alone when data comes first (bfd makes it read-only), and
failing that after the last read-only one, code included. braze skipped both and put the note (and
the build-id note after it) ahead of everything. Compared with ld.bfd: the allocated sections' names,
types, flags, addresses and sizes."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir

NOTE_C = r"""
asm(".section .note.ABI-tag,\"a\",@note\n.balign 4\n.long 4, 16, 1\n.asciz \"GNU\"\n"
    ".long 0, 3, 2, 0\n.previous");
"""
MAIN_C = r"""
void _start(void) { for (;;) ; }
const char ro[4] = {1, 2, 3, 4};
int rw = 5;
"""
SCRIPT = """ENTRY(_start)
SECTIONS
{
  . = 0x400000 + SIZEOF_HEADERS;
  .fz0 : { BODY }
  .text : { *(.text .text.*) }
  .data : { *(.data .data.*) }
  /DISCARD/ : { *(.comment) *(.note.GNU-stack) *(.eh_frame) }
}
"""


def _sections(path) -> list:
    out = subprocess.run(["readelf", "-SW", str(path)], capture_output=True, text=True, check=True).stdout
    return [m.groups() for m in re.finditer(
        r"\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*)\s+\d+\s+\d+\s+\d+", out)
            if "A" in m.group(5)]


@pytest.mark.parametrize("body", ["LONG(0)", "x = .; LONG(0)"], ids=["data-first", "assign-first"])
def test_orphan_note_after_readonly(tmp_path, braze_lddir, body):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "n.c").write_text(NOTE_C)
    (tmp_path / "m.c").write_text(MAIN_C)
    (tmp_path / "t.ld").write_text(SCRIPT.replace("BODY", body))
    for n in ("n", "m"):
        b.run(["gcc", "-c", "-O1", "-fno-pic", "-fno-asynchronous-unwind-tables", f"{n}.c", "-o", f"{n}.o"])
    got = {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"out-{linker}"
        b.run(["gcc", *b.ld(linker), "-nostdlib", "-static", "-no-pie", "n.o", "m.o", "-Wl,-T,t.ld",
               "-Wl,--build-id", "-o", out])
        got[linker] = _sections(out)
    names = [s[0] for s in got["bfd"]]
    # harness: bfd put the notes after .fz0 (data first) or after .text (assignment first)
    assert names.index(".note.ABI-tag") > names.index(".fz0"), names
    assert got["test"] == got["bfd"]
