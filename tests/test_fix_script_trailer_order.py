"""What follows an output section's `}`: bfd's grammar takes `>region`, `AT>region`, `:phdr`... and
`=fill` in that order, each once (the phdrs a list); any other order is its syntax error. braze took
them in any order and linked (found by tools/fuzz/run.py --kind scripts, x86-64 seeds 46 and 86:
`} =0xdeadbeef :text`). Each case: bfd and braze both link, or both fail (braze with a syntax
error, exit 1, no output file)."""
from __future__ import annotations

import pytest

from harness import BuildDir

START = ".globl _start\n_start: ret\n.data\n.long 1\n"

SCRIPT = """MEMORY {{ ram : ORIGIN = 0x400000, LENGTH = 16M
          rom : ORIGIN = 0x2000000, LENGTH = 16M }}
PHDRS {{ text PT_LOAD; data PT_LOAD; }}
SECTIONS {{
  .text : {{ *(.text) }} {t}
  .data : {{ *(.data) }} > ram :data
}}
"""

CASES = ["> ram :text =0x90", "> ram AT> rom :text", "> ram :text :data", "> ram =0x90 :text",
         "AT> rom > ram :text", ":text > ram", "> ram > ram :text", "> ram :text =0x90 =0x91"]


@pytest.mark.parametrize("trailer", CASES)
def test_trailer_order(tmp_path, braze_lddir, trailer):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "s.s").write_text(START)
    (tmp_path / "t.ld").write_text(SCRIPT.format(t=trailer))
    b.run(["gcc", "-c", "s.s"])
    rc = {}
    for linker in ("bfd", "test"):
        p = b.run(["gcc", *b.ld(linker), "-nostdlib", "-static", "-Wl,--build-id=none", "s.o", "-Wl,-T,t.ld", "-o", f"p-{linker}"],
                  check=False)
        rc[linker] = p
    assert (rc["test"].returncode == 0) == (rc["bfd"].returncode == 0), rc["bfd"].stderr + rc["test"].stderr
    if rc["bfd"].returncode:
        assert "syntax error" in rc["bfd"].stderr
        assert "braze: error: t.ld:5:" in rc["test"].stderr and "syntax error" in rc["test"].stderr
        assert "Traceback" not in rc["test"].stderr and not (tmp_path / "p-test").exists()
