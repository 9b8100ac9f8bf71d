"""PHDRS with a PT_PHDR holding the program header table (`PT_PHDR PHDRS`) that no PT_LOAD maps
(none has PHDRS), against ld.bfd: bfd refuses the link ("PHDR segment not covered by LOAD
segment", exit 1, no output); braze wrote a program whose PT_PHDR was all zeros (readelf: "the PHDR
segment is not covered by a LOAD segment")."""
from __future__ import annotations

import pytest

from harness import BuildDir

SRC = "int v = 3;\nvoid _start(void) { for (;;); }\n"

SCRIPT = """PHDRS { {phdrs} }
SECTIONS {
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { *(.text*) } :text
  . = ALIGN(0x1000);
  .data : { *(.data*) } :data
  .bss : { *(.bss*) }
}
"""

CASES = {
    "load-filehdr-only": ("headers PT_PHDR PHDRS; text PT_LOAD FILEHDR; data PT_LOAD;", False),
    "no-headers-load": ("headers PT_PHDR FILEHDR PHDRS; text PT_LOAD; data PT_LOAD;", False),
    "covered": ("headers PT_PHDR PHDRS; text PT_LOAD FILEHDR PHDRS; data PT_LOAD;", True),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_phdr_not_covered(tmp_path, braze_lddir, case):
    phdrs, ok = CASES[case]
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "a.c").write_text(SRC)
    (tmp_path / "s.ld").write_text(SCRIPT.replace("{phdrs}", phdrs))
    b.run(["gcc", "-O2", "-c", "a.c"])
    res = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        p = b.run(["gcc", *b.ld(linker), "-static", "-nostdlib", "a.o", "-Wl,-T,s.ld", "-o", exe], check=False)
        res.append((p.returncode == 0, "PHDR segment not covered by LOAD segment" in p.stderr, exe.exists()))
    assert res[0] == ((True, False, True) if ok else (False, True, False))     # (bfd's, as measured)
    assert res[1] == res[0]
