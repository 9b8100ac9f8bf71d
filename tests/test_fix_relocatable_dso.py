"""-r (-i, -Ur) stops libraries as -Bstatic does from its place on, as in bfd: a library named after
it is `attempted static link of dynamic object`, -l finds only archives (even after -Bdynamic);
one named after a later -Bdynamic reaches bfd's ELF back end, which refuses it with `NAME: error
adding symbols: invalid operation`. braze found -lNAME's .so, then refused it with the first message.

Compared with ld.bfd: the exit status and the message (the "cannot find -lNAME" case by braze's
own wording, `unable to find library -lNAME`)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import tool_env

CASES = {
    "r-path": ["-r", "m.o", "libx.so"],
    "r-bdynamic-path": ["-r", "-Bdynamic", "m.o", "libx.so"],
    "bdynamic-r-path": ["-Bdynamic", "-r", "m.o", "libx.so"],
    "path-after-r": ["m.o", "-r", "libx.so"],
    "r-last": ["m.o", "libx.so", "-r"],
    "Ur": ["-Ur", "m.o", "libx.so"],
    "i": ["-i", "m.o", "libx.so"],
    "r-l": ["-r", "m.o", "-L.", "-lx"],
    "r-bdynamic-l": ["-r", "m.o", "-Bdynamic", "-L.", "-lx"],
    "r-l-archive": ["-r", "m.o", "-L.", "-ly"],
}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("rdso")
    (d / "m.c").write_text("int x(void); int main(void) { return x(); }\n")
    (d / "x.c").write_text("int x(void) { return 0; }\n")
    env = tool_env()
    subprocess.run(["gcc", "-c", "m.c"], cwd=d, check=True, env=env)
    subprocess.run(["gcc", "-c", "-fPIC", "x.c"], cwd=d, check=True, env=env)
    subprocess.run(["gcc", "-fuse-ld=bfd", "-shared", "x.o", "-o", "libx.so"], cwd=d, check=True, env=env)
    subprocess.run(["gcc", "-fuse-ld=bfd", "-shared", "x.o", "-o", "liby.so"], cwd=d, check=True, env=env)
    subprocess.run(["ar", "rcs", "liby.a", "x.o"], cwd=d, check=True, env=env)
    return d


def _msg(err: str) -> list[str]:
    out = []
    for ln in err.splitlines():
        ln = re.sub(r"^\S*?(ld\.bfd|ld|braze): (error: )?", "", ln)
        m = re.match(r"cannot find (-l\S+): No such file or directory$", ln)
        out.append(f"unable to find library {m.group(1)}" if m else ln)
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_relocatable_dso(root, direct_ld, tmp_path, case):
    res = {}
    for name, ld in (("bfd", ["ld.bfd"]), ("braze", direct_ld)):
        out = tmp_path / f"r-{name}.o"
        p = subprocess.run([*ld, *CASES[case], "-o", str(out)], cwd=root, capture_output=True, text=True,
                           env=tool_env())
        assert "Traceback" not in p.stderr
        res[name] = p.returncode != 0, _msg(p.stderr)
    assert res["braze"] == res["bfd"], f"bfd:  {res['bfd']}\ntest: {res['braze']}"
