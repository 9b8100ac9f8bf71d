"""`. += N` (or data) ahead of the linker-made contents in their output section (bfd's -pie script
with `.got : { . += 20; *(.got) *(.igot) }`; found by tools/fuzz/run.py --kind scripts, x86-64
seeds 120 and 148), against ld.bfd.

bfd puts the GOT after the gap, aligned (.got 0x28 bytes for 20 + two slots); braze wrote the slots
at the start of the section and the gap after them (size 0x24, every GOT address another), then
refused such a script; it now lays the GOT out after the gap as bfd does (test_fix_script_syn_lead.py
has the other linker-made sections). The same gap after the contents is laid out as bfd does."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, run_cmd, tool_env

MAIN = r"""#include <stdio.h>
int main(void) { fputs("hi\n", stdout); return 0; }
"""


def _secs(path) -> list:
    text = subprocess.run(["readelf", "-W", "-S", str(path)], capture_output=True, text=True, env=tool_env(),
                          check=True).stdout
    return re.findall(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*A\S*)\s",
                      text, re.M)


@pytest.mark.parametrize("where", ["ahead", "after"])
def test_gap_in_got(tmp_path, braze_lddir, where):
    verbose = run_cmd(["ld.bfd", "--verbose", "-pie"], tmp_path).stdout.splitlines()
    marks = [i for i, line in enumerate(verbose) if line.startswith("=====")]
    script = "\n".join(verbose[marks[0] + 1:marks[1]]) + "\n"
    body = "{ . += 20; *(.got) *(.igot) }" if where == "ahead" else "{ *(.got) *(.igot) . += 20; }"
    script, n = re.subn(r"(\n\s*\.got\s*:\s*)\{[^}]*\}", r"\1" + body, script, count=1)
    assert n == 1
    (tmp_path / "s.ld").write_text(script)
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "m.c").write_text(MAIN)
    b.run(["gcc", "-O1", "-fPIE", "-c", "m.c"])
    b.run(["gcc", *b.ld("bfd"), "-pie", "m.o", "-Wl,-T,s.ld", "-o", "p-bfd"])
    got = [s for s in _secs(tmp_path / "p-bfd") if s[0] == ".got"]
    assert got and int(got[0][3], 16) >= 20 + 8
    p = b.run(["gcc", *b.ld("test"), "-pie", "m.o", "-Wl,-T,s.ld", "-o", "p-test"], check=False)
    assert p.returncode == 0, p.stderr
    assert _secs(tmp_path / "p-test") == _secs(tmp_path / "p-bfd")
    assert b.run([tmp_path / "p-test"]).stdout == b.run([tmp_path / "p-bfd"]).stdout
