"""--retain-symbols-file=FILE against ld.bfd: .symtab keeps only the symbols FILE names (white-space
separated): locals and FILE symbols by name (a kept local whose FILE symbol is not listed gets one
named after its object, as bfd), linker-made locals, globals, and imports from versioned libraries
only under their default-version name (`printf@@GLIBC_2.2.5`); -x/-X still apply; .dynsym is
untouched.

Compared (same gcc command line with bfd and with the linker under test): the .symtab entries in order
(name, type, binding, visibility, absolute/undefined/defined; values follow each linker's layout), the
.dynsym names, and the program's output.  And bfd's errors: a missing file, the option given twice."""
from __future__ import annotations

import subprocess

import pytest

from harness import run_cmd as _run
from harness import REPO, _clip, run_env

SRC = REPO / "tests" / "c" / "optretain"


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("retain")
    _run(["gcc", "-c", "-O1", "-g", "-fPIE", SRC / "prog.c", "-o", "prog.o"], tmp)
    _run(["gcc", "-c", "-O1", "-fPIC", SRC / "prog.c", "-o", "pic.o"], tmp)
    return tmp


def _table(path, which):
    """The locals in order, then the other symbols sorted (bfd writes globals in hash-table order)."""
    loc, glob = [], []
    for ln in _run(["readelf", which, "-W", path], path.parent).stdout.splitlines():
        f = ln.split()
        if len(f) >= 7 and f[0].endswith(":") and f[0] != "Num:":
            ndx = f[6] if f[6] in ("ABS", "UND") else "sec"
            (loc if f[4] == "LOCAL" else glob).append((f[7] if len(f) > 7 else "", f[3], f[4], f[5], ndx))
    return loc + sorted(glob)


KEEPS = {
    "named": "main helper\tgvar\n\n  prog.c\n",
    "no_file_symbol": "main\nhelper\n",
    "linker_local": "main\n_GLOBAL_OFFSET_TABLE_\n",
    "imports": "main\nprintf\nprintf@@GLIBC_2.2.5\n__libc_start_main@GLIBC_2.34\n",
    "hidden": "hidden_fn\nglobal_fn\ncounter\n",
    "nothing": "\n",
}


@pytest.mark.parametrize("extra", [[], ["-no-pie"], ["-Wl,-x"], ["-Wl,-X"], ["-Wl,-E"]], ids=" ".join)
@pytest.mark.parametrize("keep", sorted(KEEPS))
def test_retain_symbols_file(keep, extra, work, braze_lddir):
    kf = work / f"{keep}.txt"
    kf.write_text(KEEPS[keep])
    res = {}
    obj = "pic.o" if "-no-pie" in extra else "prog.o"
    for label, sel in (("bfd", ["-fuse-ld=bfd"]), ("test", [f"-B{braze_lddir}/"])):
        exe = work / f"{keep}-{len(extra) and extra[0]}-{label}"
        _run(["gcc", *sel, *extra, obj, f"-Wl,--retain-symbols-file={kf}", "-o", exe], work)
        run = work / f"run-{exe.name}"
        run.mkdir(exist_ok=True)
        q = subprocess.run([str(exe)], cwd=run, env=run_env(run, {}), capture_output=True, text=True, timeout=20)
        res[label] = (q.returncode, q.stdout, _table(exe, "-s"), [e[0] for e in _table(exe, "--dyn-syms")])
    assert res["bfd"][0] == 0
    assert res["test"] == res["bfd"], _clip(f"{res['test']}\n!=\n{res['bfd']}")


def test_retain_symbols_file_shared(work, direct_ld):
    """A library: its undefined symbols are kept when listed, like the rest."""
    kf = work / "lib.txt"
    kf.write_text("global_fn printf gvar helper\n")
    tabs = {}
    for label, ld in (("bfd", ["ld.bfd"]), ("test", direct_ld)):
        out = work / f"lib-{label}.so"
        _run([*ld, "-shared", "pic.o", f"--retain-symbols-file={kf}", "-o", out], work)
        tabs[label] = (_table(out, "-s"), [e[0] for e in _table(out, "--dyn-syms")])
    assert tabs["test"] == tabs["bfd"]


@pytest.mark.parametrize("args,msg", [
    (["--retain-symbols-file=missing.txt"], "missing.txt: No such file or directory"),
    (["--retain-symbols-file=a.txt", "--retain-symbols-file=a.txt"], "duplicate retain-symbols-file"),
])
def test_retain_symbols_file_errors(args, msg, work, direct_ld):
    (work / "a.txt").write_text("main\n")
    for label, ld in (("bfd", ["ld.bfd"]), ("test", direct_ld)):
        out = work / f"err-{label}"
        p = _run([*ld, "prog.o", *args, "-o", out], work, check=False)
        assert p.returncode == 1 and msg in p.stderr and "Traceback" not in p.stderr, p.stderr
        assert not out.exists()


def test_retain_symbols_file_refused_with_r(work, direct_ld):
    (work / "a.txt").write_text("main\n")
    p = _run([*direct_ld, "-r", "prog.o", "--retain-symbols-file=a.txt", "-o", "r.o"], work, check=False)
    assert p.returncode == 1 and "not supported" in p.stderr and not (work / "r.o").exists()
