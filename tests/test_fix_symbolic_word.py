"""Words that get a dynamic relocation naming a symbol, and .rela.dyn's order, against ld.bfd (x86-64).

- A data word with a symbolic R_X86_64_64 (a library's pointer to its preemptible symbol, an
  executable's to a shared library's) holds the input's bytes in bfd's output: the loader computes
  the value from the relocation alone.  braze wrote the link-time S + A there.
- bfd's -z combreloc order of .rela.dyn after the RELATIVE entries: by class (IRELATIVE and
  relocations against an IFUNC last), a symbol's relocations together, symbols by their lowest
  address.  braze sorted by address alone.
- A library's PC-relative word in writable data against a symbol the loader binds is a dynamic
  relocation of its own type (R_X86_64_PC32/PC64/PC16/PC8); braze refused them, and wrote 0 - P
  against an undefined weak symbol (never bound at run time).
- A PIE's PC-relative word: 0 - P in writable data against an undefined weak symbol (braze refused
  it); against a library's function the canonical PLT entry from writable data, an error for PC32
  from code, a text relocation for PC64 from code (braze wrote the function's address as 0).
Compared: the words' bytes, the dynamic relocations in order, and whether each link succeeds."""
from __future__ import annotations

import subprocess

import pytest

from elfrows import dyn_relocs, section_words, symbol_rows, tool
from harness import tool_env

LIB = ("\t.data\n\t.globl ext\n\t.type ext,@object\n\t.size ext,8\next:\t.quad 0\n"
       "\t.text\n\t.globl ext_fn\n\t.type ext_fn,@function\next_fn:\tret\n")
WORDS = """\t.data
\t.globl x
x:\t.quad 7
\t.quad x+3
\t.quad ext+5
\t.quad 0x1122334455667788
\t.reloc .-8, R_X86_64_64, x
\t.quad ifn
\t.quad ext
\t.quad x+1
\t.globl ifn
\t.type ifn, @gnu_indirect_function
\t.text
ifn:\tret
\t.globl _start
_start:\tret
"""
PCREL = """\t.data
\t.globl x
x:\t.quad 7
\t.long x - .
\t.long u - . + 4
\t.quad x - .
\t.short w - .
\t.reloc ., R_X86_64_PC8, ext
\t.byte 0
\t.long ext - .
\t.weak w
"""
WEAK = "\t.data\n\t.long w - .\n\t.quad w - .\n\t.weak w\n\t.text\n\t.globl _start\n_start:\tret\n"


def _link_both(tmp_path, direct_ld, src: str, mode: str, section: str) -> dict:
    """Assemble src, link it (with a small library) by bfd and by braze: per linker, "error" or the
    section's words, the dynamic relocations and the library function's .dynsym row."""
    (tmp_path / "a.s").write_text(src)
    (tmp_path / "lib.s").write_text(LIB)
    tool(["as", "a.s", "-o", "a.o"], tmp_path)
    tool(["as", "lib.s", "-o", "lib.o"], tmp_path)
    tool(["ld.bfd", "-shared", "lib.o", "-o", "lib.so"], tmp_path)
    got = {}
    for who, cmd in (("bfd", ["ld.bfd"]), ("braze", direct_ld)):
        p = subprocess.run([*map(str, cmd), mode, "a.o", "lib.so", "-o", who], cwd=tmp_path, env=tool_env(),
                           capture_output=True, text=True)
        assert "Traceback" not in p.stderr, p.stderr
        got[who] = "error" if p.returncode else (section_words(who, tmp_path, section), dyn_relocs(who, tmp_path),
                                                 symbol_rows(who, tmp_path, {"ext_fn"}, dyn=True))
    return got


@pytest.mark.parametrize("mode", ["-shared", "-pie"])
def test_symbolic_words_and_rela_dyn_order(tmp_path, direct_ld, mode):
    got = _link_both(tmp_path, direct_ld, WORDS, mode, ".data")
    assert got["bfd"] != "error" and got["braze"] == got["bfd"]


def test_library_pc_relative_words_are_dynamic(tmp_path, direct_ld):
    got = _link_both(tmp_path, direct_ld, PCREL, "-shared", ".data")
    assert got["bfd"] != "error" and got["braze"] == got["bfd"]


def test_pie_weak_undefined_pc_relative_in_data(tmp_path, direct_ld):
    got = _link_both(tmp_path, direct_ld, WEAK, "-pie", ".data")
    assert got["bfd"] != "error" and got["braze"] == got["bfd"]


@pytest.mark.parametrize("sect,ref", [(".data", ".long ext_fn - ."), (".text", ".long ext_fn - ."),
                                       (".text", ".quad ext_fn - .")], ids=["data-pc32", "text-pc32", "text-pc64"])
def test_pie_pc_relative_address_of_library_function(tmp_path, direct_ld, sect, ref):
    src = f"\t.section {sect},\"{'aw' if sect == '.data' else 'ax'}\"\n\t{ref}\n\t.text\n\t.globl _start\n_start:\tret\n"
    got = _link_both(tmp_path, direct_ld, src, "-pie", sect)
    assert got["braze"] == got["bfd"]
