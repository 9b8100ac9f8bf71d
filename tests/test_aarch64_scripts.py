"""SECTIONS scripts in aarch64 links, against aarch64 ld.bfd (cross gcc, run under qemu-aarch64).

Each way a SECTIONS script reaches a link — -T, an INSERT script, a script given as an input file, bfd's
own default script with -T — links with both linkers and the programs behave the same. Then the
differences the script fuzzer (tools/fuzz/run.py --kind scripts --arch aarch64) found, each compared
with bfd's output: the section table (name, type, flags, address, size; LMAs) and program headers, and
the exit status under qemu where the program runs.

Veneers with a script: test_aarch64_script_veneers.py; .dynsym's section symbols with bfd's default
script: test_aarch64_dynsym_sections.py."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import run_cmd, tool_env

GCC = "aarch64-linux-gnu-gcc"
SYSROOT = "/usr/aarch64-linux-gnu"
SCRIPTS = {
    "plain.ld": "SECTIONS\n{\n  . = 0x400000 + SIZEOF_HEADERS;\n  .text : { *(.text .text.*) }\n"
                "  .data : { *(.data .data.*) }\n  .bss : { *(.bss .bss.*) *(COMMON) }\n}\n",
    "ins.ld": "SECTIONS { .mine : { *(.mine) } } INSERT AFTER .data;\n",
    "tail.ld": "SECTIONS { .mine : { *(.mine) } }\n",
}
WAYS = {"T": ["-static", "-nostdlib", "-Wl,-e,main", "-Wl,-T,plain.ld"], "insert": ["-Wl,-T,ins.ld"], "input": ["tail.ld"],
        # bfd's own default script, OUTPUT_FORMAT(elf64-littleaarch64) first
        "default": ["-Wl,-T,default.ld"]}
# freestanding programs: _start exits with main's value (raw system call)
START = ("int main(void);\nvoid _start(void) {\n  register long x0 __asm__(\"x0\") = main();\n"
         "  register long x8 __asm__(\"x8\") = 93;\n  __asm__ volatile(\"svc 0\" :: \"r\"(x0), \"r\"(x8));\n"
         "  for (;;) ;\n}\n")
FREE = ["-nostdlib", "-static", "-ffreestanding", "-fno-stack-protector", "-O1"]


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    if not shutil.which(GCC):
        pytest.fail(f"{GCC} is missing (make deps installs it)")
    d = tmp_path_factory.mktemp("a64scripts")
    (d / "m.c").write_text('__attribute__((section(".mine"))) int mine = 3;\nint main(void) { return mine - 3; }\n')
    for name, text in SCRIPTS.items():
        (d / name).write_text(text)
    verbose = run_cmd(["aarch64-linux-gnu-ld.bfd", "--verbose"], d).stdout.splitlines()
    marks = [i for i, line in enumerate(verbose) if line.startswith("=====")]
    (d / "default.ld").write_text("\n".join(verbose[marks[0] + 1:marks[1]]) + "\n")
    run_cmd([GCC, "-c", "-O1", "m.c"], d)
    return d


def _qemu(exe: Path):
    p = subprocess.run(["qemu-aarch64", "-L", SYSROOT, str(exe)], capture_output=True, timeout=60,
                       env={**tool_env(), "QEMU_LD_PREFIX": SYSROOT})
    return p.returncode, p.stdout


def _view(path: Path) -> tuple:
    """Allocated sections (name, type, flags, address, size, LMA) and program headers."""
    secs = []
    text = subprocess.run(["readelf", "-W", "-S", "-l", str(path)], capture_output=True, text=True,
                          env=tool_env()).stdout
    for m in re.finditer(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*A\S*)\s",
                         text, re.M):
        secs.append(m.groups())
    phdrs = re.findall(r"^\s+([A-Z_]+)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+"
                       r"(0x[0-9a-f]+)\s+(.{3})", text, re.M)
    return secs, phdrs


def _both(d: Path, name: str, args: list, lddir: str) -> tuple[Path, Path]:
    outs = []
    for label, how in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{lddir}/"])):
        out = d / f"{name}-{label}"
        p = run_cmd([GCC, *how, *map(str, args), "-o", out], d, check=False)
        assert p.returncode == 0, f"{label}: {p.stderr}"
        outs.append(out)
    return outs[0], outs[1]


@pytest.mark.parametrize("way", sorted(WAYS))
def test_aarch64_sections_script_ways(work, braze_lddir, way):
    flags = WAYS[way]
    nostart = ["-nostartfiles"] if way == "T" else []
    bfd, braze = _both(work, way, [*nostart, "m.o", *flags], braze_lddir)
    if way == "T":          # (main as the entry point: not runnable, the layout is compared)
        assert _view(braze) == _view(bfd)
    else:
        assert _qemu(braze) == _qemu(bfd)


def _free(tmp_path, sources: dict, cflags=()) -> list:
    objs = []
    for name, text in {"start.c": START, **sources}.items():
        (tmp_path / name).write_text(text)
        run_cmd([GCC, "-c", *FREE, *cflags, name, "-o", name[:-2] + ".o"], tmp_path)
        objs.append(name[:-2] + ".o")
    return objs


def test_tls_variant1_thread_pointer(tmp_path, braze_lddir):
    """The thread pointer is TCB-sized below the TLS block (aarch64's variant 1): braze used x86-64's
    (at the block's end), so bfd's default script with glibc's static TLS gave 'relocation truncated'."""
    verbose = run_cmd(["aarch64-linux-gnu-ld.bfd", "--verbose"], tmp_path).stdout.splitlines()
    marks = [i for i, line in enumerate(verbose) if line.startswith("=====")]
    (tmp_path / "default.ld").write_text("\n".join(verbose[marks[0] + 1:marks[1]]) + "\n")
    (tmp_path / "t.c").write_text(
        "#include <stdio.h>\n#include <stdlib.h>\n__thread int a = 5; __thread char b[40]; __thread long c = 7;\n"
        "int main(void) { char *p = malloc(100); b[3] = 2; sprintf(p, \"%d %d %ld\", a, b[3], c);\n"
        "  puts(p); return a + b[3] + (int)c; }\n")
    run_cmd([GCC, "-c", "-O1", "t.c"], tmp_path)
    bfd, braze = _both(tmp_path, "tls", ["-static", "t.o", "-Wl,-T,default.ld"], braze_lddir)
    rb = _qemu(bfd)
    assert rb == (14, b"5 2 7\n")
    assert _qemu(braze) == rb


FREE_SCRIPT = """ENTRY(_start)
SECTIONS
{
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { *(.text .text.*) }
  .rodata : { *(.rodata .rodata.*) }
  .eh_frame : { *(.eh_frame) }
  . = ALIGN(0x1000) + 0x40;
  .data : AT(0x700000) { *(.data .data.*) }
  .later ALIGN(0x1000) : { *(.later) }
  .odd . + 0x102 : { *(.odd) }
  .got : { *(.got) }
  .got.plt : { *(.got.plt) }
  .bss : { *(.bss .bss.*) *(COMMON) }
}
"""
FREE_MAIN = """extern char _GLOBAL_OFFSET_TABLE_[];
int d = 4;
__attribute__((section(".later"))) const int later = 9;
__attribute__((section(".odd"), aligned(16))) int odd[4] = {1};
static int twice(int x) { return 2 * x; }
int main(void) { return twice(d) + later + odd[0] + (_GLOBAL_OFFSET_TABLE_ != 0); }
"""


@pytest.mark.parametrize("gc", [False, True])
def test_freestanding_layout(tmp_path, braze_lddir, gc):
    """A freestanding program (aarch64 gcc writes .eh_frame by default) with a plain SECTIONS script.
    bfd: no .eh_frame terminator of its own (crtend.o brings one; braze added 4 bytes); --gc-sections
    drops an .eh_frame the script does not KEEP (braze kept it); a section with an address after an
    AT() section keeps the VMA-LMA difference (braze: LMA = VMA, a LOAD more), aligned only as far as
    its address is (.odd: braze aligned the LMA to the input's 16); a static link's .got
    comes with .got.plt's reserved words, and _GLOBAL_OFFSET_TABLE_ is .got's start (braze: none; at
    .got.plt)."""
    objs = _free(tmp_path, {"main.c": FREE_MAIN}, ["-fPIC"])
    (tmp_path / "s.ld").write_text(FREE_SCRIPT)
    gcflags = ["-Wl,--gc-sections"] if gc else []
    bfd, braze = _both(tmp_path, "free", [*FREE, *objs, *gcflags, "-Wl,-T,s.ld"], braze_lddir)
    assert _view(braze) == _view(bfd)
    got = [subprocess.run(["readelf", "-sW", str(p)], capture_output=True, text=True).stdout for p in (bfd, braze)]
    sym = [re.search(r"([0-9a-f]{16})\s+0\s+OBJECT\s+LOCAL\s+DEFAULT\s+\S+\s+_GLOBAL_OFFSET_TABLE_", g).group(1)
           for g in got]
    assert sym[1] == sym[0]


def test_relro_segment_needs_its_own_load(tmp_path, braze_lddir, work):
    """bfd's default script with a writable section among the read-only ones: the text segment is
    writable and the data joins it, so no PT_LOAD starts in the RELRO range and bfd makes no
    PT_GNU_RELRO (braze did, one program header more moving every address)."""
    text = (work / "default.ld").read_text()
    text = text.replace("  .rodata         :", "  .wr : { *(.wr) }\n  .rodata         :", 1)
    (tmp_path / "wr.ld").write_text(text)
    (tmp_path / "w.c").write_text('#include <stdio.h>\n__attribute__((section(".wr"))) int w = 3;\n'
                                  'int main(void) { printf("%d\\n", w); return w; }\n')
    run_cmd([GCC, "-c", "-O1", "-fno-pic", "w.c"], tmp_path)
    bfd, braze = _both(tmp_path, "wr", ["-no-pie", "w.o", "-Wl,-T,wr.ld"], braze_lddir)
    assert "GNU_RELRO" not in str(_view(bfd)[1])
    assert _view(braze) == _view(bfd)
    assert _qemu(braze) == _qemu(bfd) == (3, b"3\n")


def test_pc_relative_to_symbol_below_zero(tmp_path, braze_lddir):
    """A script symbol below zero (the fuzzer's `HIDDEN(fz_s2 = . - ADDR(.data))` after the non-allocated
    sections, seed 41) is near the code in bfd's 64-bit arithmetic: braze took its distance as unsigned and
    refused the ADRP ("relocation truncated to fit: R_AARCH64_ADR_PREL_PG_HI21")."""
    objs = _free(tmp_path, {"main.c": "extern const char neg[];\n"
                                      "int main(void) { return (long)neg == -0x1001 ? 7 : 1; }\n"}, ["-fno-pic"])
    (tmp_path / "s.ld").write_text("SECTIONS\n{\n  . = 0x400000 + SIZEOF_HEADERS;\n  .text : { *(.text .text.*) }\n"
                                   "  .data : { *(.data .data.*) }\n  HIDDEN(neg = -0x1001);\n}\n")
    bfd, braze = _both(tmp_path, "neg", [*FREE, *objs, "-Wl,-T,s.ld"], braze_lddir)
    assert _qemu(bfd) == (7, b"")
    assert _qemu(braze) == (7, b"")
