"""An executable linked with --no-dynamic-linker (no interpreter; started through ld.so by hand, or a
static PIE's own relocator) that still links shared libraries: bfd resolves its undefined weak symbols
to 0 (no .dynsym entry, no symbolic dynamic relocation) on x86-64 and aarch64, and x86-64 bfd warns
that -z dynamic-undefined-weak is ignored there (aarch64 bfd does not know the keyword and warns the
same). braze made them dynamic, so a library preloaded at run time was bound to them and the
program called it. Compared with ld.bfd: the dynamic symbols, the dynamic relocation types, the
warnings and the run output with the defining library preloaded."""
from __future__ import annotations

import os
import subprocess

import pytest

import a64_harness as H
from harness import BuildDir

MAIN = r"""
#include <stdio.h>
extern int wf(void) __attribute__((weak));
extern int wv __attribute__((weak));
void *ptrs[] = { (void *)wf, &wv };
int main(void) {
    printf("%d %d %d\n", wf ? wf() : -1, &wv ? wv : -1, ptrs[0] != 0);
    return 0;
}
"""
DEFS = "int wf(void) { return 42; }\nint wv = 7;\n"
OTHER = "int other(void) { return 1; }\n"

ARCH = {"x86_64": ("", ["/lib64/ld-linux-x86-64.so.2"]),
        "aarch64": (H.PREFIX, [H.QEMU, "-L", H.SYSROOT, "-E", "LD_PRELOAD={pre}", "-E",
                               "LD_LIBRARY_PATH={dir}", H.SYSROOT + "/lib/ld-linux-aarch64.so.1"])}


def _facts(b, exe) -> tuple:
    dyn = subprocess.run(["readelf", "--dyn-syms", "-W", str(exe)], capture_output=True, text=True).stdout
    rel = subprocess.run(["readelf", "-rW", str(exe)], capture_output=True, text=True).stdout
    names = sorted(line.split()[7] for line in dyn.splitlines()
                   if len(line.split()) >= 8 and line.split()[7] in ("wf", "wv"))
    types = sorted(line.split()[2] for line in rel.splitlines() if "R_" in line and line[:1] in "0123456789abcdef")
    return names, types


@pytest.mark.parametrize("z", ["", "dynamic-undefined-weak", "nodynamic-undefined-weak"])
@pytest.mark.parametrize("mode", ["-pie", "-no-pie"])
@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
def test_no_interp_undefined_weak_is_zero_as_bfd(tmp_path, braze_lddir, arch, mode, z):
    prefix, runner = ARCH[arch]
    if arch == "aarch64":
        assert H.have_toolchain(), "the aarch64 cross toolchain is needed (Makefile APT_PKGS)"
    b = BuildDir(tmp_path, braze_lddir)
    cc = prefix + "gcc"
    (tmp_path / "m.c").write_text(MAIN)
    (tmp_path / "d.c").write_text(DEFS)
    (tmp_path / "o.c").write_text(OTHER)
    b.run([cc, "-fPIC", "-shared", "d.c", "-o", "libd.so"])
    b.run([cc, "-fPIC", "-shared", "o.c", "-o", "libo.so"])
    b.run([cc, "-fPIC" if mode == "-pie" else "-fno-pic", "-c", "m.c", "-o", "m.o"])
    zarg = [f"-Wl,-z,{z}"] if z else []
    got = {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"m-{linker}"
        p = b.run([cc, *b.ld(linker), mode, "m.o", "-L.", "-lo", *zarg, "-Wl,--no-dynamic-linker",
                   "-o", out])
        warns = sorted(line.split("warning: ", 1)[1] for line in p.stderr.splitlines() if "warning: " in line)
        env = dict(os.environ, LD_PRELOAD=str(tmp_path / "libd.so"), LD_LIBRARY_PATH=str(tmp_path))
        cmd = [a.format(pre=tmp_path / "libd.so", dir=tmp_path) for a in runner] + [str(out)]
        if arch == "aarch64":
            env.pop("LD_PRELOAD")
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
        got[linker] = (_facts(b, out), warns, r.returncode, r.stdout)
    assert got["bfd"][3].startswith("-1 -1"), f"harness: bfd's program saw the preloaded library: {got['bfd']}"
    assert got["test"] == got["bfd"]
