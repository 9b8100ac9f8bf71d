"""aarch64 --emit-relocs against aarch64 ld.bfd (tests/test_emit_relocs.py is the x86-64 side): the
relocation sections a final link keeps (.rela<section>), entry by entry in order as (section, offset
from the target section's start, type, symbol + addend), and the programs run alike under qemu.

Cases: TLS in the traditional GD dialect relaxed to IE/LE (bfd writes the dropped __tls_get_addr
call as R_AARCH64_NONE against no symbol; the TLS relocations keep their types), TLSDESC and IE
relaxed, hand-written TLSLD relaxed to LE (c/a64v_tlsld), -g objects in PIE, non-PIE, -shared and
-static (glibc's libc.a: .eh_frame's relocations of dropped records are R_AARCH64_NONE at the input
section's output offset, bfd's last_offset), erratum-843419 rewrites and veneers (c/a64v_erratum),
range-extension veneers (c/a64v_far: the CALL26 names the callee, not its veneer), C++ with COMDAT
groups and exceptions, a call to an undefined weak function (a nop, CALL26 kept)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import a64_harness as H
from harness import run_cmd as _run
from harness import REPO, _clip, run_env
from relocatable_view import relocations, sections

SRC = REPO / "tests" / "c"
MODES = {"pie": (["-fPIE"], ["-pie"]), "nopie": (["-fno-pie"], ["-no-pie"]), "shared": (["-fPIC"], ["-shared"]),
         "static": (["-fno-pie"], ["-static"]), "pic-pie": (["-fPIC"], ["-pie"]), "pic-nopie": (["-fPIC"], ["-no-pie"])}
WEAK_C = """\
#include <stdio.h>
extern void maybe(void) __attribute__((weak));
int main(void) { if (&maybe) maybe(); puts("ok"); return 0; }
"""
CASES = {
    # case: (sources, extra cflags, extra link flags, modes)
    "tls_trad": (["a64_tls/tlsmain.c", "a64_tls/tlsother.c"], ["-pthread", "-mtls-dialect=trad"], ["-pthread"],
                 ("pic-pie", "pic-nopie")),
    "tls": (["a64_tls/tlsmain.c", "a64_tls/tlsother.c"], ["-pthread"], ["-pthread"], ("pie", "pic-nopie", "shared")),
    "tlsld": (["a64v_tlsld/ld.s", "a64v_tlsld/base.s", "a64v_tlsld/main.c"], [], ["-pthread"], ("pic-pie", "nopie")),
    "multi_g": (["multi_object/list.c", "multi_object/map.c", "multi_object/strbuf.c", "multi_object/util.c",
                 "multi_object/main.c"], ["-g"], [], ("pie", "nopie", "shared", "static")),
    "erratum": (["a64v_erratum/seq.s", "a64v_erratum/main.c"], [], [], ("nopie", "static")),
    "veneers": (["a64v_far/main.c", "a64v_far/near.s", "a64v_far/far.s"], [], ["-Wl,--defsym,farabs=0x200000000"],
                ("pic-pie", "pic-nopie")),
    "cxx": (["cxx_eh_comdat/factory.cc", "cxx_eh_comdat/main.cc"], [], [], ("pie", "nopie")),
    "weak": (["weak.c"], [], [], ("nopie", "static")),
}


@pytest.fixture(scope="session", autouse=True)
def _cross_tools():
    assert H.have_toolchain(), "the aarch64 cross toolchain and qemu-user are needed (Makefile APT_PKGS)"


def emitted(path: Path) -> list:
    addr = {s[1]: s[7] for s in sections(path)}
    return [(sec, int(off, 16) - addr.get(sec[5:], 0), typ, sym) for sec, off, typ, sym in relocations(path)
            if sec not in (".rela.dyn", ".rela.plt")]


def _qemu(exe: Path, tmp: Path):
    run = tmp / f"run-{exe.name}"
    run.mkdir()
    env = run_env(run, {})
    env["QEMU_LD_PREFIX"] = H.SYSROOT
    p = subprocess.run([H.QEMU, "-L", H.SYSROOT, str(exe)], cwd=run, env=env, capture_output=True, text=True,
                       errors="replace", timeout=60)
    return p.returncode, p.stdout


@pytest.mark.parametrize("case,mode", [(c, m) for c, v in sorted(CASES.items()) for m in v[3]])
def test_a64_emit_relocs_like_bfd(case, mode, tmp_path, braze_lddir):
    srcs, cflags, lflags, _modes = CASES[case]
    cxx = any(s.endswith(".cc") for s in srcs)
    cc = H.PREFIX + ("g++" if cxx else "gcc")
    (tmp_path / "weak.c").write_text(WEAK_C)
    objs = []
    for s in srcs:
        o = tmp_path / (Path(s).stem + ".o")
        src = tmp_path / s if s == "weak.c" else SRC / s
        _run([cc, "-c", "-O2", *MODES[mode][0], *cflags, src, "-o", o], tmp_path)
        objs.append(o)
    out = {}
    for label, how in (("bfd", ["-fuse-ld=bfd"]), ("test", [f"-B{braze_lddir}/"])):
        exe = tmp_path / f"{label}.out"
        _run([cc, *how, *MODES[mode][1], *objs, *lflags, "-Wl,--emit-relocs", "-o", exe], tmp_path)
        out[label] = exe
    ref, got = emitted(out["bfd"]), emitted(out["test"])
    assert len(ref) > 10, f"harness: bfd kept few relocations: {ref}"
    if case in ("tls_trad", "tlsld"):       # the test reaches what it is about
        assert any(x[0] == ".rela.text" and x[2] == "R_AARCH64_NONE" for x in ref), ref
    assert got == ref, ("--emit-relocs relocations differ (- under test, + bfd):\n" +
                        _clip("\n".join(f"- {g}\n+ {r}" for g, r in zip(got, ref) if g != r)
                              + f"\n(counts {len(got)} vs {len(ref)})"))
    if mode != "shared":
        want = _qemu(out["bfd"], tmp_path)
        assert want[1], "harness: bfd's program printed nothing"
        assert _qemu(out["test"], tmp_path) == want
