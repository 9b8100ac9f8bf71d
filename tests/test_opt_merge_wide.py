"""SHF_MERGE|SHF_STRINGS sections of 2- and 4-byte characters (L"", u"", U"": .rodata.str2.2,
.rodata.str4.4, .rodata.str4.8) against ld.bfd: deduplicated across objects and tail-merged on
character boundaries as bfd's merge.c does, a NUL being one whole character (the sources include
characters with zero bytes, e.g. u"\\u0100\\x01", U"\\U00010000").  Compared: the output .rodata
bytes and address, the program's output (pointer equality, wcscmp), for PIE and non-PIE, -O2 and -O1."""
from __future__ import annotations

import struct
from pathlib import Path

import pytest

import test_shared as shared
from test_opt_zstd import sections

SRC = Path(__file__).resolve().parent / "c" / "locals"
LINKERS = ("bfd", "test")
MODES = {"pie": (["-fPIE"], ["-pie"]), "nopie": (["-fno-pie"], ["-no-pie"])}


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir):
    return shared.Build(tmp_path_factory.mktemp("wide"), braze_lddir)


def _link(build, mode: str, opt: str, linker: str) -> Path:
    d = build.root / linker / f"{mode}{opt}"
    d.mkdir(parents=True, exist_ok=True)
    out = d / "prog"
    if not out.exists():
        objs = []
        for src in ("wide1.c", "wide2.c"):
            o = build.root / f"{Path(src).stem}-{mode}{opt}.o"
            if not o.exists():
                build.run(["gcc", "-c", opt, *MODES[mode][0], SRC / src, "-o", o])
            objs.append(o)
        build.run(["gcc", *build.ld(linker), *MODES[mode][1], *objs, "-o", out], cwd=d)
    return out


@pytest.mark.parametrize("opt", ["-O2", "-O1"])
@pytest.mark.parametrize("mode", sorted(MODES))
def test_wide_strings_merge_as_bfd(build, mode, opt):
    ref, got = (_link(build, mode, opt, ln) for ln in LINKERS)
    objs = sections(build.root / f"wide1-{mode}{opt}.o")
    assert {".rodata.str2.2", ".rodata.str4.4"} <= set(objs), f"harness: {sorted(objs)}"
    out = {ln: shared.run([p]) for ln, p in zip(LINKERS, (ref, got))}
    assert out["bfd"][0] == 0 and out["bfd"][1].startswith("w: 1 "), f"harness: bfd's program: {out['bfd']}"
    assert out["test"] == out["bfd"]
    assert sections(got)[".rodata"] == sections(ref)[".rodata"], ".rodata bytes differ from bfd's"
    assert _addr(got, ".rodata") == _addr(ref, ".rodata")


def _addr(path: Path, name: str) -> int:
    d = path.read_bytes()
    shoff, = struct.unpack_from("<Q", d, 0x28)
    shnum, shstrndx = struct.unpack_from("<HH", d, 0x3c)
    st = struct.unpack_from("<Q", d, shoff + 64 * shstrndx + 24)[0]
    for i in range(1, shnum):
        h = struct.unpack_from("<IIQQ", d, shoff + 64 * i)
        if d[st + h[0]:d.index(b"\0", st + h[0])].decode() == name:
            return h[3]
    raise AssertionError(f"{path}: no {name}")
