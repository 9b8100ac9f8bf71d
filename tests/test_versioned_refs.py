"""A library's reference to a given version of a function (`.symver foo_old, foo@V1`), against ld.bfd:
linked with the library that defines the versions, it needs V1 (and the program calls the old
function); linked with nothing that defines `foo`, it is bfd's error ("no symbol version section for
versioned symbol `foo@V1'"). braze linked the latter with a plain `foo` reference, so the loader bound
the default version and the library called the new function (found by tests/progen.py).
Compared: link status and message, the needed versions, the program's output."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import BuildDir, tool_env

SRC = Path(__file__).resolve().parent / "c" / "verref"


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    b = BuildDir(tmp_path_factory.mktemp("verref"), braze_lddir)
    for f in ("ref", "def"):
        b.run(["gcc", "-O1", "-fPIC", "-c", SRC / f"{f}.c", "-o", f"{f}.o"])
    b.run(["gcc", "-fuse-ld=bfd", "-shared", "def.o", f"-Wl,--version-script={SRC / 'def.map'}", "-o", "libvdef.so"])
    return b


def _message(stderr: str) -> str | None:
    for line in stderr.splitlines():
        m = re.match(r"(?:\S*ld\.bfd|braze): (?:error: )?(.*)", line)
        if m:
            return m.group(1).replace("-bfd.so", ".so").replace("-test.so", ".so")
    return None


def test_versioned_reference_without_definition_vs_bfd(work):
    res = []
    for linker in ("bfd", "test"):
        p = work.run(["gcc", *work.ld(linker), "-shared", "ref.o", "-o", f"libvref-{linker}.so"], check=False)
        res.append((p.returncode, _message(p.stderr), (work.root / f"libvref-{linker}.so").exists()))
    assert res[0] == (1, "libvref.so: no symbol version section for versioned symbol `foo@V1'", False)
    assert res[1] == res[0]


def _needed_versions(path) -> list[str]:
    out = subprocess.run(["readelf", "-VW", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    return sorted(re.findall(r"Name: (V\d)\s+Flags", out))


def test_versioned_reference_with_definition_vs_bfd(work):
    work.run(["gcc", "-O1", "-c", SRC / "main.c", "-o", "main.o"])
    res = []
    for linker in ("bfd", "test"):
        lib = work.root / f"libvref2-{linker}.so"
        work.run(["gcc", *work.ld(linker), "-shared", "ref.o", "-L.", "-lvdef", f"-Wl,-rpath,{work.root}",
                  "-o", lib])
        exe = work.root / f"vref-{linker}"
        work.run(["gcc", *work.ld(linker), "main.o", lib, "-L.", "-lvdef", f"-Wl,-rpath,{work.root}", "-o", exe])
        run = subprocess.run([str(exe)], capture_output=True, text=True)
        res.append((run.returncode, run.stdout, _needed_versions(lib)))
    assert res[0] == (0, "101 201\n", ["V1", "V2"])
    assert res[1] == res[0]
