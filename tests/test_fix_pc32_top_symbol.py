"""A PC-relative reference to a symbol at the top of the address space (a script's `neg = -0x1001`),
against ld.bfd: bfd computes S + A - P in 64-bit arithmetic, so such a symbol is only a few MiB from
the code and R_X86_64_PC32 fits; braze took the value as a huge unsigned number and refused the link
("out of range"). aarch64's PC-relative forms have the same rule (tests/test_aarch64_scripts.py)."""
from __future__ import annotations

import pytest

from harness import BuildDir

SCRIPT = """SECTIONS
{
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { *(.text .text.*) }
  .data : { *(.data .data.*) }
  HIDDEN(neg = -0x1001);
  HIDDEN(top = 0xfffffffffff00000);
}
"""
MAIN = """extern const char neg[], top[];
int main(void) { return ((long)neg == -0x1001 ? 3 : 1) + ((unsigned long)top == 0xfffffffffff00000ul ? 4 : 8); }
void _start(void) { int r = main(); __asm__ volatile("mov $60, %%eax; syscall" :: "D"(r)); for (;;); }
"""


@pytest.mark.parametrize("opt", ["-O2", "-Os"])
def test_pc32_to_a_symbol_at_the_top(tmp_path, braze_lddir, opt):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "m.c").write_text(MAIN)
    (tmp_path / "s.ld").write_text(SCRIPT)
    b.run(["gcc", opt, "-fPIE", "-c", "m.c"])
    assert "R_X86_64_PC32" in b.run(["objdump", "-dr", "m.o"]).stdout
    codes = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), "-nostdlib", "-static", "-no-pie", "m.o", "-Wl,-T,s.ld", "-o", exe])
        codes.append(b.run([exe], check=False).returncode)
    assert codes == [7, 7]
