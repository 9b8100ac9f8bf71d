"""An output section a script keeps only for its assignments to `.` (no input section reached it,
or --gc-sections removed every one) is allocated by bfd only when an assignment advanced `.` in it;
otherwise its flags stay empty: a PROGBITS section flagged "W" alone, in no segment, and
section_for_dot skips it when a top-level symbol after `. = .` looks for its section.  braze made it
NOBITS "WA" and put it in the data segment (found by tools/fuzz/run.py --kind scripts, seed 358).
Compared with ld.bfd: section rows (name, type, address, size, flags), the segment mapping, and the
rows of the symbols around it."""
from __future__ import annotations

import re

import pytest

from elfrows import symbol_rows, tool

SRC = """unsigned char v0[1] __attribute__((section(".g1"), aligned(32))) = { 1 };
unsigned char v3[1] __attribute__((section(".g3"), aligned(32))) = { 3 };
int main(void) { return 0; }
"""
# inserted before .bss in bfd's default script
CASES = {
    "never-matched": "  . = ALIGN(16);\n  .emp : { e_s = .; *(.nomatch) . = ALIGN(4); e_e = .; }\n"
                     "  .emq : { . = ALIGN(4); }\n",
    "advanced": "  .emp : { e_s = .; *(.nomatch) . = ALIGN(64); e_e = .; }\n",
    "gc-emptied": "  .g1 : { *(.g1) . = ALIGN(4); }\n  .g3 : { *(.g3) . += 4; }\n",
}
NAMES = {"e_s", "e_e", "__bss_start", "_edata", "_end"}


def _sections(path, cwd) -> list[tuple]:
    rows = []
    for line in tool(["readelf", "-WS", path], cwd).splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*)\s+\d+\s+\d+\s+\d+$",
                     line)
        if m and m.group(1) not in (".strtab", ".shstrtab", ".symtab"):
            rows.append(m.groups())
    return rows


def _mapping(path, cwd) -> list[str]:
    return tool(["readelf", "-Wl", path], cwd).partition("Section to Segment mapping:")[2].splitlines()


@pytest.mark.parametrize("case", sorted(CASES))
def test_unadvanced_section(tmp_path, braze_lddir, case):
    script = tool(["ld", "--verbose"], tmp_path).split("=" * 50)[1]
    at = script.index("  .bss            :")
    (tmp_path / "s.ld").write_text(script[:at] + CASES[case] + script[at:])
    (tmp_path / "m.c").write_text(SRC)
    tool(["gcc", "-O1", "-fno-pic", "-c", "m.c"], tmp_path)
    gc = ["-Wl,--gc-sections"] if case == "gc-emptied" else []
    got = {}
    for who, how in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        tool(["gcc", *how, "-no-pie", "-T", "s.ld", *gc, "m.o", "-o", who], tmp_path)
        got[who] = (_sections(who, tmp_path), _mapping(who, tmp_path), symbol_rows(who, tmp_path, NAMES))
        tool([f"./{who}"], tmp_path)
    assert got["bfd"][0] and got["braze"] == got["bfd"]
