"""A -pie link whose -T script discards the dynamic tables, with --orphan-handling=warn, against
ld.bfd. Found linking Linux 6.1's boot code (arch/x86/boot/compressed/vmlinux: `-pie
--no-dynamic-linker --orphan-handling=warn -T vmlinux.lds`, the script /DISCARD/s .dynamic, .dynsym,
.dynstr, .hash, .gnu.hash, .gnu.version* and places `*(.rela.*)`, `*(.plt) *(.plt.*)`, .got, .got.plt).
braze refused --orphan-handling in any PIE, then the discarding of the linker-made .hash; bfd
writes an ET_DYN with no dynamic section and no PT_DYNAMIC, and warns only about input orphans.

Compared: exit status and warnings, section and program headers, `readelf -d`, the loaded bytes
(objcopy -O binary) and the symbols."""
from __future__ import annotations

import re

import pytest

from harness import BuildDir

SRC = r"""
static int table[4] = {1, 2, 3, 4};
static int calls;
int sum(int n) { int s = 0; calls++; for (int i = 0; i < n; i++) s += table[i & 3]++; return s + calls; }
__attribute__((section(".head.text"))) int entry(void) { return sum(10); }
"""
EXTRA = '__attribute__((section(".extra"))) int extra_var = 7;\n'

SCRIPT = """ENTRY(entry)
SECTIONS
{
  . = 0;
  .head.text : { _head = . ; KEEP(*(.head.text)) _ehead = . ; }
  .text : { _text = .; *(.text) *(.text.*) _etext = . ; }
  .rodata : { *(.rodata) *(.rodata.*) }
  .data : ALIGN(0x1000) { _data = . ; *(.data) *(.data.*) _edata = . ; }
  .bss : { _bss = . ; *(.bss) *(.bss.*) *(COMMON) _ebss = .; }
  .comment 0 : { *(.comment) } .symtab 0 : { *(.symtab) } .strtab 0 : { *(.strtab) } .shstrtab 0 : { *(.shstrtab) }
  /DISCARD/ : { *(.eh_frame) *(.note.GNU-stack) *(.gnu.version*) }
  /DISCARD/ : { *(.dynamic) *(.dynsym) *(.dynstr) *(.dynbss) *(.hash) *(.gnu.hash) *(.note.*) }
  .got.plt (INFO) : { *(.got.plt) }
  ASSERT(SIZEOF(.got.plt) == 0 || SIZEOF(.got.plt) == 0x18, "Unexpected GOT/PLT entries detected!")
  .got : { *(.got) }
  ASSERT(SIZEOF(.got) == 0, "Unexpected GOT entries detected!")
  .plt : { *(.plt) *(.plt.*) }
  ASSERT(SIZEOF(.plt) == 0, "Unexpected run-time procedure linkages detected!")
  .rel.dyn : { *(.rel.*) *(.rel_*) }
  .rela.dyn : { *(.rela.*) *(.rela_*) }
  ASSERT(SIZEOF(.rela.dyn) == 0, "Unexpected run-time relocations (.rela) detected!")
}
"""

LDFLAGS = ["-m", "elf_x86_64", "--no-ld-generated-unwind-info", "-pie", "--no-dynamic-linker",
           "-z", "noexecstack", "-T", "k.lds"]


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("piediscard"), braze_lddir)
    (w.root / "k.c").write_text(SRC)
    (w.root / "x.c").write_text(EXTRA)
    (w.root / "k.lds").write_text(SCRIPT)
    w.run(["gcc", "-O2", "-fPIE", "-fno-asynchronous-unwind-tables", "-c", "k.c", "x.c"])
    return w


def _facts(w, path) -> tuple:
    hdrs = w.run(["readelf", "-W", "-S", "-l", "-d", path]).stdout
    hdrs = "\n".join(l for l in hdrs.splitlines()
                     if not re.search(r"\.s?h?strtab|\.symtab|headers, starting at", l))
    w.run(["objcopy", "-O", "binary", path, f"{path}.bin"])
    syms = sorted(w.run(["nm", path]).stdout.splitlines())
    return hdrs, (w.root / f"{path}.bin").read_bytes(), syms


@pytest.mark.parametrize("orphans", ["warn", "place"])
@pytest.mark.parametrize("objs", [["k.o"], ["k.o", "x.o"]])
def test_pie_discarding_dynamic_tables_vs_bfd(work, objs, orphans):
    res = {}
    for linker in ("bfd", "test"):
        ld = "ld.bfd" if linker == "bfd" else f"{work.lddir}/ld"
        out = f"{len(objs)}-{orphans}-{linker}"
        p = work.run([ld, *LDFLAGS, f"--orphan-handling={orphans}", *objs, "-o", out], check=False)
        warns = sorted(re.sub(r"^\S+: ", "", l) for l in p.stderr.splitlines())
        res[linker] = (p.returncode, warns) + (_facts(work, out) if p.returncode == 0 else ())
    assert res["bfd"][0] == 0
    assert "no dynamic section" in res["bfd"][2]
    assert res["test"] == res["bfd"]
