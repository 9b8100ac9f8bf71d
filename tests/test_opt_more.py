"""Options linked by ld.bfd AND by the linker under test from the same objects, compared on behaviour
(the programs' output) and on readelf's views (.dynsym, symbol versions, dynamic relocations and
tags, via test_opt_exports.assert_same).

bfd's built-in dynamic lists: --dynamic-list-data (every data object is listed),
--dynamic-list-cpp-typeinfo (`typeinfo for*`, `typeinfo name for*`) and --dynamic-list-cpp-new
(`operator new*`, `operator delete*`). Each acts as a --dynamic-list: an executable exports what it
lists, and in -shared only listed symbols stay preemptible (the rest bind locally)."""
from __future__ import annotations

from pathlib import Path

import pytest

from test_opt_exports import LINKERS, SRC as EXPORTS_SRC, Build, assert_same, dynsyms, run

CSRC = Path(__file__).resolve().parent / "c"

BUILTIN_LISTS = {
    "data": ["-Wl,--dynamic-list-data"],
    "typeinfo": ["-Wl,--dynamic-list-cpp-typeinfo"],
    "new": ["-Wl,--dynamic-list-cpp-new"],
    "new-and-data": ["-Wl,--dynamic-list-cpp-new", "-Wl,--dynamic-list-data"],
    "data-cancels-symbolic": ["-Wl,-Bsymbolic", "-Wl,--dynamic-list-data"],
    "typeinfo-with-list": ["-Wl,--dynamic-list-cpp-typeinfo", f"-Wl,--dynamic-list={EXPORTS_SRC / 'bind.list'}"],
}


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> Build:
    return Build(tmp_path_factory.mktemp("moreopts"), braze_lddir)


def _cxx_obj(build: Build, *flags: str) -> Path:
    out = build.root / ("cxx" + "".join(f.strip("-").replace("=", "") for f in flags) + ".o")
    if not out.exists():
        build.run(["g++", "-c", "-O2", *flags, CSRC / "moreopts_cxx.cc", "-o", out])
    return out


@pytest.mark.parametrize("variant", sorted(BUILTIN_LISTS))
def test_builtin_dynamic_lists_bind_like_bfd(build, variant):
    """-shared: which of the library's symbols its own code reaches (the host interposes them all)."""
    obj = build.obj("bind_lib.c", "-fPIC")
    out = {}
    for ln in LINKERS:
        lib = build.link(ln, f"bind-{variant}", "libbind.so", ["-shared", obj, *BUILTIN_LISTS[variant]])
        host = build.link("bfd", f"bind-{variant}-{ln}", "host",
                          [EXPORTS_SRC / "bind_host.c", lib, f"-Wl,-rpath,{lib.parent}"])
        out[ln] = (lib, run([host], host.parent))
    assert out["bfd"][1][0] == 0 and "bind_report" in out["bfd"][1][1], f"harness: {out['bfd'][1]}"
    assert out["test"][1] == out["bfd"][1]
    assert_same(out["bfd"][0], out["test"][0], what=variant)


@pytest.mark.parametrize("mode", ["-shared", "-pie", "-no-pie"])
@pytest.mark.parametrize("variant", sorted(BUILTIN_LISTS))
def test_builtin_dynamic_lists_cxx(build, variant, mode):
    """C++ typeinfo, operator new/delete and data objects: what each list exports, in a library
    and in executables (which then run alike)."""
    obj = _cxx_obj(build, "-fPIC") if mode == "-shared" else \
        _cxx_obj(build, "-DWITH_MAIN", "-fPIE" if mode == "-pie" else "-fno-pie")
    name = "libcxx.so" if mode == "-shared" else "cxx"
    outs = {ln: build.link(ln, f"cxx-{variant}{mode}", name, [mode, obj, *BUILTIN_LISTS[variant]], cxx=True)
            for ln in LINKERS}
    names = {"counter", "table", "plain_fn", "cxx_report", "_ZTI7Derived", "_ZTS7Derived", "_Znwm", "_ZdlPv"}
    assert {e[0] for e in dynsyms(outs["bfd"])} & names, "harness: bfd exported none of them"
    assert_same(outs["bfd"], outs["test"], names, f"{variant} {mode}")
    if mode != "-shared":
        assert run([outs["test"]], outs["test"].parent) == run([outs["bfd"]], outs["bfd"].parent)
