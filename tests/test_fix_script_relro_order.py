"""The RELRO base with an output section created early by ADDR(), against ld.bfd (found by
tools/fuzz/run.py --kind scripts, x86-64 seed 208).

bfd's lang_size_relro_segment_1 bumps the RELRO sections to end on a page boundary walking its output
section list backwards; an ADDR(.got) in an earlier output section creates .got there (exp_init_os),
so the walk meets it before .tdata, not after .data.rel.ro. braze walked in script order and picked
another base (addresses and PT_GNU_RELRO differed).

Compared: the program's output (which prints ADDR(.got)) and the RELRO and LOAD program headers."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

MAIN = r"""#include <stdio.h>
extern char x_got[];
__thread int tv = 3;
int main(void) { printf("%d %p\n", tv, (void *)x_got); return 0; }
"""


def _segments(path) -> list[str]:
    out = subprocess.run(["readelf", "-W", "-l", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    return [l.split(None, 6)[:6] for l in out.splitlines() if re.match(r"\s*(LOAD|GNU_RELRO|TLS)\s", l)]


@pytest.mark.parametrize("mode", ["-static", "-no-pie"])
def test_addr_created_section_in_relro_walk(tmp_path, braze_lddir, mode):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text(MAIN)
    b.run(["gcc", "-O1", "-c", "main.c"])
    verbose = b.run(["gcc", mode, "-Wl,--verbose", "main.o", "-o", "verbose.out"], check=False).stdout
    script = verbose.split("=" * 50)[1].split("\n", 1)[1]
    script = re.sub(r"^(\s*\.fini\s*:)", "  .fz1 : { . = ALIGN(32); PROVIDE_HIDDEN(x_got = ADDR(.got)); }\n\\1",
                    script, count=1, flags=re.M)
    assert "x_got" in script
    (tmp_path / "r.ld").write_text(script)
    segs, outs = [], []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), mode, "main.o", "-Wl,-T,r.ld", "-o", exe])
        segs.append(_segments(exe))
        outs.append(b.run([exe]).stdout)
    assert any(s[0] == "GNU_RELRO" for s in segs[0])
    assert segs[1] == segs[0]
    assert outs[1] == outs[0]
