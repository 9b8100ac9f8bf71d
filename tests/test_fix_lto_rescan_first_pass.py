"""Where the archive members that only the post-LTO rescan loads go, against ld.bfd: after the last
member their archive loaded when it was first opened.  bfd's archive statement remembers that member
(find_rescan_insertion); a group's later passes (reloads) and a second -l of the same file do not
move it, and a member the plugin claimed keeps its place.  braze took the last member loaded from
the archive at any time: in every -static -flto program whose compiled code calls a libgcc helper
(__muldc3 for a complex multiplication), libgcc's members that the group's rescans loaded for libc.a
(sfp-exceptions.o) moved the helper after them, where bfd puts it after the members of the first
pass (or, with none, after the last archive member before crtend.o).  Also with a user archive in a
group or named twice.  Compared: the program's functions in address order (nm -n) and its output."""
from __future__ import annotations

import re

import pytest

from harness import BuildDir

MAIN_C = """\
int q1(int); int zz(int);
_Complex double muld(_Complex double x, _Complex double y) { return x * y; }
int main(int c, char **v) { return q1(c) + zz(c) + (int)__real__ muld(c, c) - 15; }
"""
Q1_C = "int q1v[4] = {1, 2, 3, 4};\nint q1(int x) { return x + q1v[x & 3]; }\n"
Q2_C = "int q2(int x) { return x * 11; }\n"
# the rescan's member: a complex multiplication helper of our own (defined before libgcc's)
Q3_C = """\
_Complex double __muldc3(double a, double b, double c, double d)
{ _Complex double r; __real__ r = a * c - b * d; __imag__ r = a * d + b * c; return r; }
"""
Z_C = "int q2(int);\nint zz(int x) { return q2(x) + 1; }\n"
D1_C = "__int128 dv(__int128 a, __int128 b) { return a / b; }\n"
O1_C = "int plain1(int x) { return x * 5; }\n"
MAIN_STATIC_C = """\
int q1(int);
_Complex double muld(_Complex double x, _Complex double y) { return x * y; }
int main(int c, char **v) { return q1(c) + (int)__real__ muld(c, c) - 3; }
"""

CASES = {
    # a user archive: q1.o loaded by the first pass, q2.o by the group's second (for libz.a's z.o)
    "group": ["m.o", "-Wl,--start-group", "libq.a", "libz.a", "-Wl,--end-group", "o1.o"],
    "group-ir-member": ["m.o", "-Wl,--start-group", "libql.a", "libz.a", "-Wl,--end-group", "o1.o"],
    "named-twice": ["m.o", "libq.a", "libz.a", "libq.a", "o1.o"],
    "named-twice-ir-member": ["m.o", "libql.a", "libz.a", "libql.a", "o1.o"],
    # libgcc.a in gcc's -static group: nothing loaded by its first pass, later ones for libc.a
    "static": ["-static", "ms.o", "o1.o", "libr.a"],
    "static-divti3": ["-static", "ms.o", "d1.o", "libr.a"],
    "static-lgcc-twice": ["-static", "ms.o", "d1.o", "-lgcc", "libr.a", "o1.o"],
}


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> BuildDir:
    b = BuildDir(tmp_path_factory.mktemp("ltorescan1"), braze_lddir)
    srcs = {"m.c": MAIN_C, "ms.c": MAIN_STATIC_C, "q1.c": Q1_C, "q2.c": Q2_C, "q3.c": Q3_C, "z.c": Z_C,
            "d1.c": D1_C, "o1.c": O1_C}
    for name, text in srcs.items():
        (b.root / name).write_text(text)
    b.run(["gcc", "-O2", "-flto", "-c", "m.c", "ms.c"])
    b.run(["gcc", "-O2", "-c", "q1.c", "q2.c", "q3.c", "z.c", "d1.c", "o1.c"])
    b.run(["gcc", "-O2", "-flto", "-c", "q1.c", "-o", "q1l.o"])
    b.run(["ar", "rc", "libq.a", "q1.o", "q2.o", "q3.o"])
    b.run(["ar", "rc", "libql.a", "q1l.o", "q2.o", "q3.o"])
    b.run(["ar", "rc", "libz.a", "z.o"])
    b.run(["ar", "rc", "libr.a", "q1.o"])
    return b


def _functions(b: BuildDir, path) -> list[str]:
    return [f[2] for f in (ln.split() for ln in b.run(["nm", "-n", path]).stdout.splitlines())
            if len(f) == 3 and f[1] in "Tt"]


@pytest.mark.parametrize("case", list(CASES))
def test_rescan_members_placed_as_bfd(build, case):
    got = {}
    for who in ("bfd", "test"):
        out = build.root / f"{case}-{who}"
        build.run(["gcc", *build.ld(who), "-O2", "-flto", *CASES[case], "-o", out])
        p = build.run([out], check=False)
        got[who] = (_functions(build, out), p.returncode)
    assert "__muldc3" in got["bfd"][0]
    assert got["test"] == got["bfd"]


def test_not_vacuous(build):
    """bfd puts our __muldc3 right after q1.o, before the group's later member q2.o."""
    out = build.root / "nv"
    build.run(["gcc", "-fuse-ld=bfd", "-O2", "-flto", *CASES["group"], "-o", out])
    f = _functions(build, out)
    assert f.index("q1") < f.index("__muldc3") < f.index("zz") < f.index("q2")
