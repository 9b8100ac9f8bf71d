"""--emit-relocs with a -T SECTIONS script, against ld.bfd. Found linking Linux 6.1: vmlinux is
linked with `--emit-relocs -T vmlinux.lds` (CONFIG_RELOCATABLE: arch/x86/tools/relocs reads the
kept relocations to make the boot code's relocation table); braze refused the combination
("--emit-relocs together with a SECTIONS script is not supported"), so the kernel would not link.

Compared: each .rela<section> (which section it relocates, then every entry: place, type, the
symbol's name and value, addend), the order of the sections in the file (bfd: the .rela sections
after .strtab, before .shstrtab, whatever their place in the header table; braze had them in header
order), and the program's behaviour. Not compared (a known difference, also in braze's
default-script --emit-relocs links): the empty output sections bfd keeps with --emit-relocs."""
from __future__ import annotations

import re

import pytest

from harness import BuildDir

SRC = r"""
int x = 5;
int *p = &x;
const char *s = "hi";
static int counter;
__attribute__((noinline)) int f(void) { return *p + s[0] + counter++; }
int (*fp)(void) = f;
void _start(void) {
  long r = fp() + f();
  __asm__ volatile("syscall" : : "a"(60L), "D"(r & 0xff) : "rcx", "r11", "memory");
}
"""

SCRIPT = """ENTRY(_start)
SECTIONS {
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { *(.text*) }
  . = ALIGN(0x1000);
  .rodata : { *(.rodata*) }
  .eh_frame : { *(.eh_frame) }
  . = ALIGN(0x1000);
  .data : { *(.data*) }
  .bss : { *(.bss*) *(COMMON) }
  /DISCARD/ : { *(.comment) *(.note.GNU-stack) }
}
"""


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("emitscript"), braze_lddir)
    (w.root / "e.c").write_text(SRC)
    (w.root / "e.lds").write_text(SCRIPT)
    w.run(["gcc", "-O2", "-fno-pic", "-mcmodel=kernel", "-c", "e.c", "-o", "k.o"])
    w.run(["gcc", "-O2", "-fno-pic", "-c", "e.c", "-o", "e.o"])
    return w


def _relocs(w, path) -> list:
    out = w.run(["readelf", "-W", "-r", path]).stdout
    rows = []
    for line in out.splitlines():
        m = re.match(r"Relocation section '([^']+)'", line)
        if m:
            rows.append(("section", m.group(1)))
        elif re.match(r"[0-9a-f]{16} ", line):
            f = line.split()
            rows.append((f[0], f[2], *f[3:]))       # (no symbol index: .symtab's order may differ)
    return rows


def _file_order(w, path) -> list:
    out = w.run(["readelf", "-W", "-S", path]).stdout
    rows = [l.split("]", 1)[1].split() for l in out.splitlines() if re.match(r"\s*\[\s*[1-9]\d*\]", l)]
    return [r[0] for r in sorted(rows, key=lambda r: int(r[3], 16))]


def _alloc_headers(w, path) -> list:
    out = w.run(["readelf", "-W", "-S", path]).stdout
    rows = [l.split("]", 1)[1].split() for l in out.splitlines() if re.match(r"\s*\[\s*\d+\]", l)]
    return [r for r in rows if "A" in r[-4] and r[1] != "NOBITS"]


@pytest.mark.parametrize("obj", ["e.o", "k.o"])
def test_emit_relocs_with_script_vs_bfd(work, obj):
    res = {}
    for linker in ("bfd", "test"):
        out = f"{obj}-{linker}"
        work.run(["gcc", *work.ld(linker), "-nostdlib", "-static", "-no-pie", "-Wl,--emit-relocs",
                  "-Wl,-z,max-page-size=0x200000", "-T", "e.lds", obj, "-o", out])
        rc = work.run([f"./{out}"], check=False).returncode if obj == "e.o" else None
        res[linker] = (_relocs(work, out), _alloc_headers(work, out), _file_order(work, out), rc)
    assert ("section", ".rela.text") in res["bfd"][0]
    assert res["test"] == res["bfd"]
