"""The LMA of a section after a read-only one in a static link's script, against ld.bfd: bfd's dynobj
has an (empty) .rela.iplt (x86-64 also .rela.got; aarch64 once a relocation made its IFUNC
sections), which its orphan code puts in a `.rela.dyn` after the last read-only output section. Empty,
it is stripped from the output, but while sizing it is the section whose VMA-LMA relation the next
one copies: 8-aligned, so a section that starts below it and ends at or before it is bfd's "dot
moved backwards" case and gets LMA = VMA (with a warning). braze gave that section the LMA of the
`.data : AT(...)` relation, in that segment, where bfd starts a new PT_LOAD (differential fuzzer,
x86-64 script seeds 96068 and 96111).

Compared: section addresses, the LOAD segments (VMA, LMA, sizes, flags) and the warning, for a
freestanding static program, x86-64 and aarch64; with a read-only section that ends where the
`.rela.dyn` lands (bfd's backwards case), one that ends past it (the relation carries on) and one
with an odd AT() (the .rela.dyn's aligned LMA moves the next section's)."""
from __future__ import annotations

import re
import shutil

import pytest

from harness import BuildDir

MAIN = r"""
int d1 = 5;
const char ro[5] __attribute__((section(".fz2"), used, aligned(1))) = "abcd";
char w3[3] __attribute__((section(".fz3"), used, aligned(1))) = "xy";
int g2(int);
int _start(void) { return g2(d1) + ro[1] + w3[1]; }
"""
OTHER = "int g2(int x) { return x * 2; }\n"

SCRIPT = """SECTIONS
{
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { *(.text .text.*) }
  .rodata : { *(.rodata .rodata.*) }
  . = ALIGN(0x1000) + 0x40;
  .data : AT(0x700000) { *(.data .data.*) }
  .fz2 : %s{ KEEP(*(.fz2)) %s}
  .fz3 : { KEEP(*(.fz3)) }
  .bss : { *(.bss .bss.*) }
  /DISCARD/ : { *(.comment) *(.note.GNU-stack) *(.eh_frame) *(.note.gnu.property) }
}
"""

ARCHES = {"x86_64": ("", ["-fcf-protection=none"]), "aarch64": ("aarch64-linux-gnu-", ["-mbranch-protection=none"])}


def _layout(b, prefix, path):
    out = b.run([prefix + "readelf", "-lSW", path]).stdout
    secs = re.findall(r"\]\s+(\.\S+)\s+(\w+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", out)
    loads = [l.split()[2:] for l in out.splitlines() if l.strip().startswith("LOAD")]
    # (a LOAD's file offset left out: the rest must agree)
    return [s for s in secs if not s[0].endswith("tab")], [[l[0], l[1], l[2], l[3], " ".join(l[4:-1])] for l in loads]


# (the .fz2 statement's LMA and its padding; the .rela.dyn's LMA is 8-aligned, and an odd AT() of
# .fz2 makes .fz3 the backwards case with a warning that LMA = VMA changed something)
CASES = {"backwards": ("", ""), "carried": ("", ". += 7; "), "realigned": ("AT(0x700101) ", "")}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("arch", sorted(ARCHES))
def test_static_rela_dyn_phantom(tmp_path, braze_lddir, arch, case):
    prefix, cflags = ARCHES[arch]
    if not shutil.which(prefix + "gcc") or not shutil.which(prefix + "readelf"):
        pytest.skip(f"no {arch} tool chain")
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text(MAIN)
    (tmp_path / "other.c").write_text(OTHER)
    (tmp_path / "script.ld").write_text(SCRIPT % CASES[case])
    for src in ("main", "other"):
        b.run([prefix + "gcc", "-O2", "-fno-pic", "-fno-inline", "-ffreestanding", "-fno-stack-protector",
               "-fno-asynchronous-unwind-tables", *cflags, "-c", f"{src}.c"])
    res = {}
    for linker in ("bfd", "test"):
        out = f"prog.{linker}"
        p = b.run([prefix + "gcc", *b.ld(linker), "-nostdlib", "-static", "-no-pie", "-o", out, "main.o",
                   "other.o", "-Wl,-T,script.ld"])
        res[linker] = _layout(b, prefix, tmp_path / out), "dot moved backwards before `.fz3'" in p.stderr
    assert res["test"] == res["bfd"]
    assert res["bfd"][1] == (case != "carried")       # (the case is what it says)
