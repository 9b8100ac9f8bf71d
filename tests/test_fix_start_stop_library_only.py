"""__start_X/__stop_X that only the linked libraries name, in a link with sections X, against
ld.bfd (found by the binutils 2.40 ld testsuite run with braze, ld-elf/shared.exp "Run pr21964-3").

bfd_elf_define_start_stop defines the bounds of every C-identifier section X of the link when the
symbol is undefined (a library's reference counts) or defined only by a library, and exports them
(PROTECTED, -z start-stop-visibility). braze defined them only for the objects' references: a
program whose library referred to __start_X failed at load time ("symbol lookup error"), and with a
second library defining __start_X for its own X, the first library walked the other's section.

Compared: the programs' output and exit status, and the bounds in .dynsym."""
from __future__ import annotations

import subprocess

import pytest

from harness import BuildDir, tool_env

L1 = """
extern int __start_myvec[], __stop_myvec[];
static int v1 __attribute__((used, section("myvec"))) = 5;
int f1(void) { return __start_myvec[0] * 10 + (int)(__stop_myvec - __start_myvec); }
"""
L3 = """
extern int __start_myvec[], __stop_myvec[];
int f3(void) { return __start_myvec[0] * 10 + (int)(__stop_myvec - __start_myvec); }
"""
MAIN = r"""
#include <stdio.h>
extern int f3(void);
#ifdef WITH_L1
extern int f1(void);
#endif
static int v[2] __attribute__((used, section("myvec"))) = {6, 7};
int main(void) {
#ifdef WITH_L1
    printf("%d ", f1());
#endif
    printf("%d\n", f3());
    return 0;
}
"""


def _bounds(path) -> list[tuple[str, str]]:
    out = subprocess.run(["readelf", "-W", "--dyn-syms", str(path)], capture_output=True, text=True,
                         env=tool_env(), check=True).stdout
    return sorted((f[7], f[5] + "/" + ("UND" if f[6] == "UND" else "def")) for f in map(str.split, out.splitlines())
                  if len(f) > 7 and f[7].startswith(("__start_", "__stop_")))


@pytest.mark.parametrize("with_l1", [False, True], ids=["referenced", "defined-by-library"])
def test_library_only_bounds(tmp_path, braze_lddir, with_l1):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "l1.c").write_text(L1)
    (tmp_path / "l3.c").write_text(L3)
    (tmp_path / "main.c").write_text(MAIN)
    b.run(["gcc", "-fPIC", "-shared", "-o", "libl1.so", "l1.c"])
    b.run(["gcc", "-fPIC", "-shared", "-o", "libl3.so", "l3.c"])
    b.run(["gcc", "-c", "main.c", *(["-DWITH_L1"] if with_l1 else [])])
    libs = ["./libl1.so", "./libl3.so"] if with_l1 else ["./libl3.so"]
    got = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"m-{linker}"
        b.run(["gcc", *b.ld(linker), "-o", exe, "-Wl,--no-as-needed", "main.o", *libs, f"-Wl,-rpath,{tmp_path}"])
        r = b.run([exe], check=False, cwd=tmp_path)
        got.append((r.returncode, r.stdout, _bounds(exe)))
    assert got[0][:2] == (0, "51 62\n" if with_l1 else "62\n")
    assert got[1] == got[0]
