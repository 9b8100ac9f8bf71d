"""A statement dropped by ONLY_IF_RO / ONLY_IF_RW still has its assignments evaluated, against ld.bfd
(found by tools/fuzz/run.py --kind scripts, seeds 8, 35, 143).

bfd makes no output section of such a statement, but its lang_do_assignments walks the body anyway
at the current `.`: `sym = .` and plain numbers land in bfd's *UND* section (the value is the
address, and the symbol is left out of .symtab), ADDR(...) keeps its section, ABSOLUTE(...) is
absolute, and data commands (QUAD, BYTE ...) move `.`, which the top-level assignments after the
statement see (the next section's address does not move). An assignment to `.` there is bfd's
"invalid assignment to location counter". braze removed the statement: its symbols were 0.

Compared: the program's output (the symbols' values) and the script symbols' .symtab rows."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

LINKERS = ("bfd", "test")
NAMES = ("s_a", "s_b", "s_c", "s_d", "s_e", "s_f")

SCRIPT = """ENTRY(_start)
SECTIONS
{
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { *(.text .text.*) }
  .rodata : { *(.rodata .rodata.*) }
  .ro2 : %s { s_a = .; *(.ro2) QUAD(5) s_b = ADDR(.text) + 1; s_c = 5; BYTE(1) s_d = ABSOLUTE(.); %s }
  s_e = .;
  .ro3 : { s_f = .; *(.ro3) }
  . = ALIGN(0x1000);
  .data : { *(.data) }
  .bss : { *(.bss) }
  /DISCARD/ : { *(.comment) *(.note.GNU-stack) *(.eh_frame) *(.note.gnu.property) }
}
"""

MAIN = r"""
extern const char s_a[], s_b[], s_c[], s_d[], s_e[], s_f[];
__attribute__((section(".ro2"), used)) const char in_ro2[3] = "ab";
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
  const char *v[] = {s_a, s_b, s_c, s_d, s_e, s_f};
  for (int i = 0; i < 6; i++) hex((unsigned long)v[i]);
  __asm__ volatile("syscall" : : "a"(60), "D"(0));
  __builtin_unreachable();
}
"""

CFLAGS = ["-O2", "-fno-pic", "-ffreestanding", "-fno-stack-protector", "-fcf-protection=none",
          "-fno-asynchronous-unwind-tables"]


def _rows(path) -> list[tuple]:
    """(name, value, section name or ABS) of the script's symbols in .symtab."""
    out = subprocess.run(["readelf", "-W", "-S", "-s", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    secs = dict(re.findall(r"^\s*\[\s*(\d+)\]\s+(\S+)", out, re.M))
    syms = out.partition("Symbol table '.symtab'")[2]
    return sorted((f[7], f[1], secs.get(f[6], f[6])) for f in (l.split() for l in syms.splitlines())
                  if len(f) >= 8 and f[7] in NAMES)


def _setup(tmp_path, braze_lddir, constraint, extra=""):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text(MAIN)
    (tmp_path / "t.ld").write_text(SCRIPT % (constraint, extra))
    b.run(["gcc", *CFLAGS, "-c", "main.c"])
    return b


@pytest.mark.parametrize("constraint", ["ONLY_IF_RW", "ONLY_IF_RO"])
def test_dropped_statement_assignments(tmp_path, braze_lddir, constraint):
    b = _setup(tmp_path, braze_lddir, constraint)
    rows, outs = [], []
    for linker in LINKERS:
        exe = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), "-nostdlib", "-static", "-no-pie", "main.o", "-Wl,-T,t.ld", "-o", exe])
        rows.append(_rows(exe))
        outs.append(b.run([exe]).stdout)
    if constraint == "ONLY_IF_RW":
        # (bfd: s_a and s_c, in *UND*, are not in .symtab; s_a is an address past .rodata)
        assert {r[0] for r in rows[0]} == {"s_b", "s_d", "s_e", "s_f"}
        assert int(outs[0].split()[0], 16) > 0x400000
    assert outs[1] == outs[0]
    assert rows[1] == rows[0]


def test_dropped_statement_dot_assignment(tmp_path, braze_lddir):
    b = _setup(tmp_path, braze_lddir, "ONLY_IF_RW", ". += 0x10;")
    for linker in LINKERS:
        exe = tmp_path / f"p-{linker}"
        p = b.run(["gcc", *b.ld(linker), "-nostdlib", "-static", "-no-pie", "main.o", "-Wl,-T,t.ld", "-o", exe],
                  check=False)
        assert p.returncode != 0 and "invalid assignment to location counter" in p.stderr, p.stderr
        assert not exe.exists()
