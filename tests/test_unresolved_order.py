"""Undefined symbols of regular objects, against ld.bfd: -z defs/--no-undefined, -z undefs and
--unresolved-symbols set one setting, the last one on the command line winning; a library leaves
them undefined unless one of them says to report. braze ignored --unresolved-symbols=report-all and
ignore-in-shared-libs in a -shared link (linked where bfd reports), treated -z undefs as a no-op in
an executable (reported where bfd links) and ignored the order. And an executable linked with
--warn-unresolved-symbols binds what it only warns about to 0, as bfd (braze imported the symbols:
the loader then refused to start the program). Compared: the link's exit status, and where it links,
the symbols' .dynsym entries and dynamic relocations."""
from __future__ import annotations

import subprocess

import pytest

from harness import BuildDir, tool_env

U = "extern int missing_var; int missing_fn(void);\nint f(void) { return missing_fn() + missing_var; }\n"
M = "int f(void); int main(int argc, char **argv) { return argc > 5 ? f() : 0; }\n"
CASES = [
    ("-shared", []), ("-shared", ["-z", "defs"]), ("-shared", ["--no-undefined"]),
    ("-shared", ["--unresolved-symbols=report-all"]), ("-shared", ["--unresolved-symbols=ignore-in-shared-libs"]),
    ("-shared", ["--unresolved-symbols=report-all", "-z", "undefs"]),
    ("-shared", ["-z", "undefs", "--unresolved-symbols=report-all"]),
    ("exe", []), ("exe", ["-z", "undefs"]), ("exe", ["-z", "undefs", "-z", "defs"]), ("exe", ["-z", "defs", "-z", "undefs"]),
    ("exe", ["--unresolved-symbols=ignore-all"]), ("exe", ["--unresolved-symbols=ignore-all", "-z", "defs"]),
    ("exe", ["--no-undefined", "--unresolved-symbols=ignore-in-object-files"]),
    ("exe", ["--warn-unresolved-symbols"]),
]


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    b = BuildDir(tmp_path_factory.mktemp("unresolved"), braze_lddir)
    (b.root / "u.c").write_text(U)
    (b.root / "m.c").write_text(M)
    b.run(["gcc", "-c", "-fPIC", "u.c"])
    # executables: -no-pie from -fno-pie objects (bfd's PIEs with such symbols do not load: an
    # R_X86_64_NONE in .rela.plt; with -fPIE objects also a text relocation)
    b.run(["gcc", "-c", "-fno-pie", "u.c", "-o", "ue.o"])
    b.run(["gcc", "-c", "-fno-pie", "m.c"])
    return b


def _dyn(path):
    out = subprocess.run(["readelf", "--dyn-syms", "-rW", str(path)], capture_output=True, text=True,
                         env=tool_env()).stdout
    return sorted(line.split()[-1] for line in out.splitlines() if "missing_" in line)


@pytest.mark.parametrize("kind,opts", CASES, ids=[f"{k}:{','.join(o) or 'none'}" for k, o in CASES])
def test_unresolved_settings_vs_bfd(work, kind, opts):
    res = {}
    for linker in ("bfd", "test"):
        out = work.root / f"out-{linker}"
        inputs = ["-shared", "u.o"] if kind == "-shared" else ["-no-pie", "m.o", "ue.o"]
        p = work.run(["gcc", *work.ld(linker), *inputs, *(f"-Wl,{o}" for o in opts), "-o", out], check=False)
        ok = p.returncode == 0
        run = subprocess.run([str(out)], capture_output=True) if ok and kind != "-shared" else None
        res[linker] = (ok, _dyn(out) if ok else None, None if run is None else run.returncode)
    assert res["test"] == res["bfd"]
