"""--build-id with a -T script whose statement takes the build-id note together with other input
notes, against ld.bfd. Found linking Linux 6.1: its vDSO script has `.note : { *(.note.*) }` and
vmlinux.lds `.notes : { __start_notes = .; KEEP(*(.note.*)) __stop_notes = .; }`; braze refused
("output section .note mixes the linker-made .note.gnu.build-id with other input: not supported"),
so the kernel would not link. bfd makes the note an input section of the first input object
(ldelf_setup_build_id), placed by the patterns like any other: after that object's own notes,
before the next object's.

Compared: section and program headers, the notes in order (owner, type, size; the digest itself
differs with the .dynsym order), __start_notes/__stop_notes; the static program walks its notes
from __start_notes at run time and prints the build-id it finds, which must be readelf's."""
from __future__ import annotations

import re

import pytest

from harness import BuildDir

NOTE_A = r"""
	.section .note.Linux,"a",@note
	.balign 4
	.long 6, 4, 0
	.asciz "Linux"
	.balign 4
	.long 0x060100
	.text
	.globl f
f:	ret
"""
NOTE_B = r"""
	.section .note.other,"a",@note
	.balign 4
	.long 4, 8, 1
	.asciz "Foo"
	.quad 0x1234
"""
NONOTE = "int c_value = 3;\n"

# a program that prints the notes between __start_notes and __stop_notes
WALK = r"""
extern const unsigned char __start_notes[], __stop_notes[];
static void out(const char *s, long n) { long r = 1;
  __asm__ volatile("syscall" : "+a"(r) : "D"(1), "S"(s), "d"(n) : "rcx", "r11", "memory"); }
static char buf[512]; static int len;
static void put(const char *s) { while (*s) buf[len++] = *s++; }
static void hex(unsigned v) { for (int i = 28; i >= 0; i -= 4) buf[len++] = "0123456789abcdef"[(v >> i) & 15]; }
void _start(void) {
  const unsigned char *p = __start_notes;
  while (p < __stop_notes) {
    const unsigned *h = (const unsigned *)p;
    unsigned nsz = h[0], dsz = h[1], type = h[2];
    const char *name = (const char *)(h + 3);
    const unsigned char *desc = p + 12 + ((nsz + 3) & ~3u);
    put(name); put(" "); hex(type); put(" ");
    for (unsigned i = 0; i < dsz; i++) { buf[len++] = "0123456789abcdef"[desc[i] >> 4];
                                         buf[len++] = "0123456789abcdef"[desc[i] & 15]; }
    put("\n");
    p = desc + ((dsz + 3) & ~3u);
  }
  out(buf, len);
  long n = 60; __asm__ volatile("syscall" : "+a"(n) : "D"(0) : "rcx", "r11", "memory");
}
"""

SHARED_LDS = """SECTIONS {
  . = SIZEOF_HEADERS;
  .hash : { *(.hash) }
  .gnu.hash : { *(.gnu.hash) }
  .dynsym : { *(.dynsym) }
  .dynstr : { *(.dynstr) }
  .note : { __start_notes = .; *(.note.*) __stop_notes = .; } :text :note
  .text : { *(.text*) } :text
  .dynamic : { *(.dynamic) } :text :dynamic
  .rodata : { *(.rodata*) } :text
  .data : { *(.data*) *(.bss*) } :text
  /DISCARD/ : { *(.eh_frame) *(.comment) *(.note.GNU-stack) }
}
PHDRS { text PT_LOAD FLAGS(5) FILEHDR PHDRS; dynamic PT_DYNAMIC FLAGS(4); note PT_NOTE FLAGS(4); }
"""

EXEC_LDS = """ENTRY(_start)
PHDRS { text PT_LOAD FLAGS(5) FILEHDR PHDRS; data PT_LOAD FLAGS(6); note PT_NOTE FLAGS(4); }
SECTIONS {
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { *(.text*) } :text
  .notes : { __start_notes = .; KEEP(*(.note.*)) __stop_notes = .; } :text :note
  .rodata : { *(.rodata*) } :text
  . = ALIGN(0x1000);
  .data : { *(.data*) *(.bss*) } :data
  /DISCARD/ : { *(.eh_frame) *(.comment) *(.note.GNU-stack) }
}
"""


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("bidmix"), braze_lddir)
    (w.root / "a.s").write_text(NOTE_A)
    (w.root / "b.s").write_text(NOTE_B)
    (w.root / "c.c").write_text(NONOTE)
    (w.root / "walk.c").write_text(WALK)
    (w.root / "shared.lds").write_text(SHARED_LDS)
    (w.root / "exec.lds").write_text(EXEC_LDS)
    w.run(["gcc", "-c", "a.s", "b.s"])
    w.run(["gcc", "-O2", "-fPIC", "-c", "c.c"])
    w.run(["gcc", "-O2", "-fno-pic", "-c", "walk.c"])
    return w


def _rows(w, path) -> tuple:
    s = w.run(["readelf", "-W", "-S", "-l", "-n", path]).stdout
    s = re.sub(r"Build ID: [0-9a-f]+", "Build ID: X", s)
    # (.symtab/.strtab order and size differ as known and accepted)
    s = "\n".join(l for l in s.splitlines() if not re.search(r"\.s?h?strtab|\.symtab|headers, starting at", l))
    syms = w.run(["readelf", "-W", "-s", path]).stdout
    marks = sorted(" ".join(l.split()[1:]) for l in syms.splitlines() if "_notes" in l)
    return s, marks


CASES = {
    "shared": (["-shared", "-nostdlib", "-T", "shared.lds"], ["a.o", "b.o"]),
    "shared-first-has-no-note": (["-shared", "-nostdlib", "-T", "shared.lds"], ["c.o", "b.o", "a.o"]),
    "exec": (["-static", "-nostdlib", "-no-pie", "-T", "exec.lds"], ["walk.o", "a.o", "b.o"]),
    "exec-notes-first": (["-static", "-nostdlib", "-no-pie", "-T", "exec.lds"], ["a.o", "walk.o", "b.o"]),
}


@pytest.mark.parametrize("style", ["sha1", "md5"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_build_id_among_script_notes_vs_bfd(work, case, style):
    args, objs = CASES[case]
    res = {}
    for linker in ("bfd", "test"):
        out = f"{case}-{style}-{linker}"
        work.run(["gcc", *work.ld(linker), *args, f"-Wl,--build-id={style}", *objs, "-o", out])
        res[linker] = _rows(work, out)
        if case.startswith("exec"):
            ran = work.run([f"./{out}"]).stdout
            bid = re.search(r"Build ID: ([0-9a-f]+)", work.run(["readelf", "-n", out]).stdout).group(1)
            assert f"GNU 00000003 {bid}\n" in ran, ran
            assert bid.strip("0"), "the digest was never written"
            res[linker] += (ran.replace(bid, "X"),)
    assert res["test"] == res["bfd"]
