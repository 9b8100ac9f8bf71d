"""-z keywords and -b names of each machine.  The other machine's -z keywords: each bfd only warns
that it ignores them (`-z ibt ignored` from aarch64 bfd, which has no DT_RELR either, `-z force-bti ignored`
from x86-64 bfd), and
the output is that of a link without them.
Compared per link: the warnings with that machine's bfd (linker name taken off), and the output
byte for byte with the same link without the keyword."""
from __future__ import annotations

import re

import pytest

from harness import run_cmd

CASES = [("aarch64-linux-gnu-", kw) for kw in ("ibt", "shstk", "ibtplt", "cet-report=error", "x86-64-v3",
                                              "call-nop=suffix-nop", "pack-relative-relocs",
                                              "nopack-relative-relocs")] + \
        [("", kw) for kw in ("force-bti", "pac-plt")]


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    d = tmp_path_factory.mktemp("zother")
    (d / "m.c").write_text("int main(void) { return 0; }\n")
    for prefix in ("", "aarch64-linux-gnu-"):
        run_cmd([prefix + "gcc", "-c", "m.c", "-o", f"{prefix}m.o"], d)
    return d


@pytest.mark.parametrize("prefix,kw", CASES)
def test_other_machines_z_keyword_is_ignored_as_bfd(work, braze_lddir, prefix, kw):
    warns = {}
    for label, sel in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        p = run_cmd([prefix + "gcc", *sel, f"{prefix}m.o", f"-Wl,-z,{kw}", "-o", f"with-{label}"], work)
        warns[label] = [re.sub(r"^\S*(ld(\.bfd)?|braze): ", "", ln) for ln in p.stderr.splitlines()]
    assert warns["braze"] == [f"warning: -z {kw} ignored"] == warns["bfd"]
    run_cmd([prefix + "gcc", f"-B{braze_lddir}/", f"{prefix}m.o", "-o", "without-braze"], work)
    assert (work / "with-braze").read_bytes() == (work / "without-braze").read_bytes()


@pytest.mark.parametrize("prefix,fmt", [("", "elf64-x86-64"), ("aarch64-linux-gnu-", "elf64-littleaarch64")])
def test_input_format_names_of_each_machine(work, direct_ld, prefix, fmt):
    """-b with the machine's own BFD name (aarch64 bfd knows elf64-littleaarch64): accepted by its bfd
    and by braze, and the output is that of the link without it."""
    m = ["-m", "aarch64linux"] if prefix else []
    run_cmd([prefix + "ld.bfd", *m, "-e", "main", "-b", fmt, f"{prefix}m.o", "-o", "fmt-bfd"], work)
    run_cmd([*direct_ld, *m, "-e", "main", "-b", fmt, f"{prefix}m.o", "-o", "fmt-with"], work)
    run_cmd([*direct_ld, *m, "-e", "main", f"{prefix}m.o", "-o", "fmt-without"], work)
    assert (work / "fmt-with").read_bytes() == (work / "fmt-without").read_bytes()
