"""x86-64 `.eh_frame`: a CIE none of whose FDEs is kept is dropped, as ld.bfd 2.40 does
(elf-eh-frame.c: every entry starts removed; find_merged_cie revives the CIE of each kept FDE).
Found by libstdc++'s testsuite (-ffunction-sections, -Wl,--gc-sections): a C++ function with a
try/catch (its CIE "zPLR" names the personality) that --gc-sections collects left braze's output
with that CIE and no FDE using it (32 bytes more than bfd's). braze dropped such CIEs on aarch64 only.
Compared: readelf's decoded .eh_frame (every CIE and FDE), the .eh_frame/.eh_frame_hdr sizes and the
program's output, over PIE / -no-pie / -static / -static-pie, with and without --gc-sections
(-static-pie: CIE count and sizes only). With --gc-sections and -static the dropped CIE's identical
twin in libstdc++ must become the kept copy, in its own place, as in bfd (CIEs registered lazily)."""
from __future__ import annotations

import platform
import re
import subprocess

import pytest

from harness import BuildDir, tool_env

pytestmark = pytest.mark.skipif(platform.machine() != "x86_64", reason="x86-64 default of the seam")

SRC = """\
#include <cstdio>
void g(int);
void unused(int x) { try { g(x); } catch (int) { std::puts("caught"); } }
int main() { std::puts("hi"); return 0; }
void g(int x) { if (x) throw x; }
"""


def _view(path) -> tuple:
    def ro(*a):
        return subprocess.run(["readelf", "-W", *a, str(path)], capture_output=True, text=True,
                              env=tool_env(), check=True).stdout
    frames = ro("--debug-dump=frames")
    frames = frames[frames.index("Contents of the .eh_frame section"):]
    sizes = re.findall(r"\]\s+(\.eh_frame(?:_hdr)?)\s+\S+\s+\S+\s+\S+\s+([0-9a-f]+)", ro("-S"))
    return frames.count(" CIE"), sizes, frames


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("ehcie"), braze_lddir)
    (w.root / "a.cc").write_text(SRC)
    w.run(["g++", "-O2", "-ffunction-sections", "-c", "a.cc"])
    return w


@pytest.mark.parametrize("gc", [False, True], ids=["nogc", "gc"])
@pytest.mark.parametrize("mode", ["pie", "-no-pie", "-static", "-static-pie"])
def test_unused_cie_dropped_vs_bfd(work, mode, gc):
    res = {}
    for linker in ("bfd", "test"):
        exe = f"{mode.strip('-')}{'-gc' if gc else ''}-{linker}"
        work.run(["g++", *work.ld(linker), *([] if mode == "pie" else [mode]),
                  *(["-Wl,--gc-sections"] if gc else []), "-o", exe, "a.o"])
        res[linker] = (_view(work.root / exe), work.run([f"./{exe}"]).stdout)
    assert res["bfd"][1] == "hi\n"
    assert res["test"][0][:2] == res["bfd"][0][:2]
    if mode != "-static-pie":   # (there bfd's extra unnamed PLT entry for the relaxed
        assert res["test"] == res["bfd"]     # __tls_get_addr call moves .text: pc= values differ)
