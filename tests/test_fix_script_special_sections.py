"""Output sections that a script makes without input sections, named as the gABI's special sections,
against ld.bfd (found by tools/fuzz/run.py --kind scripts, x86-64 seeds 188, 279).

BFD's ELF backend gives a section such a name's type and flags from its special-section table when
no input section overrides them: `.tbss : { . += 2; }` is SHF_TLS (only in its header: no PT_TLS),
`.init` SHF_EXECINSTR, `.fini_array : { BYTE(1) }` a FINI_ARRAY, `.note.x : { BYTE(1) }` a NOTE (and
its PT_NOTE). braze wrote them as plain PROGBITS/NOBITS (eu-elflint: ".tbss has wrong flags").

Compared: the section headers and program headers."""
from __future__ import annotations

import re
import subprocess

from harness import BuildDir, tool_env

SCRIPT = """SECTIONS
{
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { *(.text .text.*) }
  .init : { . += 2; }
  .tdata : { . += 2; }
  .tbss : { . += 2; }
  .init_array : { . += 8; }
  .fini_array : { BYTE(1) }
  .tbss.x : { . += 2; }
  .tdata.y : { BYTE(1) }
  .comment.z : { BYTE(1) }
  .note.q : { BYTE(1) }
  .text.w : { BYTE(1) }
  .data : { *(.data .data.*) }
  .bss : { *(.bss .bss.*) *(COMMON) }
  /DISCARD/ : { *(.note.GNU-stack) *(.comment) *(.eh_frame) *(.note.gnu.build-id) }
}
"""

MAIN = r"""
void _start(void) { long n = 60; __asm__ volatile("syscall" : "+a"(n) : "D"(0) : "rcx", "r11", "memory"); }
"""


def _headers(path) -> tuple[list, list]:
    env = tool_env()
    s = subprocess.run(["readelf", "-W", "-S", str(path)], capture_output=True, text=True, env=env, check=True).stdout
    secs = [l.split("]", 1)[1].split() for l in s.splitlines() if re.match(r"\s*\[\s*\d+\]", l)]
    p = subprocess.run(["readelf", "-W", "-l", str(path)], capture_output=True, text=True, env=env, check=True).stdout
    return secs, [l.split() for l in p.splitlines() if re.match(r"\s*[A-Z_]+\s+0x", l)]


def test_script_made_special_sections(tmp_path, braze_lddir):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text(MAIN)
    (tmp_path / "s.ld").write_text(SCRIPT)
    b.run(["gcc", "-O1", "-fno-pic", "-fno-asynchronous-unwind-tables", "-c", "main.c"])
    got = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), "-nostdlib", "-static", "-Wl,--build-id=none", "main.o", "-Wl,-T,s.ld",
               "-o", exe])
        got.append(_headers(exe))
        assert b.run([exe], check=False).returncode == 0
    tbss = next(r for r in got[0][0] if r[0] == ".tbss")
    assert "T" in tbss[6]                     # (bfd's)
    assert got[1] == got[0]
