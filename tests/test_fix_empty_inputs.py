"""Empty input files and unusable output names, against ld.bfd 2.40.

- A file that is empty or blank (or holds only a comment) is, to bfd, a linker script with nothing
  in it: the link goes on. braze refused the empty and blank ones ("file format not recognized").
- `-o ''` and an output name the final rename cannot take (`-o nodir/`, `-o file/x`): bfd fails with
  "cannot open output file"; braze failed with an internal error (a Python traceback's summary), and
  for `-o ''` wrote its temporary file into the parent directory first.
Compared: exit status, and for the links the program's output; braze's errors are `braze: error:`
with no traceback, and no temporary file is left behind."""
from __future__ import annotations

import os

import pytest

from harness import BuildDir

MAIN = '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n'
EMPTY = {"empty": "", "blank": "\n   \n\t\n", "comment": "/* nothing here */\n"}


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("emptyin") / "w", braze_lddir)
    (w.root / "main.c").write_text(MAIN)
    w.run(["gcc", "-O2", "-c", "main.c"])
    for name, text in EMPTY.items():
        (w.root / f"{name}.o").write_text(text)
    return w


@pytest.mark.parametrize("mode", [[], ["-static"]], ids=["pie", "static"])
@pytest.mark.parametrize("name", sorted(EMPTY))
def test_empty_input_is_an_empty_script(work, name, mode):
    res = {}
    for linker in ("bfd", "test"):
        exe = f"{name}-{len(mode)}-{linker}"
        p = work.run(["gcc", *work.ld(linker), *mode, "main.o", f"{name}.o", "-o", exe], check=False)
        res[linker] = (p.returncode, work.run([f"./{exe}"]).stdout if p.returncode == 0 else p.stderr)
    assert res["bfd"] == (0, "hi\n")
    assert res["test"] == res["bfd"]


@pytest.mark.parametrize("out", ["", "nodir/", "main.o/x"], ids=["empty", "trailing-slash", "under-a-file"])
def test_unusable_output_name(work, direct_ld, out):
    args = ["-e", "main", "--unresolved-symbols=ignore-all", "main.o", "-o", out]
    ref = work.run(["ld.bfd", *args], check=False)
    before = set(os.listdir(work.root.parent))
    p = work.run([*direct_ld, *args], check=False)
    assert ref.returncode == 1 and "cannot open output file" in ref.stderr, ref.stderr
    assert p.returncode == 1 and "braze: error: cannot" in p.stderr and "internal error" not in p.stderr, p.stderr
    assert set(os.listdir(work.root.parent)) == before
    assert not [f for f in os.listdir(work.root) if f.startswith(".braze-")]
