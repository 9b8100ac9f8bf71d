"""A shared library named first under --as-needed (and not needed then), then again without
--as-needed, against ld.bfd 2.40. bfd forgets an unneeded --as-needed library, so the later plain
mention loads it afresh: it gets a DT_NEEDED entry at that later place in the list, under the later
mention's name when it has no DT_SONAME. braze kept the first, dead copy and dropped the library
(found by gfortran -static-libgfortran, whose driver passes `--as-needed … -lm … --no-as-needed -lm`:
bfd's program needed libm.so.6, braze's did not).
Compared: the dynamic tags with NEEDED names in order (readelf -d), the version needs (readelf -V's
.gnu.version_r part) and the program's output."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

LIB_A = "int fa(void) { return 1; }\n"
LIB_B = "int fb(void) { return 2; }\n"
USE_A = "int fa(void);\nint use_a(void) { return fa(); }\n"
MAIN = '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n'

# the link's library part, after main.o (x.o refers to fa)
CASES = {
    "lib-again": ["-Wl,--as-needed", "-lA", "-Wl,--no-as-needed", "-lB", "-lA"],
    "path-again": ["-Wl,--as-needed", "-lA", "-Wl,--no-as-needed", "-lB", "./libA.so"],
    "path-then-lib": ["-Wl,--as-needed", "./libA.so", "-Wl,--no-as-needed", "-lB", "-lA"],
    "both-as-needed-first": ["-Wl,--as-needed", "-lA", "-lB", "-Wl,--no-as-needed", "-lA"],
    "soname-other-copy": ["-Wl,--as-needed", "./libAs.so", "-Wl,--no-as-needed", "-lB", "sub/libAs.so"],
    "soname-same-path": ["-Wl,--as-needed", "sub/libAs.so", "-Wl,--no-as-needed", "-lB", "sub/libAs.so"],
    "group": ["-Wl,--start-group", "-Wl,--as-needed", "-lA", "-Wl,--no-as-needed", "-lB", "-lA",
              "-Wl,--end-group"],
    "needed-later-as-needed": ["-Wl,--as-needed", "-lA", "x.o", "-Wl,--no-as-needed", "-lB",
                               "-Wl,--as-needed", "-lA"],
    "alive-first": ["-lB", "-lA", "-Wl,--as-needed", "-lA", "-Wl,--no-as-needed", "-lA"],
    "libm-script": ["-Wl,--as-needed", "-lm", "-Wl,--no-as-needed", "-lm"],
}


def _readelf(*args) -> str:
    return subprocess.run(["readelf", "-W", *map(str, args)], capture_output=True, text=True,
                          env=tool_env(), check=True).stdout


def _view(path) -> tuple[list[str], list[str]]:
    tags = []
    for m in re.finditer(r"^\s*0x[0-9a-f]+\s+\((\w+)\)[ \t]*(.*)$", _readelf("-d", path), re.M):
        tag, val = m.groups()
        tags.append(tag + (" " + val.strip() if tag == "NEEDED" else ""))
    v = _readelf("-V", path)
    need = v[v.find("'.gnu.version_r'"):] if "'.gnu.version_r'" in v else ""
    rows = [re.sub(r"^\s*0x[0-9a-f]+:|^\s*0+:", "", ln).strip() for ln in need.splitlines()[2:]]
    return tags, rows


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("asneededrepeat"), braze_lddir)
    for name, text in (("a.c", LIB_A), ("b.c", LIB_B), ("x.c", USE_A), ("main.c", MAIN)):
        (w.root / name).write_text(text)
    (w.root / "sub").mkdir()
    w.run(["gcc", "-O2", "-fPIC", "-c", "a.c", "b.c"])
    w.run(["gcc", "-O2", "-fPIE", "-c", "x.c", "main.c"])
    w.run(["gcc", "-shared", "-fuse-ld=bfd", "-o", "libA.so", "a.o"])
    w.run(["gcc", "-shared", "-fuse-ld=bfd", "-o", "libB.so", "b.o"])
    w.run(["gcc", "-shared", "-fuse-ld=bfd", "-Wl,-soname,libA.so.1", "-o", "libAs.so", "a.o"])
    w.run(["cp", "libAs.so", "sub/libAs.so"])
    w.run(["cp", "libAs.so", "libA.so.1"])        # (what the programs load at run time)
    return w


@pytest.mark.parametrize("case", sorted(CASES))
def test_as_needed_repeat_vs_bfd(work, case):
    res = {}
    for linker in ("bfd", "test"):
        exe = f"main-{case}-{linker}"
        work.run(["gcc", *work.ld(linker), "-pie", "-o", exe, "main.o", "-L.", "-Wl,--no-as-needed",
                  *CASES[case]])
        ran = work.run([f"./{exe}"], env=tool_env({"LD_LIBRARY_PATH": f"{work.root}:{work.root}/sub"}))
        res[linker] = (*_view(work.root / exe), ran.stdout)
    assert res["test"] == res["bfd"]
