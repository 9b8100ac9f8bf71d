"""`.gnu.warning.SYM` texts when the reference to SYM is in an LTO IR file, against ld.bfd 2.40.

An IR file has no relocations to point at, so bfd gives the warning at the LTRANS object's
reference, once the plugin adds it (`<artificial>:(.text.startup+0x8): warning: ...`), or not at all
when the optimised code no longer refers to SYM. braze looked for the reference in the IR file and
failed with an internal error (AttributeError: '_IRSection' object has no attribute 'rel_size'):
every LTO program calling glibc's tmpnam/gets/... failed to link (found with gcc's torture test
fprintf-2 under -flto).

Compared: exit status, the warning lines (the linker's program name and the LTRANS object's
temporary name taken out), and the program's output."""
from __future__ import annotations

import re

import pytest

from harness import BuildDir, tool_env

MAIN = """#include <stdio.h>
int use(int x);
int main(void) { char b[L_tmpnam]; printf("%d\\n", (tmpnam(b) != 0) + use(MODE)); return 0; }
"""
# references tmpnam only for x != 0: once LTO inlines use(0) into main, the reference is gone
USE = """#include <stdio.h>
int use(int x) { if (x) { char b[L_tmpnam]; return tmpnam(b) != 0; } return 0; }
"""
# an object of our own defining `warned` with a warning of its own, ahead of or after the IR file
WARNED = """int warned(void) { return 41; }
static const char w[] __attribute__((used, section(".gnu.warning.warned"))) = "warned is old";
"""
CALLER = """#include <stdio.h>
int warned(void);
int main(void) { printf("%d\\n", warned() + 1); return 0; }
"""


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("ltowarn"), braze_lddir)
    for name, text in (("use.c", USE), ("warned.c", WARNED), ("caller.c", CALLER)):
        (w.root / name).write_text(text)
    (w.root / "main.c").write_text(MAIN)
    w.run(["gcc", "-O2", "-flto", "-c", "use.c", "caller.c"])
    w.run(["gcc", "-O2", "-c", "warned.c"])
    for mode in ("0", "1"):
        w.run(["gcc", "-O2", "-flto", f"-DMODE={mode}", "-c", "main.c", "-o", f"main{mode}.o"])
    return w


def _warnings(stderr: str) -> list[str]:
    text = re.sub(r"^(braze|\S*/ld(\.bfd)?): ", "", stderr, flags=re.M)
    text = re.sub(r"/\S*ltrans\d*\.ltrans\.o", "LTRANS.o", text)
    return text.splitlines()


CASES = {
    "libc-so": (["main1.o", "use.o"], []),                 # libc.so.6's warning, read after the IR
    "libc-so-ref-gone": (["main0.o", "use.o"], []),        # use(0): LTO drops use's reference
    "libc-a": (["main1.o", "use.o"], ["-static"]),         # libc.a's tmpnam.o
    "own-before": (["warned.o", "caller.o"], []),          # the warning read before the reference
    "own-after": (["caller.o", "warned.o"], []),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_lto_symbol_warning_vs_bfd(work, case):
    objs, flags = CASES[case]
    res = {}
    for linker in ("bfd", "test"):
        exe = f"{case}-{linker}"
        p = work.run(["gcc", *work.ld(linker), "-O2", "-flto", *flags, "-o", exe, *objs], check=False)
        ran = work.run([f"./{exe}"], env=tool_env()).stdout if p.returncode == 0 else None
        res[linker] = (p.returncode, _warnings(p.stderr), ran)
    assert res["bfd"][0] == 0, res["bfd"]
    if case in ("libc-so", "libc-a"):       # (the bfd behaviour the test rests on)
        assert any("tmpnam" in ln for ln in res["bfd"][1]), res["bfd"]
    assert res["test"] == res["bfd"]
