"""When no input has a .note.gnu.property and an option makes one (-z force-bti, -z ibt/shstk),
bfd makes it in the last object: that object's locals come first in .symtab (where the note is in
the output), and with -z force-bti its warning comes first, then the others' in input order (the
first noted object likewise when it lacks BTI). braze kept input order for both.

Compared with ld.bfd of each machine: stderr (program name removed) and the FILE symbols' order."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import tool_env

A64 = "aarch64-linux-gnu-"

# (prefix, driver: "ld" direct or "gcc", arguments)
CASES = {
    "a64-static-none": (A64, "ld", ["-static", "-e", "f_a", "na.o", "nb.o", "nc.o", "-z", "force-bti"]),
    "a64-static-pac-second": (A64, "ld", ["-static", "-e", "f_a", "na.o", "pc.o", "nb.o", "-z", "force-bti"]),
    "a64-static-pac-first": (A64, "ld", ["-static", "-e", "f_a", "pc.o", "na.o", "nb.o", "-z", "force-bti"]),
    "a64-static-bti-first": (A64, "ld", ["-static", "-e", "f_a", "ba.o", "nb.o", "nc.o", "-z", "force-bti"]),
    "a64-dyn-lib-last": (A64, "ld", ["-e", "f_a", "na.o", "nb.o", "libnd.so", "-z", "force-bti",
                                     "--dynamic-linker", "/x"]),
    "a64-pie-lib-middle": (A64, "ld", ["-pie", "-e", "f_a", "na.o", "libnd.so", "nb.o", "nc.o", "-z", "force-bti",
                                       "--dynamic-linker", "/x"]),
    "a64-gcc-shared": (A64, "gcc", ["-shared", "-nostdlib", "na.o", "nb.o", "nc.o", "-Wl,-z,force-bti"]),
    "x86-static-ibt": ("", "ld", ["-static", "-e", "f_a", "na.o", "nb.o", "nc.o", "-z", "ibt"]),
    "x86-static-shstk": ("", "ld", ["-static", "-e", "f_a", "na.o", "nb.o", "-z", "shstk"]),
    "x86-dyn-ibt": ("", "ld", ["-e", "f_a", "na.o", "nb.o", "libnd.so", "-z", "ibt", "--dynamic-linker", "/x"]),
}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("notehome")
    env = tool_env()
    for n in "abcd":
        (d / f"n{n}.c").write_text(f"int f_{n}(void) {{ return 1; }}\n")
    for pre in ("", A64):
        if not shutil.which(pre + "gcc"):
            continue
        sub = d / (pre or "x86")
        sub.mkdir()
        if pre:
            flags = {"n": "-mbranch-protection=none", "b": "-mbranch-protection=standard",
                     "p": "-mbranch-protection=pac-ret"}
        else:
            flags = {"n": "-fcf-protection=none", "b": "-fcf-protection", "p": "-fcf-protection=none"}
        for n in "abcd":
            for k, f in flags.items():
                subprocess.run([pre + "gcc", "-O2", "-fPIC", f, "-c", f"../n{n}.c", "-o", f"{k}{n}.o"], cwd=sub,
                               check=True, env=env)
        subprocess.run([pre + "gcc", "-fuse-ld=bfd", "-shared", "nd.o", "-o", "libnd.so"], cwd=sub, check=True,
                       env=env)
    return d


def _files(pre: str, path: Path) -> list[str]:
    out = subprocess.run([pre + "readelf", "-sW", str(path)], capture_output=True, text=True,
                         env=tool_env()).stdout.partition("Symbol table '.symtab'")[2]
    return [ln.split()[7] if len(ln.split()) > 7 else "" for ln in out.splitlines() if " FILE " in ln]


@pytest.mark.parametrize("case", sorted(CASES))
def test_note_home(root, braze_lddir, direct_ld, tmp_path, case):
    pre, driver, args = CASES[case]
    sub = root / (pre or "x86")
    if not sub.exists():
        pytest.skip(f"no {pre}gcc")
    res = {}
    for name in ("bfd", "braze"):
        out = tmp_path / f"out-{name}"
        if driver == "ld":
            cmd = [pre + "ld.bfd"] if name == "bfd" else direct_ld
        else:
            cmd = [pre + "gcc", "-fuse-ld=bfd" if name == "bfd" else f"-B{braze_lddir}/"]
        p = subprocess.run([*cmd, *args, "-o", str(out)], cwd=sub, capture_output=True, text=True, env=tool_env())
        assert p.returncode == 0, (name, p.stderr)
        err = [re.sub(r"^\S*?(ld|ld\.bfd|braze|collect2): ", "", ln) for ln in p.stderr.splitlines()]
        res[name] = err, _files(pre, out)
    assert res["bfd"][1], res["bfd"]
    assert res["braze"] == res["bfd"], f"bfd:  {res['bfd']}\ntest: {res['braze']}"
