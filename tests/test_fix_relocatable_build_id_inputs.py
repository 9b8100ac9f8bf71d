"""`-r --build-id` with inputs that have a .note.gnu.build-id (objects made by `ld -r --build-id`):
bfd keeps the inputs' notes in the one output section, its own among them as a section of the first
input object (after that object's note, before the later objects').  braze replaced the section
with its own note (the inputs' were lost).  Without --build-id both keep the inputs'.
Compared with ld.bfd: the section headers' names, types and sizes and the notes (readelf -n; a
--build-id=0x… note has the same bytes in both), x86-64 and aarch64."""
from __future__ import annotations

import re

import pytest

import a64_harness as H
from elfrows import tool
from harness import BuildDir

SRC = {"a.c": "int fa(int x) { return x + 1; }\n", "b.c": "int fb(int x) { return x * 2; }\n",
       "c.c": "int fc(int x) { return x - 3; }\n"}
CASES = {
    "one-input-note": (["--build-id=0x1234abcd"], ["ra.o"]),
    "two-input-notes": (["--build-id=0xfeedface"], ["ra.o", "c.o", "rb.o"]),
    "plain-first": (["--build-id=0xfeedface"], ["c.o", "ra.o"]),
    "no-build-id": ([], ["ra.o", "rb.o"]),
    "md5": (["--build-id=md5"], ["ra.o"]),
}


KNOWN = {"aaaaaaaa", "bbbbbbbb", "1234abcd", "feedface"}


def _shape(path, prefix: str) -> tuple:
    secs = re.findall(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+\S+\s+\S+\s+(\S+)",
                      tool(["readelf", "-SW", path], None, prefix), re.M)
    ids = re.findall(r"Build ID: (\S+)", tool(["readelf", "-nW", path], None, prefix))
    # (an md5 digest is each linker's own: only its length is compared)
    return secs, [i if i in KNOWN else len(i) for i in ids]


@pytest.mark.parametrize("target", ["x86-64", "aarch64"])
@pytest.mark.parametrize("case", list(CASES))
def test_relocatable_build_id_keeps_input_notes(tmp_path, braze_lddir, target, case):
    if target == "aarch64":
        assert H.have_toolchain(), "the aarch64 cross toolchain and qemu-user are needed (Makefile APT_PKGS)"
    prefix = H.PREFIX if target == "aarch64" else ""
    b = BuildDir(tmp_path, braze_lddir)
    for name, text in SRC.items():
        (tmp_path / name).write_text(text)
    b.run([prefix + "gcc", "-O2", "-c", *SRC])
    bfd = prefix + "ld.bfd"
    b.run([bfd, "-r", "--build-id=0xaaaaaaaa", "a.o", "-o", "ra.o"])
    b.run([bfd, "-r", "--build-id=0xbbbbbbbb", "b.o", "-o", "rb.o"])
    opts, inputs = CASES[case]
    got = {}
    for who, ld in (("bfd", bfd), ("test", f"{braze_lddir}/ld")):
        out = tmp_path / f"out-{who}.o"
        b.run([ld, "-r", *opts, *inputs, "-o", out])
        got[who] = _shape(out, prefix)
    assert got["test"] == got["bfd"]
