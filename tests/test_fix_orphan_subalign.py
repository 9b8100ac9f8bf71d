"""An orphan that joins a script's output section of its name takes that section's SUBALIGN, against ld.bfd.

bfd's orphan placement adds an input section no pattern matched to an existing output section of
its name (ldelf_place_orphan), through lang_add_section, which applies the statement's SUBALIGN to
every input it adds: the orphan starts at that boundary, and the gap before it gets the statement's
FILL. braze placed such orphans at their own alignment, so the section was shorter and what followed
moved (found by tools/fuzz/run.py --kind scripts, seed 90176: a `.bss` address read with LOADADDR).

Compared with bfd: the section headers, the orphan's section bytes and every symbol's nm line."""
from __future__ import annotations

import pytest

from harness import BuildDir

A_S = """\t.section .fz1,"a"
\t.byte 0xa1
\t.text
\t.globl _start
_start:\tret
"""
D_S = """\t.section .fz1,"aw"
\t.balign 4
\t.byte 0xd1
\t.data
\t.long 7
"""
BODY = {
    # a.o's .fz1 matched, d.o's an orphan after it
    "matched": "KEEP(*a.o(.fz1*))",
    # nothing matched: both are orphans of the (empty) statement
    "unmatched": "KEEP(*none.o(.fz1*))",
}
SCRIPT = """SECTIONS {{
  .text : {{ *(.text) }}
  .data : {{ *(.data) }}
  .fz1 . + 0x100 : SUBALIGN({sub}) {{ fz_s = .; {fill} {body} fz_e = .; }}
  .bss : {{ *(.bss) }}
  after = .;
}}
"""
CASES = [(b, sub, fill) for b in BODY for sub in (8, 32) for fill in (False, True)]


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("orphsub"), braze_lddir)
    (w.root / "a.s").write_text(A_S)
    (w.root / "d.s").write_text(D_S)
    w.run(["as", "a.s", "-o", "a.o"])
    w.run(["as", "d.s", "-o", "d.o"])
    return w


def _view(work, out):
    secs = [ln.split("]", 1)[1].split() for ln in work.run(["readelf", "-W", "-S", out]).stdout.splitlines()
            if ln.strip().startswith("[") and "]" in ln and "Name" not in ln]
    secs = [s for s in secs if s and s[0] not in (".symtab", ".strtab", ".shstrtab")]
    data = work.run(["readelf", "-x", ".fz1", out]).stdout
    nm = sorted(work.run(["nm", out]).stdout.splitlines())
    return secs, data, nm


@pytest.mark.parametrize("body,sub,fill", CASES, ids=[f"{b}-sub{s}{'-fill' if f else ''}" for b, s, f in CASES])
def test_orphan_takes_subalign_vs_bfd(work, body, sub, fill):
    name = f"{body}-{sub}-{int(fill)}"
    (work.root / f"{name}.lds").write_text(SCRIPT.format(sub=sub, body=BODY[body],
                                                         fill="FILL(0xcb7c8770);" if fill else ""))
    res = {}
    for linker in ("bfd", "test"):
        ld = "ld.bfd" if linker == "bfd" else f"{work.lddir}/ld"
        out = f"{name}-{linker}"
        work.run([ld, "--no-warn-rwx-segments", "-T", f"{name}.lds", "a.o", "d.o", "-o", out])
        res[linker] = _view(work, out)
    assert res["test"] == res["bfd"]
