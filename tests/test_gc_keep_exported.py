"""--gc-keep-exported against ld.bfd: with --gc-sections, a section defining a global symbol of
default or protected visibility is a root in executables too (hidden ones and locals still go);
-shared is unchanged.  Compared per link: the --print-gc-sections lines (linker name taken off), the
defined function/object names of .symtab, and the program's output."""
from __future__ import annotations

import re

import pytest

from harness import REPO, run_cmd

SRC = REPO / "tests" / "c" / "gckeep"
MODES = {"pie": ["-pie"], "no-pie": ["-no-pie"], "static": ["-static"], "shared": ["-shared"]}


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    d = tmp_path_factory.mktemp("gckeep")
    run_cmd(["gcc", "-O1", "-fPIC", "-ffunction-sections", "-fdata-sections", "-c", SRC / "main.c", "-o", "main.o"],
            d)
    run_cmd(["gcc", "-fPIC", "-ffunction-sections", "-c", SRC / "member.c", "-o", "member.o"], d)
    run_cmd(["ar", "rcs", "libm1.a", "member.o"], d)
    return d


def _defined(path, d) -> list[str]:
    rows = run_cmd(["readelf", "-sW", path], d).stdout.splitlines()
    return sorted({f"{r.split()[3]} {r.split()[7]}" for r in rows
                   if len(r.split()) >= 8 and r.split()[3] in ("FUNC", "OBJECT") and r.split()[6] != "UND"})


@pytest.mark.parametrize("keep", [True, False])
@pytest.mark.parametrize("mode", sorted(MODES))
def test_gc_keep_exported_as_bfd(work, braze_lddir, mode, keep):
    flags = ["-Wl,--gc-sections,--print-gc-sections", *(["-Wl,--gc-keep-exported"] if keep else [])]
    got = {}
    for label, sel in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        out = work / f"{mode}-{keep}-{label}"
        p = run_cmd(["gcc", *sel, *MODES[mode], *flags, "main.o", "-L.", "-lm1", "-Wl,-u,lib_member", "-o", out],
                    work)
        removed = [re.sub(r"^\S*(ld\.bfd|braze): ", "", ln) for ln in p.stderr.splitlines()]
        ran = run_cmd([out], work).stdout if mode != "shared" else ""
        got[label] = (removed, _defined(out, work), ran)
    assert any("unused_hidden" in ln for ln in got["braze"][0])
    assert any("unused_default" in ln for ln in got["braze"][0]) == (not keep and mode != "shared")
    assert got["braze"] == got["bfd"]
