"""PHDRS scripts with a FILEHDR/PHDRS segment, against ld.bfd on x86-64 and aarch64 (found by
tools/fuzz/run.py --kind scripts, seed 37 on both arches, x86-64 seeds 90, 122, 129, 141, 144).

- An orphan placed ahead of the first `:phdr` section (.note.gnu.build-id after
  `. = BASE + SIZEOF_HEADERS`) went to no segment in braze and kept file offset 0: its bytes were
  written over the ELF header. bfd's lang_record_phdrs does not reset the inherited `:phdr` list
  between its walks (one per PHDRS entry), so such a section lands in the segments of the script's
  last `:phdr` list; NOLOAD sections inherit none.
- The headers' segment with sections: p_paddr is the first section's LMA less the headers' room (the
  offset past the headers congruent with its address), where braze rounded the LMA to the page.
- An allocated section in no segment (`:NONE`): bfd's warning, contents after the segments'.
- A first section too low for the headers: bfd's "not enough room for program headers".
- PT_LOAD with PHDRS but not FILEHDR (bfd starts it at the table): refused by braze.

Compared: program headers, section headers (with file offsets), and the programs' exit status and
output."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from harness import BuildDir, tool_env

ARCHES = {"x86_64": ("gcc", "readelf", []),
          "aarch64": ("aarch64-linux-gnu-gcc", "aarch64-linux-gnu-readelf",
                      ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"])}

MAIN = r"""
#if defined(__x86_64__)
static long sys3(long n, long a, long b, long c) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
}
#define SYS_WRITE 1
#define SYS_EXIT 60
#else
static long sys3(long n, long a, long b, long c) {
  register long x8 __asm__("x8") = n, x0 __asm__("x0") = a, x1 __asm__("x1") = b, x2 __asm__("x2") = c;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
  return x0;
}
#define SYS_WRITE 64
#define SYS_EXIT 93
#endif
static const char msg[] = "hello\n";
int counter = 5;
int zero;
void _start(void) {
  sys3(SYS_WRITE, 1, (long)msg, 6);
  counter += zero;
  sys3(SYS_EXIT, counter, 0, 0);
  for (;;) ;
}
"""

HDR3 = "PHDRS { hdr PT_LOAD FILEHDR PHDRS; text PT_LOAD; data PT_LOAD; note PT_NOTE; }\n"
TAIL = "  /DISCARD/ : { *(.comment) *(.note.GNU-stack) }\n}\n"

SCRIPTS = {
    # the build-id note is an orphan ahead of .text: bfd puts it in `data`, .bss (NOLOAD) in none
    "lead_orphan": HDR3 + """SECTIONS {
  . = 0x10000000 + SIZEOF_HEADERS;
  .text : { *(.text .text.*) } :text
  .rodata : { *(.rodata .rodata.*) }
  . = ALIGN(CONSTANT(MAXPAGESIZE)) + (. & (CONSTANT(MAXPAGESIZE) - 1));
  .data : { *(.data .data.*) } :data
  .fz : { LONG(7) }
  .bss (NOLOAD) : { *(.bss .bss.*) *(COMMON) }
""" + TAIL,
    # sections in the headers' segment, the first one with an LMA of its own
    "hdr_sections_at": HDR3 + """SECTIONS {
  . = 0x400000 + SIZEOF_HEADERS;
  .note.gnu.build-id : AT(0x500123) { *(.note.gnu.build-id) } :hdr
  .text : { *(.text .text.*) }
  .rodata : { *(.rodata .rodata.*) }
  . = ALIGN(CONSTANT(MAXPAGESIZE));
  .data : AT(ADDR(.data)) { *(.data .data.*) } :data
  .bss : { *(.bss .bss.*) *(COMMON) }
""" + TAIL,
    # FILEHDR alone, and an empty PT_LOAD between the others
    "filehdr_only": """PHDRS { hdr PT_LOAD FILEHDR; empty PT_LOAD; text PT_LOAD; data PT_LOAD; }
SECTIONS {
  . = 0x400000 + SIZEOF_HEADERS;
  .note.gnu.build-id : { *(.note.gnu.build-id) } :hdr
  .text : { *(.text .text.*) } :text
  .rodata : { *(.rodata .rodata.*) }
  . = ALIGN(CONSTANT(MAXPAGESIZE));
  .data : { *(.data .data.*) } :data
  .bss : { *(.bss .bss.*) *(COMMON) }
""" + TAIL,
    # allocated sections in no segment: bfd warns and gives them file space after the segments
    "none": HDR3 + """SECTIONS {
  . = 0x400000 + SIZEOF_HEADERS;
  .note.gnu.build-id : { *(.note.gnu.build-id) } :hdr
  .text : { *(.text .text.*) *(.rodata .rodata.*) } :text
  . = ALIGN(CONSTANT(MAXPAGESIZE));
  .data : { *(.data .data.*) } :data
  .bss : { *(.bss .bss.*) *(COMMON) }
  .fz : { LONG(7) } :NONE
""" + TAIL,
}


def _headers(readelf, path) -> tuple:
    out = subprocess.run([readelf, "-W", "-S", "-l", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    phdrs = re.findall(r"^\s+([A-Z_]+)\s+(0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+.*)$",
                       out, re.M)
    secs = re.findall(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]{16})\s+([0-9a-f]+)\s+([0-9a-f]+)", out, re.M)
    # (the symbol tables' sizes differ on aarch64: bfd keeps mapping symbols braze leaves out)
    secs = [s for s in secs if s[0] not in (".symtab", ".strtab", ".shstrtab")]
    maps = re.findall(r"^\s+\d\d\s+(.*?)\s*$", out.partition("Section to Segment mapping")[2], re.M)
    return phdrs, secs, maps


def _setup(tmp_path, braze_lddir, arch, script):
    cc, readelf, runner = ARCHES[arch]
    if not shutil.which(cc):
        pytest.fail(f"{cc} is missing (make deps installs it)")
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text(MAIN)
    (tmp_path / "s.ld").write_text(script)
    b.run([cc, "-O1", "-c", "main.c", "-ffreestanding", "-fno-pic", "-fno-stack-protector",
           "-fno-asynchronous-unwind-tables", *(["-fcf-protection=none"] if arch == "x86_64" else [])])
    return b, cc, readelf, runner


def _link(b, cc, linker, exe, check=True):
    return b.run([cc, *b.ld(linker), "-nostdlib", "-static", "-no-pie", "-Wl,--build-id", "main.o",
                  "-Wl,-T,s.ld", "-o", exe], check=check)


@pytest.mark.parametrize("case", sorted(SCRIPTS))
@pytest.mark.parametrize("arch", sorted(ARCHES))
def test_phdrs_filehdr(tmp_path, braze_lddir, arch, case):
    b, cc, readelf, runner = _setup(tmp_path, braze_lddir, arch, SCRIPTS[case])
    got, runs, warns = [], [], []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        p = _link(b, cc, linker, exe)
        warns.append("allocated section `.fz' not in segment" in p.stderr)
        got.append(_headers(readelf, exe))
        r = b.run([*runner, exe], check=False)
        runs.append((r.returncode, r.stdout))
    assert got[0][1], "no section headers parsed"
    assert got[1] == got[0]
    assert runs[1] == runs[0]
    assert warns[1] == warns[0]
    if case == "hdr_sections_at":
        assert any(p[0] == "LOAD" and "0x00000000005000" in p[1] for p in got[0][0])     # (bfd's p_paddr)


@pytest.mark.parametrize("arch", sorted(ARCHES))
def test_phdrs_no_room(tmp_path, braze_lddir, arch):
    script = SCRIPTS["hdr_sections_at"].replace("0x400000 + SIZEOF_HEADERS", "0x40").replace(" AT(0x500123)", "")
    b, cc, _readelf, _runner = _setup(tmp_path, braze_lddir, arch, script)
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        p = _link(b, cc, linker, exe, check=False)
        assert p.returncode != 0 and "not enough room for program headers" in p.stderr, p.stderr
        assert not exe.exists()


@pytest.mark.parametrize("arch", sorted(ARCHES))
def test_phdrs_without_filehdr_refused(tmp_path, braze_lddir, arch):
    script = SCRIPTS["hdr_sections_at"].replace("FILEHDR PHDRS", "PHDRS")
    b, cc, _readelf, _runner = _setup(tmp_path, braze_lddir, arch, script)
    exe = tmp_path / "p"
    p = _link(b, cc, "test", exe, check=False)
    assert p.returncode != 0 and "braze: error:" in p.stderr and "not supported by braze" in p.stderr, p.stderr
    assert "Traceback" not in p.stderr
    assert not exe.exists()
