"""No IR-only archive member loads after LTO, as bfd: when the compiled code references what only an
IR member of an archive (gcc-ar, -flto without -ffat-lto-objects) defines -- here __muldc3, which
no IR file named, so nothing claimed that member before -- the post-LTO rescan passes it by and a
later archive serves the reference (libgcc's __muldc3).  braze loaded the member and refused the
link ("plugin needed to handle lto object").  bfd passes a fat member by too (braze linked its
regular code).
Compared with ld.bfd: whether the link succeeds, whether the member's marker symbol is in the
program, and its output."""
from __future__ import annotations

import pytest

from harness import BuildDir

M_C = r"""
#include <stdio.h>
_Complex double muld(_Complex double x, _Complex double y) { return x * y; }
volatile double a = 1, b = 2;
int main(int c, char **v) { printf("%d\n", (int)__real__ muld(a + c, b * c)); return 0; }
"""
# our own helper: 1000 more than libgcc's, so the output says which one ran
MUL_C = """\
int mul_marker;
_Complex double __muldc3(double a, double b, double c, double d)
{ _Complex double r; __real__ r = 1000 + a * c - b * d; __imag__ r = a * d + b * c; return r; }
"""

CASES = {
    "ir-member": ["m.o", "libir.a"],
    "ir-member-static": ["-static", "m.o", "libir.a"],
    "ir-member-group": ["m.o", "-Wl,--start-group", "libir.a", "-Wl,--end-group"],
    "ir-member-whole-program": ["-fwhole-program", "m.o", "libir.a"],
    "fat-member": ["m.o", "libfat.a"],
}


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> BuildDir:
    b = BuildDir(tmp_path_factory.mktemp("ltonoir"), braze_lddir)
    (b.root / "m.c").write_text(M_C)
    (b.root / "mul.c").write_text(MUL_C)
    b.run(["gcc", "-O2", "-flto", "-c", "m.c"])
    b.run(["gcc", "-O2", "-flto", "-c", "mul.c"])
    b.run(["gcc", "-O2", "-flto", "-ffat-lto-objects", "-c", "mul.c", "-o", "mulfat.o"])
    b.run(["gcc-ar", "rc", "libir.a", "mul.o"])
    b.run(["gcc-ar", "rc", "libfat.a", "mulfat.o"])
    return b


def _link(b: BuildDir, who: str, case: str) -> tuple:
    out = b.root / f"{case}-{who}"
    p = b.run(["gcc", *b.ld(who), "-O2", "-flto", *CASES[case], "-o", out], check=False)
    if p.returncode:
        return ("failed",)
    return (" mul_marker\n" in b.run(["nm", out]).stdout, b.run([out]).stdout)


@pytest.mark.parametrize("case", list(CASES))
def test_ir_member_after_lto(build, case):
    assert _link(build, "test", case) == _link(build, "bfd", case)


def test_not_vacuous(build):
    assert _link(build, "bfd", "ir-member") == (False, "4\n")
    assert _link(build, "bfd", "fat-member") == (False, "4\n")


D_C = r"""
#include <stdio.h>
volatile __int128 x = 1000, y = 7;
int main(void) { printf("%d\n", (int)(x / y)); return 0; }
"""
DV_C = "int dv_marker;\n__int128 __divti3(__int128 a, __int128 b) { return 5; }\n"


def test_bitcode_member_after_lto(tmp_path, braze_lddir):
    """clang -flto: the compiled code's __divti3 (no IR symbol names it) is not taken from an
    llvm-ar archive's bitcode member (braze refused the link), but from libgcc."""
    from harness import need_tool
    clang = need_tool("clang-14")
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "d.c").write_text(D_C)
    (tmp_path / "dv.c").write_text(DV_C)
    b.run([clang, "-O2", "-flto", "-c", "d.c", "dv.c"])
    b.run([need_tool("llvm-ar-14"), "rc", "libdv.a", "dv.o"])
    got = {}
    for who, how in (("bfd", ["-fuse-ld=bfd"]), ("test", [f"-B{braze_lddir}/", "-fuse-ld=ld"])):
        p = b.run([clang, *how, "-O2", "-flto", "d.o", "libdv.a", "-o", who], check=False)
        got[who] = ("failed",) if p.returncode else \
            (" dv_marker\n" in b.run(["nm", who]).stdout, b.run([tmp_path / who]).stdout)
    assert got["bfd"] == (False, "142\n")
    assert got["test"] == got["bfd"]
