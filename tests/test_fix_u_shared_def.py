"""`-u NAME` and `--require-defined NAME` when only a shared library defines NAME, against ld.bfd.

bfd: --require-defined is satisfied by a library's definition (braze said "required symbol `foo' not
defined"), and under --gc-sections the -u name stays imported (undefined in .dynsym and .symtab, the
library needed) although no kept section uses it (braze dropped it from both tables).
Each case is linked by both and compared: exit status and error lines, foo's entries in .dynsym and
.symtab, the DT_NEEDED list, and the program's run.  (An --as-needed library that only a -u name refers
to: tests/test_fix_u_as_needed.py.)"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import RUN_TIMEOUT, _no_core, run_env, tool_env

GC = "-Wl,--gc-sections"
CASES = {
    "u-gc": ["-Wl,-u,foo", GC],
    "u-no-gc": ["-Wl,-u,foo"],
    "require-defined": ["-Wl,--require-defined,foo"],
    "require-defined-gc": ["-Wl,--require-defined,foo", GC],
    "require-defined-missing": ["-Wl,--require-defined,nosuch"],
    "shared-u-gc": ["-shared", "-Wl,-u,foo", GC],
}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("ushared")
    (d / "so.c").write_text("int foo(int a) { return a * 3; }\n")
    (d / "main.c").write_text("int main(void) { return 0; }\n")
    for cmd in (["gcc", "-fuse-ld=bfd", "-shared", "-fPIC", "-O2", "so.c", "-o", "libso.so"],
                ["gcc", "-c", "-O2", "-fPIC", "-ffunction-sections", "main.c", "-o", "main.o"]):
        subprocess.run(cmd, cwd=d, env=tool_env(), check=True, capture_output=True)
    return d


def _foo(view: str, table: str) -> list[str]:
    part = view.split(f"Symbol table '{table}'")
    if len(part) < 2:
        return []
    part = part[1].split("Symbol table '")[0]
    return sorted(" ".join(ln.split()[3:]) for ln in part.splitlines() if re.search(r"\sfoo(@\S*)?$", ln))


def _link(root: Path, lddir: str, linker: str, case: str) -> tuple:
    d = root / linker / case
    d.mkdir(parents=True, exist_ok=True)
    args = CASES[case]
    out = d / ("lib.so" if "-shared" in args else "prog")
    ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{lddir}/"]
    inputs = [] if "-shared" in args else [str(root / "main.o")]
    opts = [a for a in args if a != GC]
    cmd = ["gcc", *ld, "-Wl,--no-as-needed", *inputs, f"-L{root}", *opts, "-lso",
           *([GC] if GC in args else []), f"-Wl,-rpath,{root}", "-o", str(out)]
    p = subprocess.run(cmd, cwd=d, env=tool_env(), capture_output=True, text=True)
    errors = sorted(re.sub(r"^\S*?(ld|ld\.bfd|braze): (error: )?", "", ln) for ln in p.stderr.splitlines()
                    if "required symbol" in ln)
    if p.returncode != 0:
        return p.returncode != 0, errors, out.exists()
    view = subprocess.run(["readelf", "-W", "--dyn-syms", "-s", "-d", str(out)], capture_output=True,
                          text=True, check=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.*)\]", view)
    ran = None
    if "-shared" not in args:
        r = subprocess.run([str(out)], cwd=d, env=run_env(d, {}), capture_output=True, text=True,
                           timeout=RUN_TIMEOUT, preexec_fn=_no_core)
        ran = (r.returncode, r.stdout, r.stderr)
    return False, errors, _foo(view, ".dynsym"), _foo(view, ".symtab"), needed, ran


@pytest.mark.parametrize("case", list(CASES))
def test_u_shared_def(root, braze_lddir, case):
    bfd = _link(root, braze_lddir, "bfd", case)
    braze = _link(root, braze_lddir, "braze", case)
    assert braze == bfd
    if case == "require-defined-missing":
        assert bfd == (True, ["required symbol `nosuch' not defined"], False)
    else:
        assert bfd[2] and bfd[3], "bfd imports foo"
