"""A library's data known by several names, copied into a program, against ld.bfd 2.40: each global
name gets a copy of its own; a weak alias shares the copy of the global name at its address (bfd's
weakdef ring). braze gave every name at the address one copy, so the program and the library then
saw other values than with bfd (found by tests/progen.py). And the local-dynamic model forced on
another module's thread-local (`-ftls-model=local-dynamic` on an extern variable): bfd's error when
a library of the link defines it; when nothing does yet (a library linked on its own) bfd writes a
meaningless offset and braze refuses that too.
Compared: the program's output, the copy relocations' names, the link status and message."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import BuildDir, tool_env

SRC = Path(__file__).resolve().parent / "c" / "copyalias"


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    b = BuildDir(tmp_path_factory.mktemp("copyalias"), braze_lddir)
    b.run(["gcc", "-O1", "-fPIC", "-c", SRC / "lib.c", "-o", "lib.o"])
    b.run(["gcc", "-O1", "-fPIC", "-ftls-model=local-dynamic", "-c", SRC / "ld_use.c", "-o", "ld_use.o"])
    b.run(["gcc", "-O1", "-fPIC", "-c", SRC / "ld_def.c", "-o", "ld_def.o"])
    b.run(["gcc", "-fuse-ld=bfd", "-shared", "ld_def.o", "-o", "libtv.so"])
    return b


def _copies(path) -> list[str]:
    out = subprocess.run(["readelf", "-rW", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    return sorted(line.split()[4] for line in out.splitlines() if "_COPY" in line)


@pytest.mark.parametrize("mode", [("-fno-pie", "-no-pie"), ("-fpie", "-pie")], ids=["nopie", "pie"])
def test_copied_aliases_vs_bfd(work, mode):
    work.run(["gcc", "-O1", mode[0], "-c", SRC / "main.c", "-o", f"main{mode[0]}.o"])
    res = []
    for linker in ("bfd", "test"):
        lib = work.root / f"libca{mode[0]}-{linker}.so"
        work.run(["gcc", *work.ld(linker), "-shared", "lib.o", "-o", lib])
        out = work.root / f"ca{mode[0]}-{linker}"
        work.run(["gcc", *work.ld(linker), mode[1], f"main{mode[0]}.o", lib, f"-Wl,-rpath,{work.root}", "-o", out])
        run = subprocess.run([str(out)], capture_output=True, text=True)
        res.append((run.returncode, run.stdout, _copies(out)))
    assert res[0][0] == 0 and "eq 1 1 1 0 1" in res[0][1]       # two copies of `base`, one of `solo`
    assert res[1] == res[0]


def _message(stderr: str) -> str | None:
    for line in stderr.splitlines():
        m = re.match(r"(?:\S*ld\.bfd|braze): (?:error: )?(.*)", line)
        if m:
            return m.group(1)
    return None


@pytest.mark.parametrize("how", ["shared-with-def", "exe-with-def", "shared-alone"])
def test_local_dynamic_of_other_module(work, how):
    res = []
    for linker in ("bfd", "test"):
        out = work.root / f"ld-{how}-{linker}"
        if how == "shared-with-def":
            cmd = ["-shared", "ld_use.o", "-L.", "-ltv"]
        elif how == "exe-with-def":
            (work.root / "m.c").write_text("int get_tv(void);\nint main(void) { return get_tv(); }\n")
            cmd = ["m.c", "ld_use.o", "-L.", "-ltv"]
        else:
            cmd = ["-shared", "ld_use.o"]
        p = work.run(["gcc", *work.ld(linker), *cmd, "-o", out], check=False)
        res.append((p.returncode, _message(p.stderr)))
    want = "ld_use.o(.text+0x12): unresolvable R_X86_64_DTPOFF32 relocation against symbol `tv'"
    if how == "shared-alone":
        assert res[0] == (0, None)          # bfd: no diagnostic, a meaningless offset in the library
        assert res[1] == (1, want)
    else:
        assert res[0] == (1, want)
        assert res[1] == res[0]
