"""An input's .note.gnu.build-id in a final link: bfd discards every input note (an object made by
`ld -r --build-id` carries one), so the output holds only its own note with --build-id, and none
without.  braze kept the input's: two notes (the stale one first) with --build-id, the stale one
alone without; also for a fat LTO object linked without -flto.  Compared with ld.bfd: the output's
section names and its NT_GNU_BUILD_ID notes' sizes (readelf), executables, PIE, -shared, -static
and a -T script placing the note."""
from __future__ import annotations

import re

import pytest

from harness import BuildDir

MAIN_C = '#include <stdio.h>\nint f(int);\nint main(void) { printf("%d\\n", f(3)); return 0; }\n'
F_C = "int f(int x) { return x * 2; }\n"
START_C = "void _start(void) { for (;;); }\n"
SCRIPT = ("SECTIONS { . = 0x400000 + SIZEOF_HEADERS; .note.gnu.build-id : { *(.note.gnu.build-id) }\n"
          "  .text : { *(.text*) } /DISCARD/ : { *(.eh_frame) } }\n")

CASES = {
    "pie-default": [],                      # (Debian's gcc passes --build-id)
    "build-id-none": ["-Wl,--build-id=none"],
    "build-id-md5": ["-Wl,--build-id=md5"],
    "no-pie": ["-no-pie", "-Wl,--build-id=0x1234"],
    "static": ["-static"],
}


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> BuildDir:
    b = BuildDir(tmp_path_factory.mktemp("bidin"), braze_lddir)
    (b.root / "main.c").write_text(MAIN_C)
    (b.root / "f.c").write_text(F_C)
    (b.root / "start.c").write_text(START_C)
    (b.root / "bid.ld").write_text(SCRIPT)
    b.run(["gcc", "-O2", "-fPIC", "-c", "main.c", "f.c", "start.c"])
    b.run(["ld.bfd", "-r", "--build-id", "start.o", "-o", "startr.o"])
    b.run(["ld.bfd", "-r", "--build-id", "main.o", "f.o", "-o", "r.o"])
    b.run(["gcc", "-O2", "-fPIC", "-flto", "-ffat-lto-objects", "-c", "f.c", "-o", "fat.o"])
    b.run(["ld.bfd", "-r", "--build-id=md5", "fat.o", "-o", "fatr.o"])
    assert "Build ID" in b.run(["readelf", "-n", "r.o"]).stdout
    return b


def _shape(b: BuildDir, path) -> tuple:
    secs = re.findall(r"^\s*\[\s*\d+\]\s+(\S+)", b.run(["readelf", "-SW", path]).stdout, re.M)
    notes = re.findall(r"(0x[0-9a-f]+)\s+NT_GNU_BUILD_ID", b.run(["readelf", "-nW", path]).stdout)
    return secs, notes


def _both(b: BuildDir, name: str, args: list[str]) -> dict:
    got = {}
    for who in ("bfd", "test"):
        out = b.root / f"{name}-{who}"
        b.run(["gcc", *b.ld(who), *args, "-o", out])
        got[who] = _shape(b, out)
        if "-shared" not in args:
            got[who] += (b.run([out]).stdout,)
    return got


@pytest.mark.parametrize("case", list(CASES))
def test_input_build_id_dropped(build, case):
    got = _both(build, case, ["r.o", *CASES[case]])
    assert got["test"] == got["bfd"]


@pytest.mark.parametrize("bid", ["--build-id", "--build-id=none"])
def test_input_build_id_dropped_shared(build, bid):
    got = _both(build, f"so{bid}", ["-shared", "r.o", f"-Wl,{bid}"])
    assert got["test"] == got["bfd"]


@pytest.mark.parametrize("lto", ["-fno-lto", "-flto"])
def test_fat_lto_object_with_a_note(build, lto):
    got = _both(build, f"fat{lto}", ["-O2", lto, "main.o", "fatr.o"])
    assert got["test"] == got["bfd"]


@pytest.mark.parametrize("bid", [[], ["--build-id"], ["--build-id=md5"]])
def test_input_build_id_dropped_with_script(build, bid):
    got = {}
    for who, ld in (("bfd", "ld.bfd"), ("test", f"{build.lddir}/ld")):
        out = build.root / f"script{len(bid)}{''.join(bid)}-{who}"
        build.run([ld, "-T", "bid.ld", *bid, "startr.o", "-o", out])
        got[who] = _shape(build, out)
    assert got["test"] == got["bfd"]
