"""Which archives serve the LTO output's new references (the post-LTO rescan), against ld.bfd.  bfd
walks its inputs once from the plugin's insertion point (the first claimed object): each archive
and --as-needed library after it once, in command-line order, a group again while anything is
loaded (from its start, once the walk is inside it).  So an archive before the IR object does not
serve the compiled code (libgcc's __muldc3 is used, not an earlier archive's), and outside a group
an archive named before the one whose rescanned member needs it does not either (an undefined
reference: the link fails), while a group -- also -static's libgcc/libc group, or a group holding
the IR object -- resolves it.  braze rescanned every archive, again and again, until nothing more
loaded.  Compared with ld.bfd: whether the link succeeds, which of our marker symbols the program
has (which archive served __muldc3 and yhelp), and its output."""
from __future__ import annotations

import pytest

from harness import BuildDir

M_C = r"""
#include <stdio.h>
_Complex double muld(_Complex double x, _Complex double y) { return x * y; }
int main(int c, char **v) { printf("%d\n", (int)__real__ muld(c + 1, c)); return 0; }
"""
# our own complex multiplication helper, which needs yhelp from another archive
MUL_C = """\
int mul_marker;
double yhelp(double);
_Complex double __muldc3(double a, double b, double c, double d)
{ _Complex double r; __real__ r = yhelp(a * c - b * d); __imag__ r = a * d + b * c; return r; }
"""
Y_C = "int y_marker;\ndouble yhelp(double a) { return a * 2.0; }\n"
G = ["-Wl,--start-group"]
E = ["-Wl,--end-group"]

CASES = {
    "archive-before-ir": ["libmuly.a", "liby.a", "m.o"],
    "needed-archive-first": ["m.o", "liby.a", "libmuly.a"],
    "needed-archive-first-static": ["-static", "m.o", "liby.a", "libmuly.a"],
    "needed-archive-after": ["m.o", "libmuly.a", "liby.a"],
    "group": ["m.o", *G, "liby.a", "libmuly.a", *E],
    "group-holding-ir": [*G, "libmuly.a", "m.o", "liby.a", *E],
    "group-holding-ir-static": ["-static", *G, "libmuly.a", "m.o", "liby.a", *E],
    "static-later-group": ["-static", "m.o", "liby.a", "libmuly.a", *G, "liby.a", *E],
    "y-before-ir": ["liby.a", "m.o", "libmuly.a"],
}


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> BuildDir:
    b = BuildDir(tmp_path_factory.mktemp("ltorescan3"), braze_lddir)
    for name, text in (("m.c", M_C), ("mul.c", MUL_C), ("y.c", Y_C)):
        (b.root / name).write_text(text)
    b.run(["gcc", "-O2", "-flto", "-c", "m.c"])
    b.run(["gcc", "-O2", "-c", "mul.c", "y.c"])
    b.run(["ar", "rc", "libmuly.a", "mul.o"])
    b.run(["ar", "rc", "liby.a", "y.o"])
    return b


def _link(b: BuildDir, who: str, case: str) -> tuple:
    out = b.root / f"{case}-{who}"
    p = b.run(["gcc", *b.ld(who), "-O2", "-flto", *CASES[case], "-o", out], check=False)
    if p.returncode:
        return ("failed",)
    syms = b.run(["nm", out]).stdout
    return (sorted(m for m in ("mul_marker", "y_marker") if f" {m}\n" in syms), b.run([out]).stdout)


@pytest.mark.parametrize("case", list(CASES))
def test_rescan_serves_as_bfd(build, case):
    assert _link(build, "test", case) == _link(build, "bfd", case)


def test_not_vacuous(build):
    assert _link(build, "bfd", "needed-archive-first") == ("failed",)
    assert _link(build, "bfd", "group")[0] == ["mul_marker", "y_marker"]
    assert _link(build, "bfd", "archive-before-ir")[0] == []
