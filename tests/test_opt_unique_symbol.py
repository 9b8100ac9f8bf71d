"""-z unique-symbol against ld.bfd: every local an input file contributes to .symtab gets `.N` (N in
hex, counting that name's earlier locals from 0: helper.0, helper.1, ..., calls.0.0); FILE and
section symbols and the linker's own locals keep their names.  In final links and with -r (where -x
writes the locals relocations need later, still renamed in that order).

Compared (bfd and the linker under test, same command line): the input files' locals in .symtab
order (name, type, section kind), the linker-made locals as a set, the program's output."""
from __future__ import annotations

import subprocess

import pytest

from harness import run_cmd as _run
from harness import REPO, _clip, run_env

SRC = REPO / "tests" / "c" / "optuniq"


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("uniq")
    for n in ("one", "two", "three"):
        _run(["gcc", "-c", "-O1", "-fPIE", SRC / f"{n}.c", "-o", f"{n}.o"], tmp)
    return tmp


OBJS = ["one.o", "two.o", "three.o"]


def _locals(path):
    """Input files' locals in order; the ones after bfd's unnamed FILE symbol (linker-made) as a set."""
    ins, linker, after = [], set(), False
    for ln in _run(["readelf", "-sW", path], path.parent).stdout.splitlines():
        f = ln.split()
        if len(f) >= 7 and f[0].endswith(":") and f[0] != "Num:" and f[4] == "LOCAL" and f[0] != "0:":
            name = f[7] if len(f) > 7 else ""
            if f[3] == "FILE" and not name:
                after = True
                continue
            if after:
                linker.add(name)
            else:
                ins.append((name, f[3], "ABS" if f[6] == "ABS" else "sec"))
    return ins, sorted(linker)


@pytest.mark.parametrize("extra", [[], ["-Wl,-X"], ["-no-pie"], ["-Wl,-z,unique-symbol,-z,nounique-symbol"]],
                         ids=" ".join)
def test_unique_symbol_final(extra, work, braze_lddir):
    res = {}
    for label, sel in (("bfd", ["-fuse-ld=bfd"]), ("test", [f"-B{braze_lddir}/"])):
        exe = work / f"u-{len(extra) and extra[0][-5:]}-{label}"
        z = [] if any("unique" in e for e in extra) else ["-Wl,-z,unique-symbol"]
        _run(["gcc", *sel, *z, *extra, *OBJS, "-o", exe], work)
        q = subprocess.run([str(exe)], cwd=work, env=run_env(work, {}), capture_output=True, text=True, timeout=20)
        res[label] = (q.returncode, q.stdout, _locals(exe))
    assert res["bfd"][0] == 0
    assert res["test"] == res["bfd"], _clip(f"{res['test']}\n!=\n{res['bfd']}")
    if "nounique" not in " ".join(extra):
        assert ("helper.2", "FUNC", "sec") in res["bfd"][2][0]


@pytest.mark.parametrize("extra", [[], ["-x"], ["-X"]], ids=" ".join)
def test_unique_symbol_relocatable(extra, work, direct_ld):
    outs = {}
    for label, ld in (("bfd", ["ld.bfd"]), ("test", direct_ld)):
        out = work / f"r{''.join(extra)}-{label}.o"
        _run([*ld, "-r", "-z", "unique-symbol", *extra, *OBJS, "-o", out], work)
        outs[label] = _locals(out)
    assert outs["test"] == outs["bfd"], _clip(f"{outs['test']}\n!=\n{outs['bfd']}")


def test_unique_symbol_many(work, direct_ld):
    """More than ten locals of one name: the suffix is hexadecimal, as bfd writes it."""
    objs = []
    for i in range(12):
        (work / f"d{i}.c").write_text(f"static int dup = {i};\nint *g{i}(void) {{ return &dup; }}\n")
        _run(["gcc", "-c", f"d{i}.c", "-o", f"d{i}.o"], work)
        objs.append(f"d{i}.o")
    outs = {}
    for label, ld in (("bfd", ["ld.bfd"]), ("test", direct_ld)):
        out = work / f"many-{label}.o"
        _run([*ld, "-r", "-z", "unique-symbol", *objs, "-o", out], work)
        outs[label] = _locals(out)
    assert outs["test"] == outs["bfd"]
    assert ("dup.b", "OBJECT", "sec") in outs["bfd"][0]
