"""aarch64 Linux (issue 12 part 2): the C and C++ program cases compiled with the cross compiler,
linked by aarch64 ld.bfd and by the linker under test, run under qemu-aarch64; same stdout, stderr
and exit status, and the same readelf views (ELF header, program headers, section names and
flags, dynamic tags, DT_NEEDED, .dynsym, dynamic relocation types, PT_INTERP).

Extra aarch64 cases live in c/a64_*: IFUNC, TLS in every model and dialect (TLSDESC, traditional
GD/LD, IE, LE and bfd's relaxations), a -shared library (with lazy TLSDESC) loaded at link time,
with dlopen and with LD_PRELOAD, the library-init entry.
"""
from __future__ import annotations

import collections
import re
import subprocess
from pathlib import Path

import pytest

import a64_harness as H
from harness import Store, tool_env
from programs import BY_NAME, Case

C = Path(__file__).resolve().parent / "c"

# programs.py cases that are not about x86-64 (compiler flags, builtins or asm of their own)
_X86_ONLY = {"tls_gnu2", "ifunc", "plt_unwind", "mcmodel_medium", "cxx_eh_large_model"}
_PORTED = [c for c in BY_NAME.values() if c.name not in _X86_ONLY]

# aarch64's own cases
A64_CASES = [
    Case("a64_ifunc", modes=("pie", "nopie", "static"), obj_expect={"a64_ifunc": ("IFUNC",)}),
    Case("a64_tls_trad", src="a64_tls", cflags=("-fPIC", "-mtls-dialect=trad"),
         obj_expect={"tlsmain": ("R_AARCH64_TLSGD_ADR_PAGE21",)}, threads=True,
         modes=("pie", "nopie", "static")),
    Case("a64_tls_desc", src="a64_tls", cflags=("-fPIC", "-mtls-dialect=desc"),
         obj_expect={"tlsmain": ("R_AARCH64_TLSDESC_ADR_PAGE21",)}, threads=True,
         modes=("pie", "nopie", "static")),
    Case("a64_tls_exec", src="a64_tls", obj_expect={"tlsmain": ("R_AARCH64_TLSLE_ADD_TPREL_HI12",)},
         threads=True, modes=("pie", "nopie", "static")),
    Case("a64_relocs", modes=("nopie", "static"),     # (absolute MOVW groups: not in a PIE)
         obj_expect={"a64_relocs": ("R_AARCH64_MOVW_UABS_G3", "R_AARCH64_PREL32")}),
]
for _c in A64_CASES:
    BY_NAME.setdefault(_c.name, _c)


def _params():
    out = []
    for c in _PORTED + A64_CASES:
        for m in ("pie", "nopie", "static"):
            if m == "static" and "static" not in c.modes:
                continue
            if m != "static" and m not in c.modes:
                continue
            out.append(pytest.param(c.name, m, id=f"{c.name}-{m}"))
    return out


@pytest.fixture(scope="session", autouse=True)
def _cross_tools():
    assert H.have_toolchain(), ("the aarch64 cross toolchain and qemu-user are needed "
                                "(Makefile APT_PKGS: gcc-aarch64-linux-gnu g++-aarch64-linux-gnu "
                                "binutils-aarch64-linux-gnu qemu-user)")


def _readelf(path: str, *args: str) -> str:
    return H.readelf(list(args), path)


def views(path: str) -> dict:
    """What must be the same in bfd's and the linker under test's output."""
    h = _readelf(path, "-h")
    v = {"header": [l.split(":", 1)[1].strip() for l in h.splitlines()
                    if l.strip().startswith(("Class", "Data", "Machine", "Type", "OS/ABI"))]}
    ph = _readelf(path, "-l")
    v["phdrs"] = [(p[0], " ".join(p[6:-1]), p[-1]) for p in
                  (l.split() for l in ph.splitlines() if re.match(r"\s+[A-Z_]+\s+0x", l))]
    v["interp"] = re.findall(r"Requesting program interpreter: (\S+)\]", ph)
    sh = _readelf(path, "-S")
    v["sections"] = [(m.group(1), m.group(2)) for m in
                     re.finditer(r"\]\s+(\S+)\s+(\S+)\s+[0-9a-f]{16}", sh)]
    dyn = _readelf(path, "-d")
    v["tags"] = re.findall(r"^\s*0x[0-9a-f]+ \((\w+)\)", dyn, re.M)
    v["needed"] = re.findall(r"\(NEEDED\)\s+Shared library: \[(.*)\]", dyn)
    ds = _readelf(path, "--dyn-syms")
    # (bfd's aarch64 PIE/-shared outputs also carry two unused STT_SECTION symbols, of the first
    # text and data sections, in .dynsym; braze writes none: compared without them)
    v["dynsym"] = sorted(" ".join(l.split()[3:5] + l.split()[6:8]) for l in ds.splitlines()
                         if re.match(r"\s+\d+:", l) and len(l.split()) >= 8 and l.split()[3] != "SECTION")
    rel = _readelf(path, "-r")
    v["dynrel_types"] = sorted(collections.Counter(re.findall(r"\b(R_AARCH64_\w+)", rel)).items())
    return v


def _links(store, name, mode, lddir):
    case = BY_NAME[name]
    ref = H.link_case(store, case, mode, "bfd", "bfd")
    assert ref.ok, "harness: the reference link with aarch64 ld.bfd failed\n" + ref.describe("bfd")
    got = H.link_case(store, case, mode, lddir, "test")
    assert got.ok, got.describe("under test")
    return case, ref, got


@pytest.mark.parametrize("name,mode", _params())
def test_program(store, braze_lddir, name, mode, tmp_path):
    case, ref, got = _links(store, name, mode, braze_lddir)
    rb = H.run_program(ref.exe, case, tmp_path / "bfd")
    rt = H.run_program(got.exe, case, tmp_path / "test")
    assert (rt.returncode, rt.stdout, rt.stderr) == (rb.returncode, rb.stdout, rb.stderr), \
        rb.describe("bfd") + rt.describe("under test")
    vb, vt = views(ref.exe), views(got.exe)
    for k in vb:
        assert vt[k] == vb[k], f"{k} differs\nbfd:  {vb[k]}\ntest: {vt[k]}"
