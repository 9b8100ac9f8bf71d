"""A library's STB_GNU_UNIQUE object (a C++ template static member, as libstdc++'s facet `id`s)
that an executable copies in (R_X86_64_COPY): ld.bfd 2.40 writes it GLOBAL in `.dynsym` and
`.symtab` -- UNIQUE only when a regular object defines the symbol -- and the ELF header's OS/ABI stays
SysV. braze wrote it UNIQUE and marked the output ELFOSABI_GNU (found by libstdc++'s locale tests).
Compared: the symbol's rows (binding, type, size) in both tables, EI_OSABI and the program's output."""
from __future__ import annotations

import platform
import re
import subprocess

import pytest

from harness import BuildDir, tool_env

pytestmark = pytest.mark.skipif(platform.machine() != "x86_64", reason="x86-64 copy relocations")

LIB = ("template<class T> struct S { static int id; };\n"
       "template<class T> int S<T>::id = 3;\n"
       "template struct S<int>;\n"
       "int bump() { return ++S<int>::id; }\n")
MAIN = ("#include <cstdio>\n"
        "template<class T> struct S { static int id; };\n"
        "int bump();\n"
        "int main() { S<int>::id += 10; int b = bump(); std::printf(\"%d %d\\n\", S<int>::id, b); }\n")
NAME = "_ZN1SIiE2idE"


def _view(path) -> tuple:
    out = subprocess.run(["readelf", "-W", "-h", "-s", "--dyn-syms", str(path)], capture_output=True,
                         text=True, env=tool_env(), check=True).stdout
    osabi = re.search(r"OS/ABI:\s+(.*)", out)[1].strip()
    rows = sorted(re.findall(r"^\s*\d+:\s+\S+\s+(\d+)\s+(\S+)\s+(\S+)\s+\S+\s+(\S+)\s+" + NAME + r"\b",
                             out, re.M))
    relocs = subprocess.run(["readelf", "-W", "-r", str(path)], capture_output=True, text=True,
                            env=tool_env(), check=True).stdout
    return osabi, rows, bool(re.search(r"R_X86_64_COPY\s+\S+\s+" + NAME, relocs))


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("copyuniq"), braze_lddir)
    (w.root / "lib.cc").write_text(LIB)
    (w.root / "main.cc").write_text(MAIN)
    w.run(["g++", "-O2", "-fPIC", "-shared", "-fuse-ld=bfd", "-o", "libU.so", "lib.cc"])
    w.run(["g++", "-O2", "-c", "main.cc"])
    w.run(["g++", "-O2", "-fno-pie", "-c", "main.cc", "-o", "main_nopie.o"])
    return w


@pytest.mark.parametrize("mode", ["pie", "nopie"])
def test_copied_unique_symbol_is_global_vs_bfd(work, mode):
    res = {}
    for linker in ("bfd", "test"):
        exe = f"{mode}-{linker}"
        flags, obj = ([], "main.o") if mode == "pie" else (["-no-pie"], "main_nopie.o")
        work.run(["g++", *work.ld(linker), *flags, "-o", exe, obj, "-L.", "-lU", "-Wl,-rpath,$ORIGIN"])
        res[linker] = (_view(work.root / exe), work.run([f"./{exe}"]).stdout)
    assert res["bfd"][0][2], "bfd made no copy relocation: the case is not exercised"
    assert res["bfd"][1] == "14 14\n"
    assert res["test"] == res["bfd"]
