"""A program's common symbol that a shared library defines in its .bss, against ld.bfd (found by
the binutils 2.40 ld testsuite run with braze, ld-elf/comm-data.exp "pr26580-2").

bfd takes a library definition in an allocated NOBITS section (non-zero size, not a function) for a
common symbol the library allocated: the program's symbol stays common with the larger of the two
sizes and alignments (the library's .bss alignment), whichever file comes first
(_bfd_elf_merge_symbol: NEWDYNCOMMON / OLDDYNCOMMON). braze kept the program's size (`char one;`:
1 byte, unaligned) while the library, bound to the program's copy, stores 8 bytes there: it
overwrote the program's neighbouring variables.

A library's non-weak definition in initialised data instead replaces the common symbol (a common
symbol is only tentative; the program imports the library's, here by a copy relocation), in either
order; a weak one only when the library comes first (test_library_data_beats_common, found by ld-elf "Run pr19579"). braze
kept the program's zero-filled common.

Compared: the programs' output (the neighbours survive the library's store) and the symbol's size
and alignment in .symtab."""
from __future__ import annotations

import subprocess

import pytest

from harness import BuildDir, tool_env

LIB = """
long one;          /* common in the library: 8 bytes in its .bss */
char big[4];
void lib_set(void) { one = 0x1122334455667788L; big[0] = 1; big[3] = 4; }
"""

MAIN = r"""
#include <stdio.h>
char one;          /* tentative definitions: 1 byte, and 16 (larger than the library's) */
char big[16];
char n1, n2, n3, n4, n5, n6, n7;
extern void lib_set(void);
int main(void) {
    n1 = n2 = n3 = n4 = n5 = n6 = n7 = 9;
    big[15] = 7;
    lib_set();
    printf("%lx %d %d %d %d %d %d %d %d %d %d\n", *(long *)&one, n1, n2, n3, n4, n5, n6, n7,
           big[0], big[3], big[15]);
    return 0;
}
"""


def _sym(path, name) -> tuple[int, int]:
    out = subprocess.run(["readelf", "-W", "-s", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    for l in out.splitlines():
        f = l.split()
        if len(f) > 7 and f[7] == name and f[6] != "UND":
            return int(f[1], 16), int(f[2])
    raise AssertionError(f"{name} not in {path}")


@pytest.mark.parametrize("lib_first", [False, True], ids=["common-first", "library-first"])
def test_common_takes_library_size(tmp_path, braze_lddir, lib_first):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "lib.c").write_text(LIB)
    (tmp_path / "main.c").write_text(MAIN)
    b.run(["gcc", "-fPIC", "-fcommon", "-shared", "-o", "libone.so", "lib.c"])
    b.run(["gcc", "-fcommon", "-O1", "-c", "main.c"])
    inputs = ["-L.", "-lone", "main.o"] if lib_first else ["main.o", "-L.", "-lone"]
    got = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"m-{linker}"
        b.run(["gcc", *b.ld(linker), "-Wl,--no-as-needed", "-o", exe, *inputs, f"-Wl,-rpath,{tmp_path}"])
        r = b.run([exe], check=False)
        addr, size = _sym(exe, "one")
        baddr, bsize = _sym(exe, "big")
        got.append((r.returncode, r.stdout, size, addr % 8, bsize))
    assert got[0][:2] == (0, "1122334455667788 9 9 9 9 9 9 9 1 4 7\n")
    assert got[0][2:] == (8, 0, 16)                     # (bfd's)
    assert got[1] == got[0]


LIB_DATA = """
int bar[2] = { -1, -1 };
__attribute__((weak)) int wk[2] = { -1, -1 };
int *bar_p(void) { return bar; }
int *wk_p(void) { return wk; }
"""

MAIN_DATA = r"""
#include <stdio.h>
int bar[2];        /* tentative definitions */
int wk[2];
extern int *bar_p(void), *wk_p(void);
int main(void) {
    printf("%d %d %d %d\n", bar[0], bar == bar_p(), wk[0], wk == wk_p());
    return 0;
}
"""


@pytest.mark.parametrize("lib_first", [False, True], ids=["common-first", "library-first"])
def test_library_data_beats_common(tmp_path, braze_lddir, lib_first):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "lib.c").write_text(LIB_DATA)
    (tmp_path / "main.c").write_text(MAIN_DATA)
    b.run(["gcc", "-fPIC", "-fcommon", "-shared", "-o", "libdata.so", "lib.c"])
    b.run(["gcc", "-fcommon", "-fPIE", "-c", "main.c"])
    inputs = ["-L.", "-ldata", "main.o"] if lib_first else ["main.o", "-L.", "-ldata"]
    got = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"d-{linker}"
        b.run(["gcc", *b.ld(linker), "-pie", "-Wl,--no-as-needed", "-o", exe, *inputs, f"-Wl,-rpath,{tmp_path}"])
        r = b.run([exe], check=False)
        got.append((r.returncode, r.stdout))
    # (bfd's: the library's bar; the program's wk, unless the library was read first)
    assert got[0] == (0, "-1 1 -1 1\n" if lib_first else "-1 1 0 1\n")
    assert got[1] == got[0]
