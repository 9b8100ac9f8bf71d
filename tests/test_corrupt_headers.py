"""Corrupt section headers and symbol tables against ld.bfd: each field below is patched in a g++
object, and braze must refuse the object exactly when bfd does ("file format not recognized", "ELF
section name out of range", "invalid string offset"): exit 1, `braze: error: FILE: ...`, no traceback,
no output file; where bfd accepts the patch (it ignores the field), braze links a program that runs
as the unpatched one does.  (Found by differential fuzzing: braze used to link most of these, with
an empty name or an all-local symbol table where the file said something else.)"""
from __future__ import annotations

import struct

import pytest

from harness import REPO, run_cmd

SRC = REPO / "tests" / "c" / "corrupt" / "main.cc"


def _sections(data: bytes):
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shnum, shstrndx = struct.unpack_from("<HH", data, 0x3c)
    str_off, str_size = struct.unpack_from("<QQ", data, shoff + 64 * shstrndx + 24)
    names = data[str_off:str_off + str_size]
    out = []
    for i in range(shnum):
        name, typ, flags = struct.unpack_from("<IIQ", data, shoff + 64 * i)
        out.append((i, names[name:names.index(b"\0", name)].decode(), typ, flags, shoff + 64 * i))
    return out


def _find(secs, pred):
    return next(s for s in secs if pred(s))


def _first_symbol(data: bytes, secs, section_symbol: bool) -> int:
    """File offset of the first local symbol that is (or is not) a section symbol."""
    sym = _find(secs, lambda s: s[2] == 2)
    off, size = struct.unpack_from("<QQ", data, sym[4] + 24)
    for k in range(1, size // 24):
        info = data[off + 24 * k + 4]
        if (info & 0xf == 3) == section_symbol:
            return off + 24 * k
    raise AssertionError("no such symbol")


def _patches(data: bytes) -> dict:
    secs = _sections(data)
    text = _find(secs, lambda s: s[1] == ".text")[4]
    rela = _find(secs, lambda s: s[2] == 4)[4]
    group = _find(secs, lambda s: s[2] == 17)[4]
    symtab = _find(secs, lambda s: s[2] == 2)[4]
    link_order = text         # any section: bfd accepts SHN_BEFORE as a link
    return {
        "ei-version": (6, "B", 2),
        "e-version": (20, "I", 2),
        "osabi": (7, "B", 9),
        "text-link-out-of-range": (text + 40, "I", 200),
        "text-link-shn-before": (link_order + 40, "I", 0xff00),
        "text-info-out-of-range": (text + 44, "I", 200),
        "rela-info-out-of-range": (rela + 44, "I", 200),
        "rela-link-out-of-range": (rela + 40, "I", 200),
        "rela-entsize": (rela + 56, "Q", 16),
        "group-entsize": (group + 56, "Q", 8),
        "text-entsize": (text + 56, "Q", 5),
        "text-name-out-of-range": (text, "I", 0x7ffff),
        "text-type-reserved": (text + 4, "I", 0x1234),
        "text-type-os": (text + 4, "I", 0x60000001),
        "symtab-first-global-beyond": (symtab + 44, "I", 100000),
        "symbol-name-out-of-range": (_first_symbol(data, secs, False), "I", 0xeeeeee),
        "section-symbol-name-out-of-range": (_first_symbol(data, secs, True), "I", 0xeeeeee),
    }


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    d = tmp_path_factory.mktemp("corrupt")
    run_cmd(["g++", "-O1", "-c", SRC, "-o", "main.o"], d)
    run_cmd(["g++", "-fuse-ld=bfd", "main.o", "-o", "good"], d)
    return d


PATCHES = ["ei-version", "e-version", "osabi", "text-link-out-of-range", "text-link-shn-before",
           "text-info-out-of-range", "rela-info-out-of-range", "rela-link-out-of-range", "rela-entsize",
           "group-entsize", "text-entsize", "text-name-out-of-range", "text-type-reserved", "text-type-os",
           "symtab-first-global-beyond", "symbol-name-out-of-range", "section-symbol-name-out-of-range"]


@pytest.mark.parametrize("name", PATCHES)
def test_corrupt_field_as_bfd(work, braze_lddir, name):
    data = bytearray((work / "main.o").read_bytes())
    off, fmt, val = _patches(bytes(data))[name]
    struct.pack_into("<" + fmt, data, off, val)
    bad = work / f"{name}.o"
    bad.write_bytes(bytes(data))
    want = run_cmd([work / "good"], work).stdout
    results = {}
    for label, sel in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        out = work / f"{name}-{label}"
        p = run_cmd(["g++", *sel, bad, "-o", out], work, check=False)
        results[label] = p.returncode == 0
        if label == "braze":
            if p.returncode:
                assert f"braze: error: {bad}: " in p.stderr and "Traceback" not in p.stderr, p.stderr
                assert not out.exists()
            elif results["bfd"]:
                assert run_cmd([out], work).stdout == want
    assert results["braze"] == results["bfd"], name
