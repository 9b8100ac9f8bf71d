"""Which PHDRS segment a section without `:phdr` goes to when an ADDR() names it ahead of its
statement, against ld.bfd (found by tools/fuzz/run.py --kind scripts, seed 508).

bfd's lang_record_phdrs walks the output section statements in the script's order: a section
without its own `:phdr` list takes the list of the statement before it. An ADDR() ahead of the
statement makes the section's header come earlier, not its statement. braze walked the headers'
order, so `.fz2` below (after `.data :data`, but named ahead of it) went to the text segment:
read-only there, and the program's write to it crashed where bfd's program runs.

Compared: the program's output, the PT_LOAD headers and the section to segment mapping."""
from __future__ import annotations

import subprocess

import pytest

from harness import BuildDir, tool_env

SCRIPT = """ENTRY(_start)
PHDRS {{ hdr PT_LOAD FILEHDR PHDRS; text PT_LOAD; data PT_LOAD; }}
SECTIONS
{{
  . = 0x400000 + SIZEOF_HEADERS;
  .text : {{ *(.text .text.*) }} :text
  .rodata : {{ *(.rodata .rodata.*) }}
  {mention}
  . = ALIGN(0x1000) + (. & 0xfff);
  .data : {{ *(.data .data.*) }} :data
  .fz2 : {{ *(.fz2) }}
  .bss : {{ *(.bss .bss.*) }}
  /DISCARD/ : {{ *(.comment) *(.note.GNU-stack) *(.eh_frame) *(.note.gnu.property) }}
}}
"""

MAIN = r"""
__attribute__((section(".fz2"), used)) volatile char fz2[8] = "abc";
volatile int d = 1;
static void out(const char *p, long n) {
  __asm__ volatile("syscall" : : "a"(1), "D"(1), "S"(p), "d"(n) : "rcx", "r11", "memory");
}
__asm__(".globl _start\n_start: call c_main\n");
void c_main(void) {
  fz2[0] = 'x';       /* (a write: the section must be in a writable segment) */
  d++;
  char b[4] = {fz2[0], fz2[1], (char)('0' + d), '\n'};
  out(b, 4);
  __asm__ volatile("syscall" : : "a"(60), "D"(0));
  __builtin_unreachable();
}
"""

CFLAGS = ["-O2", "-fno-pic", "-ffreestanding", "-fno-stack-protector", "-fcf-protection=none",
          "-fno-asynchronous-unwind-tables"]


def _segments(path) -> list[str]:
    out = subprocess.run(["readelf", "-lW", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    body = out.partition("Program Headers:")[2]
    return [" ".join(l.split()) for l in body.splitlines() if l.strip().startswith(("LOAD", "0"))]


@pytest.mark.parametrize("mention", ["fz_s = ADDR(.fz2);", "PROVIDE(fz_s = LOADADDR(.fz2));", ""])
def test_phdr_inherit(tmp_path, braze_lddir, mention):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text(MAIN)
    (tmp_path / "t.ld").write_text(SCRIPT.format(mention=mention))
    b.run(["gcc", *CFLAGS, "-c", "main.c"])
    got = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), "-nostdlib", "-static", "-no-pie", "main.o", "-Wl,--build-id=none", "-Wl,-T,t.ld", "-o", exe])
        r = b.run([exe], check=False)
        got.append((r.returncode, r.stdout, _segments(exe)))
    assert got[0][:2] == (0, "xb2\n")       # (bfd's program: .fz2 writable)
    assert got[1] == got[0]
