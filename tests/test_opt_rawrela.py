"""Relocations read straight from their Elf64_Rela bytes (arch/x86_64.py: scan and apply decode each
field without a tuple per relocation): addends across the whole signed 64-bit range, in allocated and
non-allocated sections, against ld.bfd. The program checks its own data (exit status and stdout);
the non-allocated section's words are compared as offsets from the symbol each one names, since the
two linkers may place the symbols differently."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import tool_env

# addends: 0, small, -1, the 32-bit edges, and 64-bit ones whose high word is neither 0 nor all-ones
_ADDENDS = [0, 4, -1, -4, 0x7fffffff, -0x80000000, 0xffffffff, -0x100000000, 0x123456789abc,
            -0x123456789abc, 0x7fffffffffffffff, -0x8000000000000000]

_ASM = "\n".join([
    "\t.data", "\t.globl words", "words:",
    *[f"\t.quad foo + ({a})" for a in _ADDENDS],
    "\t.quad foo", "\t.quad .Lloc + 12",
    "\t.globl foo", "foo:\t.quad 1", ".Lloc:\t.quad 2",
    "\t.section .mynotes,\"\",@progbits",
    *[f"\t.quad foo + ({a})" for a in _ADDENDS],
    *[f"\t.long .Lbase + ({a & 0x7fffffff})" for a in _ADDENDS],
    "\t.text", ".Lbase:", "\tret",
    "\t.section .note.GNU-stack,\"\",@progbits",
]) + "\n"

_C = r"""
#include <stdio.h>
extern unsigned long words[];
extern unsigned long foo;
int main(void) {
    static const long long add[] = {%s};
    int bad = 0;
    for (unsigned i = 0; i < sizeof add / sizeof add[0]; i++) {
        unsigned long d = words[i] - (unsigned long)&foo;
        printf("%%lx\n", d);
        bad |= d != (unsigned long)add[i];
    }
    bad |= words[%d] != (unsigned long)&foo;
    bad |= *(unsigned long *)(words[%d] - 12) != 2;
    return bad;
}
"""


def _run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=tool_env(), timeout=120)
    assert p.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{p.stdout}{p.stderr}"
    return p.stdout


def _section_bytes(exe, name, cwd) -> bytes:
    out = _run(["readelf", "-W", "-x", name, str(exe)], cwd)
    data = bytearray()
    for line in out.splitlines():
        m = re.match(r"\s+0x[0-9a-f]+ ((?:[0-9a-f]{2,8} ){1,4})", line)
        if m:
            data += bytes.fromhex("".join(m.group(1).split()))
    return bytes(data)


def _sym(exe, name, cwd) -> int:
    for line in _run(["nm", str(exe)], cwd).splitlines():
        f = line.split()
        if len(f) == 3 and f[2] == name:
            return int(f[0], 16)
    raise AssertionError(f"{name} not in {exe}")


@pytest.mark.parametrize("mode", ["nopie", "pie"])
def test_rela_fields_match_bfd(tmp_path, braze_lddir, mode):
    (tmp_path / "t.s").write_text(_ASM)
    adds = ", ".join(f"{a}LL" if a != -0x8000000000000000 else "(-0x7fffffffffffffffLL - 1)"
                     for a in _ADDENDS)
    (tmp_path / "m.c").write_text(_C % (adds, len(_ADDENDS), len(_ADDENDS) + 1))
    _run(["gcc", "-c", "t.s", "-o", "t.o"], tmp_path)
    _run(["gcc", "-O1", "-c", "m.c", "-o", "m.o"], tmp_path)
    flags = ["-no-pie"] if mode == "nopie" else ["-pie"]
    res = {}
    for name, ld in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        exe = tmp_path / name
        _run(["gcc", *ld, *flags, "m.o", "t.o", "-o", str(exe)], tmp_path)
        p = subprocess.run([str(exe)], cwd=tmp_path, capture_output=True, text=True, timeout=20)
        notes = _section_bytes(exe, ".mynotes", tmp_path)
        foo, base = _sym(exe, "foo", tmp_path), _sym(exe, "main", tmp_path)
        n = len(_ADDENDS)
        quads = [(int.from_bytes(notes[8 * i:8 * i + 8], "little") - foo) & 0xffffffffffffffff
                 for i in range(n)]
        longs = [int.from_bytes(notes[8 * n + 4 * i:8 * n + 4 * i + 4], "little") for i in range(n)]
        res[name] = (p.returncode, p.stdout, quads, longs, len(notes))
        assert p.returncode == 0, (name, p.stdout)
    assert res["braze"][:3] == res["bfd"][:3]
    assert res["braze"][4] == res["bfd"][4]
    # the 32-bit words name a local label in .text: compare them as offsets from that label's section
    # start, the same in both (t.o's .text holds only the label's ret)
    for name in res:
        assert len(set(w - (a & 0x7fffffff) for w, a in zip(res[name][3], _ADDENDS))) == 1, name
