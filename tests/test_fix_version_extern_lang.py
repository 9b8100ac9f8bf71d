"""The language of a version script's `extern "LANG" { ... }` block, against ld.bfd 2.40. bfd compares
it case-insensitively (lang_new_vers_pattern: strcasecmp with "C", "C++", "Java"), so `extern "c++"`
matches demangled C++ names; braze compared it exactly, took "c++" as C, and the block's functions
went local (missing from .dynsym). Any other language is bfd's error "unknown language `L' in
version information" (the link fails; braze accepted it). Also in a --dynamic-list.
Compared: whether each link succeeds, the error's text, and the versioned dynamic symbols."""
from __future__ import annotations

import re

import pytest

from elfrows import defined_dynsym_names
from harness import BuildDir

LIB = """namespace ns { int foo(int x) { return x; } int bar(int x) { return x + 1; } int baz(int x) { return x + 2; } }
extern "C" int cfun(void) { return 1; }
extern "C" int cother(void) { return 2; }
"""

SCRIPTS = {
    "lower-cxx": 'V1 { global: extern "c++" { "ns::foo(int)"; ns::b*; }; local: *; };\n',
    "mixed-cxx": 'V1 { global: extern "c++" { ns::foo*; }; extern "C++" { "ns::baz(int)"; }; local: *; };\n',
    "lower-c": 'V1 { global: extern "c" { cfun; }; local: *; };\n',
    "upper-cxx": 'V1 { global: extern "C++" { "ns::foo(int)"; ns::b*; }; local: *; };\n',
    "unknown-lang": 'V1 { global: extern "Foo" { cfun; }; local: *; };\n',
    "unknown-lang-2": 'V1 { global: cother; extern "Fortran" { cfun; }; local: *; };\n',
}

DYNLISTS = {
    "dl-lower-cxx": '{ extern "c++" { "ns::foo(int)"; }; };\n',
    "dl-unknown": '{ extern "Foo" { cfun; }; };\n',
}




@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("verlang"), braze_lddir)
    (w.root / "lib.cc").write_text(LIB)
    w.run(["g++", "-O2", "-fPIC", "-c", "lib.cc"])
    return w


def _compare(work, name, flags):
    res = {}
    for linker in ("bfd", "test"):
        out = work.root / f"{name}-{linker}.so"
        p = work.run(["g++", *work.ld(linker), "-shared", "-o", out.name, "lib.o", *flags], check=False)
        if linker == "test" and p.returncode:
            assert "braze: error:" in p.stderr and "Traceback" not in p.stderr, p.stderr
            assert not out.exists()
        msgs = re.findall(r"unknown language `[^']*' in version information", p.stderr)
        res[linker] = (p.returncode != 0, msgs[:1], defined_dynsym_names(out) if p.returncode == 0 else None)
    assert res["test"] == res["bfd"]


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_version_extern_language_vs_bfd(work, name):
    (work.root / f"{name}.map").write_text(SCRIPTS[name])
    _compare(work, name, [f"-Wl,--version-script={name}.map"])


@pytest.mark.parametrize("name", sorted(DYNLISTS))
def test_dynamic_list_extern_language_vs_bfd(work, name):
    (work.root / f"{name}.list").write_text(DYNLISTS[name])
    (work.root / f"{name}.map").write_text("V1 { global: cfun; local: *; };\n")
    _compare(work, name, [f"-Wl,--version-script={name}.map", f"-Wl,--dynamic-list={name}.list"])
