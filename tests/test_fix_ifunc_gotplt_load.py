"""x86-64: a GOT load of an IFUNC the output defines, which also has a PLT entry (it is called), reads
the entry's .got.plt word (IRELATIVE, the resolved address), as bfd's _bfd_elf_allocate_ifunc_dyn_relocs
does: in a non-PIE when its address need not compare equal, in any PIE (also -static-pie), and in a
library when the IFUNC is not exported (hidden, or local by version script).  braze gave the IFUNC a
.got slot of its own with a second IRELATIVE (one word and one relocation more than bfd: seen in a
`-static` link of Debian 12's openssl app, whose libcrypto.a takes `strcmp` through the GOT and calls it).
A GOT load without a call keeps its .got slot.
Compared against ld.bfd: the program's output, the .got/.got.plt sizes, the IRELATIVE count, and the
GOT slot each load reads (a .got.plt word or a .got one)."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

IFUNC = r"""
#define STR_(x) #x
#define STR(x) STR_(x)
static int impl(int x) { return x + 1; }
static void *resolve(void) { return (void *)impl; }
int foo(int) __attribute__((ifunc("resolve"), visibility(STR(VIS))));
"""

USER = r"""
#include <stdio.h>
extern int foo(int);
int (*volatile fp)(int);
#ifdef CALL
int call(int x) { return foo(x); }
#endif
#ifdef LARGE
/* R_X86_64_GOTPCREL64: the GOT slot's address relative to the word */
__asm__(".section .data.rel.ro,\"aw\"\n.p2align 3\n.globl gp\n.hidden gp\ngp: .quad foo@GOTPCREL\n.text");
extern const long gp[];
int (*get(void))(int) { return *(int (**)(int))((const char *)gp + gp[0]); }
#else
int (*get(void))(int) { return foo; }            /* -fPIC: a GOTPCREL load */
#endif
#ifndef LIB
int main(void) {
  fp = get();
  printf("%d", fp(41));
#ifdef CALL
  printf(" %d", call(1));
#endif
  printf("\n");
  return 0;
}
#endif
"""


def _readelf(path, *opts) -> str:
    return subprocess.run(["readelf", *opts, str(path)], capture_output=True, text=True, env=tool_env(),
                          check=True).stdout


def _view(path):
    """.got/.got.plt sizes, the IRELATIVE count, and which section holds each GOT word the code loads."""
    secs = {}
    for m in re.finditer(r"\] (\.got|\.got\.plt)\s+\S+\s+([0-9a-f]+)\s+\S+\s+([0-9a-f]+)", _readelf(path, "-SW")):
        secs[m.group(1)] = (int(m.group(2), 16), int(m.group(3), 16))
    irel = sum("R_X86_64_IRELATIVE" in line for line in _readelf(path, "-rW").splitlines())
    dis = subprocess.run(["objdump", "-d", "--no-show-raw-insn", str(path)], capture_output=True, text=True,
                         env=tool_env(), check=True).stdout
    loads = []
    for fn in ("get",):
        body = re.search(rf"<{fn}>:\n(.*?)\n\n", dis, re.S)
        for a in re.findall(r"# ([0-9a-f]+) <", body.group(1) if body else ""):
            v = int(a, 16)
            loads.append(next((n for n, (lo, sz) in secs.items() if lo <= v < lo + sz), "?"))
    return sorted((n, sz) for n, (_lo, sz) in secs.items()), irel, loads


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    b = BuildDir(tmp_path_factory.mktemp("ifuncgotplt"), braze_lddir)
    (b.root / "ifunc.c").write_text(IFUNC)
    (b.root / "user.c").write_text(USER)
    (b.root / "vs.map").write_text("{ global: call; get; fp; local: *; };\n")
    return b


@pytest.mark.parametrize("call", [True, False], ids=["call", "nocall"])
@pytest.mark.parametrize("mode", ["-static", "-no-pie", "-pie", "-static-pie"])
def test_exe_ifunc_got_load_vs_bfd(work, mode, call):
    defs = ["-DCALL"] if call else []
    work.run(["gcc", "-O2", "-fPIC", "-DVIS=default", "-c", "ifunc.c", "-o", "ifunc.o"])
    work.run(["gcc", "-O2", "-fPIC", *defs, "-c", "user.c", "-o", f"user{len(defs)}.o"])
    views, outs = [], []
    for linker in ("bfd", "test"):
        out = work.root / f"exe{mode}{len(defs)}-{linker}"
        work.run(["gcc", *work.ld(linker), mode, "ifunc.o", f"user{len(defs)}.o", "-o", out])
        outs.append(work.run([out]).stdout)
        views.append(_view(out))
    assert outs[0] == ("42 2\n" if call else "42\n") and outs[1] == outs[0]
    assert views[1] == views[0]


@pytest.mark.parametrize("mode", ["-static", "-pie"])
def test_exe_ifunc_gotpcrel64_vs_bfd(work, mode):
    work.run(["gcc", "-O2", "-fPIC", "-DVIS=default", "-c", "ifunc.c", "-o", "ifunc.o"])
    work.run(["gcc", "-O2", "-fPIC", "-DCALL", "-DLARGE", "-c", "user.c", "-o", "user_large.o"])
    views, outs = [], []
    for linker in ("bfd", "test"):
        out = work.root / f"large{mode}-{linker}"
        work.run(["gcc", *work.ld(linker), mode, "ifunc.o", "user_large.o", "-o", out])
        outs.append(work.run([out]).stdout)
        views.append(_view(out)[:2])
    assert outs[0] == "42 2\n" and outs[1] == outs[0]
    assert views[1] == views[0]


@pytest.mark.parametrize("how", ["hidden", "default", "default-vs"])
def test_library_ifunc_got_load_vs_bfd(work, how):
    vis = how.split("-")[0]
    work.run(["gcc", "-O2", "-fPIC", f"-DVIS={vis}", "-c", "ifunc.c", "-o", f"ifunc-{vis}.o"])
    work.run(["gcc", "-O2", "-fPIC", "-DCALL", "-DLIB", "-c", "user.c", "-o", "user_lib.o"])
    extra = ["-Wl,--version-script=vs.map"] if how.endswith("-vs") else []
    views = []
    for linker in ("bfd", "test"):
        lib = work.root / f"lib{how}-{linker}.so"
        work.run(["gcc", *work.ld(linker), "-shared", f"ifunc-{vis}.o", "user_lib.o", *extra, "-o", lib])
        views.append(_view(lib))
    assert views[1] == views[0]
