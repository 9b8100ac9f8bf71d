"""An output section's trailers in another order than bfd's grammar has them, against ld.bfd (found
by tools/fuzz/run.py --kind scripts, x86-64 seed 168).

After an output section's `}` bfd takes `>region`, `AT>region`, `:phdr`s and `=fill` in that order
only, and no name starting with `:` (or another character its lexer does not start a name with):
`} =0x90 :text` is its syntax error. braze took the trailers in any order and linked.

Compared: both refuse the script, each with a syntax error; the order bfd takes links with both."""
from __future__ import annotations

import pytest

from harness import BuildDir

SCRIPT = """PHDRS {{ text PT_LOAD; }}
SECTIONS
{{
  . = 0x400000 + SIZEOF_HEADERS;
  .text : {{ *(.text .text.*) }} :text
  .fz : {{ *(.fz) }} {trailer}
  .data : {{ *(.data .data.*) }} :text
  /DISCARD/ : {{ *(.note.GNU-stack) *(.comment) *(.eh_frame) }}
}}
"""

MAIN = r"""
__attribute__((section(".fz"), used)) const char fz[4] = "fz";
void _start(void) { long n = 60; __asm__ volatile("syscall" : "+a"(n) : "D"(0) : "rcx", "r11", "memory"); }
"""


@pytest.mark.parametrize("trailer,ok", [(":text =0x90", True), ("=0x90 :text", False), (":text >ram", False)])
def test_trailer_order(tmp_path, braze_lddir, trailer, ok):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text(MAIN)
    (tmp_path / "s.ld").write_text(SCRIPT.format(trailer=trailer))
    b.run(["gcc", "-O1", "-fno-pic", "-c", "main.c"])
    res = []
    for linker in ("bfd", "test"):
        r = b.run(["gcc", *b.ld(linker), "-nostdlib", "-static", "main.o", "-Wl,-T,s.ld", "-o",
                   tmp_path / f"p-{linker}"], check=False)
        res.append(r)
    assert (res[0].returncode == 0) == ok
    assert (res[1].returncode == 0) == ok
    if not ok:
        assert "syntax error" in res[0].stderr
        assert "syntax error" in res[1].stderr


HEAD_SCRIPT = """SECTIONS
{{
  . = 0x400000 + SIZEOF_HEADERS;
  .text : {{ *(.text .text.*) }}
  .fz : {attrs} {{ *(.fz) }}
  .data : {{ *(.data .data.*) }}
  /DISCARD/ : {{ *(.note.GNU-stack) *(.comment) *(.eh_frame) }}
}}
"""


# (bfd's grammar before the `{`: AT(), ALIGN(), SUBALIGN(), then ONLY_IF_RO/RW, each at most once;
# found with an ALIGN() after the constraint, which braze took)
@pytest.mark.parametrize("attrs,ok", [
    ("AT(0x500000) ALIGN(16) SUBALIGN(4) ONLY_IF_RO", True), ("ALIGN(16) ONLY_IF_RO", True),
    ("ONLY_IF_RO ALIGN(16)", False), ("ALIGN(16) AT(0x500000)", False), ("ALIGN(16) ALIGN(8)", False),
    ("SUBALIGN(4) ALIGN(16)", False), ("ONLY_IF_RO ONLY_IF_RO", False)])
def test_header_attribute_order(tmp_path, braze_lddir, attrs, ok):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text(MAIN)
    (tmp_path / "s.ld").write_text(HEAD_SCRIPT.format(attrs=attrs))
    b.run(["gcc", "-O1", "-fno-pic", "-c", "main.c"])
    res = []
    for linker in ("bfd", "test"):
        res.append(b.run(["gcc", *b.ld(linker), "-nostdlib", "-static", "main.o", "-Wl,-T,s.ld", "-o",
                          tmp_path / f"p-{linker}"], check=False))
    assert (res[0].returncode == 0) == ok, res[0].stderr
    assert (res[1].returncode == 0) == ok, res[1].stderr
    if not ok:
        assert "syntax error" in res[0].stderr
        assert "syntax error" in res[1].stderr
        assert not (tmp_path / "p-test").exists()
