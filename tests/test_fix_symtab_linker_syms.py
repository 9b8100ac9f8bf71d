"""Two .symtab rows where braze differed from ld.bfd (the values were right):
- __ehdr_start is in the first section (bfd gives it the section at the start of the headers'
  segment, the value before it), not SHN_ABS: debuggers add a PIE's load bias only to section symbols.
- A linker-script symbol that an object references with hidden visibility (glibc's libc.a does so
  with `_end`) stays GLOBAL HIDDEN in an executable, as an object's hidden definition does; only the
  script's own HIDDEN()/PROVIDE_HIDDEN() makes a symbol local.  braze made it LOCAL (a static link
  laid out by a script: `-T` with INSERT).
Compared: the symbols' rows (value, type, binding, visibility, section index)."""
from __future__ import annotations

import pytest

from elfrows import symbol_rows, tool

EHDR = "extern char __ehdr_start[];\nint main(void) { return __ehdr_start[0] == 0x7f ? 0 : 1; }\n"
HIDDEN_REF = """extern char _end[] __attribute__((visibility("hidden")));
extern char hid[];
int main(void) { return _end == 0 || hid == 0; }
"""
INSERT = "SECTIONS { .foo : { *(.foo) } hid = .; } INSERT AFTER .data;\nHIDDEN(own = 1);\n"


@pytest.mark.parametrize("mode", ["-pie", "-no-pie", "-static", "-static-pie", "-shared"])
def test_ehdr_start_section(tmp_path, braze_lddir, mode):
    (tmp_path / "e.c").write_text(EHDR)
    tool(["gcc", "-O2", "-fPIC", "-c", "e.c"], tmp_path)
    got = {}
    for who, how in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        tool(["gcc", *how, mode, "e.o", "-o", who], tmp_path)
        got[who] = symbol_rows(who, tmp_path, {"__ehdr_start"})
    assert got["bfd"] and got["braze"] == got["bfd"]


@pytest.mark.parametrize("mode", ["-static", "-no-pie", "-pie"])
def test_hidden_reference_to_script_symbol(tmp_path, braze_lddir, mode):
    (tmp_path / "h.c").write_text(HIDDEN_REF)
    (tmp_path / "ins.ld").write_text(INSERT)
    tool(["gcc", "-O2", "-c", "h.c"], tmp_path)
    got = {}
    for who, how in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        tool(["gcc", *how, mode, "h.o", "-Wl,-T,ins.ld", "-o", who], tmp_path)
        got[who] = symbol_rows(who, tmp_path, {"_end", "hid", "own"})
    assert got["bfd"] and got["braze"] == got["bfd"]
