"""A thin archive whose member headers name the long-name table as "/OFFSET" followed by leftover
characters, against ld.bfd. Found linking Linux 6.1: vmlinux.a is made with `ar cDPrST` then
`ar mPiT` (moving the head objects first), and GNU ar then leaves the last '/' of a 16-character
short name ("kernel/sysctl.o/") in the header after the offset: "/4039          /". bfd reads the
offset as strtol does (up to the first non-digit); braze took the whole field for a file name
("cannot open /4039"), and vmlinux.o would not link.

Compared: the link's exit status, and the linked program's output."""
from __future__ import annotations

import re

import pytest

from harness import BuildDir

# 15-character paths: with their '/' terminator, exactly the 16 bytes of a header's name field
NAMES = ["kernel/aaaaaa.o", "kernel/bbbbbb.o", "kernel/mainma.o", "kernel/cccccc.o"]
MAIN = r"""
#include <stdio.h>
int f_aaaaaa(void), f_bbbbbb(void), f_cccccc(void);
int main(void) { printf("%d\n", f_aaaaaa() + f_bbbbbb() * 10 + f_cccccc() * 100); return 0; }
"""


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("thinpad"), braze_lddir)
    (w.root / "kernel").mkdir()
    for i, n in enumerate(NAMES):
        stem = n[len("kernel/"):-2]
        src = MAIN if stem == "mainma" else f"int f_{stem}(void) {{ return {i + 1}; }}\n"
        (w.root / (n[:-2] + ".c")).write_text(src)
        w.run(["gcc", "-O2", "-c", n[:-2] + ".c", "-o", n])
    w.run(["ar", "cDPrST", "x.a", *NAMES])
    first = w.run(["ar", "t", "x.a"]).stdout.split()[0]
    w.run(["ar", "mPiT", first, "x.a", "kernel/mainma.o"])      # (as Linux's cmd_ar_vmlinux.a)
    assert re.search(rb"\n/[0-9]+ +/[0-9]", (w.root / "x.a").read_bytes()), "ar wrote the headers differently"
    return w


@pytest.mark.parametrize("whole", [True, False])
def test_thin_archive_padded_long_name_vs_bfd(work, whole):
    args = ["-Wl,--whole-archive", "x.a", "-Wl,--no-whole-archive"] if whole else ["x.a"]
    res = {}
    for linker in ("bfd", "test"):
        out = f"prog-{whole}-{linker}"
        p = work.run(["gcc", *work.ld(linker), *args, "-o", out], check=False)
        res[linker] = (p.returncode, work.run([f"./{out}"]).stdout if p.returncode == 0 else p.stderr)
    assert res["bfd"] == (0, "421\n")
    assert res["test"] == res["bfd"]
