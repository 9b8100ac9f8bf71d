"""`-l` with a library name that begins like a long option, against ld.bfd.

bfd reaches --library, --library-path (and braze's own --lib-main has no bfd spelling) only with two
dashes: `-li`, `-lib`, `-libr` are -l i, -l ib, -l ibr.  braze took `-li`/`-lib` as abbreviations of
its --lib-main or refused them as ambiguous ("unknown option: -li (ambiguous: -lib-main, -library,
-library-path)").  Compared: exit status and the DT_NEEDED list."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

NAMES = ["i", "ib", "ibr", "in", "ibrary"]
WORDS = [["-li"], ["-lib"], ["-libr"], ["-lin"], ["-library"], ["--library=i"], ["--library", "ib"],
         ["--library-path", "sub", "-lsub"], ["-Lsub", "-lsub"]]


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("lprefix")
    (d / "sub").mkdir()
    (d / "a.s").write_text("  .globl f\nf: ret\n")
    (d / "m.s").write_text("  .globl _start\n_start: ret\n")
    for cmd in (["as", "a.s", "-o", "a.o"], ["as", "m.s", "-o", "m.o"]):
        subprocess.run(cmd, cwd=d, check=True)
    for n in NAMES:
        subprocess.run(["ld.bfd", "-shared", "a.o", "-soname", f"lib{n}.so", "-o", f"lib{n}.so"], cwd=d, check=True)
    subprocess.run(["ld.bfd", "-shared", "a.o", "-soname", "libsub.so", "-o", "sub/libsub.so"], cwd=d, check=True)
    return d


def _link(root: Path, ld: list[str], words: list[str], out: str):
    p = subprocess.run([*ld, "-e", "_start", "m.o", "-L.", *words, "-o", out], cwd=root, capture_output=True,
                       text=True)
    if p.returncode:
        return p.returncode, None
    dyn = subprocess.run(["readelf", "-d", out], cwd=root, capture_output=True, text=True, check=True).stdout
    return 0, re.findall(r"\(NEEDED\)\s+Shared library: \[(.*)\]", dyn)


@pytest.mark.parametrize("words", WORDS, ids=lambda w: " ".join(w))
def test_cli_l_prefix(root, direct_ld, words):
    bfd = _link(root, ["ld.bfd"], words, "b.out")
    braze = _link(root, direct_ld, words, "t.out")
    assert braze == bfd
    assert bfd[0] == 0
