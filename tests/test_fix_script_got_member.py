"""The linker-made .got/.got.plt named by a SECTIONS statement that holds other input too, against ld.bfd.

gnu-efi's elf_x86_64_efi.lds gathers `.data : { *(.rodata*) *(.got.plt) *(.got) *(.data*) ... }`.
An EFI application compiled -fpic gets a GOT as soon as one GOTPCRELX load cannot become a LEA in a
-shared link: `cmp foo@GOTPCREL(%rip), %reg` (gcc emits it for `p == &extern_var`), or a weak
undefined reference. bfd lays its dynobj's .got.plt and .got out as input sections of that output
section (and gives it sh_entsize 8); braze refused the link ("output section .data mixes the
linker-made .got with other input"). A statement naming both, `.got : { *(.got) *(.got.plt) }`
without -z now, made braze fail with an internal error (AttributeError).

Each case is linked `-shared -Bsymbolic -nostdlib -T script` by both from the same objects (a
self-contained script in gnu-efi's shape: no gnu-efi needed) and compared: section and program
headers (readelf -lSW, minus the string tables), the dynamic section, the dynamic relocations and the
symbol table as sets (name, value, size, type, binding, section), and the bytes of .text and .data."""
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
  .data :
  {
   _data = .;
   *(.rodata*)
   *(.got.plt)
   *(.got)
   *(.data*)
   *(.sdata)
   *(.sbss)
   *(.scommon)
   *(.dynbss)
   *(.bss)
   *(COMMON)
  }
  _edata = .;
  . = ALIGN(4096);
  .dynamic  : { *(.dynamic) }
  . = ALIGN(4096);
  .rela : { *(.rela.data*) *(.rela.got) *(.rela.stab) }
  . = ALIGN(4096);
  .dynsym   : { *(.dynsym) }
  . = ALIGN(4096);
  .dynstr   : { *(.dynstr) }
  .comment 0 : { *(.comment) }
}
"""

# .got then .got.plt in a statement of their own (bfd's order there, without -z now)
GOT_LDS = """\
SECTIONS {
  . = SIZEOF_HEADERS;
  .hash : { *(.hash) }
  .dynsym : { *(.dynsym) }
  .dynstr : { *(.dynstr) }
  .rela.dyn : { *(.rela*) }
  . = ALIGN(4096);
  .text : { *(.text*) }
  . = ALIGN(4096);
  .dynamic : { *(.dynamic) }
  .got : { *(.got) *(.got.plt) }
  .data : { *(.data*) }
}
"""

APP = r"""
extern int ext_val;
extern int *ext_ptr;
extern const char *names[];
static int counter = 5;
int *pcounter = &counter;
const char *const greeting = "hello";
int check(void)
{
    int r;
    /* what gcc emits for `ext_ptr == &ext_val` at times: a GOT load bfd cannot relax in -shared */
    __asm__("movq ext_ptr@GOTPCREL(%%rip), %%rax\n\t"
            "movq (%%rax), %%rax\n\t"
            "cmpq ext_val@GOTPCREL(%%rip), %%rax\n\t"
            "sete %%al\n\t"
            "movzbl %%al, %0" : "=r"(r) :: "rax", "cc");
    return r + *pcounter + names[0][0] + greeting[0];
}
int _start(void) { return check(); }
"""

LIB = r"""
int ext_val = 7;
int *ext_ptr = &ext_val;
const char *names[] = { "alpha", "beta", 0 };
"""

CASES = {
    "efi-data": (EFI_LDS, []),
    "efi-data-nocombreloc": (EFI_LDS, ["-z", "nocombreloc"]),
    "efi-data-znow": (EFI_LDS, ["-z", "now"]),
    "got-then-gotplt": (GOT_LDS, []),
}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("scriptgot")
    (d / "app.c").write_text(APP)
    (d / "lib.c").write_text(LIB)
    (d / "efi.lds").write_text(EFI_LDS)
    (d / "got.lds").write_text(GOT_LDS)
    subprocess.run(["gcc", "-c", "-O2", "-fpic", "-ffreestanding", "-fno-stack-protector", "app.c", "lib.c"],
                   cwd=d, env=tool_env(), check=True, capture_output=True)
    return d


def _readelf(path: Path, *flags: str) -> str:
    return subprocess.run(["readelf", "-W", *flags, str(path)], capture_output=True, text=True,
                          env=tool_env(), check=True).stdout


def _headers(path: Path) -> list[str]:
    return [ln for ln in _readelf(path, "-lS").splitlines()
            if not re.search(r"strtab|section headers, starting", ln)]


def _relocs(path: Path) -> list[str]:
    # (the symbol index and the order are bfd's hash-table order: compared by type and value)
    return sorted(" ".join(ln.split()[:1] + ln.split()[2:]) for ln in _readelf(path, "-r").splitlines()
                  if re.match(r"\s*[0-9a-f]{16}\s", ln))


def _symbols(path: Path) -> list[str]:
    out = []
    for ln in _readelf(path, "-s").splitlines():
        f = ln.split()
        if len(f) >= 8 and f[0].endswith(":") and f[0] != "Num:":
            out.append(" ".join(f[1:8]))
    return sorted(out)


def _bytes(path: Path, name: str) -> bytes:
    out = path.with_suffix(path.suffix + name + ".bin")
    subprocess.run(["objcopy", "-O", "binary", "-j", name, str(path), str(out)], check=True, env=tool_env())
    return out.read_bytes()


@pytest.mark.parametrize("case", sorted(CASES))
def test_script_got_member(root, direct_ld, case):
    script, flags = CASES[case]
    lds = root / ("efi.lds" if script is EFI_LDS else "got.lds")
    outs = {}
    for label, cmd in (("bfd", ["ld.bfd"]), ("test", list(direct_ld))):
        out = root / f"{case}-{label}.so"
        p = subprocess.run([*cmd, "-shared", "-Bsymbolic", "-nostdlib", *flags, "-T", str(lds),
                            str(root / "app.o"), str(root / "lib.o"), "-o", str(out)],
                           capture_output=True, text=True, env=tool_env())
        assert p.returncode == 0, f"{label}: {p.stderr}"
        assert "Traceback" not in p.stderr
        outs[label] = out
    bfd, test = outs["bfd"], outs["test"]
    assert ".got" in _readelf(bfd, "-s") or "_GLOBAL_OFFSET_TABLE_" in _readelf(bfd, "-s")
    assert _headers(test) == _headers(bfd)
    assert _readelf(test, "-d") == _readelf(bfd, "-d")
    assert _relocs(test) == _relocs(bfd)
    assert _symbols(test) == _symbols(bfd)
    for name in (".text", ".data", ".got"):
        if f" {name} " in _readelf(bfd, "-S"):
            assert _bytes(test, name) == _bytes(bfd, name), name


# .rela.plt (a PLT call in a -shared link without -Bsymbolic) and .rela.dyn both matched by
# `*(.rela*)`: bfd folds them into one section; braze cannot, and must say so rather than let one
# linker-made section replace the other (with the .got/.got.plt change above, the one-statement path
# no longer failed on its own and wrote the link without .rela.dyn's relocations)
MIX_LDS = """\
SECTIONS {
  . = SIZEOF_HEADERS;
  .hash : { *(.hash) }
  .gnu.hash : { *(.gnu.hash) }
  .dynsym : { *(.dynsym) }
  .dynstr : { *(.dynstr) }
  .rela.dyn : { *(.rela*) }
  . = ALIGN(4096);
  .text : { *(.text*) }
  . = ALIGN(4096);
  .dynamic : { *(.dynamic) }
  .data : { *(.data.rel.ro*) *(.got) *(.got.plt) *(.data*) *(.bss*) }
}
"""


def test_two_linker_made_sections_refused(root, direct_ld):
    (root / "mix.lds").write_text(MIX_LDS)
    args = ["-shared", "-nostdlib", "-T", str(root / "mix.lds"), str(root / "app.o"), str(root / "lib.o")]
    b = subprocess.run(["ld.bfd", *args, "-o", str(root / "mix-bfd.so")], capture_output=True, text=True,
                       env=tool_env())
    assert b.returncode == 0, b.stderr
    assert "JUMP_SLOT" in _readelf(root / "mix-bfd.so", "-r") and "GLOB_DAT" in _readelf(root / "mix-bfd.so", "-r")
    out = root / "mix-test.so"
    p = subprocess.run([*direct_ld, *args, "-o", str(out)], capture_output=True, text=True, env=tool_env())
    assert "Traceback" not in p.stderr and "internal error" not in p.stderr, p.stderr
    assert p.returncode != 0 and not out.exists()
    assert re.search(r"braze: error: .*mix\.lds:\d+:\d+: output section \.rela\.dyn holds both the linker-made "
                     r"\.rela\.\S+ and \.rela\.\S+: not supported by braze", p.stderr), p.stderr


# the same script shape in static links: bfd relaxes the GOT loads there (static-pie keeps a GOT of
# RELATIVE words); an empty .got named among .data's inputs takes no room and leaves no
# _GLOBAL_OFFSET_TABLE_ in .symtab (bfd strips it)
STATIC_LDS = """\
SECTIONS {
  . = 0x400000 + SIZEOF_HEADERS;
  .hash : { *(.hash) }
  .gnu.hash : { *(.gnu.hash) }
  .dynsym : { *(.dynsym) }
  .dynstr : { *(.dynstr) }
  .rela.dyn : { *(.rela.dyn) *(.rela.got) *(.rela.data*) }
  . = ALIGN(4096);
  .text : { *(.text*) }
  . = ALIGN(4096);
  .dynamic : { *(.dynamic) }
  .data : { *(.data.rel.ro*) *(.got) *(.got.plt) *(.data*) *(.bss*) }
}
"""


@pytest.mark.parametrize("mode", [["-static"], ["-static", "-pie", "--no-dynamic-linker", "-z", "text"]],
                         ids=["static", "static-pie"])
def test_static_got_member(root, direct_ld, mode):
    (root / "static.lds").write_text(STATIC_LDS)
    outs = {}
    for label, cmd in (("bfd", ["ld.bfd"]), ("test", list(direct_ld))):
        out = root / f"static-{len(mode)}-{label}.out"
        p = subprocess.run([*cmd, *mode, "-nostdlib", "-e", "_start", "-T", str(root / "static.lds"),
                            str(root / "app.o"), str(root / "lib.o"), "-o", str(out)],
                           capture_output=True, text=True, env=tool_env())
        assert p.returncode == 0, f"{label}: {p.stderr}"
        outs[label] = out
    assert _headers(outs["test"]) == _headers(outs["bfd"])
    assert _relocs(outs["test"]) == _relocs(outs["bfd"])
    assert _symbols(outs["test"]) == _symbols(outs["bfd"])
    assert _bytes(outs["test"], ".data") == _bytes(outs["bfd"], ".data")
