"""Rust v0 names (`_R…`, rustc `-C symbol-mangling-version=v0`) in diagnostics, against ld.bfd:
a Rust object whose references to another crate are left undefined is linked by both linkers, and
the undefined names they report must be the same (bfd demangles them without crate hashes), also
under --no-demangle and --demangle=STYLE (auto, gnu-v3: C++ only, rust: Rust only, none).  The demangler itself is compared with bfd's own (`bfd_demangle` from the
libbfd that ld.bfd uses) on every v0 name in the Rust objects, hand-written names for the rest of
the grammar, and derandomized mutations of them (bfd shows an unparsable name as it is)."""
from __future__ import annotations

import ctypes
import os
import random
import re
import signal
import subprocess
from pathlib import Path

import pytest

from harness import tool_env
import test_shared as shared
from test_rust_go import _rustc

SRC = Path(__file__).resolve().parent / "c" / "locals"
LINKERS = ("bfd", "test")

# grammar the two Rust sources do not produce: consts of every type, fn pointers with ABIs, binders
# and lifetimes, dyn with associated types, tuples, arrays, slices, pointers, shims, backrefs, Unicode
HAND_WRITTEN = [
    "_RNvC1a1f", "_RINvC1a1fKc5c_E", "_RINvC1a1fKc22_E", "_RINvC1a1fKc0_E", "_RINvC1a1fKc9_E", "_RINvC1a1fKca_E",
    "_RINvC1a1fKc7e_E", "_RINvC1a1fKc1f600_E", "_RINvC1a1fKc27_E", "_RINvC1a1fKc20_E", "_RINvC1a1fKo123456789abcdef0123_E",
    "_RINvC1a1fKlnff_E", "_RINvC1a1fKpE", "_RINvC1a1fKb1_E", "_RINvC1a1fKb0_E", "_RINvC1a1fKm00_E", "_RINvC1a1fFKCmEuE",
    "_RINvC1a1fFUK4rustmEuE", "_RINvC1a1fFK6C_unwindmEuE", "_RINvC1a1fFG0_RL0_eEB3_E", "_RINvC1a1fFG1_RL1_eRL0_eEuE",
    "_RINvC1a1fDNtC1a1TEL_E", "_RINvC1a1fDINtC1a1TmEp4Itemd_EL0_E", "_RINvC1a1fDG_NtC1a1TNtC1a1UEL_E",
    "_RINvC1a1fTmEE", "_RINvC1a1fTEE", "_RINvC1a1fTmhEE", "_RINvC1a1fAmKj4_E", "_RINvC1a1fSmE", "_RINvC1a1fPmOmQmRmE",
    "_RINvC1a1fRL_mE", "_RNvNtC1a1bu7caf_dma", "_RNvNCNvC1a1f0s_1g", "_RNvNSNvC1a1f3foo1g", "_RNvNXNvC1a1f1x1g",
    "_RNvNtC1a1b1c.llvm.1", "_RNvYmNtC1a1T1f", "_RNvMs2_C1aINtB4_1SmE1f", "_RINvC1a1fzvpE", "_RNvC1a1fC1b",
    "_RNvC1au9ez_yjaa8c", "_RNvC1au15ber_gre_5va0s0b", "_RNvC1au10wgv71a119e", "_RNvC1au10xy_no82aba",
    "_RNvC1a1f$x", "_RINvC1a1fFK6C__unwindmEuE", "_R0NvC1a1f", "_RNvC1a1fx", "_RINvC1a1fKm10000000000000000_E", "_RINvC1a1fLs_E", "_RNvCu1a1f",
]


def _objects(tmp: Path) -> tuple[Path, Path]:
    """rust_user.rs as an object (v0 names), its dependency rust_dep.rs as an rlib."""
    rustc = _rustc()
    v0 = ["-C", "symbol-mangling-version=v0", "-O", "--edition", "2021"]
    rlib, obj = tmp / "librust_dep.rlib", tmp / "rust_user.o"
    for cmd in ([rustc, *v0, SRC / "rust_dep.rs", "-o", rlib],
                [rustc, *v0, "--emit=obj", "--extern", f"rust_dep={rlib}", SRC / "rust_user.rs", "-o", obj]):
        p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=tool_env(), timeout=300)
        assert p.returncode == 0, f"harness: {cmd} failed:\n{p.stderr}"
    return obj, rlib


@pytest.fixture(scope="module")
def rust(tmp_path_factory):
    return _objects(tmp_path_factory.mktemp("rustv0"))


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir):
    return shared.Build(tmp_path_factory.mktemp("rustv0-link"), braze_lddir)


def _undefined(stderr: str) -> set:
    """The names of `undefined reference to `X'` (bfd) / `undefined symbol: X` (braze) messages."""
    return set(re.findall(r"undefined reference to `(.*)'$", stderr, re.M)) | \
        set(re.findall(r"undefined symbol: (.*)$", stderr, re.M))


STYLES = {"default": [], "no-demangle": ["-Wl,--no-demangle"], "auto": ["-Wl,--demangle=auto"],
          "gnu-v3": ["-Wl,--demangle=gnu-v3"], "rust": ["-Wl,--demangle=rust"], "none": ["-Wl,--demangle=none"],
          "rust-then-plain": ["-Wl,--demangle=rust", "-Wl,--demangle"]}


@pytest.mark.parametrize("style", sorted(STYLES))
def test_undefined_rust_names_as_bfd(build, rust, style):
    """Also a C++ name, so that --demangle=STYLE's choice of which names to demangle shows."""
    obj = rust[0]
    main = build.root / "main.c"
    if not main.exists():
        main.write_text("unsigned call_it(unsigned);\nvoid _ZN3foo3barEv(void);\n"
                        "int main(void) { _ZN3foo3barEv(); return (int)call_it(3); }\n")
    got = {}
    for ln in LINKERS:
        p = build.link(ln, f"prog-{style}", [main, obj], *STYLES[style], check=False)
        assert not isinstance(p, Path), f"{ln}: the link succeeded"
        got[ln] = _undefined(p.stderr)
    ref = got["bfd"]
    rust_names = {"rust_dep::inner::missing_fn", "<rust_dep::Wrapper<u32> as rust_dep::Speak>::speak",
                  "rust_dep::inner::deeper::wörld", "<&[i64] as rust_dep::Speak>::speak"}
    if style in ("default", "auto"):
        assert rust_names | {"foo::bar()"} <= ref, f"harness: {ref}"
    elif style in ("rust", "rust-then-plain"):
        assert rust_names | {"_ZN3foo3barEv"} <= ref, f"harness: {ref}"
    elif style == "gnu-v3":
        assert "foo::bar()" in ref and "_RNvNtCs" in " ".join(ref), f"harness: {ref}"
    else:
        assert "_ZN3foo3barEv" in ref and "_RNvNtCs" in " ".join(ref), f"harness: {ref}"
    assert got["test"] == ref


def _bfd_demangle_all(names: list[str]) -> dict:
    """bfd_demangle(name, DMGL_PARAMS | DMGL_ANSI) for each name, each in a forked child (libiberty
    loops on some hostile names): name -> result, None where it did not return within 2 s."""
    lib = ctypes.CDLL("libbfd-2.40-system.so")
    lib.bfd_demangle.restype = ctypes.c_void_p
    lib.bfd_demangle.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    out = {}
    for n in names:
        rd, wr = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(rd)
            signal.alarm(2)
            r = lib.bfd_demangle(None, n.encode(), 3)
            os.write(wr, ctypes.string_at(r) if r else n.encode())
            os._exit(0)
        os.close(wr)
        chunks = []
        while True:
            c = os.read(rd, 65536)
            if not c:
                break
            chunks.append(c)
        os.close(rd)
        _, status = os.waitpid(pid, 0)
        out[n] = b"".join(chunks).decode() if status == 0 else None
    return out


def test_demangler_matches_bfds(rust):
    from braze.rustdemangle import demangle_rust_v0
    p = subprocess.run(["nm", "-j", *map(str, rust)], capture_output=True, text=True, env=tool_env())
    real = sorted({n for n in p.stdout.split() if n.startswith("_R")})
    assert len(real) > 15, f"harness: {real}"
    rng = random.Random(8)
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"
    pool = real + HAND_WRITTEN
    mutants = []
    for _ in range(400):
        n = rng.choice(pool)
        i = rng.randrange(2, len(n))
        mutants.append([n[:i], n[:i] + rng.choice(alphabet) + n[i + 1:], n[:i] + rng.choice(alphabet) + n[i:]][i % 3])
    ref = _bfd_demangle_all(pool + mutants)
    bad = [(n, r, demangle_rust_v0(n) or n) for n, r in ref.items() if r is not None and (demangle_rust_v0(n) or n) != r]
    assert not bad, "differs from bfd's demangler:\n" + "\n".join(f"{n}\n  bfd:  {r}\n  test: {g}" for n, r, g in bad[:20])
    assert sum(r != n for n, r in ref.items()) > len(pool), "harness: bfd demangled too few names"


def test_demangle_style_errors(direct_ld, tmp_path):
    """An unknown style is an error in both linkers (same message); styles that print names another
    way (java, gnat, dlang) are refused by braze rather than printed wrongly."""
    ref = subprocess.run(["ld.bfd", "--demangle=bogus", "-o", tmp_path / "r"], capture_output=True, text=True)
    assert ref.returncode == 1 and "unknown demangling style `bogus'" in ref.stderr, f"harness: {ref.stderr}"
    for style, msg in (("bogus", "unknown demangling style `bogus'"), ("java", "option --demangle=java is not supported")):
        p = subprocess.run([*direct_ld, f"--demangle={style}", "-o", tmp_path / "out"], capture_output=True, text=True)
        assert p.returncode == 1 and re.search(rf"^(braze|ld): error: {re.escape(msg)}$", p.stderr, re.M), p.stderr
        assert not (tmp_path / "out").exists()
