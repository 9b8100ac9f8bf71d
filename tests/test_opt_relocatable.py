"""Options a `-r` link used to refuse, against `ld.bfd -r`: -s/-S/-x/-X (and their mixes),
--compress-debug-sections=zlib|zlib-gabi|zstd|zlib-gnu|none, --defsym and --wrap.

Each case partially links the same objects with `ld.bfd -r` and with the linker under test and compares
the normalised readelf views of tests/relocatable_view.py (sections, symbols as a set, relocations,
groups, notes), plus the order of the local symbols (bfd writes the locals a relocation needs after
the others when -x/-X drop them), plus the bytes of the debug sections (compressed: the same zlib/zstd
streams as bfd's) and, after `objcopy --decompress-debug-sections`, the uncompressed -r output's.  The
partial links are then made into programs by ld.bfd and run: same stdout and exit status."""
from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import pytest

from harness import run_cmd as _run
from harness import REPO, _clip, need_tool, run_env
from relocatable_view import view, diff_views

SRC = REPO / "tests" / "c"


@pytest.fixture(scope="module")
def objs(tmp_path_factory):
    """name -> list of objects: a C program with -g, C++ with COMDAT groups and -g, asm labels."""
    tmp = tmp_path_factory.mktemp("optr")
    out = {}

    def cc(srcs, flags, tag):
        res = []
        for s in srcs:
            o = tmp / f"{tag}-{Path(s).stem}.o"
            tool = "g++" if s.endswith(".cc") else "gcc"
            _run([tool, "-c", "-O2", "-fPIE", *flags, SRC / s, "-o", o], tmp)
            res.append(o)
        return res
    out["c"] = cc(["optr/main.c", "optr/lib.c"], ["-g"], "c")
    out["cxx"] = cc(["cxx_eh_comdat/factory.cc", "cxx_eh_comdat/main.cc"], ["-g", "-ffunction-sections"], "cxx")
    out["labels"] = cc(["optr/labels.s"], [], "s") + out["c"]
    out["typeunit"] = cc(["optr/typeunit.cc"], ["-g", "-fdebug-types-section"], "tu") + out["cxx"]
    return out


def _partial(tmp: Path, ld: list, inputs, name: str, flags) -> Path:
    path = tmp / name
    _run([*ld, "-r", *flags, *inputs, "-o", path], tmp)
    return path


def _sections(path: Path) -> dict:
    """name -> (flags, bytes) straight from the file."""
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


def _debug(path: Path) -> dict:
    return {n: v for n, v in _sections(path).items() if n.startswith((".debug", ".zdebug"))}


def _locals(path: Path) -> list:
    """The local, non-section symbols in .symtab order (name, type, section index)."""
    out = []
    for line in _run(["readelf", "-sW", path], path.parent).stdout.splitlines():
        f = line.split()
        if len(f) >= 7 and f[0].endswith(":") and f[4] == "LOCAL" and f[3] != "SECTION" and f[0] != "0:":
            out.append((f[7] if len(f) > 7 else "", f[3], f[6]))
    return out


def _compare(mine: Path, ref: Path):
    d = diff_views(view(mine), view(ref))
    assert not d, f"readelf views of {mine.name} and bfd's {ref.name} differ:\n{_clip(d)}"
    assert _locals(mine) == _locals(ref)
    assert _debug(mine) == _debug(ref)


def _program(tmp: Path, obj: Path, name: str, cxx: bool, wrapped=False):
    """The program bfd makes of a partial link; main.c's __real_compute needs --wrap then, unless
    the -r link already wrapped it."""
    exe = tmp / name
    extra = [] if cxx or wrapped else ["-Wl,--wrap=compute"]
    _run(["g++" if cxx else "gcc", "-fuse-ld=bfd", *extra, obj, "-o", exe], tmp)
    run = tmp / f"run-{name}"
    run.mkdir()
    p = subprocess.run([str(exe)], cwd=run, env=run_env(run, {}), capture_output=True, text=True,
                       errors="replace", timeout=20)
    return p.returncode, p.stdout


STRIP = [["-s"], ["-S"], ["-x"], ["-X"], ["-s", "-X"], ["-X", "-s"], ["-x", "-S"], ["-S", "-X"],
         ["-s", "--discard-none"], ["--strip-all"], ["--strip-debug", "--discard-locals"]]


# (the type-unit objects only where the debug sections are stripped: braze's -r orders COMDAT debug
# sections differently from bfd, a difference of -r itself)
_STRIPS_DEBUG = ("-s", "-S", "--strip-all", "--strip-debug")


@pytest.mark.parametrize("case,flags", [(c, f) for c in ("c", "cxx", "labels", "typeunit") for f in STRIP
                                        if c != "typeunit" or any(x in _STRIPS_DEBUG for x in f)],
                         ids=lambda v: v if isinstance(v, str) else " ".join(v))
def test_strip_and_discard(case, flags, objs, tmp_path, direct_ld):
    ld_bfd = [need_tool("ld.bfd")]
    ref = _partial(tmp_path, ld_bfd, objs[case], "bfd.o", flags)
    mine = _partial(tmp_path, direct_ld, objs[case], "mine.o", flags)
    _compare(mine, ref)
    if case != "labels":
        cxx = case in ("cxx", "typeunit")
        assert _program(tmp_path, mine, "mine", cxx) == _program(tmp_path, ref, "ref", cxx)


@pytest.mark.parametrize("style", ["zlib", "zlib-gabi", "zstd", "zlib-gnu", "none"])
@pytest.mark.parametrize("case", ["c", "cxx"])
def test_compress_debug_sections(style, case, objs, tmp_path, direct_ld):
    ld_bfd = [need_tool("ld.bfd")]
    flags = [f"--compress-debug-sections={style}"]
    ref = _partial(tmp_path, ld_bfd, objs[case], "bfd.o", flags)
    mine = _partial(tmp_path, direct_ld, objs[case], "mine.o", flags)
    _compare(mine, ref)
    dbg = _debug(mine)
    assert dbg
    if style != "none":         # they were compressed (some may stay plain: not smaller)
        assert any(f & 0x800 for f, _ in dbg.values()) or any(n.startswith(".zdebug") for n in dbg)
    # decompressed, the sections are those of the uncompressed -r output
    plain = _partial(tmp_path, direct_ld, objs[case], "plain.o", [])
    back = tmp_path / "back.o"
    _run(["objcopy", "--decompress-debug-sections", mine, back], tmp_path)
    assert {n: v for n, v in _debug(back).items()} == _debug(plain)
    assert _run(["readelf", "-wi", back], tmp_path).stdout.replace("back.o", "X") == \
        _run(["readelf", "-wi", plain], tmp_path).stdout.replace("plain.o", "X")
    cxx = case == "cxx"
    assert _program(tmp_path, mine, "mine", cxx) == _program(tmp_path, ref, "ref", cxx)


DEFSYM = [["--defsym", "abs_sym=0x1234"], ["--defsym", "alias=compute"], ["--defsym", "past=compute+4"],
          ["--defsym", "before=compute-2"], ["--defsym", "via_compute=compute"],
          ["--defsym", "via_compute=0x10"], ["--defsym", "printf=0x10"],
          ["--wrap", "compute"], ["--wrap=compute", "--defsym", "alias=__real_compute"],
          ["--wrap", "compute", "-x", "--compress-debug-sections=zlib"]]


@pytest.mark.parametrize("flags", DEFSYM, ids=" ".join)
def test_defsym_and_wrap(flags, objs, tmp_path, direct_ld):
    ld_bfd = [need_tool("ld.bfd")]
    ref = _partial(tmp_path, ld_bfd, objs["c"], "bfd.o", flags)
    mine = _partial(tmp_path, direct_ld, objs["c"], "mine.o", flags)
    _compare(mine, ref)
    if "printf=0x10" not in flags:
        w = any("--wrap" in f for f in flags)
        want = _program(tmp_path, ref, "ref", False, w)
        assert _program(tmp_path, mine, "mine", False, w) == want
        if w:
            assert " 1023 " in want[1], want          # __wrap_compute ran: 4*4 + 7 + 1000


@pytest.mark.parametrize("flags,bfd_says", [
    (["--defsym", "x=nowhere"], "undefined symbol `nowhere' referenced in expression"),
    (["--defsym", "x=_end"], "undefined symbol `_end' referenced in expression"),
])
def test_defsym_errors(flags, bfd_says, objs, tmp_path, direct_ld):
    """bfd's errors: exit 1 and no output from either linker."""
    ld_bfd = [need_tool("ld.bfd")]
    for ld, name in ((ld_bfd, "bfd.o"), (direct_ld, "mine.o")):
        p = _run([*ld, "-r", *flags, *objs["c"], "-o", name], tmp_path, check=False)
        assert p.returncode == 1 and bfd_says in p.stderr and "Traceback" not in p.stderr, p.stderr
        assert not (tmp_path / name).exists()


def test_defsym_on_common_is_refused(tmp_path, direct_ld):
    """`x = a common symbol` has no input section in a -r output (bfd keeps the common): refused."""
    (tmp_path / "c.c").write_text("int shared_common;\nint f(void) { return shared_common; }\n")
    _run(["gcc", "-c", "-fcommon", "c.c", "-o", "c.o"], tmp_path)
    p = _run([*direct_ld, "-r", "--defsym", "x=shared_common", "c.o", "-o", "out.o"], tmp_path, check=False)
    assert p.returncode == 1 and "not supported with -r" in p.stderr and "Traceback" not in p.stderr
    assert not (tmp_path / "out.o").exists()


@pytest.mark.parametrize("flags", [["--defsym", "via_compute=0x10"], ["--defsym", "via_compute=compute+2"],
                                   ["--defsym", "via_compute=main"],
                                   ["--wrap", "compute", "--defsym", "alias=__real_compute"],
                                   ["--wrap", "compute", "--defsym", "alias=compute"]], ids=" ".join)
def test_defsym_in_final_links(flags, objs, tmp_path, braze_lddir):
    """The same --defsym rules in a final link (fixed with the -r work): an object's symbol that
    --defsym redefines keeps its size, and its type unless `= other` copies other's; the
    expression's symbol is looked up as --wrap renames references (alias=compute is
    __wrap_compute).  Compared: type, size, absolute or not, and which symbol's address it has."""
    wl = ["-Wl," + ",".join(flags)]
    if "--wrap" not in flags:
        wl.append("-Wl,--wrap=compute")
    res = {}
    for how in ("bfd", "test"):
        exe = tmp_path / how
        sel = ["-fuse-ld=bfd"] if how == "bfd" else [f"-B{braze_lddir}/"]
        _run(["gcc", *sel, *wl, *objs["c"], "-o", exe], tmp_path)
        syms = {}
        for line in _run(["readelf", "-sW", exe], tmp_path).stdout.splitlines():
            f = line.split()
            if len(f) == 8 and f[0].endswith(":") and f[0] != "Num:":
                syms[f[7]] = (int(f[1], 16), f[2], f[3], f[6] == "ABS")
        name = flags[-1].split("=")[0]
        v = syms[name]
        same_as = sorted(n for n, w in syms.items() if w[0] == v[0] and n != name and not w[3])
        res[how] = (v[1:], same_as if not v[3] else v[0])
        p = subprocess.run([str(exe)], capture_output=True, text=True, timeout=20)
        res[how] += (p.returncode, p.stdout)
    assert res["test"] == res["bfd"]
