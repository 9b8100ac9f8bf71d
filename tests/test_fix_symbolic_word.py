"""A data word that gets a symbolic R_X86_64_64 (a library's pointer to its preemptible symbol, an
executable's to a shared library's) holds the input's bytes in bfd's output: the loader computes the
value from the relocation alone.  braze wrote the link-time S + A there.  And bfd's -z combreloc order
of .rela.dyn after the RELATIVE entries: by class (IRELATIVE and relocations against an IFUNC last),
a symbol's relocations together, symbols by their lowest address (braze sorted by address alone).
Compared with ld.bfd: the words' bytes and the dynamic relocations in order."""
from __future__ import annotations

import subprocess

import pytest

from harness import tool_env

SRC = """\t.data
\t.globl x
x:\t.quad 7
\t.quad x+3
\t.quad ext+5
\t.quad 0x1122334455667788
\t.reloc .-8, R_X86_64_64, x
"""
LIB = "\t.data\n\t.globl ext\n\t.type ext,@object\n\t.size ext,8\next:\t.quad 0\n"


def _run(args, cwd) -> str:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=tool_env(), check=True).stdout


@pytest.mark.parametrize("mode", ["-shared", "-pie"])
def test_symbolic_word_keeps_input_bytes(tmp_path, direct_ld, mode):
    (tmp_path / "a.s").write_text(SRC)
    (tmp_path / "lib.s").write_text(LIB)
    _run(["as", "a.s", "-o", "a.o"], tmp_path)
    _run(["as", "lib.s", "-o", "lib.o"], tmp_path)
    _run(["ld.bfd", "-shared", "lib.o", "-o", "lib.so"], tmp_path)
    got = {}
    for who, cmd in (("bfd", ["ld.bfd"]), ("braze", direct_ld)):
        subprocess.run([*map(str, cmd), mode, "a.o", "lib.so", "-o", who], cwd=tmp_path, check=True,
                       env=tool_env(), capture_output=True)
        data = _run(["objdump", "-s", "-j", ".data", who], tmp_path).splitlines()[4:]
        relocs = [line.split()[2:] for line in _run(["readelf", "-rW", who], tmp_path).splitlines() if "R_X86_64" in line]
        got[who] = ([" ".join(d.split()[1:5]) for d in data], [" ".join(r[:1] + r[2:]) for r in relocs])
    assert got["braze"] == got["bfd"]


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


def test_library_pc_relative_words_are_dynamic(tmp_path, direct_ld):
    """bfd: a library's PC-relative word in writable data against a symbol the loader binds (its own
    preemptible one, an undefined or weak one, a library's) is a dynamic relocation of its own type
    (R_X86_64_PC32/PC64/PC16/PC8), the word keeping the input's bytes.  braze refused them, and wrote
    0 - P against an undefined weak symbol (never bound at run time)."""
    (tmp_path / "p.s").write_text(PCREL)
    (tmp_path / "lib.s").write_text(LIB)
    _run(["as", "p.s", "-o", "p.o"], tmp_path)
    _run(["as", "lib.s", "-o", "lib.o"], tmp_path)
    _run(["ld.bfd", "-shared", "lib.o", "-o", "lib.so"], tmp_path)
    got = {}
    for who, cmd in (("bfd", ["ld.bfd"]), ("braze", direct_ld)):
        p = subprocess.run([*map(str, cmd), "-shared", "p.o", "lib.so", "-o", who], cwd=tmp_path,
                           env=tool_env(), capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        data = _run(["objdump", "-s", "-j", ".data", who], tmp_path).splitlines()[4:]
        relocs = [line.split()[2:] for line in _run(["readelf", "-rW", who], tmp_path).splitlines() if "R_X86_64" in line]
        got[who] = ([" ".join(d.split()[1:5]) for d in data], [" ".join(r[:1] + r[2:]) for r in relocs])
    assert got["braze"] == got["bfd"]


def test_pie_weak_undefined_pc_relative_in_data(tmp_path, direct_ld):
    """bfd writes 0 - P for a PIE's PC-relative word in writable data against an undefined weak symbol
    (in code it is an error); braze refused both."""
    (tmp_path / "w.s").write_text("\t.data\n\t.long w - .\n\t.quad w - .\n\t.weak w\n\t.text\n\t.globl _start\n_start:\tret\n")
    _run(["as", "w.s", "-o", "w.o"], tmp_path)
    got = {}
    for who, cmd in (("bfd", ["ld.bfd"]), ("braze", direct_ld)):
        p = subprocess.run([*map(str, cmd), "-pie", "w.o", "-o", who], cwd=tmp_path, env=tool_env(),
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        got[who] = _run(["objdump", "-s", "-j", ".data", who], tmp_path).splitlines()[4:]
    assert got["braze"] == got["bfd"]


@pytest.mark.parametrize("sect,ref", [(".data", ".long ext_fn - ."), (".text", ".long ext_fn - ."),
                                       (".text", ".quad ext_fn - .")], ids=["data-pc32", "text-pc32", "text-pc64"])
def test_pie_pc_relative_address_of_library_function(tmp_path, direct_ld, sect, ref):
    """A PIE's PC-relative address of a library's function: from writable data bfd makes the canonical
    PLT entry (the .dynsym value is the entry, as in a non-PIE); from code PC32 is refused and PC64 is
    a text relocation.  braze ignored the canonical entry in a PIE and wrote the address as 0."""
    (tmp_path / "f.s").write_text(f"\t.section {sect},\"{'aw' if sect == '.data' else 'ax'}\"\n\t{ref}\n"
                                  "\t.text\n\t.globl _start\n_start:\tret\n")
    (tmp_path / "lib.s").write_text("\t.text\n\t.globl ext_fn\n\t.type ext_fn,@function\next_fn:\tret\n")
    _run(["as", "f.s", "-o", "f.o"], tmp_path)
    _run(["as", "lib.s", "-o", "lib.o"], tmp_path)
    _run(["ld.bfd", "-shared", "lib.o", "-o", "lib.so"], tmp_path)
    got = {}
    for who, cmd in (("bfd", ["ld.bfd"]), ("braze", direct_ld)):
        p = subprocess.run([*map(str, cmd), "-pie", "f.o", "lib.so", "-o", who], cwd=tmp_path, env=tool_env(),
                           capture_output=True, text=True)
        if p.returncode:
            got[who] = "error"
            continue
        data = _run(["objdump", "-s", "-j", sect, who], tmp_path).splitlines()[4:5]
        relocs = [line.split()[2:] for line in _run(["readelf", "-rW", who], tmp_path).splitlines() if "R_X86_64" in line]
        dyn = [line.split()[1] for line in _run(["readelf", "--dyn-syms", "-W", who], tmp_path).splitlines()
               if line.endswith(" ext_fn")]
        got[who] = (data, [" ".join(r[:1] + r[2:]) for r in relocs], dyn)
    assert got["braze"] == got["bfd"]
