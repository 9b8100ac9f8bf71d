"""KEEP and ONLY_IF_RW against ld.bfd (found by tools/fuzz/run.py --kind scripts, x86-64 seeds 261, 292).

bfd's lang_gc_sections marks every section a KEEP pattern matches before ONLY_IF_* constraints are
decided, whichever statement then places it: a KEEP in a statement a constraint drops, or in a later
statement than the one that takes the section, still keeps it under --gc-sections (braze dropped it).
An ONLY_IF_RW statement that no input section matches is dropped, as bfd's all_input_readonly starts
true (braze kept it, with its data commands and symbols).

Compared: the allocated section headers (name, type, flags, size) and the program's output."""
from __future__ import annotations

import re
import subprocess

from harness import BuildDir, tool_env

SCRIPT = """SECTIONS
{
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { *(.text .text.*) }
  .ka : { *(.kx) }
  .kb : { KEEP(*(.kx)) }
  .kc : ONLY_IF_RW { KEEP(*(.ky)) }
  .ke : ONLY_IF_RW { ke_start = .; QUAD(7) *(.nothing) ke_end = .; }
  .kf : ONLY_IF_RO { kf_start = .; QUAD(9) *(.nothing2) kf_end = .; }
  .rodata : { *(.rodata .rodata.*) }
  .data : { *(.data .data.*) }
  .bss : { *(.bss .bss.*) *(COMMON) }
  /DISCARD/ : { *(.note.GNU-stack) *(.comment) *(.eh_frame) }
}
"""

MAIN = r"""
__attribute__((section(".kx"), used)) const char kx[4] = "kx";
__attribute__((section(".ky"), used)) const char ky[4] = "ky";
extern const char ke_start[] __attribute__((weak)), ke_end[] __attribute__((weak));
extern const char kf_start[] __attribute__((weak)), kf_end[] __attribute__((weak));
static long sys3(long n, long a, long b, long c) {
  __asm__ volatile("syscall" : "+a"(n) : "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return n;
}
void _start(void) {
  char buf[2] = {'0' + (ke_end - ke_start), '0' + (kf_end - kf_start)};
  sys3(1, 1, (long)buf, 2);
  sys3(60, (ke_start != 0) + 2 * (kf_start != 0), 0, 0);
}
"""


def _alloc_sections(path) -> list[tuple]:
    out = subprocess.run(["readelf", "-W", "-S", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    rows = re.findall(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*A\S*)\s",
                      out, re.M)
    return sorted(rows)


def test_keep_in_later_and_dropped_statements(tmp_path, braze_lddir):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text(MAIN)
    (tmp_path / "k.ld").write_text(SCRIPT)
    b.run(["gcc", "-O1", "-fno-pic", "-fno-asynchronous-unwind-tables", "-c", "main.c"])
    secs, outs = [], []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), "-nostdlib", "-static", "-Wl,--gc-sections", "main.o", "-Wl,-T,k.ld",
               "-o", exe])
        secs.append(_alloc_sections(exe))
        r = b.run([exe], check=False)
        outs.append((r.returncode, r.stdout))
    names = [s[0] for s in secs[0]]
    assert ".ka" in names and ".ky" in names and ".ke" not in names and ".kf" in names   # (bfd's)
    assert secs[1] == secs[0]
    assert outs[1] == outs[0]
