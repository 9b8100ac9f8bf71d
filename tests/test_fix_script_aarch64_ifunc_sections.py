"""A static aarch64 link with a SECTIONS script: bfd's empty IFUNC sections and its .got orphans,
against aarch64 ld.bfd (found by tools/fuzz/run.py --kind scripts --arch aarch64, seeds 104 and 142).

bfd's aarch64 check_relocs makes .iplt, .igot.plt and .rela.iplt at the first CALL26, JUMP26,
ADR_PREL_PG_HI21, ADD_ABS_LO12_NC, ABS64, MOVW_UABS or GOT relocation against a global symbol, in
that file (its dynobj). Empty, they are removed, but while sizing .igot.plt is an orphan after
.data whose LMA, aligned to 8, gives the sections after it their VMA-LMA relation: after a
`.data : AT(...)`, the next section's LMA moves to that alignment, which starts another PT_LOAD
(and SIZEOF_HEADERS grows by one header). The dynobj's sections (.igot.plt, .got, .got.plt) are
placed as orphans where the first file's orphans end, ahead of a later file's data orphan.

Compared: the allocated sections (name, type, flags, address, size), the LMAs (objdump -h) and the
program headers, and the program's exit status under qemu."""
from __future__ import annotations

import re
import shutil

import pytest

from harness import BuildDir

MAIN = r"""extern int w __attribute__((weak));     /* (through the GOT: .got and .got.plt) */
extern int other(void);
int d1 = 1;
const char r[3] = {1, 2, 3};
__attribute__((section(".fz3"))) const char f3[5] = {1, 2, 3, 4, 5};
int main(void) { return (&w != 0) + other() + d1 + r[1] + f3[2]; }
void _start(void) {
    register long x0 __asm__("x0") = main();
    register long x8 __asm__("x8") = 93;
    __asm__ volatile("svc 0" : : "r"(x0), "r"(x8));
    for (;;);
}
"""
OTHER = r"""__attribute__((section("fz_orph"))) long o2v[2] = {3, 4};
int other(void) { return (int)o2v[1]; }
"""

SCRIPT = """SECTIONS {
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { *(.text .text.*) }
  .rodata : { *(.rodata .rodata.*) }
  . = ALIGN(0x1000) + 0x40;
  .data : AT(ADDR(.rodata) + SIZEOF(.rodata)) { *(.data .data.*) }
  .fz3 ALIGN(64) : { *(.fz3) }
  .bss : { *(.bss .bss.*) *(COMMON) }
  /DISCARD/ : { *(.comment) *(.note.GNU-stack) *(.eh_frame) *(.note.gnu.property) }
}
"""


def _view(b, path) -> tuple:
    text = b.run(["aarch64-linux-gnu-readelf", "-W", "-S", "-l", path]).stdout
    secs = re.findall(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+(\S*A\S*)\s",
                      text, re.M)
    phdrs = re.findall(r"^\s+(LOAD)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)",
                       text, re.M)
    lmas = re.findall(r"^\s+\d+\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)", b.run(["objdump", "-h", path]).stdout,
                      re.M)
    return secs, phdrs, lmas


@pytest.mark.parametrize("got", [True, False])
def test_static_ifunc_sections_and_got_orphans(tmp_path, braze_lddir, got):
    if not shutil.which("aarch64-linux-gnu-gcc"):
        pytest.fail("aarch64-linux-gnu-gcc is missing (make deps installs it)")
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "m.c").write_text(MAIN if got else MAIN.replace("(&w != 0)", "0"))
    (tmp_path / "o.c").write_text(OTHER)
    (tmp_path / "s.ld").write_text(SCRIPT)
    b.run(["aarch64-linux-gnu-gcc", "-O1", "-fno-pic", "-fno-asynchronous-unwind-tables", "-c", "m.c", "o.c"])
    views, runs = [], []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run(["aarch64-linux-gnu-gcc", *b.ld(linker), "-nostdlib", "-static", "-no-pie", "m.o", "o.o",
               "-Wl,-T,s.ld", "-o", exe])
        views.append(_view(b, exe))
        runs.append(b.run(["qemu-aarch64", exe], check=False).returncode)
    names = [s[0] for s in views[0][0]]
    assert (".got" in names) == got and "fz_orph" in names
    assert views[1] == views[0]
    assert runs[1] == runs[0]
