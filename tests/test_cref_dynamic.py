"""--cref in dynamic links, byte for byte against ld.bfd: gcc- and g++-driven links (PIE, non-PIE,
-shared, -static-pie; libm, libstdc++, gcc's --as-needed libgcc_s), a versioned library loaded only
for DT_NEEDED, several libraries defining the same version node and names, --allow-shlib-undefined,
the table at the end of -Map, braze.link() and a --reproduce replay. Every test also runs the
programs both linkers made and compares what they print.

The libraries' rows follow bfd's rules (src/braze/explain.py, _dso_crefs): every name of a library's
dynamic symbol table enters bfd's table, and bfd prints no row for a name a library defines (not
weak) unless an object references it and bfd moved the definition to the output (a PLT entry or a
copy relocation in an executable; never in -shared). Sources: tests/c/cref_dyn_*.
"""
from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from harness import sh, tool_env

C = Path(__file__).resolve().parent / "c"


def _run(cmd, cwd, check=False, env=None):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, errors="replace",
                       env=env or tool_env(), timeout=600)
    if check:
        assert p.returncode == 0, f"$ {sh(cmd)}\n{p.stdout}{p.stderr}"
    return p


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """Objects and test libraries (built with bfd), compiled now."""
    d = tmp_path_factory.mktemp("cref-dyn")
    _run(["gcc", "-O1", "-c", C / "cref_dyn_main.c", "-o", "main.o"], d, check=True)
    _run(["gcc", "-O1", "-fno-pic", "-c", C / "cref_dyn_main.c", "-o", "main_nopic.o"], d, check=True)
    _run(["g++", "-O1", "-c", C / "cref_dyn_main.cc", "-o", "cxx.o"], d, check=True)
    _run(["gcc", "-O1", "-fPIC", "-c", C / "cref_dyn_lib.c", "-o", "lib.o"], d, check=True)
    _run(["g++", "-O1", "-fPIC", "-c", C / "cref_dyn_main.cc", "-o", "cxxpic.o"], d, check=True)
    (d / "libs").mkdir()
    vs = f"-Wl,--version-script={C / 'cref_dyn.map'}"
    _run(["gcc", "-fuse-ld=bfd", "-shared", "-fPIC", vs, C / "cref_dyn_x.c", "-lm", "-o", "libs/libcrefx.so"],
         d, check=True)
    _run(["gcc", "-fuse-ld=bfd", "-shared", "-fPIC", C / "cref_dyn_y.c", "-Llibs", "-lcrefx",
          "-o", "libs/libcrefy.so"], d, check=True)
    for n in ("a", "b", "c"):
        _run(["gcc", "-fuse-ld=bfd", "-shared", "-fPIC", "-nostdlib", vs, C / "cref_dyn_v.c",
              "-o", f"libs/libcrefv{n}.so"], d, check=True)
    return d


def _gcc(ld: str, args: list[str], cxx=False) -> list[str]:
    return ["g++" if cxx else "gcc", "-fuse-ld=bfd" if ld == "bfd" else f"-B{ld}/", *args]


def _both(inputs, tmp_path, braze_lddir, args, cxx=False, out="prog"):
    """Links with bfd and braze in copies of the inputs: {label: (process, dir)}."""
    res = {}
    for label, ld in (("bfd", "bfd"), ("test", braze_lddir)):
        work = tmp_path / label
        shutil.copytree(inputs, work)
        res[label] = (_run(_gcc(ld, [*args, "-o", out], cxx), work), work)
    return res


def _report(res) -> str:
    return "".join(f"--- {k} (exit {p.returncode})\n{p.stderr[-1500:]}" for k, (p, _d) in res.items())


def _same_run(res, prog="prog"):
    runs = [_run([f"./{prog}"], d, env={**tool_env(), "LD_LIBRARY_PATH": str(d / "libs")}) for _p, d in
            res.values()]
    assert (runs[0].returncode, runs[0].stdout) == (runs[1].returncode, runs[1].stdout), runs
    assert runs[0].returncode == 0


LIBS = ["-Llibs", "-lcrefy", "-lcrefva", "-lcrefvb", "-lcrefvc", "-Wl,-rpath-link,libs", "-lm"]


@pytest.mark.parametrize("args", [
    ["main.o", *LIBS],
    ["-no-pie", "main_nopic.o", *LIBS],
    ["-no-pie", "main.o", *LIBS, "-lpthread"],
    ["main.o", "-Llibs", "-Wl,--as-needed", "-lcrefvc", "-lcrefy", "-lcrefva", "-Wl,--no-as-needed", "-lm",
     "-Wl,--allow-shlib-undefined"],
], ids=["pie", "nopie-copyreloc", "nopie-pthread", "as-needed-allow-shlib-undefined"])
def test_cref_c_dynamic_like_bfd(inputs, tmp_path, braze_lddir, args):
    """gcc links: libc, libm, libgcc_s dropped by --as-needed (bfd restores its table), libcrefy's
    DT_NEEDED libcrefx loaded after libc (its version node and its libm references), three
    libraries with one version node and the same names (the first library's rows first, then the
    later ones latest first), copy relocations (glibc's __environ alias of environ), libraries'
    weak and versioned undefined names."""
    res = _both(inputs, tmp_path, braze_lddir, ["-Wl,--cref", *args])
    (pb, _), (pt, _) = res["bfd"], res["test"]
    assert pb.returncode == 0 and pt.returncode == 0, _report(res)
    assert pt.stdout == pb.stdout, _report(res)
    assert "CREFV_1" in pb.stdout and "cref_y_absent" in pb.stdout
    # libcrefx is read for DT_NEEDED only when shared libraries' undefined names are checked
    assert ("xw@@CREFV_1" in pb.stdout) == ("-Wl,--allow-shlib-undefined" not in args)
    _same_run(res)


@pytest.mark.parametrize("args", [["cxx.o"], ["-no-pie", "cxx.o", "-lm"], ["cxx.o", "-Wl,--as-needed", "-lm"]],
                         ids=["pie", "nopie-lm", "as-needed-lm"])
def test_cref_cxx_dynamic_like_bfd(inputs, tmp_path, braze_lddir, args):
    """g++ links: libstdc++ (thousands of names, weak undefined ones), libm, libgcc_s; names an
    object references only through the GOT or data (std::cout, __gxx_personality_v0 from the
    unwind data) get no row, as in bfd, whose definition stays in the library."""
    res = _both(inputs, tmp_path, braze_lddir, ["-Wl,--cref", *args], cxx=True)
    (pb, _), (pt, _) = res["bfd"], res["test"]
    assert pb.returncode == 0 and pt.returncode == 0, _report(res)
    assert pt.stdout == pb.stdout, _report(res)
    assert pb.stdout.count("\n") > 10000 and "\n__gxx_personality_v0 " not in pb.stdout
    _same_run(res)


@pytest.mark.parametrize("cxx", [False, True], ids=["c", "cxx"])
def test_cref_shared_like_bfd(inputs, tmp_path, braze_lddir, cxx):
    """-shared: a library's non-weak definitions an object references are dropped with the
    objects' rows (bfd's definition has no output section); libc's references to ld.so (not
    loaded) are listed."""
    args = ["-shared", "-Wl,--cref", "cxxpic.o" if cxx else "lib.o", "-Llibs", "-lcrefva"]
    res = _both(inputs, tmp_path, braze_lddir, args, cxx=cxx, out="libout.so")
    (pb, _), (pt, _) = res["bfd"], res["test"]
    assert pb.returncode == 0 and pt.returncode == 0, _report(res)
    assert pt.stdout == pb.stdout, _report(res)
    assert "_dl_argv@GLIBC_PRIVATE" in pb.stdout and "\nprintf " not in pb.stdout


@pytest.mark.parametrize("mode", ["pie", "static-pie"])
def test_cref_in_map_like_bfd(inputs, tmp_path, braze_lddir, mode):
    """-Map with --cref: the table ends the map file (compared from its title), nothing on stdout."""
    args = ["main.o", *LIBS] if mode == "pie" else ["-static-pie", "cxxpic.o"]
    res = _both(inputs, tmp_path, braze_lddir, ["-Wl,--cref,-Map=out.map", *args], cxx=mode != "pie")
    (pb, db), (pt, dt) = res["bfd"], res["test"]
    assert pb.returncode == 0 and pt.returncode == 0, _report(res)
    tail = lambda w: (w / "out.map").read_text().split("\nCross Reference Table\n")[1]   # noqa: E731
    assert tail(dt) == tail(db)
    assert pt.stdout == pb.stdout == ""
    _same_run(res)


def _ld_args(inputs: Path) -> list[str]:
    """The command line gcc gives ld for a PIE of main.o and the test libraries (from `gcc -###`)."""
    p = _run(["gcc", "-###", "-fuse-ld=bfd", "main.o", *LIBS, "-o", "prog"], inputs, check=True)
    line = next(ln for ln in p.stderr.splitlines() if "collect2" in ln)
    return shlex.split(line)[1:]


def test_cref_api_like_bfd(inputs, tmp_path):
    """braze.link() with cref=True prints bfd's table into the result's stdout."""
    args = _ld_args(inputs)
    work = tmp_path / "bfd"
    shutil.copytree(inputs, work)
    pb = _run(["ld.bfd", "--cref", *args], work)
    assert pb.returncode == 0, pb.stderr
    api = tmp_path / "api"
    shutil.copytree(inputs, api)
    code = ("import sys, braze\nr = braze.link(sys.argv[1:], cref=True)\nsys.stdout.write('@@' + r.stdout)\n")
    pa = _run([sys.executable, "-c", code, *args], api)
    assert pa.returncode == 0, pa.stderr
    assert pa.stdout.split("@@", 1)[1] == pb.stdout
    _same_run({"bfd": (pb, work), "test": (pa, api)})


def test_cref_reproduce_replay(inputs, tmp_path, braze_lddir):
    """--reproduce with --cref: the link prints bfd's table, and replaying the tarball prints the same
    rows (file names inside the tarball's root)."""
    res = _both(inputs, tmp_path, braze_lddir, ["-Wl,--cref", "main.o", *LIBS])
    work = tmp_path / "repro"
    shutil.copytree(inputs, work)
    res["test"] = (_run(_gcc(braze_lddir, ["-Wl,--cref,--reproduce=r.tar", "main.o", *LIBS, "-o", "prog"]), work),
                   work)
    (pb, _), (pt, dt) = res["bfd"], res["test"]
    assert pt.returncode == 0, _report(res)
    assert pt.stdout == pb.stdout, _report(res)
    with tarfile.open(dt / "r.tar") as t:
        t.extractall(tmp_path / "replay", filter="data") if sys.version_info >= (3, 12) \
            else t.extractall(tmp_path / "replay")
    root = tmp_path / "replay" / "r"
    braze = [str(Path(braze_lddir) / "ld")]
    pr = _run([*braze, "@response.txt"], root)
    assert pr.returncode == 0, pr.stderr
    strip = lambda text: [ln.split()[0] if ln[:1].strip() else "" for ln in text.splitlines()]  # noqa: E731
    assert strip(pr.stdout) == strip(pt.stdout)
    assert len(pr.stdout.splitlines()) == len(pt.stdout.splitlines())


def test_cref_lto_refused(inputs, tmp_path, braze_lddir):
    """--cref with LTO inputs is refused, with no output left: bfd's table also lists the IR files'
    symbols (`FILE (symbol from plugin)`) by rules braze does not reproduce; bfd itself succeeds."""
    work = tmp_path / "lto"
    shutil.copytree(inputs, work)
    _run(["gcc", "-O1", "-flto", "-c", C / "cref_dyn_lib.c", "-o", "lto.o"], work, check=True)
    args = ["-shared", "-flto", "-Wl,--cref", "lto.o", "-o", "liblto.so"]
    pb = _run(_gcc("bfd", args), work)
    assert pb.returncode == 0 and "lto.o (symbol from plugin)" in pb.stdout, pb.stderr
    (work / "liblto.so").unlink()
    pt = _run(_gcc(braze_lddir, args), work)
    assert pt.returncode == 1 and "braze: error: option --cref is not supported with LTO inputs (lto.o)" \
        in pt.stderr, pt.stderr
    assert not (work / "liblto.so").exists()
