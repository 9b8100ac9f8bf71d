"""`__tls_get_addr` in an x86-64 executable's `.symtab` under --gc-sections, against ld.bfd 2.40
(found by libstdc++'s testsuite linked -static -Wl,--gc-sections: eh_globals.o's relaxed GD call).
When every general-dynamic call is relaxed and nothing defines `__tls_get_addr`, bfd writes no symbol
for it -- unless --gc-sections is on and a kept section still holds the (rewritten) call: then bfd
keeps it as an undefined GLOBAL. braze omitted it in both cases.
Compared: the `.symtab` rows naming `__tls_get_addr` (type, binding, visibility, section index),
with and without --gc-sections, the TLS user kept or collected, and the program's output."""
from __future__ import annotations

import platform
import re
import subprocess

import pytest

from harness import BuildDir, tool_env

pytestmark = pytest.mark.skipif(platform.machine() != "x86_64", reason="x86-64 TLS relaxation")

TLS_USE = "extern __thread int tv;\nint get(void) { return tv; }\n"      # -fPIC: general dynamic
MAIN_REF = ('#include <stdio.h>\n__thread int tv = 5;\nint get(void);\n'
            'int main(void) { printf("%d\\n", get()); return 0; }\n')
MAIN_UNREF = ('#include <stdio.h>\n__thread int tv = 5;\n'
              'int main(void) { printf("%d\\n", tv); return 0; }\n')
START = ('int get(void);\nint fb(void);\n__thread int tv = 5;\n'
         'void _start(void) { get(); fb(); for (;;) ; }\n')
LIB = "int fb(void) { return 2; }\n"


def _tga_rows(path) -> list:
    out = subprocess.run(["readelf", "-W", "-s", str(path)], capture_output=True, text=True,
                         env=tool_env(), check=True).stdout
    return sorted(tuple(m) for m in re.findall(
        r"^\s*\d+:\s+\S+\s+\d+\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+__tls_get_addr$", out, re.M))


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("tlsgc"), braze_lddir)
    for name, text in (("tls_use.c", TLS_USE), ("main_ref.c", MAIN_REF), ("main_unref.c", MAIN_UNREF),
                       ("start.c", START), ("lib.c", LIB)):
        (w.root / name).write_text(text)
    w.run(["gcc", "-O2", "-fPIC", "-ffunction-sections", "-c", "tls_use.c"])
    w.run(["gcc", "-O2", "-fPIE", "-c", "main_ref.c", "main_unref.c", "start.c"])
    w.run(["gcc", "-O2", "-fPIC", "-shared", "-fuse-ld=bfd", "-o", "libB.so", "lib.c"])
    return w


@pytest.mark.parametrize("gc", [False, True], ids=["nogc", "gc"])
@pytest.mark.parametrize("main", ["main_ref", "main_unref"])
@pytest.mark.parametrize("mode", ["-static", "-static-pie"])
def test_static_tls_get_addr_symtab_vs_bfd(work, mode, main, gc):
    res = {}
    for linker in ("bfd", "test"):
        exe = f"{main}{mode}{'-gc' if gc else ''}-{linker}"
        work.run(["gcc", *work.ld(linker), mode, *(["-Wl,--gc-sections"] if gc else []), "-o", exe,
                  f"{main}.o", "tls_use.o"])
        res[linker] = (_tga_rows(work.root / exe), work.run([f"./{exe}"]).stdout)
    assert res["test"] == res["bfd"]
    if gc and main == "main_ref":
        assert res["bfd"][0] == [("NOTYPE", "GLOBAL", "DEFAULT", "UND")]     # the case at issue


@pytest.mark.parametrize("gc", [False, True], ids=["nogc", "gc"])
def test_nostdlib_nopie_tls_get_addr_symtab_vs_bfd(work, gc):
    res = {}
    for linker in ("bfd", "test"):
        exe = f"nostdlib-nopie{'-gc' if gc else ''}-{linker}"
        work.run(["gcc", *work.ld(linker), "-nostdlib", "-no-pie", *(["-Wl,--gc-sections"] if gc else []),
                  "-o", exe, "tls_use.o", "start.o", "-L.", "-lB"])
        res[linker] = _tga_rows(work.root / exe)
    assert res["test"] == res["bfd"]
