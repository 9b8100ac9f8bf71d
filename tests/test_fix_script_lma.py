"""The load addresses of the sections after a `.data : AT(x)`, against ld.bfd (found by
tools/fuzz/run.py --kind scripts).

bfd gives a section without AT() the VMA-LMA relation of the last section sized in its region,
its LMA then aligned. Three things braze missed:
- in a static x86-64 link bfd still has its empty .got/.got.plt/.igot.plt when sizing (stripped
  later): an 8-aligned orphan after .data, so the LMAs after it move to a multiple of 8 from
  .data's. braze's .fz2 and .bss then got LMAs whose relations differed, .bss a segment of its
  own (one more program header, so SIZEOF_HEADERS and every address moved), which mapped the
  headers' page over .data at run time;
- a section with an address still follows that relation (braze: LMA = VMA), and then, as with an
  LMA region other than its region, its LMA is aligned by its ALIGN() only;
- an address the section's alignment does not fit lowers its sh_addralign (bfd 2.35+).

Compared: the freestanding program's output, the PT_LOAD rows, the LOADADDR() symbols and the
sections' addresses and alignments."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

LINKERS = ("bfd", "test")

MAIN = r"""
static long sys(long n, long a, long b, long c) {
  long r; __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
}
static void put(const char *s, unsigned long v) {
  char buf[64]; int n = 0;
  while (*s) buf[n++] = *s++;
  for (int i = 60; i >= 0; i -= 4) buf[n++] = "0123456789abcdef"[(v >> i) & 15];
  buf[n++] = '\n';
  sys(1, 1, (long)buf, n);
}
long dvar[4] = {0x1111, 0x2222, 0x3333, 0x4444};
__attribute__((section(".fz2"), aligned(2))) short f2[3] = {0x55, 0x66, 0x77};
__attribute__((aligned(32))) char bvar[0x68];
const char ro[] = "abc";
__attribute__((section(".text.fzstart"))) void _start(void) {
  put("data ", dvar[0] + dvar[1] + dvar[2] + dvar[3]);
  put("fz2 ", f2[0] + f2[1] + f2[2]);
  put("bss ", bvar[3] + bvar[0x60]);
  put("ro ", ro[1]);
  sys(60, 0, 0, 0);
}
"""

# seed 130's shape: .data loaded after .rodata (an LMA no multiple of 8, such that bfd's 8-aligned
# relation is also .bss's 32-aligned one), .fz2 and .bss after it
AT_SCRIPT = """ENTRY(_start)
SECTIONS
{
  . = 0x800000 + SIZEOF_HEADERS;
  .text : { *(.text.fzstart) *(.text .text.*) }
  .rodata : { *(.rodata .rodata.*) }
  . = 0x900000;
  .data : AT(ALIGN(ADDR(.rodata) + SIZEOF(.rodata), 32) + 29) { *(.data .data.*) }
  .fz2 : { *(.fz2) }
  .bss : { *(.bss .bss.*) *(COMMON) }
  fz2_lma = LOADADDR(.fz2);
  bss_lma = LOADADDR(.bss);
  /DISCARD/ : { *(.comment) *(.note.GNU-stack) }
}
"""

# a section with an address (not multiple of its 16) after .data : AT(); with ALIGN(); an LMA region
ADDR_SCRIPT = """ENTRY(_start)
MEMORY { ROM (rx) : ORIGIN = 0x800000, LENGTH = 1M
         RAM (rw) : ORIGIN = 0x900000, LENGTH = 1M
         RAM2 (rw) : ORIGIN = 0xa00000, LENGTH = 1M }
SECTIONS
{
  .text : { *(.text.fzstart) *(.text .text.*) } > ROM
  .rodata : { *(.rodata .rodata.*) } > ROM
  .data : AT(0x800201) { *(.data .data.*) } > RAM
  .fz2 0x900104 : { *(.fz2) *(.fz3) } > RAM
  .fz4 0x900181 : ALIGN(32) { *(.fz4) } > RAM
  .fz5 : ALIGN(32) { *(.fz5) } > RAM2 AT> ROM
  .bss : { *(.bss .bss.*) *(COMMON) } > RAM
  fz2_lma = LOADADDR(.fz2);
  fz4_lma = LOADADDR(.fz4);
  fz5_lma = LOADADDR(.fz5);
  /DISCARD/ : { *(.comment) *(.note.GNU-stack) }
}
"""

EXTRA = r"""
__attribute__((section(".fz3"), aligned(16))) char f3[5] = "f3";
__attribute__((section(".fz4"), aligned(16))) char f4[5] = "f4";
__attribute__((section(".fz5"), aligned(4))) char f5[5] = "f5";
"""


def _loads(path) -> list[str]:
    out = subprocess.run(["readelf", "-lW", path], capture_output=True, text=True, env=tool_env(), check=True).stdout
    return [l.split()[1:] for l in out.splitlines() if l.strip().startswith("LOAD")]


def _sections(path) -> list[tuple]:
    out = subprocess.run(["readelf", "-SW", path], capture_output=True, text=True, env=tool_env(), check=True).stdout
    rows = []
    for l in out.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\.fz\d|\.data|\.bss|\.rodata)\s+\S+\s+([0-9a-f]+)\s+\S+\s+([0-9a-f]+).*\s(\d+)$", l)
        if m:
            rows.append(m.groups())
    return rows


def _lma_syms(path) -> list[str]:
    nm = subprocess.run(["nm", path], capture_output=True, text=True, env=tool_env(), check=True).stdout
    return sorted(l for l in nm.splitlines() if l.endswith("_lma"))


@pytest.mark.parametrize("script", ["at", "addr"])
def test_lma_after_at(tmp_path, braze_lddir, script):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text(MAIN + (EXTRA if script == "addr" else ""))
    (tmp_path / "s.ld").write_text(AT_SCRIPT if script == "at" else ADDR_SCRIPT)
    b.run(["gcc", "-c", "-O1", "-ffreestanding", "-fno-pic", "-fno-stack-protector", "-fcf-protection=none",
           "-fno-asynchronous-unwind-tables", "main.c"])
    res = []
    for linker in LINKERS:
        exe = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), "-nostdlib", "-static", "-no-pie", "main.o", "-Wl,-T,s.ld", "-o", exe])
        run = b.run([exe]).stdout if script == "at" else ""
        res.append((run, _loads(exe), _sections(exe), _lma_syms(exe)))
    if script == "at":
        assert "fz2 0000000000000132" in res[0][0] and len(res[0][1]) == 3     # (bfd: .fz2 and .bss share one)
    for got, want in zip(res[1], res[0]):
        assert got == want
