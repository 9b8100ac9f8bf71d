"""LTO links and --as-needed libraries, and the -Map lines of archive members the plugin claimed.
- A reference that only the plugin's IR makes does not make an --as-needed library needed for a
  *versioned* definition (bfd): libstdc++'s __gxx_personality_v0@@CXXABI_1.3 in every C++ object's
  IR symbol table, or a versioned function the compiled code no longer calls.  The rescan after LTO
  decides on the compiled code's references.  An unversioned definition still makes it needed (bfd
  too).  braze kept such libraries in DT_NEEDED (aarch64's cross g++ passes --as-needed, so every
  C++ LTO program there needed libstdc++.so.6).
- bfd's "Archive member included" section names a claimed member `lib.a(m.o)` and the IR file
  whose reference loaded it; braze printed `m.o (symbol from plugin)` and no referencing file.
Compared with ld.bfd: DT_NEEDED lists in order, the map's first section."""
from __future__ import annotations

import re

import pytest

from elfrows import tool

LIB = "int libfunc(void) { return 7; }\nint otherf(void) { return 1; }\n"
IR_ONLY = "int libfunc(void);\nint helper(void) { return libfunc(); }\nint main(void) { return 0; }\n"
REGULAR = "int libfunc(void);\nint r(void) { return libfunc(); }\n"
CXX = """#include <cstdio>
struct G { ~G() { std::puts("d"); } };
void ext(int);
int helper(int x) { G g; ext(x); return 0; }
int main() { return 0; }
void ext(int) {}
"""


def _needed(path, cwd) -> list[str]:
    return re.findall(r"\(NEEDED\)\s+Shared library: \[(.*)\]", tool(["readelf", "-d", path], cwd))


def _both(tmp_path, braze_lddir, driver, args) -> dict:
    got = {}
    for who, how in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        tool([driver, *how, "-flto", "-O2", *args, "-o", who], tmp_path)
        got[who] = _needed(who, tmp_path)
    return got


@pytest.fixture
def libs(tmp_path):
    (tmp_path / "lib.c").write_text(LIB)
    (tmp_path / "v.map").write_text("V1 { global: libfunc; otherf; local: *; };\n")
    tool(["gcc", "-fPIC", "-shared", "lib.c", "-Wl,--version-script=v.map", "-o", "libxv.so"], tmp_path)
    tool(["gcc", "-fPIC", "-shared", "lib.c", "-o", "libxs.so"], tmp_path)
    (tmp_path / "m.c").write_text(IR_ONLY)
    (tmp_path / "reg.c").write_text(REGULAR)
    tool(["gcc", "-flto", "-O2", "-c", "m.c"], tmp_path)
    tool(["gcc", "-O2", "-c", "reg.c"], tmp_path)
    return tmp_path


@pytest.mark.parametrize("lib", ["xv", "xs"])
def test_ir_only_reference(libs, braze_lddir, lib):
    got = _both(libs, braze_lddir, "gcc", ["m.o", "-Wl,--as-needed", "-L.", f"-l{lib}"])
    assert got["bfd"] and got["braze"] == got["bfd"]


@pytest.mark.parametrize("objs", [["m.o", "reg.o"], ["reg.o", "m.o"]])
@pytest.mark.parametrize("order", [["-lxv", "-lxs"], ["-lxs", "-lxv"]])
def test_ir_and_regular_reference(libs, braze_lddir, objs, order):
    got = _both(libs, braze_lddir, "gcc", [*objs, "-Wl,--as-needed", "-L.", *order])
    assert got["bfd"][-1] == "libc.so.6" and got["braze"] == got["bfd"]


def test_cxx_personality(tmp_path, braze_lddir):
    (tmp_path / "e.cc").write_text(CXX)
    tool(["g++", "-flto", "-O2", "-c", "e.cc"], tmp_path)
    got = _both(tmp_path, braze_lddir, "g++", ["e.o", "-Wl,--as-needed"])
    assert got["bfd"] == ["libc.so.6"] and got["braze"] == got["bfd"]


def _first_section(path) -> list[str]:
    """The map's "Archive member included" section: its title and rows."""
    head = "\n\n".join(path.read_text().split("\n\n")[:2])
    return [re.sub(r"/tmp/\S+\.ltrans\d*\.ltrans\.o", "LTRANS", line) for line in head.splitlines()]


def test_map_names_claimed_members(tmp_path, braze_lddir):
    (tmp_path / "a.c").write_text("int fa(void) { return 1; }\n")
    (tmp_path / "b.c").write_text("int fb(void);\nint gb(void) { return fb() + 1; }\n")
    (tmp_path / "c.c").write_text("int fb(void) { return 2; }\n")
    (tmp_path / "main.c").write_text("int fa(void);\nint gb(void);\n"
                                     "int main(void) { return fa() + gb() - 4; }\n")
    for f in "abc":
        tool(["gcc", "-flto", "-O2", "-c", f"{f}.c"], tmp_path)
    tool(["gcc", "-flto", "-O2", "-c", "main.c"], tmp_path)
    tool(["gcc-ar", "rcs", "libm1.a", "a.o", "b.o"], tmp_path)
    tool(["gcc-ar", "rcs", "libm2.a", "c.o"], tmp_path)
    got = {}
    for who, how in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        tool(["gcc", *how, "-flto", "-O2", "main.o", "-L.", "-lm1", "-lm2", "-o", who,
              f"-Wl,-Map,{who}.map"], tmp_path)
        got[who] = _first_section(tmp_path / f"{who}.map")
    assert any("libm1.a(b.o)" in line for line in got["bfd"])
    assert got["braze"] == got["bfd"]
