"""--compress-debug-sections=zstd against ld.bfd (which supports it in 2.40): the same debug
sections compressed (SHF_COMPRESSED, Elf64_Chdr type ELFCOMPRESS_ZSTD) with the same bytes (both
use the system libzstd at its default level), readable back (`objcopy --decompress-debug-sections`
gives the uncompressed link's sections, `readelf -w` the same dump) and gdb reads them as it reads
bfd's.  Inputs whose debug sections are zstd-compressed (objcopy) link as bfd links them; the old
GNU form (zlib-gnu: .zdebug_* sections) is written and read as bfd does."""
from __future__ import annotations

import re
import struct
import subprocess
from pathlib import Path

import pytest

from harness import tool_env
import test_shared as shared

SRC = Path(__file__).resolve().parent / "c" / "locals"
LINKERS = ("bfd", "test")


def sections(path: Path) -> dict:
    """name -> (flags, bytes) of every section with contents, read straight from the file."""
    d = path.read_bytes()
    shoff, = struct.unpack_from("<Q", d, 0x28)
    shnum, shstrndx = struct.unpack_from("<HH", d, 0x3c)
    hs = [struct.unpack_from("<IIQQQQIIQQ", d, shoff + 64 * i) for i in range(shnum)]
    st = hs[shstrndx][4]
    out = {}
    for h in hs[1:]:
        name = d[st + h[0]:d.index(b"\0", st + h[0])].decode()
        out[name] = (h[2], b"" if h[1] == 8 else d[h[4]:h[4] + h[5]])
    return out


def debug_sections(path: Path) -> dict:
    return {n: v for n, v in sections(path).items() if n.startswith((".debug_", ".zdebug_"))}


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir):
    return shared.Build(tmp_path_factory.mktemp("zstd"), braze_lddir)


def _obj(build, zstd_input=False) -> Path:
    """debug.o; zstd_input=True: its debug sections zstd-compressed (objcopy), "gnu": gcc -gz=zlib-gnu."""
    out = build.root / {False: "debug.o", True: "debug-z.o", "gnu": "debug-gnu.o"}[zstd_input]
    if not out.exists():
        plain = build.root / "debug.o"
        if not plain.exists():
            build.run(["gcc", "-c", "-g", "-O1", "-fPIE", SRC / "debug.c", "-o", plain])
        if zstd_input == "gnu":
            build.run(["gcc", "-c", "-g", "-O1", "-fPIE", "-gz=zlib-gnu", SRC / "debug.c", "-o", out])
        elif zstd_input:
            build.run(["objcopy", "--compress-debug-sections=zstd", plain, out])
    return out


def _link(build, linker, how: str, zstd_input=False) -> Path:
    d = build.root / linker / f"{how}{'-' + str(zstd_input) if zstd_input else ''}"
    d.mkdir(parents=True, exist_ok=True)
    out = d / "prog"
    if not out.exists():
        flags = [] if how == "none" else [f"-Wl,--compress-debug-sections={how}"]
        build.run(["gcc", *build.ld(linker), "-pie", _obj(build, zstd_input), *flags, "-o", out], cwd=d)
    return out


def _readelf_w(path: Path) -> str:
    p = subprocess.run(["readelf", "-wi", "-wl", "-wa", "-wr", "-wL", path], capture_output=True, text=True,
                       env=tool_env())
    return re.sub(r"^File: .*$", "", p.stdout, flags=re.M)


def test_zstd_sections_are_bfds(build):
    ref, got = (debug_sections(_link(build, ln, "zstd")) for ln in LINKERS)
    compressed = {n for n, (f, _) in ref.items() if f & 0x800}
    assert ".debug_info" in compressed, f"harness: bfd compressed nothing ({sorted(ref)})"
    assert all(ref[n][1][:4] == struct.pack("<I", 2) for n in compressed), "harness: bfd's are not ELFCOMPRESS_ZSTD"
    assert {n for n, (f, _) in got.items() if f & 0x800} == compressed
    for n in ref:
        assert got.get(n) == ref[n], f"{n}: flags or bytes differ from bfd's"


def test_zstd_reads_back_as_the_uncompressed_link(build, tmp_path):
    z = _link(build, "test", "zstd")
    dec = tmp_path / "dec"
    build.run(["objcopy", "--decompress-debug-sections", z, dec])
    plain = debug_sections(_link(build, "test", "none"))
    assert {n: v[1] for n, v in debug_sections(dec).items()} == {n: v[1] for n, v in plain.items()}
    assert _readelf_w(z) == _readelf_w(_link(build, "test", "none"))
    assert _readelf_w(z) == _readelf_w(_link(build, "bfd", "zstd"))


def test_zstd_compressed_inputs(build):
    ref, got = (_link(build, ln, "none", zstd_input=True) for ln in LINKERS)
    assert any(f & 0x800 for f, _ in debug_sections(_obj(build, True)).values()), "harness: input not compressed"
    assert debug_sections(got) == debug_sections(ref)
    assert debug_sections(got) == debug_sections(_link(build, "test", "none"))


def test_zlib_gnu_as_bfd(build):
    """--compress-debug-sections=zlib-gnu: bfd's .zdebug_* sections ("ZLIB", big-endian size, zlib
    stream), and .zdebug_* inputs (gcc -gz=zlib-gnu) linked as their .debug_* sections."""
    ref, got = (debug_sections(_link(build, ln, "zlib-gnu")) for ln in LINKERS)
    assert ".zdebug_info" in ref and ref[".zdebug_info"][1][:4] == b"ZLIB", f"harness: {sorted(ref)}"
    assert got == ref
    assert ".zdebug_info" in debug_sections(_obj(build, "gnu")), "harness: gcc wrote no .zdebug_info"
    for how in ("none", "zlib-gnu", "zstd"):
        ref, got = (debug_sections(_link(build, ln, how, zstd_input="gnu")) for ln in LINKERS)
        assert got == ref, f"{how}: debug sections differ from bfd's ({sorted(ref)} / {sorted(got)})"
    assert not any(n.startswith(".zdebug") for n in debug_sections(_link(build, "test", "none", zstd_input="gnu")))


def test_gdb_reads_zstd_as_bfds(build):
    cmds = ["break total", "run", "bt", "info args", "ptype struct record", "print r->name", "finish"]
    out = {}
    for ln, how in (("bfd", "zstd"), ("test", "zstd"), ("test", "zlib")):
        exe = _link(build, ln, how)
        p = subprocess.run(["gdb", "-nx", "-batch", *[a for c in cmds for a in ("-ex", c)], exe],
                           capture_output=True, text=True, env=tool_env(), timeout=120, cwd=exe.parent)
        text = re.sub(r"\[Inferior 1 \(process \d+\)[^\]]*\]|process \d+", "", p.stdout)
        # (stack addresses move with the length of the program's path, which differs per linker
        # and per checkout: not the linker's doing)
        out[(ln, how)] = re.sub(r"0x7ff[0-9a-f]{9}\b", "0x7ff(stack)", text)
    ref = out[("bfd", "zstd")]
    assert "struct record *next;" in ref and 'first' in ref, f"harness: gdb did not read bfd's output:\n{ref}"
    assert out[("test", "zstd")] == ref
    assert out[("test", "zlib")] == ref


@pytest.mark.parametrize("damage", ["size", "data"])
def test_corrupt_zstd_input_is_an_error(build, direct_ld, tmp_path, damage):
    """A zstd section whose header size or frame is damaged: both linkers fail; braze names the file
    and leaves no output."""
    d = bytearray(_obj(build, True).read_bytes())
    shoff, = struct.unpack_from("<Q", d, 0x28)
    shnum, = struct.unpack_from("<H", d, 0x3c)
    off = next(h[4] for h in (struct.unpack_from("<IIQQQQIIQQ", d, shoff + 64 * i) for i in range(shnum))
               if h[2] & 0x800)
    if damage == "size":
        struct.pack_into("<Q", d, off + 8, 1 << 50)
    else:
        d[off + 30] ^= 0xff
        d[off + 31] ^= 0x55
    bad = tmp_path / "bad.o"
    bad.write_bytes(bytes(d))
    ref = subprocess.run(["ld.bfd", "-o", tmp_path / "ref", bad], capture_output=True, text=True)
    assert ref.returncode != 0, "harness: bfd accepted the damaged object"
    p = subprocess.run([*direct_ld, "-o", tmp_path / "out", bad], capture_output=True, text=True, cwd=tmp_path)
    assert p.returncode == 1 and "bad.o" in p.stderr and "Traceback" not in p.stderr, p.stderr
    assert re.search(r"^(braze|ld): error: ", p.stderr, re.M), p.stderr
    assert not (tmp_path / "out").exists()
