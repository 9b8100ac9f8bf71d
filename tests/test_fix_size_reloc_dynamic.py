"""R_X86_64_SIZE32/SIZE64 against a symbol the loader binds, against ld.bfd (found by the binutils
2.40 ld testsuite run with braze, ld-size/size.exp "Build libsize-9.so", "Run size-9").

`sym@SIZE` (gas) asks for the size of the definition the reference binds to. When a shared
library's symbol is preemptible, bfd emits a dynamic relocation of the same type and the loader
writes the size of the definition it finds: a program's larger copy of the library's array. braze
wrote the library's own size at link time, with no relocation (the library saw 10 where bfd's saw
20). (A program's reference to a library symbol that gets no copy relocation is left: bfd makes a
dynamic SIZE relocation there too, braze the link-time size; see the ldsuite report.)

Compared: the program's output, and the SIZE relocations in the outputs' .rela.dyn."""
from __future__ import annotations

import subprocess

import pytest

from harness import BuildDir, tool_env

pytestmark = pytest.mark.skipif(subprocess.run(["uname", "-m"], capture_output=True, text=True).stdout.strip()
                                != "x86_64", reason="R_X86_64_SIZE*: x86-64 only")

LIB = """
char bar[10];
extern char size_of_bar __asm__ ("bar@SIZE");
char *bar_size = &size_of_bar;
long lib_size(void) { return (long)bar_size; }
"""

MAIN = r"""
#include <stdio.h>
char bar[20];
extern long lib_size(void);
int main(void) { printf("%ld\n", lib_size()); return 0; }
"""

def _size_relocs(path) -> list[str]:
    out = subprocess.run(["readelf", "-W", "-r", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    return sorted(" ".join(l.split()[2:]) for l in out.splitlines() if "_SIZE" in l)


def test_size_reloc_against_preemptible(tmp_path, braze_lddir):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "lib.c").write_text(LIB)
    (tmp_path / "main.c").write_text(MAIN)
    b.run(["gcc", "-fPIC", "-c", "lib.c"])
    b.run(["gcc", "-fPIE", "-c", "main.c"])
    got = []
    for linker in ("bfd", "test"):
        lib = tmp_path / f"libsz-{linker}.so"
        b.run(["gcc", *b.ld(linker), "-shared", "-o", lib, "lib.o"])
        exe = tmp_path / f"m-{linker}"
        b.run(["gcc", *b.ld(linker), "-pie", "-o", exe, "main.o", lib,
               f"-Wl,-rpath,{tmp_path}", "-Wl,--no-as-needed"])
        r = b.run([exe], check=False)
        got.append((r.returncode, r.stdout, _size_relocs(lib), _size_relocs(exe)))
    assert got[0][:2] == (0, "20\n")
    assert got[1] == got[0]
