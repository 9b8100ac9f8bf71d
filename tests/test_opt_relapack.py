""".rela.dyn's entries against ld.bfd, in order (synthetic/relapack.py writes them in a compiled loop):
the RELATIVE ones sorted by address, those apply_relocs made merged with the linker-made ones (GOT
slots of non-relaxable GOTPCREL loads) and their addends read back from the image (pointers at odd
offsets in packed structs too), then the others; DT_RELACOUNT. From the same objects (tests/c/relr_*.c,
shared with test_opt_relr.py): a PIE, a -shared library and the program using it, with relaxed and
non-relaxable GOT loads, each linked by both and run. Each entry is compared as (type, section, offset
in it, and for RELATIVE where its addend points: section and offset)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import RUN_TIMEOUT, _no_core, run_env
from test_opt_relr import Build      # (the same objects and links as test_opt_relr)

VARIANTS = (("relax", ()), ("norelax", ("-Wa,-mrelax-relocations=no",)))


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> Build:
    return Build(tmp_path_factory.mktemp("relapack"), braze_lddir)


def readelf(*args) -> str:
    return subprocess.run(["readelf", "-W", *map(str, args)], capture_output=True, text=True, check=True).stdout


def sections(path) -> list[tuple[str, int, int]]:
    """(name, addr, size) of every allocated section."""
    out = []
    for m in re.finditer(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+"
                         r"\s+(\S*?)\s+\d+\s+\d+\s+\d+$", readelf("-S", path), re.M):
        if "A" in m[5] and not (m[2] == "NOBITS" and "T" in m[5]):
            out.append((m[1], int(m[3], 16), int(m[4], 16)))
    return out


def where(secs, addr: int) -> tuple[str, int]:
    for name, a, size in secs:
        if a <= addr < a + size or (size == 0 and addr == a):
            return name, addr - a
    return "?", addr


def rela_dyn(path) -> list[tuple]:
    """.rela.dyn's entries in order: (type, section, offset[, symbol or addend's section, offset])."""
    secs = sections(path)
    out = []
    cur = False
    for line in readelf("-r", path).splitlines():
        m = re.match(r"Relocation section '([^']+)'", line)
        if m:
            cur = m[1] == ".rela.dyn"
            continue
        m = re.match(r"^([0-9a-f]{16})\s+[0-9a-f]{16}\s+(\S+)\s+(.*)$", line)
        if m and cur:
            rest = m[3].split()
            if m[2].endswith("RELATIVE"):
                tail = where(secs, int(rest[0], 16))
            else:
                tail = tuple(rest[1:])          # the symbol (value differs per layout) and addend
            out.append((m[2], *where(secs, int(m[1], 16)), *tail))
    return out


def relacount(path) -> list[str]:
    return re.findall(r"\(RELACOUNT\)\s+(\S+)", readelf("-d", path))


def run(exe: Path) -> tuple[int, str]:
    cwd = exe.parent
    p = subprocess.run([str(exe)], cwd=cwd, env=run_env(cwd, {"LD_LIBRARY_PATH": str(cwd)}), capture_output=True,
                       text=True, errors="replace", timeout=RUN_TIMEOUT, preexec_fn=_no_core)
    return p.returncode, p.stdout


def split(entries: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """The RELATIVE entries in order, and the others as (type, section, symbol, addend), sorted: braze
    gives the GOT slots of crt1's weak undefined symbols (__gmon_start__, _ITM_*) in another order
    than bfd (the GOT allocation, not .rela.dyn's writing)."""
    rel = [e for e in entries if e[0].endswith("RELATIVE")]
    other = sorted((e[0], e[1], *e[3:]) for e in entries if not e[0].endswith("RELATIVE"))
    return rel, other


def compare(bfd: Path, braze: Path) -> list[tuple]:
    want, got = rela_dyn(bfd), rela_dyn(braze)
    (wr, wo), (gr, go) = split(want), split(got)
    assert gr == wr, "\n".join(f"{w!s:70} | {g}" for w, g in zip(wr + [None] * len(gr), gr + [None] * len(wr))
                                if w != g)[:4000]
    assert go == wo
    assert len(got) == len(want) and got[:len(gr)] == gr      # RELATIVE first
    assert relacount(braze) == relacount(bfd)
    return want


@pytest.mark.parametrize("variant,flags", VARIANTS, ids=[v for v, _ in VARIANTS])
def test_pie(build, variant, flags):
    objs = [build.obj("relr_main.c", "-fPIE", *flags, name=f"main-{variant}.o"),
            build.obj("relr_lib.c", "-fPIE", *flags, name=f"lib-pie-{variant}.o")]
    exes = {ld: build.link(ld, f"pie-{variant}", objs, "-pie") for ld in ("bfd", "braze")}
    entries = compare(exes["bfd"], exes["braze"])
    assert sum(e[0] == "R_X86_64_RELATIVE" for e in entries) > 70     # the test sees what it means to
    assert any(e[0] == "R_X86_64_RELATIVE" and e[2] % 8 for e in entries)    # (an odd place)
    assert run(exes["braze"]) == run(exes["bfd"])


@pytest.mark.parametrize("variant,flags", VARIANTS, ids=[v for v, _ in VARIANTS])
def test_shared_library_and_program(build, variant, flags):
    lib_o = build.obj("relr_lib.c", "-fPIC", *flags, name=f"lib-pic-{variant}.o")
    main_o = build.obj("relr_main.c", "-fPIE", *flags, name=f"main-{variant}.o")
    exes = {}
    for ld in ("bfd", "braze"):
        lib = build.link(ld, "librelapack.so", [lib_o], "-shared")
        exes[ld] = build.link(ld, f"prog-{variant}", [main_o, lib], "-pie", "-Wl,-rpath,$ORIGIN")
        assert lib.parent == exes[ld].parent
    compare(build.root / "bfd" / "librelapack.so", build.root / "braze" / "librelapack.so")
    compare(exes["bfd"], exes["braze"])
    assert run(exes["braze"]) == run(exes["bfd"])

