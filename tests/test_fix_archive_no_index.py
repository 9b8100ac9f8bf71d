"""An archive without a symbol index (`ar rcS`, `ar qc` on some systems), against ld.bfd 2.40: bfd
refuses a non-empty one, needed or not, with "error adding symbols: archive has no index; run
ranlib to add one"; --whole-archive loads its members anyway, and an empty archive is fine. braze
read it as an archive that defines nothing: the program's symbols it would have supplied were
reported undefined (a misleading error), and an unneeded one was passed over silently.
Compared: exit status and the message; the linked programs' exit codes."""
from __future__ import annotations

import pytest

from harness import BuildDir

LIB = "int helper(void) { return 4; }\n"
MAIN = "int helper(void);\nint main(void) { return helper(); }\n"

CASES = {
    "needed": ["m.o", "noidx.a"],
    "not-needed": ["m.o", "l.o", "noidx.a"],
    "thin": ["m.o", "thinnoidx.a"],
    "whole-archive": ["m.o", "-Wl,--whole-archive", "noidx.a", "-Wl,--no-whole-archive"],
    "empty": ["m.o", "l.o", "empty.a"],
    "indexed": ["m.o", "idx.a"],
}


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("noindex"), braze_lddir)
    (w.root / "l.c").write_text(LIB)
    (w.root / "m.c").write_text(MAIN)
    w.run(["gcc", "-O2", "-c", "l.c", "m.c"])
    w.run(["ar", "rcS", "noidx.a", "l.o"])
    w.run(["ar", "rcST", "thinnoidx.a", "l.o"])
    w.run(["ar", "rcs", "idx.a", "l.o"])
    (w.root / "empty.a").write_bytes(b"!<arch>\n")
    return w


@pytest.mark.parametrize("case", sorted(CASES))
def test_archive_without_index_vs_bfd(work, case):
    res = {}
    for linker in ("bfd", "test"):
        exe = f"{case}-{linker}"
        p = work.run(["gcc", *work.ld(linker), *CASES[case], "-o", exe], check=False)
        ran = work.run([f"./{exe}"], check=False).returncode if p.returncode == 0 else None
        res[linker] = (p.returncode, "archive has no index; run ranlib to add one" in p.stderr, ran)
    assert res["test"] == res["bfd"]
    assert res["bfd"][0] == (1 if case in ("needed", "not-needed", "thin") else 0)
