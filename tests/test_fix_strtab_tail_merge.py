"""The output's section-name and dynamic string tables as ld.bfd writes them (bfd's
_bfd_elf_strtab_finalize).

.shstrtab holds .symtab's, .strtab's and .shstrtab's own names first, then the sections' in their
order; in it and in .dynstr a name that ends another is stored inside it, and bfd keeps a string
inside the longest of the run of names it ends when they are sorted by their reversed bytes (`bc`
inside `abc`, not `xbc`). braze merged no tails in .shstrtab (larger than bfd's, and every section
header offset after it) and put `bc` inside `xbc` in .dynstr. (.strtab, which is not loaded, keeps
braze's order and is not tail-merged: it differs in size.)

Compared: the bytes of .shstrtab (`readelf -x`), the section headers but for .strtab's and the file
offsets, and the .dynstr string each dynamic symbol's name is stored in (.dynstr's order is bfd's
hash table's, which braze does not follow)."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

PROG = r"""
#include <stdio.h>
int data_start_copy = 1;
static int counter;
void xbc(void) { counter += 2; }
void abc(void) { counter += 3; }
void bc(void) { counter += 5; }
int main(void) { abc(); bc(); xbc(); printf("%d %d\n", counter, data_start_copy); return 0; }
"""

LIB = "void abc(void) {}\nvoid xbc(void) {}\nvoid bc(void) {}\nvoid c(void) {}\nint get_c(void) { return 3; }\n"


def _readelf(path, *opts) -> str:
    return subprocess.run(["readelf", *opts, str(path)], capture_output=True, text=True, env=tool_env(),
                          check=True).stdout


def _homes(path, table: str, strings: str) -> list:
    """(symbol name, the string it is stored in): the symbols' order is in part bfd's hash
    table's (not reproduced), and with it the tables' order, so offsets are not compared, only
    where each name went."""
    from elftools.elf.elffile import ELFFile
    with open(path, "rb") as f:
        elf = ELFFile(f)
        sec = elf.get_section_by_name(table)
        if sec is None:
            return []
        data = elf.get_section_by_name(strings).data()
        out = []
        for s in sec.iter_symbols():
            o = s["st_name"]
            start = data.rfind(b"\0", 0, o) + 1
            out.append((s.name, data[start:data.index(b"\0", o)].decode()))
        return sorted(out)


def _view(path):
    # (rows without the file offset: braze's -r output places the .rela sections elsewhere)
    heads = [re.sub(r"^(\s*\[\s*\d+\]\s+\S*\s+\S+\s+[0-9a-f]+) [0-9a-f]+", r"\1", line)
             for line in _readelf(path, "-SW").splitlines() if "]" in line and " .strtab " not in line]
    return _readelf(path, "-x", ".shstrtab"), heads, _homes(path, ".dynsym", ".dynstr")


@pytest.mark.parametrize("kind", ["pie", "no-pie", "shared", "strip-all", "static", "relocatable"])
def test_string_tables(tmp_path, braze_lddir, kind):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "prog.c").write_text(PROG)
    (tmp_path / "lib.c").write_text(LIB)
    flags = {"pie": ["-pie", "prog.c"], "no-pie": ["-no-pie", "prog.c"], "shared": ["-shared", "-fPIC", "lib.c"],
             "strip-all": ["-s", "prog.c"], "static": ["-static", "prog.c"], "relocatable": ["-r", "lib.c"]}[kind]
    views = []
    for linker in ("bfd", "test"):
        out = tmp_path / f"out-{linker}"
        b.run(["gcc", "-O1", *b.ld(linker), *flags, "-o", out])
        if kind not in ("shared", "relocatable"):
            assert b.run([out]).stdout == "10 1\n"
        views.append(_view(out))
    assert views[1] == views[0]
