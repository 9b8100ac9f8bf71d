"""`FILE: in function `F':` in located messages names the DWARF function, as ld.bfd 2.40 does.

bfd asks the object's DWARF first: the innermost subprogram / inlined subroutine containing the
place, so a reference inside a static function gcc inlined is shown in that function. braze named
the enclosing ELF symbol instead: every static cgo Go program (os/user, net) got
`in function `_cgo_<hash>_Cfunc_mygetpwuid_r'` where bfd prints `mygetpwuid_r` before glibc's
"Using 'getpwuid_r' in statically linked applications" warning (found linking Go 1.19 programs with
-extldflags=-static). C++ names come from the linkage name, a function split into hot and cold
parts is the one function (`f`, not `f.cold`), and DWARF 4 objects / no -g keep the symbol table
(the line from DWARF 4 tables: tests/test_fix_dwarf4_lines.py).

Compared with bfd: the exact warning lines (the linker's program name taken out)."""
from __future__ import annotations

import re

import pytest

from harness import BuildDir

WARNED = """int missing(int x) { return x; }
static const char w[] __attribute__((section(".gnu.warning.missing"), used)) = "do not use missing";
"""
INLINE = """extern int missing(int);
static int helper(int x) { return missing(x * 2) + 3; }
static int twice(int x) { return missing(x) + missing(x + 1); }
int outer(int x) { return helper(x) + twice(x) + 1; }
int main(int c, char **v) { return outer(c) & 0; }
"""
COLD = """extern int missing(int);
extern void stop(void) __attribute__((noreturn, cold));
void stop(void) { __builtin_trap(); }
int f(int x) { if (__builtin_expect(x > 100, 0)) { missing(x); stop(); } return x + 1; }
int main(int c, char **v) { return f(c) & 0; }
"""
CXX = """extern "C" int missing(int);
namespace N { static inline int helper(int x) { return missing(x) + 1; } }
struct S { int v; int get() const { return missing(v) * 2; } };
template <class T> T tw(T x) { return missing(x) + 5; }
int outer(int x) { S s{x}; return N::helper(x) + s.get() + tw<int>(x); }
int main(int c, char **) { return outer(c) & 0; }
"""
# the shape of cgo's os/user wrapper, against glibc's own warning in libc.a
PWD = """#include <pwd.h>
#include <stdio.h>
static int mygetpwnam(const char *n) { struct passwd *p = getpwnam(n); return p != 0; }
int _cgo_0123_Cfunc_mygetpwnam(const char *n) { return mygetpwnam(n) + 1; }
int main(int c, char **v) { printf("%d\\n", _cgo_0123_Cfunc_mygetpwnam("nosuchuser") > 5); return 0; }
"""

SOURCES = {"inline.c": INLINE, "cold.c": COLD, "cxx.cc": CXX, "pwd.c": PWD}

CASES = {
    f"{stem}{opt}{dbg}": (stem, opt, dbg)
    for stem in ("inline", "cold", "cxx", "pwd")
    for opt in ("-O0", "-O2")
    for dbg in ("-g", "-gdwarf-4", "-g0")
}


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("dwarffn"), braze_lddir)
    (w.root / "warned.c").write_text(WARNED)
    for name, text in SOURCES.items():
        (w.root / name).write_text(text)
    w.run(["gcc", "-O2", "-c", "warned.c"])
    return w


def _warnings(stderr: str) -> list[str]:
    return re.sub(r"^(braze|\S*/ld(\.bfd)?): ", "", stderr, flags=re.M).splitlines()


@pytest.mark.parametrize("case", sorted(CASES))
def test_dwarf_function_name_vs_bfd(work, case):
    stem, opt, dbg = CASES[case]
    src = next(n for n in SOURCES if n.startswith(stem))
    cc = "g++" if src.endswith(".cc") else "gcc"
    obj = f"{case}.o"
    work.run([cc, opt, dbg, "-c", src, "-o", obj])
    objs, flags = ([obj], ["-static"]) if stem == "pwd" else ([obj, "warned.o"], [])
    res = {}
    for linker in ("bfd", "test"):
        p = work.run([cc, *work.ld(linker), *flags, "-o", f"{case}-{linker}", *objs], check=False)
        res[linker] = (p.returncode, _warnings(p.stderr))
    assert res["bfd"][0] == 0 and res["bfd"][1], res["bfd"]
    assert res["test"] == res["bfd"]
