"""aarch64 `-r` against aarch64 ld.bfd (tests/test_relocatable.py is the x86-64 side).

Each case's objects (aarch64-linux-gnu-gcc/g++) are partially linked by `aarch64-linux-gnu-ld.bfd -r`
and by the linker under test; the two ET_REL outputs are compared by their readelf views
(tests/relocatable_view.py: sections, symbols as a set -- the `$x`/`$d` mapping symbols included --,
relocations, groups, notes) and by the bytes of their sections (bfd's -r script fills the gaps of
.text with NOPs), then each is made into a program by aarch64 bfd and run under qemu: same stdout
and exit status.  Cases: C with static functions, data and constructors, TLS in the models -fPIE,
-fPIC and -fno-pie give, common symbols, C++ COMDAT templates (the `$d` bfd keeps in .eh_frame
where the FDE it marks was dropped), exceptions with -g, the BTI/PAC `.note.gnu.property` (merged;
the first input's `$d` in it stays), -x/-X/-S/--gc-sections, -r of -r outputs and of an archive, and
a kbuild-style SECTIONS script (its orphans are kept to the kinds braze places as bfd: see
README's known difference)."""
from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import pytest

import a64_harness as H
from harness import run_cmd as _run
from harness import REPO, _clip, run_env
from relocatable_view import view, diff_views

SRC = REPO / "tests" / "c"
LD_BFD = H.PREFIX + "ld.bfd"
CASES = {
    # case: (sources, extra cflags, extra -r flags)
    "c_ctors": (["ctor_dtor/b.c", "ctor_dtor/main.c"], ["-fPIE"], []),
    "c_multi_g": (["multi_object/list.c", "multi_object/map.c", "multi_object/strbuf.c",
                   "multi_object/util.c", "multi_object/main.c"], ["-fPIE", "-g"], []),
    "c_common": (["common_archive/cdef.c", "common_archive/main.c"], ["-fPIE", "-fcommon"], []),
    "tls_pie": (["a64_tls/tlsmain.c", "a64_tls/tlsother.c"], ["-fPIE", "-pthread"], []),
    "tls_pic": (["a64_tls/tlsmain.c", "a64_tls/tlsother.c"], ["-fPIC", "-pthread"], []),
    "tls_nopie_x": (["a64_tls/tlsmain.c", "a64_tls/tlsother.c"], ["-fno-pie", "-pthread"], ["-x"]),
    "cxx_templates": (["cxx_comdat_templates/a.cc", "cxx_comdat_templates/b.cc",
                       "cxx_comdat_templates/main.cc"], ["-fPIE"], []),
    "cxx_eh_g": (["cxx_eh_comdat/factory.cc", "cxx_eh_comdat/main.cc"], ["-fPIE", "-g", "-ffunction-sections"],
                 []),
    "cxx_eh_X": (["cxx_eh_comdat/factory.cc", "cxx_eh_comdat/main.cc"], ["-fPIE", "-g"], ["-X"]),
    "cxx_eh_S": (["cxx_eh_comdat/factory.cc", "cxx_eh_comdat/main.cc"], ["-fPIE", "-g"], ["-S"]),
    "cxx_gc": (["cxx_eh_comdat/factory.cc", "cxx_eh_comdat/main.cc"],
               ["-fPIE", "-ffunction-sections", "-fdata-sections"], ["--gc-sections", "-e", "main"]),
    "bti": (["ctor_dtor/b.c", "ctor_dtor/main.c"], ["-fPIE", "-mbranch-protection=standard"], []),
}


@pytest.fixture(scope="session", autouse=True)
def _cross_tools():
    assert H.have_toolchain(), "the aarch64 cross toolchain and qemu-user are needed (Makefile APT_PKGS)"


def _compile(tmp: Path, srcs, flags, tag="") -> list[Path]:
    objs = []
    for s in srcs:
        out = tmp / f"{tag}{Path(s).stem}.o"
        cc = H.PREFIX + ("g++" if s.endswith(".cc") else "gcc")
        _run([cc, "-c", "-O2", *flags, SRC / s, "-o", out], tmp)
        objs.append(out)
    return objs


def _partial(tmp: Path, ld: list, inputs, out: str, *flags) -> Path:
    path = tmp / out
    _run([*ld, "-r", *flags, *inputs, "-o", path], tmp)
    return path


def _section_bytes(path: Path) -> dict:
    """name -> [contents] of the sections other than the symbol/string tables (no file offsets)."""
    d = path.read_bytes()
    shoff, = struct.unpack_from("<Q", d, 0x28)
    shnum, shstrndx = struct.unpack_from("<HH", d, 0x3c)
    hs = [struct.unpack_from("<IIQQQQIIQQ", d, shoff + 64 * i) for i in range(shnum)]
    st = hs[shstrndx][4]
    out: dict = {}
    for h in hs[1:]:
        if h[1] in (2, 3, 4):           # SYMTAB, STRTAB, RELA: compared as views
            continue
        name = d[st + h[0]:d.index(b"\0", st + h[0])].decode()
        if name == ".note.gnu.build-id":
            continue
        out.setdefault(name, []).append(b"" if h[1] == 8 else d[h[4]:h[4] + h[5]])
    return out


def _same(mine: Path, ref: Path):
    d = diff_views(view(mine), view(ref))
    assert not d, f"readelf views of {mine.name} and bfd's {ref.name} differ:\n{_clip(d)}"
    a, b = _section_bytes(mine), _section_bytes(ref)
    assert a == b, f"section bytes differ: {sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))}"


def _program(tmp: Path, obj: Path, name: str, cxx: bool, extra=()) -> tuple:
    exe = tmp / name
    _run([H.PREFIX + ("g++" if cxx else "gcc"), "-fuse-ld=bfd", *extra, obj, "-o", exe], tmp)
    run = tmp / f"run-{name}"
    run.mkdir()
    env = run_env(run, {})
    env["QEMU_LD_PREFIX"] = H.SYSROOT
    p = subprocess.run([H.QEMU, "-L", H.SYSROOT, str(exe)], cwd=run, env=env, capture_output=True, text=True,
                       errors="replace", timeout=60)
    return p.returncode, p.stdout


@pytest.mark.parametrize("case", sorted(CASES))
def test_a64_partial_link(case, tmp_path, direct_ld):
    srcs, cflags, rflags = CASES[case]
    cxx = any(s.endswith(".cc") for s in srcs)
    objs = _compile(tmp_path, srcs, cflags)
    ref = _partial(tmp_path, [LD_BFD], objs, "bfd.o", *rflags)
    mine = _partial(tmp_path, direct_ld, objs, "mine.o", *rflags)
    _same(mine, ref)
    if "--gc-sections" in rflags and "main" not in rflags:
        return
    extra = ["-pthread"] if "-pthread" in cflags else []
    want = _program(tmp_path, ref, "ref", cxx, extra)
    assert want[1], "harness: bfd's program printed nothing"
    assert _program(tmp_path, mine, "mine", cxx, extra) == want


def test_a64_bti_note_dropped_when_an_input_lacks_it(tmp_path, direct_ld):
    """One object with BTI/PAC, one without: bfd drops the note (and the `$d` in it)."""
    a = _compile(tmp_path, ["ctor_dtor/b.c"], ["-fPIE", "-mbranch-protection=standard"])
    b = _compile(tmp_path, ["ctor_dtor/main.c"], ["-fPIE"])
    for order in ((a + b), (b + a)):
        ref = _partial(tmp_path, [LD_BFD], order, "bfd.o")
        mine = _partial(tmp_path, direct_ld, order, "mine.o")
        _same(mine, ref)


def test_a64_partial_of_partials_and_archive(tmp_path, direct_ld):
    srcs = ["multi_object/list.c", "multi_object/map.c", "multi_object/strbuf.c", "multi_object/util.c",
            "multi_object/main.c"]
    objs = _compile(tmp_path, srcs, ["-fPIE", "-g"])
    lib = tmp_path / "libmo.a"
    _run([H.PREFIX + "ar", "rcs", lib, *objs[:4]], tmp_path)
    outs = {}
    for label, ld in (("bfd", [LD_BFD]), ("mine", direct_ld)):
        a = _partial(tmp_path, ld, objs[:2], f"{label}-a.o")
        b = _partial(tmp_path, ld, objs[2:], f"{label}-b.o")
        ab = _partial(tmp_path, ld, [a, b], f"{label}-ab.o")
        arc = _partial(tmp_path, ld, [objs[4], lib], f"{label}-ar.o")
        outs[label] = (ab, arc)
    for m, r in zip(outs["mine"], outs["bfd"]):
        _same(m, r)
    want = _program(tmp_path, outs["bfd"][0], "ref", False)
    assert _program(tmp_path, outs["mine"][0], "mine-ab", False) == want
    assert _program(tmp_path, outs["mine"][1], "mine-ar", False) == want


KMOD_LDS = """\
SECTIONS {
	/DISCARD/ : { *(.discard) *(.discard.*) *(.export_symbol) }
	__ksymtab 0 : { *(SORT(___ksymtab+*)) }
	.init_array 0 : ALIGN(8) { *(SORT(.init_array.*)) *(.init_array) }
	__patchable_function_entries : { *(__patchable_function_entries) }
	.text : { *(.text .text.[0-9a-zA-Z_]*) }
	.rodata : { *(.rodata .rodata.[0-9a-zA-Z_]*) }
	.data : { *(.data .data.[0-9a-zA-Z_]*) }
	.bss : { *(.bss .bss.[0-9a-zA-Z_]*) }
}
"""


def test_a64_partial_link_with_module_script(tmp_path, direct_ld):
    """-r -T with a script of input-section patterns in the style of kbuild's module.lds (arm64
    modules are linked so), with --build-id; the .text statement has no fill there."""
    (tmp_path / "m.lds").write_text(KMOD_LDS)
    objs = _compile(tmp_path, ["ctor_dtor/b.c", "ctor_dtor/main.c"], ["-fno-pie", "-g", "-ffunction-sections"])
    flags = ["-T", tmp_path / "m.lds", "--build-id=sha1"]
    ref = _partial(tmp_path, [LD_BFD], objs, "bfd.o", *flags)
    mine = _partial(tmp_path, direct_ld, objs, "mine.o", *flags)
    _same(mine, ref)
    want = _program(tmp_path, ref, "ref", False)
    assert _program(tmp_path, mine, "mine", False) == want


COMDAT_H = """\
template <class T> struct Box { T v; T get() const { return v * 2 + 1; }
  int sum(int n) const { int s = 0; for (int i = 0; i < n; i++) s += (int)v + i; return s; } };
inline int shared_inline(int x) { int r = 0; for (int i = 0; i < x; i++) r += i * x; return r; }
"""
COMDAT_X = '#include "h.h"\nint fx(int a) { Box<int> b{a}; return b.get() + b.sum(a) + shared_inline(a); }\n'
COMDAT_Y = """\
#include <cstdio>
#include "h.h"
int fx(int);
int main() { Box<int> b{3}; std::printf("%d %d %d\\n", fx(4), b.sum(5), shared_inline(6)); return 0; }
"""


@pytest.mark.parametrize("order", ["xy", "yx"])
def test_a64_partial_link_comdat_copies_of_other_sizes(order, tmp_path, direct_ld):
    """COMDAT copies compiled at -O0 and -O2 with -g: the dropped copy differs in size, so the debug
    relocations against it become R_AARCH64_NONE with their words cleared (bfd's
    RELOC_AGAINST_DISCARDED_SECTION; reloc_field_width)."""
    for name, text in (("h.h", COMDAT_H), ("x.cc", COMDAT_X), ("y.cc", COMDAT_Y)):
        (tmp_path / name).write_text(text)
    _run([H.PREFIX + "g++", "-c", "-g", "-O0", "x.cc", "-o", "x.o"], tmp_path)
    _run([H.PREFIX + "g++", "-c", "-g", "-O2", "-fno-inline", "y.cc", "-o", "y.o"], tmp_path)
    objs = [tmp_path / f"{c}.o" for c in order]
    ref = _partial(tmp_path, [LD_BFD], objs, "bfd.o")
    mine = _partial(tmp_path, direct_ld, objs, "mine.o")
    assert "R_AARCH64_NONE" in _run(["readelf", "-rW", ref], tmp_path).stdout, "harness: no dropped-copy relocation"
    _same(mine, ref)
    want = _program(tmp_path, ref, "ref", True)
    assert _program(tmp_path, mine, "mine", True) == want
