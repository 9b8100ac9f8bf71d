"""An executable's undefined symbols left undefined by --unresolved-symbols=ignore-all or
--warn-unresolved-symbols, in .symtab, against ld.bfd 2.40: bfd resolves them to 0 and writes no
entry for them, in static, -static-pie and dependency-free links as in dynamic ones. braze left
them out of dynamic executables only; elsewhere .symtab kept `nosuch` as GLOBAL UND.
Compared: the undefined entries of .symtab; braze's program runs (it does not call the missing
function; bfd's dynamic one does not start: its .rela.plt keeps an R_X86_64_NONE the loader refuses).
(-static-pie with ignore-all braze refuses.)"""
from __future__ import annotations

import pytest

from harness import BuildDir

MAIN = "int nosuch(void);\nint main(int argc, char **argv) { return argc > 5 ? nosuch() : 3; }\n"
NOSTART = "int nosuch(void);\nint run(long x) { return x > 5 ? nosuch() : 3; }\n"

CASES = {
    "static-ignore": ["-static", "-Wl,--unresolved-symbols=ignore-all"],
    "static-warn": ["-static", "-Wl,--warn-unresolved-symbols"],
    "static-pie-warn": ["-static-pie", "-Wl,--warn-unresolved-symbols"],
    "dynamic-ignore": ["-Wl,--unresolved-symbols=ignore-all"],
    "nostdlib-ignore": ["-nostdlib", "-no-pie", "-Wl,-e,run", "-Wl,--unresolved-symbols=ignore-all"],
}


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("ignundef"), braze_lddir)
    (w.root / "m.c").write_text(MAIN)
    (w.root / "n.c").write_text(NOSTART)
    w.run(["gcc", "-O2", "-c", "m.c", "n.c"])
    return w


def _undefined(w, exe) -> list[str]:
    out = w.run(["readelf", "-W", "--syms", exe]).stdout
    rows = []
    table = None
    for line in out.splitlines():
        if line.startswith("Symbol table"):
            table = line.split("'")[1]
        f = line.split()
        if table == ".symtab" and len(f) >= 8 and f[6] == "UND" and f[0].rstrip(":").isdigit():
            rows.append(f"{f[4]} {f[7]}")
    return sorted(rows)


@pytest.mark.parametrize("case", sorted(CASES))
def test_ignored_undefined_not_in_symtab(work, case):
    flags = CASES[case]
    obj = "n.o" if "-nostdlib" in flags else "m.o"
    res = {}
    for linker in ("bfd", "test"):
        exe = f"{case}-{linker}"
        work.run(["gcc", *work.ld(linker), *flags, obj, "-o", exe])
        res[linker] = _undefined(work, exe)
    assert not any("nosuch" in r for r in res["bfd"]), res["bfd"]       # (what the test rests on)
    assert res["test"] == res["bfd"]
    if obj == "m.o":
        assert work.run([f"./{case}-test"], check=False).returncode == 3
