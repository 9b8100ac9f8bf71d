"""Applying relocations (arch/x86_64.py apply_relocs' short paths) against ld.bfd, on a C++ program
built -g with -ffunction-sections/-fdata-sections: debug-info references to merged strings
(.debug_str, .rodata.str*), to code --gc-sections removed and to COMDAT duplicates (bfd's tombstones:
1 in .debug_ranges, 0 elsewhere, .debug_loc included), PC-relative references to string literals,
an R_X86_64_64 whose value is negative.  Compared with bfd's output: the program's output, the bytes
of .data and .rodata, and of every .debug_* section (braze lays this program out as bfd does, so the
relocated debug info must be byte-identical), for DWARF 4 and 5, PIE and non-PIE, with and without
--gc-sections."""
from __future__ import annotations

from pathlib import Path

import pytest

import test_shared as shared
from test_opt_zstd import debug_sections, sections

SRC = Path(__file__).resolve().parent / "c" / "apply"
LINKERS = ("bfd", "test")
MODES = {"pie": (["-fPIE"], ["-pie"]), "nopie": (["-fno-pie"], ["-no-pie"])}


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir):
    return shared.Build(tmp_path_factory.mktemp("apply"), braze_lddir)


def _objs(build, mode: str, dwarf: str) -> list[Path]:
    objs = []
    for src in ("apply_a.cc", "apply_b.cc"):
        o = build.root / f"{Path(src).stem}-{mode}-{dwarf}.o"
        if not o.exists():
            build.run(["g++", "-c", "-O1", "-g", f"-gdwarf-{dwarf}", "-ffunction-sections", "-fdata-sections",
                       *MODES[mode][0], SRC / src, "-o", o])
        objs.append(o)
    return objs


@pytest.mark.parametrize("gc", ["gc", "nogc"])
@pytest.mark.parametrize("dwarf", ["4", "5"])
@pytest.mark.parametrize("mode", sorted(MODES))
def test_relocated_sections_as_bfd(build, mode, dwarf, gc):
    objs = _objs(build, mode, dwarf)
    flags = [*MODES[mode][1], *(["-Wl,--gc-sections"] if gc == "gc" else [])]
    out = {ln: build.link(ln, f"prog-{mode}-{dwarf}-{gc}", objs, *flags, cxx=True) for ln in LINKERS}
    runs = {ln: shared.run([p]) for ln, p in out.items()}
    assert runs["bfd"][0] == 0 and "below: 1" in runs["bfd"][1], f"harness: bfd's program: {runs['bfd']}"
    assert runs["test"] == runs["bfd"]
    ref, got = (debug_sections(out[ln]) for ln in LINKERS)
    want = {".debug_info", ".debug_str", ".debug_line"} | ({".debug_ranges", ".debug_loc"} if dwarf == "4"
                                                           else {".debug_rnglists", ".debug_loclists"})
    assert want <= set(ref), f"harness: bfd's debug sections {sorted(ref)}"
    assert sorted(got) == sorted(ref)
    for name in sorted(ref):
        assert got[name] == ref[name], f"{name} differs from bfd's"
    ref, got = (sections(out[ln]) for ln in LINKERS)
    for name in (".data", ".rodata"):
        assert got[name] == ref[name], f"{name} differs from bfd's"
