"""--wrap with clang's ThinLTO: bfd 2.40 does not offer the plugin LDPT_GET_WRAP_SYMBOLS, so LLVMgold
does not rewrite the IR's calls for --wrap; a call that ThinLTO resolves across modules then reaches
the real function (main calls foo, defined in another bitcode file, and prints "foo 1" / "2").
braze offered the tag: LLVMgold renamed the call to __wrap_foo and the program printed differently
("wrap 1" first).  Compared with ld.bfd: the programs' output, for -flto=thin and full -flto."""
from __future__ import annotations

import os

import pytest

from harness import BuildDir, need_tool

LLVM_PLUGIN = "/usr/lib/llvm-14/lib/LLVMgold.so"
MAIN_C = r"""
#include <stdio.h>
int foo(int);
int __real_foo(int);
int __wrap_foo(int x) { printf("wrap %d\n", x); return __real_foo(x) + 100; }
int main(void) { printf("%d\n", foo(1)); return 0; }
"""
FOO_C = r"""
#include <stdio.h>
int foo(int x) { printf("foo %d\n", x); return x * 2; }
int bar(void) { return foo(5); }
"""


@pytest.mark.parametrize("lto", ["-flto=thin", "-flto"])
def test_thinlto_wrap_runs_as_with_bfd(tmp_path, braze_lddir, lto):
    clang = need_tool("clang-14")
    assert os.path.exists(LLVM_PLUGIN), f"{LLVM_PLUGIN} missing"
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "m.c").write_text(MAIN_C)
    (tmp_path / "f.c").write_text(FOO_C)
    b.run([clang, "-O2", lto, "-c", "m.c", "f.c"])
    out = {}
    for who, how in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/", "-fuse-ld=ld"])):
        b.run([clang, *how, "-O2", lto, "m.o", "f.o", "-Wl,--wrap=foo", "-o", who])
        out[who] = b.run([tmp_path / who]).stdout
    assert out["bfd"] and out["braze"] == out["bfd"]
