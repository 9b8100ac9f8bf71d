"""Where the post-LTO rescan's libgcc members go when the archive comes right after the last claimed
object (`gcc -static m.o`: crtbeginT.o m.o --start-group -lgcc -lgcc_eh -lc --end-group crtend.o),
against ld.bfd.  bfd puts the plugin's objects right after the claimed m.o, so before the archives
that follow it, and the members of an archive that loaded none before go after the last archive
member before crtend.o.  braze, renumbering the inputs without the IR file, took libgcc.a for an
archive before the plugin's objects and put __muldc3 and __popcountdi2 right after crtbeginT.o's
code.  Compared: the program's functions in address order (nm -n) and its output."""
from __future__ import annotations

import pytest

from harness import BuildDir

M_C = r"""
#include <stdio.h>
_Complex double muld(_Complex double x, _Complex double y) { return x * y; }
int pc(unsigned long long x) { return __builtin_popcountll(x); }
int main(int c, char **v)
{
  printf("%d %d\n", (int)__real__ muld(c, c + 1), pc(0xff00ff + c));
  return 0;
}
"""
FLAGS = ["-O2", "-flto", "-mno-popcnt"]
CRT = "/usr/lib/x86_64-linux-gnu/"
CASES = {
    "static": ["-static", "m.o"],
    "static-pie": ["-static-pie", "m.o"],
    "nostdlib-group": ["-static", "-nostdlib", CRT + "crt1.o", CRT + "crti.o", "m.o", "-Wl,--start-group",
                       "-lgcc", "-lc", "-Wl,--end-group", "-lgcc_eh", CRT + "crtn.o"],
}


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> BuildDir:
    b = BuildDir(tmp_path_factory.mktemp("ltorescan2"), braze_lddir)
    (b.root / "m.c").write_text(M_C)
    b.run(["gcc", *FLAGS, "-c", "m.c"])
    return b


def _functions(b: BuildDir, path) -> list[str]:
    return [f[2] for f in (ln.split() for ln in b.run(["nm", "-n", path]).stdout.splitlines())
            if len(f) == 3 and f[1] in "Tt"]


@pytest.mark.parametrize("case", list(CASES))
def test_rescan_members_after_ir_object(build, case):
    got = {}
    for who in ("bfd", "test"):
        out = build.root / f"{case}-{who}"
        build.run(["gcc", *build.ld(who), *FLAGS, *CASES[case], "-o", out])
        got[who] = (_functions(build, out), build.run([out]).stdout)
    f = got["bfd"][0]
    assert f.index("main") < f.index("__muldc3")
    assert got["test"] == got["bfd"]
