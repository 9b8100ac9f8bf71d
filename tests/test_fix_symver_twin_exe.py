"""An executable's `foo` that `.symver foo,foo@V` also names, against ld.bfd (found by the binutils
2.40 ld testsuite run with braze, ld-elf/indirect.exp "Run with libindirect3c.so", "Indirect
symbol 1a/1b").

gas keeps the plain foo next to foo@V. bfd makes foo an alias of foo@V and hides it, and a hidden
version is local to an executable (no -E): the program's own calls bind to its foo, a library's
calls to its own foo stay the library's, and a library that references foo is an error ("local
symbol `foo' ... is referenced by DSO"). braze exported foo: the library's calls came to the
program's foo, and the second link succeeded.

Compared: the programs' output, and the exit status and message of the failing link."""
from __future__ import annotations

import pytest

from harness import BuildDir

MAIN = """
extern void bar(void);
extern void foo(void);
int main(void) { foo(); bar(); return 0; }
"""
TWIN = """
#include <stdio.h>
void foo(void) { printf("MAIN\\n"); }
__asm__(".symver foo,foo@FOO");
"""
LIB_DEF = """
#include <stdio.h>
void foo(void) { printf("DSO\\n"); }
void bar(void) { foo(); }
"""
LIB_REF = """
extern void foo(void);
void bar(void) { foo(); }
"""


@pytest.mark.parametrize("lib_first", [False, True], ids=["objects-first", "library-first"])
def test_library_keeps_its_foo(tmp_path, braze_lddir, lib_first):
    b = BuildDir(tmp_path, braze_lddir)
    for n, t in (("main.c", MAIN), ("twin.c", TWIN), ("lib.c", LIB_DEF)):
        (tmp_path / n).write_text(t)
    b.run(["gcc", "-c", "main.c", "twin.c"])
    b.run(["gcc", "-fPIC", "-shared", "-o", "libdef.so", "lib.c"])
    inputs = ["main.o", "./libdef.so", "twin.o"] if lib_first else ["main.o", "twin.o", "./libdef.so"]
    got = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"m-{linker}"
        b.run(["gcc", *b.ld(linker), "-Wl,--no-as-needed", "-o", exe, *inputs, f"-Wl,-rpath,{tmp_path}"])
        r = b.run([exe], check=False)
        got.append((r.returncode, r.stdout))
    assert got[0] == (0, "MAIN\nDSO\n")
    assert got[1] == got[0]


def test_library_reference_is_an_error(tmp_path, braze_lddir):
    b = BuildDir(tmp_path, braze_lddir)
    for n, t in (("main.c", MAIN), ("twin.c", TWIN), ("lib.c", LIB_REF)):
        (tmp_path / n).write_text(t)
    b.run(["gcc", "-c", "main.c", "twin.c"])
    b.run(["gcc", "-fPIC", "-shared", "-o", "libref.so", "lib.c"])
    got = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"e-{linker}"
        p = b.run(["gcc", *b.ld(linker), "-Wl,--no-as-needed", "-o", exe, "main.o", "twin.o", "./libref.so"],
                  check=False)
        got.append((p.returncode != 0, "local symbol `foo' in twin.o is referenced by DSO" in p.stderr,
                    exe.exists()))
    assert got[0] == (True, True, False)
    assert got[1] == got[0]
