"""-z nocopyreloc against ld.bfd: a library's data is reached through dynamic relocations in place, never
copied into the executable.

Compared for each link (same gcc command line with bfd and with the linker under test): the program's
stdout and exit status, the dynamic relocations as a multiset of (type, symbol, addend) (offsets
follow each linker's layout), the TEXTREL tags, and the warnings bfd gives (a relocation in a
read-only section, DT_TEXTREL in a PDE).  A PC-relative reference in a non-PIE is bfd's error in
both; the 32-bit text relocations bfd writes otherwise (which overflow when the program runs) are
refused by braze."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import run_cmd as _run
from harness import REPO, _clip, run_env

SRC = REPO / "tests" / "c" / "optncr"


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ncr")
    _run(["gcc", "-shared", "-fPIC", "-fuse-ld=bfd", SRC / "lib.c", "-o", "libd.so"], tmp)
    _run(["gcc", "-c", "-fPIC", SRC / "pic.c", "-o", "pic.o"], tmp)
    _run(["gcc", "-c", "-fno-pic", SRC / "rodata.c", "-o", "rodata.o"], tmp)
    _run(["gcc", "-c", "-fno-pic", SRC / "pc32.c", "-o", "pc32.o"], tmp)
    _run(["gcc", "-c", "-fPIE", SRC / "pc32.c", "-o", "pc32-pie.o"], tmp)
    return tmp


def _link(work, sel, obj, mode, z, name):
    exe = work / name
    cmd = ["gcc", *sel, mode, obj, "-L.", "-ld", "-Wl,-rpath,.", *(["-Wl,-z," + z] if z else []), "-o", exe]
    return exe, _run(cmd, work, check=False)


def _dyn(work, exe):
    rels = sorted(" ".join(ln.split()[2:3] + ln.split()[4:]) for ln in
                  _run(["readelf", "-rW", exe], work).stdout.splitlines() if re.match(r"^[0-9a-f]{16}\s", ln))
    tags = sorted(ln.split()[1] + " " + " ".join(ln.split()[2:]) for ln in
                  _run(["readelf", "-dW", exe], work).stdout.splitlines() if "TEXTREL" in ln)
    return rels, tags


def _warnings(stderr: str) -> list:
    """bfd's warnings with the symbol's name left out (bfd names the first symbol of its hash-table
    walk, braze the first relocation's)."""
    out = []
    for ln in stderr.splitlines():
        ln = re.sub(r"^\S*(ld\.bfd|braze): ", "", ln)
        out.append(re.sub(r"`[^']*' in read-only", "`X' in read-only", ln))
    return sorted(out)


@pytest.mark.parametrize("obj,mode,z", [
    ("rodata.o", "-no-pie", "nocopyreloc"),
    ("rodata.o", "-no-pie", None),                   # the control: copy relocations without it
    ("pic.o", "-no-pie", "nocopyreloc"),
    ("pic.o", "-pie", "nocopyreloc"),
    ("pc32-pie.o", "-pie", None),
])
def test_nocopyreloc_links_as_bfd(obj, mode, z, work, braze_lddir):
    res = {}
    for label, sel in (("bfd", ["-fuse-ld=bfd"]), ("test", [f"-B{braze_lddir}/"])):
        exe, p = _link(work, sel, obj, mode, z, f"{obj}-{mode}-{z}-{label}")
        assert p.returncode == 0, p.stderr
        run = work / f"run-{exe.name}"
        run.mkdir()
        q = subprocess.run([str(exe)], cwd=work, env=run_env(run, {"LD_LIBRARY_PATH": str(work)}),
                           capture_output=True, text=True, timeout=20)
        res[label] = (q.returncode, q.stdout, *_dyn(work, exe), _warnings(p.stderr))
    assert res["bfd"][0] == 0
    assert res["test"] == res["bfd"], _clip(f"{res['test']}\n!=\n{res['bfd']}")
    copies = [r for r in res["bfd"][2] if r.startswith("R_X86_64_COPY")]
    if z == "nocopyreloc":
        assert not copies
    elif obj == "rodata.o":
        assert copies


def test_pc_relative_in_a_pde_is_bfds_error(work, braze_lddir):
    for label, sel in (("bfd", ["-fuse-ld=bfd"]), ("test", [f"-B{braze_lddir}/"])):
        exe, p = _link(work, sel, "pc32.o", "-no-pie", "nocopyreloc", f"pc32-{label}")
        assert p.returncode != 0 and not exe.exists()
        assert "relocation R_X86_64_PC32 against symbol `dso_var' can not be used when making a PDE object; " \
               "recompile with -fPIE" in p.stderr, p.stderr
        assert "Traceback" not in p.stderr


@pytest.mark.parametrize("obj,mode", [("pc32-pie.o", "-pie"), ("abs32.o", "-no-pie")])
def test_text_relocations_that_overflow_are_refused(obj, mode, work, braze_lddir):
    """bfd links these with 32-bit text relocations against the library's data, which overflow when
    the program runs (shown here); braze refuses the link instead."""
    if obj == "abs32.o":
        _run(["gcc", "-c", SRC / "abs32.s", "-o", obj], work)
    exe, p = _link(work, ["-fuse-ld=bfd"], obj, mode, "nocopyreloc", f"ovf-{obj}-bfd")
    assert p.returncode == 0, p.stderr
    run = work / f"run-{exe.name}"
    run.mkdir()
    q = subprocess.run([str(exe)], cwd=work, env=run_env(run, {"LD_LIBRARY_PATH": str(work)}),
                       capture_output=True, text=True, timeout=20)
    assert q.returncode != 0 and "overflow" in q.stderr, (q.returncode, q.stderr)
    exe, p = _link(work, [f"-B{braze_lddir}/"], obj, mode, "nocopyreloc", f"ovf-{obj}-test")
    assert p.returncode != 0 and "-z nocopyreloc" in p.stderr and "not supported" in p.stderr, p.stderr
    assert not exe.exists() and "Traceback" not in p.stderr
    # without -z nocopyreloc both copy the data and the program runs
    for label, sel in (("bfd", ["-fuse-ld=bfd"]), ("test", [f"-B{braze_lddir}/"])):
        exe, p = _link(work, sel, obj, mode, None, f"cp-{obj}-{label}")
        assert p.returncode == 0, p.stderr
        assert subprocess.run([str(exe)], cwd=work, env=run_env(run, {"LD_LIBRARY_PATH": str(work)}),
                              capture_output=True, timeout=20).returncode == 0
