"""aarch64 options of bfd's aarch64linux emulation: --fix-cortex-a53-843419=full|adr|adrp,
--stub-group-size=N, --pic-veneer, --no-apply-dynamic-relocs. Each link is made by aarch64 ld.bfd and
by the linker under test and compared (program output under qemu, the erratum/veneer views of
test_aarch64_veneers, the words that get dynamic relocations); x86-64 links refuse them as
x86-64 bfd does."""
from __future__ import annotations

import re
import struct
import subprocess
from pathlib import Path

import pytest

import a64_harness as H
from harness import braze_command, tool_env
from test_aarch64_veneers import ERR, SRC, _ld, _qemu, _run, _sections, erratum_view, veneer_view


@pytest.fixture(scope="module", autouse=True)
def _cross_tools():
    assert H.have_toolchain(), "the aarch64 cross toolchain and qemu-user are needed (Makefile APT_PKGS)"


# ------------------------------------------------------------------ --fix-cortex-a53-843419=MODE

@pytest.fixture(scope="module")
def erratum_objs(tmp_path_factory):
    d = tmp_path_factory.mktemp("a64err")
    cc = H.PREFIX + "gcc"
    _run([cc, "-c", ERR / "seq.s", "-o", "seq.o"], d)
    # the same sequences with the far data near: every ADRP can become an ADR
    (d / "near.s").write_text((ERR / "seq.s").read_text().replace(".space 0x200000", ".space 0x100"))
    _run([cc, "-c", "near.s", "-o", "near.o"], d)
    _run([cc, "-c", "-O2", ERR / "main.c", "-o", "main.o"], d)
    return d


@pytest.mark.parametrize("data", ["far", "near"])
@pytest.mark.parametrize("fix", ["", "=full", "=adr", "=adrp"])
@pytest.mark.parametrize("mode", ["nopie", "pie"])
def test_erratum_843419_workarounds(erratum_objs, braze_lddir, tmp_path, data, fix, mode):
    """full: ADR where it reaches, else a veneer; adrp: always the veneer; adr: never a stub section,
    and an ADRP out of ADR's reach is an error."""
    obj = erratum_objs / ("seq.o" if data == "far" else "near.o")
    flags = ["-no-pie" if mode == "nopie" else "-pie", f"-Wl,--fix-cortex-a53-843419{fix}"]
    outs, rcs = {}, {}
    for linker in ("bfd", "braze"):
        out = outs[linker] = tmp_path / f"p-{linker}"
        p = _run([H.PREFIX + "gcc", *_ld(linker, braze_lddir), *flags, erratum_objs / "main.o", obj,
                  "-o", out], tmp_path, check=False)
        rcs[linker] = p.returncode, p.stderr
    if fix == "=adr" and data == "far":
        assert rcs["bfd"][0] != 0 and "out of range for ADR" in rcs["bfd"][1], rcs["bfd"]
        assert rcs["braze"][0] == 1 and "braze: error:" in rcs["braze"][1] \
            and "out of range for ADR" in rcs["braze"][1] and "Traceback" not in rcs["braze"][1], rcs["braze"]
        assert not outs["braze"].exists()
        return
    assert rcs["bfd"][0] == 0 and rcs["braze"][0] == 0, rcs
    rb, rt = _qemu(outs["bfd"]), _qemu(outs["braze"])
    assert rb == (0, "44\n", ""), rb
    assert rt == rb
    vb, vt = erratum_view(outs["bfd"]), erratum_view(outs["braze"])
    if fix == "=adrp":          # the test reaches what it is about: every site through its veneer
        assert len(vb["named"]) == 4, vb
    if fix == "=adr":
        assert not vb["named"] and not vb["stub"], vb
    for k in vb:
        assert vt[k] == vb[k], f"{k} differs\nbfd:  {vb[k]}\ntest: {vt[k]}"


# ------------------------------------------------------------------ --stub-group-size, --pic-veneer

@pytest.fixture(scope="module")
def far_objs(tmp_path_factory):
    d = tmp_path_factory.mktemp("a64far")
    for src in ("near.s", "far.s", "main.c"):
        _run([H.PREFIX + "gcc", "-c", "-O2", "-fPIC", SRC / src, "-o", Path(src).stem + ".o"], d)
    return d


@pytest.mark.parametrize("opt", ["--stub-group-size=-1", "--stub-group-size=0x1000000",
                                 "--stub-group-size=-0x1000000", "--stub-group-size=0", "--pic-veneer",
                                 "--stub-group-size=0x9000000"])
@pytest.mark.parametrize("mode", ["nopie", "pie"])
def test_stub_groups(far_objs, braze_lddir, tmp_path, opt, mode):
    """A negative size puts a group's veneers after it only; a group larger than the branch range
    leaves branches that cannot reach their veneer (an error in both linkers); --pic-veneer changes
    nothing (bfd's aarch64 veneers are position-independent already)."""
    outs, rcs = {}, {}
    for linker in ("bfd", "braze"):
        out = outs[linker] = tmp_path / f"p-{linker}"
        p = _run([H.PREFIX + "gcc", *_ld(linker, braze_lddir), "-no-pie" if mode == "nopie" else "-pie",
                  far_objs / "main.o", far_objs / "near.o", far_objs / "far.o",
                  "-Wl,--defsym,farabs=0x200000000", f"-Wl,{opt}", "-o", out], tmp_path, check=False)
        rcs[linker] = p.returncode, p.stderr
    if opt.endswith("0x9000000"):
        assert rcs["bfd"][0] != 0 and "relocation truncated to fit" in rcs["bfd"][1], rcs["bfd"]
        assert rcs["braze"][0] == 1 and "relocation truncated to fit: R_AARCH64_CALL26" in rcs["braze"][1], rcs
        assert not outs["braze"].exists()
        return
    assert rcs["bfd"][0] == 0 and rcs["braze"][0] == 0, rcs
    rb, rt = _qemu(outs["bfd"]), _qemu(outs["braze"])
    assert rb[0] == 0 and "far_tail" in rb[1], rb
    assert rt == rb
    vb, vt = veneer_view(outs["bfd"]), veneer_view(outs["braze"])
    assert vb["calls"], vb
    for k in vb:
        assert vt[k] == vb[k], f"{k} differs\nbfd:  {vb[k]}\ntest: {vt[k]}"


# ------------------------------------------------------------------ --no-apply-dynamic-relocs

DYN_C = r"""
#include <stdio.h>
extern int ext_var; int local_var = 3; static int sv = 4;
int *p_local = &local_var; int *p_static = &sv; int *p_ext = &ext_var;
int (*fp)(const char *) = puts;
static int impl(void) { return 42; }
static int (*resolve(void))(void) { return impl; }
int ifn(void) __attribute__((ifunc("resolve")));
int (*pifn)(void) = ifn;
int *gp(void) { return &local_var; }
int run(void) { printf("%d %d %d %d %d\n", *p_local, *p_static, *p_ext, pifn(), *gp()); fp("x"); return 0; }
"""


def _dyn_words(path: Path) -> list:
    """Per .rela.dyn relocation outside the GOT: (type, symbol, the section holding the place, whether
    the place's word is zero) — the linkers' layouts differ, what each leaves in the place does not.
    (The GOT's RELATIVE slots are left out: bfd writes their values with or without the option, braze
    leaves them zero; the loader writes them either way.)"""
    secs = _sections(path)
    blob = path.read_bytes()
    out = []
    for l in H.readelf(["-rW"], str(path)).split("Relocation section")[1].splitlines()[2:]:
        f = l.split()
        if len(f) < 3 or not re.fullmatch(r"[0-9a-f]{16}", f[0]):
            continue
        a = int(f[0], 16)
        name, (sa, so, _sz) = next((n, v) for n, v in secs.items() if v[0] and v[0] <= a < v[0] + v[2])
        word = struct.unpack_from("<Q", blob, so + a - sa)[0]
        if not name.startswith(".got"):
            out.append((f[2], f[4] if len(f) > 5 else "", name, word == 0))
    return sorted(out)


@pytest.mark.parametrize("mode", ["pie", "shared"])
def test_no_apply_dynamic_relocs(braze_lddir, tmp_path, mode):
    cc = H.PREFIX + "gcc"
    (tmp_path / "d.c").write_text(DYN_C)
    (tmp_path / "lib.c").write_text("int ext_var = 7;\n")
    (tmp_path / "main.c").write_text("int run(void);\nint main(void) { return run(); }\n")
    _run([cc, "-O2", "-fPIC", "-c", "d.c", "lib.c", "main.c"], tmp_path)
    _run([cc, "-fuse-ld=bfd", "-shared", "lib.o", "-o", "libe.so"], tmp_path)
    views = {}
    for linker in ("bfd", "braze"):
        d = tmp_path / linker
        d.mkdir()
        if mode == "shared":
            _run([cc, *_ld(linker, braze_lddir), "-shared", "../d.o", "-L..", "-le",
                  "-Wl,--no-apply-dynamic-relocs", "-o", "libd.so"], d)
            _run([cc, "-fuse-ld=bfd", "../main.o", "-L.", "-ld", "-L..", "-le", "-o", "prog"], d)
            out = d / "libd.so"
        else:
            _run([cc, *_ld(linker, braze_lddir), "-pie", "../main.o", "../d.o", "-L..", "-le",
                  "-Wl,--no-apply-dynamic-relocs", "-o", "prog"], d)
            out = d / "prog"
        views[linker] = (_qemu(d / "prog", f"{d}:{tmp_path}"), _dyn_words(out))
    rb, vb = views["bfd"]
    assert rb == (0, "3 4 7 42 3\nx\n", ""), rb
    # the test reaches what it is about: pointers in .data and .init_array left zero
    assert {s for t, _n, s, z in vb if z and t == "R_AARCH64_RELATIVE"} >= {".data", ".init_array"}, vb
    assert views["braze"][0] == rb
    assert views["braze"][1] == vb


# ------------------------------------------------------------------ x86-64 and the command line

@pytest.mark.parametrize("opt", ["--no-apply-dynamic-relocs", "--fix-cortex-a53-843419=adr", "--pic-veneer",
                                 "--stub-group-size=1000"])
def test_refused_for_x86_64(tmp_path, opt):
    """x86-64 bfd does not know them (unrecognized option); braze refuses them in an x86-64 link."""
    (tmp_path / "a.c").write_text("int main(void) { return 0; }\n")
    subprocess.run(["gcc", "-c", "a.c"], cwd=tmp_path, check=True, env=tool_env())
    b = subprocess.run(["ld.bfd", opt, "a.o", "-o", "b"], cwd=tmp_path, capture_output=True, text=True,
                       env=tool_env())
    assert b.returncode != 0 and "unrecognized option" in b.stderr, b.stderr
    p = subprocess.run([*braze_command(), opt, "a.o", "-o", "out"], cwd=tmp_path, capture_output=True,
                       text=True, env=tool_env())
    assert p.returncode == 1, p.stderr
    assert f"braze: error: option {opt.split('=')[0]} is not supported for x86-64" in p.stderr, p.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("opt, bfd_msg", [("--stub-group-size=1k", "invalid number `1k'"),
                                          ("--fix-cortex-a53-843419=bogus",
                                           "unrecognized option for --fix-cortex-a53-843419: bogus")])
def test_bad_values(tmp_path, opt, bfd_msg):
    """bfd's messages; (bfd links on after the second one, with the full fix: braze stops)."""
    b = subprocess.run([H.PREFIX + "ld.bfd", opt], capture_output=True, text=True, env=tool_env())
    assert bfd_msg in b.stderr, b.stderr
    p = subprocess.run([*braze_command(), opt, "x.o", "-o", "out"], cwd=tmp_path, capture_output=True,
                       text=True, env=tool_env())
    assert p.returncode == 1 and f"braze: error: {bfd_msg}" in p.stderr, p.stderr
