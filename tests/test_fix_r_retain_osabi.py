"""ld -r output with a SHF_GNU_RETAIN section is ELFOSABI_GNU, as ld.bfd writes it (braze wrote
ELFOSABI_NONE: readelf then shows the flag as an unknown OS one, "o" instead of "R").  Compared: the
header's OS/ABI and the sections' flags."""
from __future__ import annotations

import re
import subprocess

import pytest

SRC = {"r": '  .section .text.k,"axR",@progbits\nk: ret\n  .data\n  .long 1\n',
       "n": "  .data\n  .long 2\n"}
CASES = [["r"], ["n"], ["n", "r"]]


def _view(path):
    out = subprocess.run(["readelf", "-hSW", str(path)], capture_output=True, text=True, check=True).stdout
    return re.findall(r"OS/ABI:\s+(.*)", out), re.findall(r"\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+\s+"
                                                         r"[0-9a-f]+\s+([A-Za-z]*)", out)


@pytest.mark.parametrize("objs", CASES, ids=["-".join(c) for c in CASES])
def test_r_retain_osabi(tmp_path, direct_ld, objs):
    for n in objs:
        (tmp_path / f"{n}.s").write_text(SRC[n])
        subprocess.run(["as", f"{n}.s", "-o", f"{n}.o"], cwd=tmp_path, check=True)
    files = [f"{n}.o" for n in objs]
    subprocess.run(["ld.bfd", "-r", *files, "-o", "b.o"], cwd=tmp_path, check=True)
    subprocess.run([*direct_ld, "-r", *files, "-o", "t.o"], cwd=tmp_path, check=True)
    assert _view(tmp_path / "t.o") == _view(tmp_path / "b.o")
