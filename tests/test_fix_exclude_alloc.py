"""SHF_EXCLUDE input sections in final links, against ld.bfd.

bfd drops every SHF_EXCLUDE input section from a final link, allocated ones too (and keeps them with
-r); braze dropped only the non-allocated ones, so `.section .x,"ae"` data stayed in the output and
an excluded `.text.x` went into .text, which became flagged SHF_EXCLUDE ("AXE").  Compared: the
output's sections (name, type, flags, size) and symbols (sorted: name, type, binding, section)."""
from __future__ import annotations

import re
import subprocess

import pytest

ASM = """  .text
  .globl _start
_start: ret
  .section .ex,"ae",@progbits
  .long 1
  .section .exw,"awe",@progbits
  .long 2
  .section .exn,"e",@progbits
  .long 3
  .section .text.ex,"axe",@progbits
exf: ret
  .section .note.GNU-stack,"",@progbits
"""
OPTS = {"exe": [], "r": ["-r"], "shared": ["-shared"], "gc": ["--gc-sections"], "pie": ["-pie"]}


def _view(path):
    secs = subprocess.run(["readelf", "-SW", str(path)], capture_output=True, text=True, check=True).stdout
    rows = re.findall(r"\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([A-Za-z]*)\s", secs)
    syms = subprocess.run(["readelf", "-sW", str(path)], capture_output=True, text=True, check=True).stdout
    names = sorted(tuple(ln.split()[3:5] + ln.split()[6:8]) for ln in syms.splitlines()
                   if re.match(r"\s+\d+:", ln) and len(ln.split()) >= 8)
    return [r for r in rows if not r[0].endswith("strtab")], names


@pytest.mark.parametrize("opt", list(OPTS))
def test_exclude_alloc(tmp_path, direct_ld, opt):
    (tmp_path / "x.s").write_text(ASM)
    subprocess.run(["as", "x.s", "-o", "x.o"], cwd=tmp_path, check=True)
    args = [*OPTS[opt], "-e", "_start", "x.o"]
    subprocess.run(["ld.bfd", *args, "-o", "b.out"], cwd=tmp_path, check=True, capture_output=True)
    subprocess.run([*direct_ld, *args, "-o", "t.out"], cwd=tmp_path, check=True, capture_output=True)
    assert _view(tmp_path / "t.out") == _view(tmp_path / "b.out")
