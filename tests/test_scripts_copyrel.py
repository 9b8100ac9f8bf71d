"""Copy relocations in executables linked with a SECTIONS script, against ld.bfd.

bfd's dynobj (the first input object) owns the copy areas as input sections `.dynbss` (writable data)
and `.data.rel.ro` (read-only data): the script places them like that file's own sections — the
`*(.dynbss)` and `*(.data.rel.ro …)` descriptions of bfd's default script, an output section of their
name, or orphans. braze used to leave them out of a scripted layout: the copies landed at address 0
and the program crashed. The scripts here are bfd's own default scripts read at test time (verbatim,
with `SORT(CONSTRUCTORS)`, which braze must parse), edited, and an INSERT script (the default script
through braze's SECTIONS engine). Compared with bfd: `readelf -hlSW` and the symbol table
(test_scripts._layout_view), the dynamic section, symbols and relocations, the data bytes, and the
program's output and exit status."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

import test_shared as shared
from test_shared import run
from test_scripts import _layout_view, _data_bytes
from test_scripts_dynamic import _dyn_view, bfd_default_script

C = Path(__file__).resolve().parent / "c"
SYSV = "-Wl,--hash-style=sysv"      # (.gnu.hash sizing differs from bfd's with or without a script)


def _without(pattern: str):
    def edit(text: str) -> str:
        out, n = re.subn(pattern, "", text)
        assert n, pattern
        return out
    return edit


NO_DYNBSS = _without(r"\*\(\.dynbss\)")                         # the copies become an orphan .dynbss
NO_RELRO_STMT = _without(r"\n  \.data\.rel\.ro : \{[^\n]*\}")  # .data.rel.ro inputs go to .data (.data.*)
INSERT = "SECTIONS { .scopy_none : { *(.scopy_none) } } INSERT AFTER .text;\n"

# name: (mode, bfd --verbose flags for the script, edit (None: verbatim), "insert": an INSERT script)
CASES = {
    "pie_default": (["-pie"], ["-pie"], None),
    "pie_no_dynbss": (["-pie"], ["-pie"], NO_DYNBSS),
    "pie_no_relro_stmt": (["-pie"], ["-pie"], NO_RELRO_STMT),
    "pie_norelro": (["-pie", "-Wl,-z,norelro"], ["-pie", "-z", "norelro"], None),
    "exe_default": (["-no-pie"], [], None),
    "exe_no_dynbss": (["-no-pie"], [], NO_DYNBSS),
    "pie_insert": (["-pie"], None, "insert"),
    "exe_insert": (["-no-pie"], None, "insert"),
}


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> shared.Build:
    return shared.Build(tmp_path_factory.mktemp("scopy"), braze_lddir)


@pytest.fixture(scope="module")
def objs(build) -> dict:
    out = {}
    for name, src, flags in (("pie", "scopy_main.c", ["-fPIE"]), ("exe", "scopy_main.c", ["-fno-pie"]),
                             ("tab", "scopy_tab.c", ["-fPIC"]), ("lib", "scopy_lib.c", ["-fPIC"])):
        o = build.root / f"{name}.o"
        build.run(["gcc", "-c", "-O1", *flags, C / src, "-o", o])
        out[name] = o
    (build.root / "libdir").mkdir(exist_ok=True)
    build.run(["gcc", "-fuse-ld=bfd", "-shared", out["lib"], "-o", build.root / "libdir" / "libscopy.so"])
    return out


DATA = (".rodata", ".data", ".data.rel.ro", ".init_array", ".fini_array")


@pytest.mark.parametrize("name", sorted(CASES))
def test_copy_relocations_with_script(build, objs, name):
    mode, base, edit = CASES[name]
    if edit == "insert":
        text = INSERT
    else:
        text = bfd_default_script(*base)
        if edit is not None:
            text = edit(text)
    script = build.root / f"{name}.lds"
    script.write_text(text)
    main = objs["pie" if "-pie" in mode else "exe"]
    outs = {}
    for linker in ("bfd", "test"):
        outs[linker] = build.link(linker, name, [main, objs["tab"], f"-L{build.root / 'libdir'}", "-lscopy"],
                                  *mode, SYSV, f"-Wl,-T,{script}")
    bfd, test = outs["bfd"], outs["test"]
    relocs = subprocess.run(["readelf", "-rW", str(bfd)], capture_output=True, text=True).stdout
    assert relocs.count("R_X86_64_COPY") == 2, relocs       # (the case is about them)
    assert _layout_view(test) == _layout_view(bfd)
    assert _dyn_view(test) == _dyn_view(bfd)
    want = {k: v for k, v in _data_bytes(bfd).items() if k in DATA}
    got = {k: v for k, v in _data_bytes(test).items() if k in DATA}
    assert got == want
    env = {"LD_LIBRARY_PATH": str(build.root / "libdir")}
    r_bfd, r_test = run([str(bfd)], env=env), run([str(test)], env=env)
    assert r_bfd[0] == 0 and r_bfd[1].startswith("42 18 beta gamma 0"), r_bfd
    assert r_test == r_bfd


def test_sort_constructors_parsed(build, objs):
    """`SORT(CONSTRUCTORS)` (in every bfd default script) is CONSTRUCTORS: a no-op for ELF; the same
    script without it gives the same bytes."""
    text = bfd_default_script("-pie")
    assert "SORT(CONSTRUCTORS)" in text
    a, b = build.root / "with_sc.lds", build.root / "without_sc.lds"
    a.write_text(text)
    b.write_text(text.replace("SORT(CONSTRUCTORS)", ""))
    inputs = [objs["pie"], objs["tab"], f"-L{build.root / 'libdir'}", "-lscopy"]
    x = build.link("test", "with_sc", inputs, "-pie", f"-Wl,-T,{a}")
    y = build.link("test", "without_sc", inputs, "-pie", f"-Wl,-T,{b}")
    assert x.read_bytes() == y.read_bytes()
