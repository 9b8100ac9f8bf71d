"""-N/--omagic, -n/--nmagic and --no-omagic against ld.bfd 2.40 (x86-64), from the same objects: an
xv6-style boot sector (`-N -e start -Ttext 0x7C00`, 16-bit asm and C), a freestanding C program
that prints with system calls (run, linked directly and through gcc -nostdlib -static), multiboot
kernels with -T scripts (`-n -T linker.ld`; a higher-half one with AT() load addresses), objects
with orphan, note, TLS and code sections, -Tdata/-Tbss/--section-start, --gc-sections, musl's
static libc. Compared: readelf's program
headers and section-to-segment map, the section table (file offsets of the non-allocated sections
and .strtab's size aside: braze does not tail-merge .strtab), the ELF header, the symbol table as a
set, and every allocated section's bytes. --verbose prints bfd's -N/-n scripts. What braze does
not lay out as bfd (shared libraries, -pie/-shared, PHDRS, -Ttext-segment, aarch64) is refused;
an unloaded ELF header leaves __ehdr_start undefined, as in bfd (glibc's static libc needs it)."""
from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from harness import RUN_TIMEOUT, _no_core, run_cmd, run_env, tool_env

BOOT_S = """\
.code16
.globl start
start:
  cli
  xorw %ax,%ax
  movw %ax,%ds
  movw %ax,%es
  call bootmain
spin: jmp spin
.p2align 2
gdt:
  .word 0,0,0,0
  .long msg
"""

BOOTMAIN_C = """\
int counter = 5;
int zero;
const char msg[] = "hello";
void bootmain(void) { counter += zero + msg[0]; for (;;); }
"""

FREE_C = """\
static long sys3(long n, long a, long b, long c) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
}
static const char greet[] = "hello from omagic\\n";
char buf[64];
int counter = 3;
static long len(const char *s) { long n = 0; while (s[n]) n++; return n; }
void _start(void) {
  for (int i = 0; i < counter; i++) buf[i] = 'a' + i;
  buf[counter] = '\\n';
  sys3(1, 1, (long)greet, len(greet));
  sys3(1, 1, (long)buf, counter + 1);
  sys3(60, 7, 0, 0);
}
"""

MULTIBOOT_S = """\
.set MAGIC, 0x1BADB002
.set FLAGS, 3
.section .multiboot
.align 4
.long MAGIC
.long FLAGS
.long -(MAGIC + FLAGS)
.section .bss
.align 16
stack_bottom: .skip 16384
stack_top:
.section .text
.global _start
_start:
  mov $stack_top, %esp
  call kernel_main
1: hlt
  jmp 1b
"""

KERNEL_C = """\
static const char msg[] = "kernel";
int vga_row = 1;
int scratch[100];
void kernel_main(void) {
  volatile unsigned short *v = (unsigned short *)0xb8000;
  for (int i = 0; msg[i]; i++) v[i + vga_row * 80] = 0x0700 | msg[i];
  scratch[3] = vga_row;
}
"""

LINKER_LD = """\
ENTRY(_start)
SECTIONS
{
	. = 1M;
	.text BLOCK(4K) : ALIGN(4K) { *(.multiboot) *(.text) }
	.rodata BLOCK(4K) : ALIGN(4K) { *(.rodata) }
	.data BLOCK(4K) : ALIGN(4K) { *(.data) }
	.bss BLOCK(4K) : ALIGN(4K) { *(COMMON) *(.bss) }
}
"""

# a higher-half 64-bit kernel: VMAs at -2 GiB, LMAs from 1 MiB (AT)
HIGHER_HALF_S = """\
.section .multiboot,"a"
.align 4
.long 0x1BADB002, 3, -(0x1BADB002 + 3)
.text
.global _start
_start: call kernel_main
1: hlt
 jmp 1b
"""

HIGHER_HALF_LD = """\
ENTRY(_start)
KERNEL_VMA = 0xffffffff80000000;
SECTIONS
{
    . = 1M;
    .boot : { *(.multiboot) }
    . += KERNEL_VMA;
    .text ALIGN(4K) : AT(ADDR(.text) - KERNEL_VMA) { *(.text) }
    .rodata ALIGN(4K) : AT(ADDR(.rodata) - KERNEL_VMA) { *(.rodata*) }
    .data ALIGN(4K) : AT(ADDR(.data) - KERNEL_VMA) { *(.data) }
    .bss ALIGN(4K) : AT(ADDR(.bss) - KERNEL_VMA) { *(COMMON) *(.bss) }
    _kernel_end = .;
    /DISCARD/ : { *(.comment) *(.eh_frame) }
}
"""

# orphans (mycode, .text.hot, a note), .init/.fini, TLS data, a pointer in .data
SECS_S = """\
.globl _start
.text
_start: ret
.section .init,"ax"
 ret
.section .fini,"ax"
 ret
.section mycode,"ax"
 ret
.section .text.hot,"ax"
 ret
.section .rodata,"a"
 .byte 1
.section .data,"aw"
 .quad _start
.section .tdata,"awT"
 .quad 1
.section .note.foo,"a",@note
 .long 0,0,0
"""

# the output section named .text is the one -N makes writable (not .init, not .mytext)
SECS_LD = """\
SECTIONS { . = 0x100000; .mytext : { *(.text .text.*) } .text : { *(.init) } .other : { *(mycode) }
  .ro : { *(.rodata) } .data : { *(.data) } }
"""

TLS_C = """\
__thread int tv = 5;
__thread int tz;
int (*fp)(void);
long counter = 1;
static int f(void) { return 1; }
__attribute__((constructor)) static void ctor(void) { fp = f; }
int get(void) { return tv + tz; }
void _start(void) { for (;;); }
"""

EHDR_C = """\
extern char __ehdr_start[];
char *p;
void _start(void) { p = __ehdr_start; for (;;); }
"""

HELLO_C = """\
#include <stdio.h>
int g = 7;
int z;
int main(void) { printf("hi %d %d\\n", g, z); return 0; }
"""

SOURCES = {"hello.c": HELLO_C, "boot.S": BOOT_S, "bootmain.c": BOOTMAIN_C, "free.c": FREE_C, "multiboot.S": MULTIBOOT_S,
           "kernel.c": KERNEL_C, "linker.ld": LINKER_LD, "secs.s": SECS_S, "secs.ld": SECS_LD, "tls.c": TLS_C,
           "higher_half.S": HIGHER_HALF_S, "higher_half.ld": HIGHER_HALF_LD,
           "ehdr.c": EHDR_C}
FREESTANDING = ["-O2", "-fno-pic", "-fno-stack-protector", "-ffreestanding", "-fno-asynchronous-unwind-tables"]


class Build:
    def __init__(self, root: Path, direct_ld: list, lddir: str):
        self.root = root
        self.direct_ld = direct_ld
        self.lddir = lddir
        for name, text in SOURCES.items():
            (root / name).write_text(textwrap.dedent(text))
        self.run(["gcc", "-c", "boot.S", "-o", "boot.o"])
        # (bootmain.c keeps its .eh_frame: an FDE in the image, as xv6's Makefile does not drop it)
        self.run(["gcc", "-c", "-O2", "-fno-pic", "-nostdinc", "-fno-builtin", "-fno-stack-protector",
                  "bootmain.c", "-o", "bootmain.o"])
        self.run(["gcc", "-c", *FREESTANDING, "free.c", "-o", "free.o"])
        self.run(["gcc", "-c", "multiboot.S", "-o", "multiboot.o"])
        self.run(["gcc", "-c", *FREESTANDING, "-mno-red-zone", "kernel.c", "-o", "kernel.o"])
        self.run(["gcc", "-c", *FREESTANDING, "-mno-red-zone", "-mcmodel=kernel", "kernel.c", "-o", "kernel_hh.o"])
        self.run(["gcc", "-c", "higher_half.S", "-o", "higher_half.o"])
        self.run(["as", "secs.s", "-o", "secs.o"])
        self.run(["gcc", "-c", "-O2", "-fno-pic", "-fno-stack-protector", "tls.c", "-o", "tls.o"])
        self.run(["gcc", "-c", *FREESTANDING, "ehdr.c", "-o", "ehdr.o"])

    def run(self, cmd, cwd=None, check=True):
        return run_cmd(cmd, cwd or self.root, check)

    def link(self, linker: str, name: str, args, check=True):
        """ld-style link in ROOT/LINKER/: (completed process, output path)."""
        d = self.root / linker
        d.mkdir(exist_ok=True)
        out = d / name
        if out.exists():
            out.unlink()
        cmd = (["ld.bfd"] if linker == "bfd" else list(self.direct_ld)) + [
            str(self.root / a) if (self.root / a).is_file() else a for a in args] + ["-o", str(out)]
        return self.run(cmd, cwd=d, check=check), out

    def gcc(self, linker: str, name: str, args, check=True, driver="gcc"):
        d = self.root / linker
        d.mkdir(exist_ok=True)
        out = d / name
        if out.exists():
            out.unlink()
        ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{self.lddir}/"]
        return self.run([driver, *ld, *args, "-o", out], cwd=self.root, check=check), out


@pytest.fixture(scope="module")
def build(tmp_path_factory, direct_ld, braze_lddir) -> Build:
    return Build(tmp_path_factory.mktemp("omagic"), direct_ld, braze_lddir)


def readelf(*args) -> str:
    return subprocess.run(["readelf", "-W", *map(str, args)], capture_output=True, text=True, check=True,
                          env=tool_env()).stdout


def _program_headers(path) -> str:
    text = readelf("-l", path)
    return text[text.index("Program Headers:"):]


def _section_rows(path) -> list:
    rows = []
    for ln in readelf("-S", path).splitlines():
        ln = ln.strip()
        if not ln.startswith("[") or ln.startswith("[Nr]"):
            continue
        f = ln[ln.index("]") + 1:].split()
        if len(f) < 6:                     # the null section
            continue
        name, addr, off, size = f[0], f[2], f[3], f[4]
        alloc = "A" in (f[6] if len(f) > 9 else "")
        if not alloc:
            off = "-"                      # (non-allocated sections follow .strtab's size)
        if name == ".strtab":
            size = "-"
        rows.append((name, f[1], addr, off, size, *f[5:]))
    return rows


def _header(path) -> list:
    return [ln for ln in readelf("-h", path).splitlines()
            if "section headers" not in ln and "Section header" not in ln]


def _symbols(path) -> list:
    rows = []
    for ln in readelf("-s", path).splitlines()[3:]:
        f = ln.split()
        if len(f) >= 7 and f[0].endswith(":"):
            rows.append(tuple(f[1:]))
    return sorted(rows)


def _alloc_bytes(path) -> dict:
    data = Path(path).read_bytes()
    out = {}
    for ln in readelf("-S", path).splitlines():
        ln = ln.strip()
        if not ln.startswith("[") or ln.startswith("[Nr]"):
            continue
        f = ln[ln.index("]") + 1:].split()
        if len(f) > 9 and "A" in f[6] and f[1] != "NOBITS":
            off, size = int(f[3], 16), int(f[4], 16)
            # (the build-id hashes the whole file, whose .strtab differs: its note header only)
            out[f[0]] = data[off:off + (16 if f[0] == ".note.gnu.build-id" else size)]
    return out


def assert_same_output(bfd: Path, mine: Path) -> None:
    assert _program_headers(mine) == _program_headers(bfd)
    assert _section_rows(mine) == _section_rows(bfd)
    assert _header(mine) == _header(bfd)
    assert _symbols(mine) == _symbols(bfd)
    assert _alloc_bytes(mine) == _alloc_bytes(bfd)


def run_exe(path: Path):
    p = subprocess.run([str(path)], cwd=path.parent, env=run_env(path.parent, {}), capture_output=True,
                       text=True, errors="replace", timeout=RUN_TIMEOUT, preexec_fn=_no_core)
    return p.returncode, p.stdout


LINKS = {
    # xv6's bootblock: one RWX PT_LOAD at 0x7C00, its .text writable
    "xv6-bootblock-N": ["-N", "-e", "start", "-Ttext", "0x7C00", "boot.o", "bootmain.o"],
    "bootblock-n": ["-n", "-e", "start", "-Ttext", "0x7C00", "boot.o", "bootmain.o"],
    "bootblock-omagic": ["--omagic", "-e", "start", "-Ttext=0x7C00", "boot.o", "bootmain.o"],
    "bootblock-Tdata": ["-N", "-e", "start", "-Tdata", "0x9000", "-Ttext", "0x7C00", "boot.o", "bootmain.o"],
    "bootblock-Tdata-near-n": ["-n", "-e", "start", "-Ttext", "0x7C00", "-Tdata", "0x7d00", "boot.o", "bootmain.o"],
    "bootblock-Tbss": ["-N", "-e", "start", "-Ttext", "0x7C00", "-Tbss", "0x20000", "boot.o", "bootmain.o"],
    "bootblock-section-start": ["-nmagic", "-e", "start", "--section-start=.rodata=0x5000", "-Ttext=0x100000",
                                "boot.o", "bootmain.o"],
    "boot-max-page": ["-N", "-z", "max-page-size=0x200000", "-e", "start", "-Ttext", "0x7C00", "-Tdata", "0x9800",
                      "boot.o", "bootmain.o"],
    "boot-n-norelro": ["-n", "-z", "norelro", "-e", "start", "boot.o", "bootmain.o"],
    "boot-n-now": ["-n", "-z", "now", "-z", "noseparate-code", "-e", "start", "boot.o", "bootmain.o"],
    "free-N": ["-N", "free.o"],
    "free-n": ["-n", "free.o"],
    "free-N-gc": ["-N", "--gc-sections", "free.o"],
    "multiboot-n": ["-n", "-T", "linker.ld", "multiboot.o", "kernel.o"],
    "multiboot-N": ["-N", "-T", "linker.ld", "multiboot.o", "kernel.o"],
    "multiboot-n-gc": ["-n", "--gc-sections", "-T", "linker.ld", "multiboot.o", "kernel.o"],
    "higher-half-n": ["-n", "-T", "higher_half.ld", "higher_half.o", "kernel_hh.o"],
    "higher-half-N": ["-N", "-T", "higher_half.ld", "higher_half.o", "kernel_hh.o"],
    "sections-N": ["-N", "secs.o"],
    "sections-n": ["-n", "secs.o"],
    "sections-N-Ttext": ["-N", "-Ttext", "0x7c00", "secs.o"],
    "sections-N-script": ["-N", "-T", "secs.ld", "secs.o"],
    "tls-N": ["-N", "tls.o"],
    "tls-N-gc": ["-N", "--gc-sections", "tls.o"],
    # the last of -N/-n/--no-omagic wins
    "n-after-N": ["-N", "-n", "secs.o"],
    "N-after-n": ["-n", "-N", "secs.o"],
    "no-omagic": ["-N", "--no-omagic", "secs.o"],
}


@pytest.mark.parametrize("name", sorted(LINKS))
def test_layout_as_bfd(build, name):
    args = LINKS[name]
    _, bfd = build.link("bfd", name, args)
    _, mine = build.link("test", name, args)
    assert_same_output(bfd, mine)
    if name.startswith("free-"):
        assert run_exe(mine) == run_exe(bfd) == (7, "hello from omagic\nabc\n")


@pytest.mark.parametrize("opt", ["-N", "-n"])
def test_gcc_static_nostdlib_runs(build, opt):
    """gcc -static -nostdlib -Wl,-N: gcc's own options (build-id, hash style, -z relro...) with it."""
    args = ["-static", "-nostdlib", "-no-pie", *FREESTANDING, f"-Wl,{opt}", "free.c"]
    _, bfd = build.gcc("bfd", f"gcc{opt}", args)
    _, mine = build.gcc("test", f"gcc{opt}", args)
    assert_same_output(bfd, mine)
    assert run_exe(mine) == run_exe(bfd) == (7, "hello from omagic\nabc\n")


@pytest.mark.parametrize("opt", ["-N", "-n"])
def test_musl_static(build, opt):
    """musl's crt files and libc.a (printf) laid out by bfd's -N/-n script (musl-gcc -static)."""
    if shutil.which("musl-gcc") is None:
        pytest.skip("musl-gcc not installed")
    build.run(["musl-gcc", "-c", "-O2", "hello.c", "-o", "hello_musl.o"])
    args = ["-static", f"-Wl,{opt}", "hello_musl.o"]
    _, bfd = build.gcc("bfd", f"musl{opt}", args, driver="musl-gcc")
    _, mine = build.gcc("test", f"musl{opt}", args, driver="musl-gcc")
    assert_same_output(bfd, mine)


@pytest.mark.parametrize("opt", ["-N", "-n", "--omagic", "--nmagic"])
def test_verbose_script(build, direct_ld, opt):
    """--verbose prints the script bfd uses: its -N or -n default script."""
    want = build.run(["ld.bfd", "--verbose", opt]).stdout
    got = build.run([*direct_ld, "--verbose", opt]).stdout
    cut = "=" * 50

    def script(t):
        return t[t.index(cut):]
    assert script(got) == script(want)
    assert ("Script for -N" in want) == (opt in ("-N", "--omagic"))


def _refused(build, name, args, message):
    p, out = build.link("test", name, args, check=False)
    assert p.returncode == 1, p.stderr
    assert "Traceback" not in p.stderr
    assert f"braze: error: {message}" in p.stderr, p.stderr
    assert not out.exists()


def test_refused_shared_pie_libraries(build):
    _refused(build, "shared", ["-N", "-shared", "free.o"], "-N/--omagic with -shared is not supported")
    _refused(build, "pie", ["-n", "-pie", "free.o"], "-n/--nmagic with -pie is not supported")
    libc = next((p for p in ("/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6")
                 if Path(p).exists()), None)
    if libc is not None:
        # -N stops libraries as -Bstatic does (bfd's own error), -Bdynamic lets them in again
        _refused(build, "dso", ["-N", "free.o", libc], f"attempted static link of dynamic object `{libc}'")
        _refused(build, "dso", ["-N", "free.o", "-Bdynamic", libc], "-N/--omagic with a shared library")


def test_refused_phdrs_and_text_segment(build):
    (build.root / "phdrs.ld").write_text("PHDRS { t PT_LOAD; }\nSECTIONS { . = 0x100000; .text : { *(.text) } :t }\n")
    _refused(build, "phdrs", ["-N", "-T", "phdrs.ld", "free.o"], f"{build.root}/phdrs.ld: -N/--omagic with PHDRS")
    _refused(build, "tseg", ["-n", "-Ttext-segment", "0x800000", "free.o"],
             "<default linker script>: --section-start/-Ttext/-Tdata/-Tbss/-Ttext-segment together with a SECTIONS")
    # a -T script that has no statement for the section -Ttext names (bfd adds one after the others)
    _refused(build, "nostmt", ["-N", "-Ttext", "0x100000", "-T", "linker.ld", "-Tdata", "0x200000",
                               "--section-start=.foo=0x300000", "multiboot.o", "kernel.o"],
             f"{build.root}/linker.ld: --section-start/-Ttext/-Tdata/-Tbss for .foo, an output section the script does not name")


def test_refused_aarch64(build):
    if shutil.which("aarch64-linux-gnu-gcc") is None:
        pytest.skip("no aarch64 cross compiler")
    src = build.root / "a64.c"
    src.write_text("int x = 1; void _start(void) { for (;;); }\n")
    build.run(["aarch64-linux-gnu-gcc", "-c", "-O2", src, "-o", "a64.o"])
    _refused(build, "a64", ["-N", "a64.o"], "-N/--omagic is not supported by braze for aarch64")


def test_ehdr_start_undefined(build):
    """No PT_LOAD maps the ELF header with -N/-n: bfd leaves __ehdr_start undefined (so glibc's
    static libc.a, whose _dl_aux_init uses it, cannot be linked with -N)."""
    p, _ = build.link("bfd", "ehdr", ["-N", "ehdr.o"], check=False)
    assert p.returncode == 1 and "undefined reference to `__ehdr_start'" in p.stderr
    _refused(build, "ehdr", ["-N", "ehdr.o"], "undefined symbol: __ehdr_start")
    p, _ = build.gcc("bfd", "glibc-N", ["-static", "-Wl,-N", "hello.c", "-O2"], check=False)
    assert p.returncode != 0 and "__ehdr_start" in p.stderr
    p, out = build.gcc("test", "glibc-N", ["-static", "-Wl,-N", "hello.c", "-O2"], check=False)
    assert p.returncode != 0 and "braze: error: undefined symbol: __ehdr_start" in p.stderr, p.stderr
    assert not out.exists()


def test_N_searches_static_libraries(build):
    """-N and -n are -Bstatic from there on for -l (bfd: gcc's dynamic link then misses -lgcc_s)."""
    p, _ = build.gcc("bfd", "dyn-N", ["-no-pie", "-Wl,-N", "free.c"], check=False)
    assert p.returncode != 0 and "cannot find -lgcc_s" in p.stderr
    p, _ = build.gcc("test", "dyn-N", ["-no-pie", "-Wl,-N", "free.c"], check=False)
    assert p.returncode != 0 and "braze: error: unable to find library -lgcc_s" in p.stderr, p.stderr
