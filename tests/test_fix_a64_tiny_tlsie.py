"""aarch64 -mcmodel=tiny initial-exec TLS: R_AARCH64_TLSIE_LD_GOTTPREL_PREL19 (an LDR (literal) of the
symbol's GOT slot, 19-bit word offset) in executables.

bfd does not relax it to local-exec, even for a symbol the executable defines: it gives the symbol
a GOT slot holding its TP offset (no dynamic relocation; a library's symbol gets R_AARCH64_TLS_TPREL64)
while the same symbol's small-model IE (ADRP/LDR GOTTPREL) and TLSDESC accesses are still relaxed
to MOVZ/MOVK.  Linked by aarch64 ld.bfd and by the linker under test (no-PIE, PIE, static, static-PIE
executables), run under qemu; compared: the output, the instructions of the accessing functions
with each LDR (literal) replaced by what its slot holds (the GOT word, or the dynamic relocation
type and symbol applied to it).
"""
from __future__ import annotations

import re
import struct
import subprocess
from pathlib import Path

import pytest

import a64_harness as H
from harness import run_cmd, tool_env

SOURCES = {
    "tls.c": "__thread int ie = 1, gd = 2;\n",
    # tiny model: both accesses are TLSIE_LD_GOTTPREL_PREL19 (gd is initial-exec in a PIE)
    "tinyf.c": 'extern __thread int ie __attribute__((tls_model("initial-exec")));\n'
               "extern __thread int gd;\nint f(void) { return ie + gd; }\n",
    # small model, the same symbols: IE (ADRP/LDR GOTTPREL) relaxed to LE
    "small.c": 'extern __thread int ie __attribute__((tls_model("initial-exec")));\n'
               "extern __thread int gd;\nint g(void) { return ie * 10 + gd * 100; }\n",
    # -fPIC: TLSDESC, relaxed to LE in an executable
    "desc.c": "extern __thread int gd;\nint k(void) { return gd * 1000; }\n",
    # tiny model IE of a library's variable
    "h.c": 'extern __thread int libv __attribute__((tls_model("initial-exec")));\n'
           "int h(void) { return libv; }\n",
    "lib.c": "__thread int libv = 7;\n",
    "main.c": "#include <stdio.h>\nint f(void), g(void), k(void);\n#ifdef LIBV\nint h(void);\n#else\n"
              "static int h(void) { return 7; }\n#endif\n"
              'int main(void) { printf("%d %d %d %d\\n", f(), g(), k(), h()); return 0; }\n',
}
FUNCS = ("f", "g", "k", "h")


@pytest.fixture(scope="session", autouse=True)
def _cross_tools():
    assert H.have_toolchain(), "the aarch64 cross toolchain and qemu-user are needed (Makefile APT_PKGS)"


@pytest.fixture(scope="module")
def objs(tmp_path_factory):
    d = tmp_path_factory.mktemp("a64tinyie")
    for name, text in SOURCES.items():
        (d / name).write_text(text)
    cc = H.PREFIX + "gcc"
    run_cmd([cc, "-O2", "-c", "tls.c"], d)
    run_cmd([cc, "-O2", "-fPIE", "-mcmodel=tiny", "-c", "tinyf.c"], d)
    run_cmd([cc, "-O2", "-fPIE", "-mcmodel=tiny", "-c", "h.c"], d)
    run_cmd([cc, "-O2", "-fPIE", "-c", "small.c"], d)
    run_cmd([cc, "-O2", "-fPIC", "-c", "desc.c"], d)
    run_cmd([cc, "-O2", "-fPIE", "-c", "main.c", "-o", "main_static.o"], d)
    run_cmd([cc, "-O2", "-fPIE", "-DLIBV", "-c", "main.c"], d)
    run_cmd([cc, "-O2", "-fPIC", "-shared", "-fuse-ld=bfd", "lib.c", "-o", "libl.so"], d)
    rel = run_cmd(["readelf", "-rW", "tinyf.o"], d).stdout + run_cmd(["readelf", "-rW", "h.o"], d).stdout
    assert rel.count("R_AARCH64_TLSIE_LD_GOTTPREL_PREL19") == 3, rel
    assert "TLSDESC" in run_cmd(["readelf", "-rW", "desc.o"], d).stdout
    return d


def _view(path: Path) -> dict:
    """The accessing functions' instructions, an LDR (literal) as ('ldr-lit', register, slot contents)."""
    secs = [(int(m.group(1), 16), int(m.group(2), 16), int(m.group(3), 16)) for m in re.finditer(
        r"\]\s+\S+\s+(?:PROGBITS|NOBITS|INIT_ARRAY|FINI_ARRAY|DYNAMIC)\s+([0-9a-f]{16}) ([0-9a-f]{6,}) "
        r"([0-9a-f]{6,})", H.readelf(["-S"], str(path)))]
    blob = path.read_bytes()

    def off(a):
        for addr, o, size in secs:
            if addr <= a < addr + size:
                return o + a - addr
        raise AssertionError(f"{path}: address {a:#x} in no section")
    dyn = {}
    for m in re.finditer(r"^([0-9a-f]{16})\s+[0-9a-f]+\s+(R_AARCH64_\w+)\s*(?:[0-9a-f]+\s+(\S+))?",
                         H.readelf(["-r"], str(path)), re.M):
        dyn[int(m.group(1), 16)] = (m.group(2), m.group(3))
    v = {}
    for line in H.readelf(["-s"], str(path)).splitlines():
        f = line.split()
        if len(f) >= 8 and f[3] == "FUNC" and f[7] in FUNCS and f[6] != "UND":
            a, n = int(f[1], 16), int(f[2])
            insns = []
            for j, w in enumerate(struct.unpack_from(f"<{n // 4}I", blob, off(a))):
                if w & 0xff000000 == 0x58000000:        # LDR Xt, <label>
                    imm = (w >> 5) & 0x7ffff
                    target = a + 4 * j + 4 * (imm - (1 << 19) if imm & (1 << 18) else imm)
                    insns.append(("ldr-lit", w & 0x1f, dyn.get(target) or
                                  struct.unpack_from("<q", blob, off(target))[0]))
                else:
                    insns.append(w)
            v[f[7]] = insns
    return v


@pytest.mark.parametrize("mode", ["nopie", "pie", "static", "static-pie"])
def test_tiny_initial_exec_tls(objs, braze_lddir, mode):
    cc = H.PREFIX + "gcc"
    static = mode.startswith("static")
    inputs = ["tinyf.o", "small.o", "desc.o", "tls.o"] + (["main_static.o"] if static else
                                                         ["main.o", "h.o", "-L.", "-ll"])
    outs = {}
    for linker in ("bfd", "braze"):
        how = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{braze_lddir}/"]
        exe = objs / f"prog-{mode}-{linker}"
        run_cmd([cc, *how, f"-{mode}".replace("-nopie", "-no-pie"), *inputs, "-o", exe], objs)
        outs[linker] = exe
    res = {}
    for linker, exe in outs.items():
        p = subprocess.run([H.QEMU, "-L", H.SYSROOT, "-E", f"LD_LIBRARY_PATH={objs}", str(exe)], cwd=objs,
                           env=tool_env(), capture_output=True, text=True, timeout=120)
        res[linker] = (p.returncode, p.stdout, p.stderr)
    assert res["bfd"] == (0, "3 210 2000 7\n", ""), res["bfd"]
    assert res["braze"] == res["bfd"]
    vb, vt = _view(outs["bfd"]), _view(outs["braze"])
    assert set(vb) >= {"f", "g", "k"}, vb
    assert any(isinstance(x, tuple) for x in vb["f"]), vb["f"]
    for k in vb:
        assert vt.get(k) == vb[k], f"{k} differs\nbfd:  {vb[k]}\ntest: {vt.get(k)}"
