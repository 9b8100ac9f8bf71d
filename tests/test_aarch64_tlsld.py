"""aarch64 local-dynamic TLS (issue 12): R_AARCH64_TLSLD_* with bfd's LD -> LE relaxation.

Neither gcc nor clang emits the traditional form by default; c/a64v_tlsld/ld.s has it as hand-written
code does (TLSLD_ADR_PAGE21/ADD_LO12_NC + __tls_get_addr, DTPREL offsets as ADD HI12/LO12(_NC),
load/store LO12_NC and MOVW G1/G0_NC), base.s the TLSDESC-for-_TLS_MODULE_BASE_ form clang's
local-dynamic generation writes, and cl.c is compiled by clang with that generation on. Linked by
aarch64 ld.bfd and by the linker under test (no-PIE, PIE, -static executables; a -shared library
loaded by a bfd-linked host), run under qemu with a second thread. Compared: output; in executables
the relaxed code of every function, the dynamic relocation types and _TLS_MODULE_BASE_'s symbol;
for the library, the dynamic relocation types except bfd's per-symbol module pairs (see below).
"""
from __future__ import annotations

import collections
import re
import struct
import subprocess
from pathlib import Path

import pytest

import a64_harness as H
from harness import tool_env

SRC = Path(__file__).resolve().parent / "c" / "a64v_tlsld"
FUNCS = ("ld_set", "ld_get", "mb_add", "cl_add")


@pytest.fixture(scope="session", autouse=True)
def _cross_tools():
    assert H.have_toolchain(), "the aarch64 cross toolchain and qemu-user are needed (Makefile APT_PKGS)"


def _run(cmd, cwd):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=tool_env(), capture_output=True, text=True,
                       errors="replace", timeout=300)
    assert p.returncode == 0, f"command failed (exit {p.returncode})\n$ {cmd}\n{p.stdout}{p.stderr}"
    return p


@pytest.fixture(scope="module")
def objs(tmp_path_factory):
    d = tmp_path_factory.mktemp("a64tlsld")
    _run([H.PREFIX + "gcc", "-c", SRC / "ld.s", "-o", "ld.o"], d)
    _run([H.PREFIX + "gcc", "-c", SRC / "base.s", "-o", "base.o"], d)
    _run([H.PREFIX + "gcc", "-c", "-O2", SRC / "main.c", "-o", "main.o"], d)
    _run(["clang-14", "--target=aarch64-linux-gnu", "-O2", "-fPIC", "-ftls-model=local-dynamic",
          "-mllvm", "-aarch64-elf-ldtls-generation=1", "-c", SRC / "cl.c", "-o", "cl.o"], d)
    rel = _run(["readelf", "-rW", "cl.o"], d).stdout
    assert "R_AARCH64_TLSLD_ADD_DTPREL_HI12" in rel, "clang no longer writes local-dynamic TLS"
    return d


def view(path: Path, exe: bool) -> dict:
    secs = {m.group(1): (int(m.group(2), 16), int(m.group(3), 16)) for m in re.finditer(
        r"\]\s+(\S+)\s+\S+\s+([0-9a-f]{16}) ([0-9a-f]{6,})", H.readelf(["-S"], str(path)))}
    blob = path.read_bytes()
    v = {"dynrel": collections.Counter(re.findall(r"\b(R_AARCH64_\w+)", H.readelf(["-r"], str(path))))}
    syms = [l.split() for l in H.readelf(["-s"], str(path)).splitlines()]
    syms = [f for f in syms if len(f) >= 8 and re.match(r"\d+:", f[0])]
    v["module_base"] = sorted({tuple(f[1:5]) for f in syms if f[7] == "_TLS_MODULE_BASE_"})
    if exe:
        taddr, toff = secs[".text"]
        for f in syms:
            if f[7] in FUNCS and f[3] == "FUNC":
                a, n = int(f[1], 16), int(f[2])
                v[f[7]] = list(struct.unpack_from(f"<{n // 4}I", blob, toff + a - taddr))
    return v


@pytest.mark.parametrize("mode", ["nopie", "pie", "static", "shared"])
def test_tlsld(objs, braze_lddir, mode):
    cc = H.PREFIX + "gcc"
    outs = {}
    for linker in ("bfd", "braze"):
        d = objs / f"{mode}-{linker}"
        d.mkdir(exist_ok=True)
        how = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{braze_lddir}/"]
        if mode == "shared":
            _run([cc, *how, "-shared", objs / "ld.o", objs / "base.o", objs / "cl.o", "-o", d / "libtl.so"], d)
            _run([cc, "-fuse-ld=bfd", "-pthread", objs / "main.o", f"-L{d}", "-ltl", "-o", d / "prog"], d)
            outs[linker] = (d / "prog", d / "libtl.so")
        else:
            flags = {"nopie": ["-no-pie"], "pie": ["-pie"], "static": ["-static"]}[mode]
            _run([cc, *how, *flags, "-pthread", objs / "main.o", objs / "ld.o", objs / "base.o", objs / "cl.o",
                  "-o", d / "prog"], d)
            outs[linker] = (d / "prog", d / "prog")
    res = {}
    for linker, (exe, _out) in outs.items():
        p = subprocess.run([H.QEMU, "-L", H.SYSROOT, "-E", f"LD_LIBRARY_PATH={exe.parent}", str(exe)],
                           cwd=exe.parent, env=tool_env(), capture_output=True, text=True, timeout=120)
        res[linker] = (p.returncode, p.stdout, p.stderr)
    assert res["bfd"] == (0, "thread 1035 105\nmain 42 121\n", ""), res["bfd"]
    assert res["braze"] == res["bfd"]
    vb, vt = view(outs["bfd"][1], mode != "shared"), view(outs["braze"][1], mode != "shared")
    if mode == "shared":
        # bfd gives each symbol a TLSLD relocation names its own module pair (DTPMOD64 and a reserved
        # relocation left R_AARCH64_NONE); braze one pair for the library, as for x86-64
        for c in (vb["dynrel"], vt["dynrel"]):
            assert c.pop("R_AARCH64_TLS_DTPMOD64", 0) >= 1
            c.pop("R_AARCH64_NONE", None)
    else:
        assert set(vb) >= set(FUNCS), vb
    for k in vb:
        assert vt[k] == vb[k], f"{k} differs\nbfd:  {vb[k]}\ntest: {vt[k]}"
