"""-z relro with a script where an ALIGN() moves the first RELRO section past the start that bfd's
DATA_SEGMENT_RELRO_END adjustment computed (here: an ADDR(.bss) ahead of `.fz1 : ALIGN(256)`
changes the order of bfd's backward walk): bfd's PT_GNU_RELRO starts at the first loaded section
of the PT_LOAD overlapping the range.  braze found no PT_LOAD holding the computed start and wrote
an empty PT_GNU_RELRO at address 0: the program ran without its RELRO protection (found by
tools/fuzz/run.py --kind scripts, seed 437; eu-elflint: "loadable segment GNU_RELRO applies to is
not writable").  Compared with ld.bfd: the PT_LOAD and PT_GNU_RELRO rows; the programs run."""
from __future__ import annotations

import re

from elfrows import tool

SRC = """#include <stdio.h>
int fz1v[4] __attribute__((section(".fz1"))) = {1, 2, 3, 4};
int main(void) { printf("%d\\n", fz1v[2]); return 0; }
"""


def _phdrs(path, cwd) -> list[str]:
    return [" ".join(ln.split()) for ln in tool(["readelf", "-Wl", path], cwd).splitlines()
            if re.match(r"\s+(LOAD|GNU_RELRO)\s", ln)]


def test_relro_start_after_align(tmp_path, braze_lddir):
    script = tool(["ld", "--verbose", "-pie"], tmp_path).split("=" * 50)[1]
    at = script.index("  .eh_frame       : ONLY_IF_RW")
    script = script[:at] + "  PROVIDE(fz_s1 = ADDR(.bss));\n  .fz1 : ALIGN(256) { *(.fz1 .fz1.*) }\n" + script[at:]
    at = script.index("  .interp")
    script = script[:at] + "  fz_s2 = MIN(ADDR(.init_array), .);\n" + script[at:]
    (tmp_path / "s.ld").write_text(script)
    (tmp_path / "m.c").write_text(SRC)
    tool(["gcc", "-O2", "-fPIE", "-c", "m.c"], tmp_path)
    got = {}
    for who, how in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        tool(["gcc", *how, "-pie", "-Wl,-T,s.ld", "m.o", "-o", who], tmp_path)
        got[who] = (_phdrs(who, tmp_path), tool([f"./{who}"], tmp_path))
    assert any(r.startswith("GNU_RELRO") and " 0x000000 0x000000 " not in r for r in got["bfd"][0])
    assert got["braze"] == got["bfd"]
