"""Random multi-module programs (tests/progen.py) linked by ld.bfd and by braze: the programs must
link alike and print the same values, call results and address equalities. The generator mixes
every symbol kind a linker treats differently (functions, IFUNCs, data, .bss, read-only data,
arrays, thread-locals, pointers in data, aliases, weak undefined references, protected and hidden
visibility, interposition by the program), compile modes (-fno-pie, -fPIE, -fPIC, -fno-plt,
-mcmodel=medium, -fcommon, TLS models and dialects, section-per-function), link modes (-no-pie,
-pie, -static, -static-pie), library options (-Bsymbolic*, version scripts, -z now, --gc-sections,
-z pack-relative-relocs), functions with two versions (.symver) and calls of the old one, objects
joined by `-r` first (with the linker under test), --wrap, and constructors with priorities.
A fixed set of seeds runs here, for x86-64 and for aarch64 (cross compiler, qemu);
BRAZE_PROGEN_SEEDS=N runs N more of each (from seed 1000)."""
from __future__ import annotations

import os

import pytest

import progen
from harness import tool_env

MORE = list(range(1000, 1000 + int(os.environ.get("BRAZE_PROGEN_SEEDS", "0"))))
SEEDS = list(range(0, 120)) + MORE
A64_SEEDS = list(range(0, 40)) + [66, 127, 277] + MORE


@pytest.mark.parametrize("seed", SEEDS)
def test_random_program_vs_bfd(seed, braze_lddir, tmp_path):
    what, report = progen.run_seed(seed, braze_lddir, str(tmp_path), env=tool_env())
    assert what in ("ok", "both fail"), f"{what} {report}"


@pytest.mark.parametrize("seed", A64_SEEDS)
def test_random_program_aarch64_vs_bfd(seed, braze_lddir, tmp_path):
    import a64_harness as H
    assert H.have_toolchain()
    what, report = progen.run_seed(seed, braze_lddir, str(tmp_path), env=tool_env(), arch="aarch64")
    assert what in ("ok", "both fail", "bfd broken"), f"{what} {report}"


CXX_SEEDS = list(range(0, 40)) + MORE
CXX_A64_SEEDS = list(range(0, 12)) + MORE


@pytest.mark.parametrize("seed", CXX_SEEDS)
def test_random_cxx_program_vs_bfd(seed, braze_lddir, tmp_path):
    """tests/cxxgen.py: template statics and inline functions' statics (STB_GNU_UNIQUE), vtables and
    typeinfo with and without a key function, exceptions thrown across modules, dynamic_cast. braze
    bound a -Bsymbolic library's unique symbols to its own copies (bfd never binds them locally:
    the library's template counters diverged from the program's) before this test."""
    import cxxgen
    what, report = cxxgen.run_seed(seed, braze_lddir, str(tmp_path), env=tool_env())
    assert what in ("ok", "both fail"), f"{what} {report}"


@pytest.mark.parametrize("seed", CXX_A64_SEEDS)
def test_random_cxx_program_aarch64_vs_bfd(seed, braze_lddir, tmp_path):
    import a64_harness as H
    import cxxgen
    assert H.have_toolchain()
    what, report = cxxgen.run_seed(seed, braze_lddir, str(tmp_path), env=tool_env(), arch="aarch64")
    assert what in ("ok", "both fail", "bfd broken"), f"{what} {report}"
