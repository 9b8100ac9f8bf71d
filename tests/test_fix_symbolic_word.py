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
