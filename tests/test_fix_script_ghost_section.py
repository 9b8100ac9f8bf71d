"""An ONLY_IF_RO / ONLY_IF_RW statement whose constraint fails, named by ADDR() or LOADADDR() ahead
of it, against ld.bfd (found by tools/fuzz/run.py --kind scripts, seed 473).

bfd creates an output section where an expression names it (map_input_to_output_sections), before
it reaches the statement and finds the constraint failed. Its strip of empty output sections skips
statements whose constraint failed, so that section stays: in the section headers, at the place
the expression made it, PROGBITS with only the "W" flag, address 0, size 0, the statement's
ALIGN(). The statement's assignments are then evaluated in that section at 0 (an assignment to `.`
there changes nothing: bfd moves `.` in a section only while sizing, which skips the statement),
and `.` is 0 after it. braze left the section out and evaluated the body at `.` as for a dropped
statement nothing named.

Compared: the program's output (the symbols' values), the section headers and the script symbols'
.symtab rows (value, binding, section index)."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

LINKERS = ("bfd", "test")

MAIN = r"""
extern const char s_a[], s_b[], s_d[], s_e[], s_x[];
__attribute__((section(".g2"), used)) char in_g2[3] = "ab";
__attribute__((section(".ro3"), used)) const char in_ro3[5] = "abcd";
static void out(const char *p, long n) {
  __asm__ volatile("syscall" : : "a"(1), "D"(1), "S"(p), "d"(n) : "rcx", "r11", "memory");
}
static void hex(unsigned long v) {
  char b[17];
  for (int i = 15; i >= 0; i--, v >>= 4) b[i] = "0123456789abcdef"[v & 15];
  b[16] = '\n';
  out(b, 17);
}
__asm__(".globl _start\n_start: call c_main\n");     /* (a call: the stack aligned as for a function) */
void c_main(void) {
  const char *v[] = {s_a, s_b, s_d, s_e, s_x};
  for (int i = 0; i < 5; i++) hex((unsigned long)v[i]);
  __asm__ volatile("syscall" : : "a"(60), "D"(0));
  __builtin_unreachable();
}
"""

SCRIPT = """ENTRY(_start)
SECTIONS
{
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { *(.text .text.*) }
  %(before)s
  .rodata : { *(.rodata .rodata.*) }
  .g : %(cons)s { s_a = .; *(.g2) s_b = ADDR(.text) + 1; s_d = ABSOLUTE(.); %(body)s }
  s_e = .;
  %(after)s
  .ro3 : { *(.ro3) }
  . = ALIGN(0x1000);
  .data : { *(.data) *(.g2) }
  .bss : { *(.bss) }
  /DISCARD/ : { *(.comment) *(.note.GNU-stack) *(.eh_frame) *(.note.gnu.property) }
}
"""

CASES = {
    # (the fuzz seed's shape: a PROVIDE naming the section ahead; .g2 is writable: ONLY_IF_RO fails)
    "provide-loadaddr": dict(before="s_x = 7; PROVIDE(s_z = LOADADDR(.g));", cons="ONLY_IF_RO", body="", after=""),
    "align": dict(before="s_x = 7; PROVIDE(s_z = ADDR(.g));", cons="ALIGN(64) ONLY_IF_RO", body="", after=""),
    "dot-and-data": dict(before="s_x = 7; PROVIDE(s_z = ADDR(.g));", cons="ONLY_IF_RO",
                         body=". += 4; s_q = .; QUAD(1) s_r = .;", after=""),
    # (a second statement of the name takes the inputs; ADDR() after the first finds the second)
    "second-statement": dict(before="s_x = ADDR(.g) - ADDR(.g);", cons="ALIGN(32) ONLY_IF_RO", body="",
                             after=".g : ONLY_IF_RW { s_w = .; *(.g2) } PROVIDE(s_v = ADDR(.g));"),
    # (named only after the statement: no section, the body at `.`)
    "named-after": dict(before="s_x = 7;", cons="ONLY_IF_RO", body="", after="PROVIDE(s_y = ADDR(.g));"),
}

CFLAGS = ["-O2", "-fno-pic", "-ffreestanding", "-fno-stack-protector", "-fcf-protection=none",
          "-fno-asynchronous-unwind-tables"]


def _views(path) -> tuple[list, list]:
    out = subprocess.run(["readelf", "-W", "-S", "-s", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    heads = re.findall(r"^\s*\[\s*\d+\]\s+(\S+\s+\S+\s+\S+\s+\S+\s+\S+.*)$", out, re.M)
    syms = out.partition("Symbol table '.symtab'")[2]
    rows = sorted((f[7], f[1], f[4], f[6]) for f in (l.split() for l in syms.splitlines())
                  if len(f) >= 8 and f[7].startswith("s_"))
    return [" ".join(h.split()) for h in heads], rows


@pytest.mark.parametrize("case", sorted(CASES))
def test_ghost_section(tmp_path, braze_lddir, case):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text(MAIN)
    (tmp_path / "t.ld").write_text(SCRIPT % CASES[case])
    b.run(["gcc", *CFLAGS, "-c", "main.c"])
    views, outs = [], []
    for linker in LINKERS:
        exe = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), "-nostdlib", "-static", "-no-pie", "main.o", "-Wl,-T,t.ld", "-o", exe])
        views.append(_views(exe))
        outs.append(b.run([exe]).stdout)
    heads = views[0][0]
    ghost = [h for h in heads if h.startswith(".g ") and " W " in f" {h} " and "WA" not in h]
    assert bool(ghost) == (case != "named-after"), heads      # (bfd's own output shows the case)
    assert outs[1] == outs[0]
    assert views[1][0] == views[0][0]
    assert views[1][1] == views[0][1]
