"""__start_X/__stop_X when a library the link uses exports them too, against ld.bfd: a module with
sections named X defines its own (bfd redefines a dynamic definition, bfd_elf_define_start_stop), so the
program walks its own X. braze bound the program's references to the library's symbols: a PIE walked
the library's section (wrong values), a non-PIE failed with a copy-relocation error against the
library's protected __start_X. Found by tests/progen.py. Compared: the output, and the program's
__start_gset rows in .dynsym and .symtab (type, binding, visibility, defined)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness import BuildDir, tool_env

SRC = Path(__file__).resolve().parent / "c" / "startstop_dso"


def _defined(path, name: str) -> list[tuple]:
    """The .dynsym and .symtab rows of `name`: type, binding, visibility, defined or not."""
    out = subprocess.run(["readelf", "-sW", "--dyn-syms", str(path)], capture_output=True, text=True,
                         env=tool_env(), check=True).stdout
    return [(f[3], f[4], f[5], f[6] != "UND") for f in (line.split() for line in out.splitlines())
            if f[-1:] == [name]]


@pytest.mark.parametrize("mode", [("-fno-pie", "-no-pie"), ("-fpie", "-pie")], ids=["nopie", "pie"])
def test_own_start_stop_vs_bfd(tmp_path, braze_lddir, mode):
    b = BuildDir(tmp_path, braze_lddir)
    b.run(["gcc", "-O1", "-fPIC", "-c", SRC / "lib.c", "-o", "lib.o"])
    b.run(["gcc", "-O1", mode[0], "-c", SRC / "main.c", "-o", "main.o"])
    res = []
    for linker in ("bfd", "test"):
        lib = tmp_path / f"libss-{linker}.so"
        b.run(["gcc", *b.ld(linker), "-shared", "lib.o", "-o", lib])
        out = tmp_path / f"ss-{linker}"
        b.run(["gcc", *b.ld(linker), mode[1], "main.o", lib, f"-Wl,-rpath,{tmp_path}", "-o", out])
        run = subprocess.run([str(out)], capture_output=True, text=True)
        res.append((run.returncode, run.stdout, _defined(out, "__start_gset")))
    assert res[0][:2] == (0, "main 1 7 lib 300\n")
    assert res[1] == res[0]
