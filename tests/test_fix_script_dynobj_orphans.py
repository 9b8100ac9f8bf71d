"""Orphans and the empty linker-made .eh_frame in a -shared link with a SECTIONS script shaped like
gnu-efi's elf_x86_64_efi.lds, against ld.bfd.

An EFI application compiled with -fdata-sections has `.bss.NAME` sections, which gnu-efi's script
(`*(.bss)` only, inside .data) leaves as orphans. Three bfd rules braze did not follow:
- lang_output_section_find_by_flags sees the output sections of bfd's dynobj (.dynsym, .dynstr,
  .dynamic, .hash, .gnu.hash), which hold their linker-made input when orphans are placed: the bss
  orphan goes after the last allocated one (.dynstr, at the script's end), not after .data;
- insert_os_after puts the orphan past an assignment to `.` that follows that section when the next
  output section is a non-allocated one with input (gnu-efi's `.ignored.reloc` gets every object's
  .note.GNU-stack; a `.comment 0`), else before it;
- x86-64's empty PLT unwind section (.eh_frame) stays only where the statement naming it KEEPs it
  (bfd's default script); gnu-efi's `.eh_frame : { *(.eh_frame) }` with --gc-sections (every input
  .eh_frame swept) or a link without unwind tables has no .eh_frame at all.
Compared: readelf -lSW minus the string tables, and the symbol table as a set."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import tool_env

EFI_LDS = """\
OUTPUT_FORMAT("elf64-x86-64", "elf64-x86-64", "elf64-x86-64")
ENTRY(_start)
SECTIONS
{
  . = 0;
  ImageBase = .;
  .hash : { *(.hash) }
  .gnu.hash : { *(.gnu.hash) }
  . = ALIGN(4096);
  .eh_frame : { *(.eh_frame) }
  . = ALIGN(4096);
  .text : { _text = .; *(.text) *(.text.*) . = ALIGN(16); }
  _etext = .;
  . = ALIGN(4096);
  .data : { _data = .; *(.rodata*) *(.got.plt) *(.got) *(.data*) *(.sdata) *(.sbss) *(.scommon)
            *(.dynbss) *(.bss) *(COMMON) }
  _edata = .;
  . = ALIGN(4096);
  .dynamic  : { *(.dynamic) }
  . = ALIGN(4096);
  .rela : { *(.rela.data*) *(.rela.got) *(.rela.stab) }
  . = ALIGN(4096);
  .dynsym   : { *(.dynsym) }
  . = ALIGN(4096);
  .dynstr   : { *(.dynstr) }
  . = ALIGN(TAIL);
  .ignored.reloc : { *(.rela.reloc) *(.eh_frame) *(.note.GNU-stack) }
  .comment 0 : { *(.comment) }
}
"""

SCRIPTS = {
    "efi": EFI_LDS.replace("TAIL", "4096"),
    "efi-align256": EFI_LDS.replace("TAIL", "256"),
    "efi-no-ignored": re.sub(r"  \.ignored\.reloc : \{[^}]*\}\n", "", EFI_LDS.replace("TAIL", "4096")),
}

SMALL_LDS = """\
SECTIONS {
  . = SIZEOF_HEADERS;
  .hash : { *(.hash) }
  .dynsym : { *(.dynsym) }
  .dynstr : { *(.dynstr) }
  .rela.dyn : { *(.rela*) }
  . = ALIGN(4096);
  .eh_frame : { EH }
  .text : { *(.text*) }
  . = ALIGN(4096);
  .dynamic : { *(.dynamic) }
  .data : { *(.data*) }
}
"""

APP = r"""
static int table[1000];
static char buf[512];
int *ptab = &table[999];
int counter = 3;
int work(int x) { buf[x & 511] = (char)x; table[x % 1000] += x; return table[x % 1000] + buf[0] + counter; }
int _start(void) { return work(7); }
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("dynobjorph")
    (d / "app.c").write_text(APP)
    (d / "nofn.c").write_text("int v = 7;\nint *pv = &v;\n")
    (d / "fn.c").write_text("int fn(int x) { return x + 1; }\n")
    for name, text in SCRIPTS.items():
        (d / f"{name}.lds").write_text(text)
    (d / "small.lds").write_text(SMALL_LDS.replace("EH", "*(.eh_frame)"))
    (d / "small-keep.lds").write_text(SMALL_LDS.replace("EH", "KEEP(*(.eh_frame))"))
    env = tool_env()
    subprocess.run(["gcc", "-c", "-O2", "-fpic", "-ffreestanding", "-fno-stack-protector", "-fdata-sections",
                    "-ffunction-sections", "app.c", "fn.c"], cwd=d, env=env, check=True, capture_output=True)
    subprocess.run(["gcc", "-c", "-O2", "-fpic", "-fno-asynchronous-unwind-tables", "nofn.c"], cwd=d, env=env,
                   check=True, capture_output=True)
    return d


def _readelf(path: Path, *flags: str) -> str:
    return subprocess.run(["readelf", "-W", *flags, str(path)], capture_output=True, text=True,
                          env=tool_env(), check=True).stdout


def _view(path: Path) -> tuple:
    heads = [ln for ln in _readelf(path, "-lS").splitlines() if not re.search(r"strtab|section headers, starting", ln)]
    syms = sorted(" ".join(f[1:8]) for f in (ln.split() for ln in _readelf(path, "-s").splitlines())
                  if len(f) >= 8 and f[0].endswith(":") and f[0] != "Num:")
    return heads, syms


def _both(root: Path, direct_ld, name: str, args: list) -> None:
    views = {}
    for label, cmd in (("bfd", ["ld.bfd"]), ("test", list(direct_ld))):
        out = root / f"{name}-{label}.so"
        p = subprocess.run([*cmd, "-shared", "-Bsymbolic", "-nostdlib", *args, "-o", str(out)], cwd=root,
                           capture_output=True, text=True, env=tool_env())
        assert p.returncode == 0, f"{label}: {p.stderr}"
        views[label] = _view(out)
    assert views["test"][0] == views["bfd"][0]
    assert views["test"][1] == views["bfd"][1]


@pytest.mark.parametrize("gc", [False, True], ids=["nogc", "gc"])
@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_efi_bss_orphans(root, direct_ld, script, gc):
    _both(root, direct_ld, f"{script}-{gc}",
          [*(["--gc-sections"] if gc else []), "-T", f"{script}.lds", "app.o"])


@pytest.mark.parametrize("gc", [False, True], ids=["nogc", "gc"])
@pytest.mark.parametrize("objs", [["nofn.o"], ["nofn.o", "fn.o"]], ids=["no-unwind", "unwind"])
@pytest.mark.parametrize("script", ["small", "small-keep"])
def test_empty_plt_eh_frame(root, direct_ld, script, objs, gc):
    _both(root, direct_ld, f"{script}-{len(objs)}-{gc}",
          ["--hash-style=sysv", *(["--gc-sections"] if gc else []), "-T", f"{script}.lds", *objs])
