"""aarch64: the BTI (and -z pac-plt) forms of the PLT, and functions of a variant procedure call
standard (STO_AARCH64_VARIANT_PCS), compared with aarch64 ld.bfd.

- BTI: when every input object is BTI-marked (GNU_PROPERTY_AARCH64_FEATURE_1_BTI), bfd writes PLT0
  and the lazy TLSDESC trampoline with a leading `bti c`, in a non-PIE executable each PLT entry too
  (24 bytes), and adds DT_AARCH64_BTI_PLT. Without it, the lazy-binding `br x17` to PLT0 faults as
  soon as the loader maps the code with PROT_BTI (qemu-aarch64 -cpu max enforces it).
- -z pac-plt: entries authenticate x17 (`autia1716`) and DT_AARCH64_PAC_PLT is added; glibc's loader
  does not sign the slots, so such programs run only without pointer authentication (pauth=off).
- VARIANT_PCS: bfd keeps the st_other bit on the symbol in .symtab and .dynsym, and adds
  DT_AARCH64_VARIANT_PCS when a lazy PLT entry (not an IFUNC's of the output) calls such a symbol, so
  that ld.so binds those at load time (its lazy resolver clobbers q8-q23, which the vector PCS keeps).
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

import a64_harness as H
from harness import run_cmd, tool_env

CC = H.PREFIX + "gcc"
NOTE = """
.section .note.gnu.property,"a"
.p2align 3
.word 4, 16, 5
.asciz "GNU"
.word 0xc0000000, 4, 3, 0
"""
START = """
.text
.global _start
.type _start,%function
_start: bti c
 mov x0, #20
 bl ext
 bl ext
 mov x8, #93
 svc #0
""" + NOTE
EXT = "int ext(int x) { return x * 2; }\n"
BTI_LIB = "extern int ext(int);\nint call(int x) { return ext(x) + 1; }\n"
BTI_MAIN = '#include <stdio.h>\nint call(int);\nint main(void) { printf("call(20) = %d\\n", call(20)); return 0; }\n'
# a BTI library with a lazy TLSDESC access (the trampoline) and a call to a variant-PCS function
TLSDESC_LIB = """
.text
.global vf
.type vf,%function
.variant_pcs vf
vf: bti c
 ret
.global caller
.type caller,%function
caller: bti c
 bl vf
 bl ext
 adrp x0, :tlsdesc:tv
 ldr x1, [x0, #:tlsdesc_lo12:tv]
 add x0, x0, :tlsdesc_lo12:tv
 .tlsdesccall tv
 blr x1
 ret
""" + NOTE
TV = "__thread int tv = 1;\n"
# variant-PCS symbols: global (preemptible: PLT), hidden and local (no PLT), a never-called one
VPCS = """
.text
.global vf, vh, vu
.hidden vh
.type vf,%function
.type vh,%function
.type vl,%function
.type vu,%function
.variant_pcs vf
.variant_pcs vh
.variant_pcs vl
.variant_pcs vu
vf: ret
vh: ret
vl: ret
vu: ret
.global caller
.type caller,%function
caller: bl vf
 bl vh
 bl vl
 ret
"""
VPCS_IFUNC = """
.text
.global vi
.type vi,%gnu_indirect_function
.variant_pcs vi
vi_impl: ret
vi: adr x0, vi_impl
 ret
.global c2
.type c2,%function
c2: bl vi
 ret
"""
VEC_LIB = ("#include <arm_neon.h>\n__attribute__((aarch64_vector_pcs)) float32x4_t vadd(float32x4_t a, "
           "float32x4_t b) { return vaddq_f32(a, b); }\n")
VEC_MAIN = ('#include <stdio.h>\nint probe(void);\nint main(void) { int a = probe(); int b = probe(); '
            'printf("clobbered %d %d\\n", a, b); return 0; }\n')
# fills v8-v23, calls vadd through the PLT (vector PCS: the callee keeps q8-q23), counts clobbered ones
PROBE = """
    .text
    .globl probe
    .type probe, %function
probe:
    stp x29, x30, [sp, #-16]!
    mov x29, sp
    sub sp, sp, #64
    stp d8, d9, [sp, #0]
    stp d10, d11, [sp, #16]
    stp d12, d13, [sp, #32]
    stp d14, d15, [sp, #48]
    .irp r, 8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23
    mov x9, #\\r
    dup v\\r\\().2d, x9
    .endr
    movi v0.4s, #1
    movi v1.4s, #2
    bl vadd
    mov w0, #0
    .irp r, 8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23
    mov x9, #\\r
    dup v31.2d, x9
    cmeq v30.2d, v\\r\\().2d, v31.2d
    uminv s30, v30.4s
    fmov w10, s30
    cmp w10, #0
    cinc w0, w0, eq
    .endr
    ldp d8, d9, [sp, #0]
    ldp d10, d11, [sp, #16]
    ldp d12, d13, [sp, #32]
    ldp d14, d15, [sp, #48]
    add sp, sp, #64
    ldp x29, x30, [sp], #16
    ret
    .size probe, .-probe
    .section .note.GNU-stack,"",%progbits
"""


@pytest.fixture(scope="session", autouse=True)
def _cross_tools():
    assert H.have_toolchain(), "the aarch64 cross toolchain and qemu-user are needed (Makefile APT_PKGS)"


def _linker(lddir: str, which: str) -> list[str]:
    return ["-fuse-ld=bfd"] if which == "bfd" else [f"-B{lddir.rstrip('/')}/"]


@pytest.fixture(scope="module")
def objs(tmp_path_factory):
    d = tmp_path_factory.mktemp("a64bti")
    for name, text in (("start.s", START), ("tlsdesc.s", TLSDESC_LIB), ("vpcs.s", VPCS),
                       ("vpcs_ifunc.s", VPCS_IFUNC), ("probe.s", PROBE), ("ext.c", EXT), ("bti.c", BTI_LIB),
                       ("main.c", BTI_MAIN), ("tv.c", TV), ("vec.c", VEC_LIB), ("vmain.c", VEC_MAIN)):
        (d / name).write_text(text)
    for src, flags in (("start.s", []), ("tlsdesc.s", []), ("vpcs.s", []), ("vpcs_ifunc.s", []),
                       ("probe.s", []), ("ext.c", ["-O2", "-fPIC"]), ("tv.c", ["-O2", "-fPIC"]),
                       ("bti.c", ["-O2", "-fPIC", "-mbranch-protection=standard"]), ("main.c", ["-O2"]),
                       ("vec.c", ["-O2", "-fPIC"]), ("vmain.c", ["-O2"])):
        run_cmd([CC, "-c", *flags, src, "-o", Path(src).stem + ".o"], d)
    run_cmd([CC, "-fuse-ld=bfd", "-shared", "ext.o", "tv.o", "-o", "libext.so"], d)
    return d


def _plt_words(path: Path) -> list[str]:
    """The .plt's instruction words, in order."""
    out = run_cmd([H.PREFIX + "objdump", "-d", "-j", ".plt", path], path.parent).stdout
    return re.findall(r"^\s+[0-9a-f]+:\s+([0-9a-f]{8})\s", out, re.M)


def _aarch64_tags(path: Path) -> list[str]:
    return re.findall(r"\((AARCH64_\w+)\)", H.readelf(["-d"], str(path)))


def _plt_shdr(path: Path) -> tuple[str, str]:
    """(size, entsize) of .plt's section header."""
    m = re.search(r"\] \.plt\s+PROGBITS\s+[0-9a-f]+ [0-9a-f]+ ([0-9a-f]+) ([0-9a-f]+)", H.readelf(["-S"], str(path)))
    assert m, f"no .plt in {path}"
    return m.group(1), m.group(2)


def _marked(path: Path, table: str) -> set[tuple[str, str]]:
    """(binding, name) of the symbols of .dynsym or .symtab marked [VARIANT_PCS]."""
    out = H.readelf(["--dyn-syms" if table == "dyn" else "--syms"], str(path))
    section = out.split("Symbol table '.symtab'")[0] if table == "dyn" else out.split("Symbol table '.symtab'")[-1]
    return {(f[4], f[-1]) for f in (ln.split() for ln in section.splitlines()) if "[VARIANT_PCS]" in f}


def _qemu(exe: Path, libdir: Path, cpu: str = "max"):
    return subprocess.run([H.QEMU, "-cpu", cpu, "-L", H.SYSROOT, "-E", f"LD_LIBRARY_PATH={libdir}", str(exe)],
                          cwd=exe.parent, env=tool_env(), capture_output=True, text=True, errors="replace",
                          timeout=120)


def _both(objs: Path, lddir: str, name: str, args: list[str]) -> dict[str, Path]:
    out = {}
    for which in ("bfd", "braze"):
        d = objs / which
        d.mkdir(exist_ok=True)
        exe = d / name
        run_cmd([CC, *_linker(lddir, which), *args, "-o", exe], objs)
        out[which] = exe
    return out


def _same_structure(outs: dict[str, Path]) -> None:
    bfd, braze = outs["bfd"], outs["braze"]
    assert _plt_words(braze) == _plt_words(bfd)
    assert _plt_shdr(braze) == _plt_shdr(bfd)
    assert _aarch64_tags(braze) == _aarch64_tags(bfd)


@pytest.mark.parametrize("mode", ["no-pie", "pie"])
@pytest.mark.parametrize("pac", [False, True], ids=["bti", "bti+pac"])
def test_bti_executable(objs, braze_lddir, mode, pac):
    """A BTI-marked executable calling a library function through lazily bound PLT entries."""
    z = ["-Wl,-z,pac-plt"] if pac else []
    outs = _both(objs, braze_lddir, f"start-{mode}-{pac}",
                 ["-nostdlib", f"-{mode}", "start.o", "-L.", "-lext", *z])
    _same_structure(outs)
    tags = _aarch64_tags(outs["bfd"])
    assert "AARCH64_BTI_PLT" in tags and ("AARCH64_PAC_PLT" in tags) == pac
    words = _plt_words(outs["bfd"])
    assert words[0] == "d503245f"       # bti c
    # glibc's loader does not sign the slots a PAC PLT authenticates: run those without pointer auth
    cpu = "max,pauth=off" if pac else "max"
    res = {k: _qemu(v, objs, cpu) for k, v in outs.items()}
    assert res["bfd"].returncode == 80, res["bfd"].stderr
    assert res["braze"].returncode == res["bfd"].returncode, res["braze"].stderr


def test_bti_shared_library(objs, braze_lddir):
    """The reproducer: a -nostdlib BTI library calling another library lazily, from a plain program."""
    libs = _both(objs, braze_lddir, "libbti.so", ["-nostdlib", "-shared", "bti.o", "-L.", "-lext"])
    _same_structure(libs)
    assert "AARCH64_BTI_PLT" in _aarch64_tags(libs["bfd"])
    for which, lib in libs.items():
        run_cmd([CC, "-fuse-ld=bfd", "main.o", f"-L{lib.parent}", "-lbti", "-L.", "-lext", "-o",
              lib.parent / "prog"], objs)
        r = _qemu(lib.parent / "prog", f"{lib.parent}:{objs}")
        assert (r.returncode, r.stdout) == (0, "call(20) = 41\n"), (which, r.stderr)


@pytest.mark.parametrize("now", [False, True], ids=["lazy", "now"])
def test_bti_tlsdesc_trampoline(objs, braze_lddir, now):
    """PLT0, entries and the lazy TLSDESC trampoline of a BTI library; the tags' order after DT_RELAENT."""
    z = ["-Wl,-z,now"] if now else []
    libs = _both(objs, braze_lddir, f"libtd-{now}.so", ["-nostdlib", "-shared", "tlsdesc.o", "-L.", "-lext", *z])
    if now:
        # (braze orders .got's TLSDESC and GLOB_DAT slots unlike bfd with -z now, BTI or not: the
        # slot offsets in the PLT differ; compared here: the form of the PLT and the tags)
        b, z = _plt_words(libs["bfd"]), _plt_words(libs["braze"])
        assert len(z) == len(b) and z[0] == b[0] == "d503245f"
        assert _plt_shdr(libs["braze"]) == _plt_shdr(libs["bfd"])
        assert _aarch64_tags(libs["braze"]) == _aarch64_tags(libs["bfd"])
    else:
        _same_structure(libs)
    assert _aarch64_tags(libs["bfd"]) == ["AARCH64_VARIANT_PCS", "AARCH64_BTI_PLT"]


def test_pac_plt_without_bti(objs, braze_lddir):
    libs = _both(objs, braze_lddir, "libpac.so", ["-shared", "ext.o", "vpcs.o", "-Wl,-z,pac-plt"])
    _same_structure(libs)
    assert "AARCH64_PAC_PLT" in _aarch64_tags(libs["bfd"])


def _force_bti_warnings(stderr: str) -> list[str]:
    """The linker's own lines, without its program name (bfd prints its full path)."""
    return [ln.split(": ", 1)[1] for ln in stderr.splitlines() if ": " in ln and not ln.startswith("collect2")]


def _note_features(path: Path) -> list[str]:
    return re.findall(r"AArch64 feature: (.*)", H.readelf(["-n"], str(path)))


@pytest.mark.parametrize("case", ["exe", "pie-archive-lib", "shared", "all-bti", "pac", "fatal", "w"])
def test_force_bti(objs, braze_lddir, case):
    """-z force-bti: the output is BTI (note, BTI PLT, DT_AARCH64_BTI_PLT) whatever its inputs are,
    and each object without BTI gets bfd's warning (archive members by their archive(member) name;
    libraries are not checked); -w does not silence it, --fatal-warnings fails the link."""
    if not (objs / "libnb.a").exists():
        run_cmd([H.PREFIX + "ar", "rc", "libnb.a", "tv.o"], objs)
    args = {"exe": ["-no-pie", "main.o", "bti.o", "ext.o"],
            "pie-archive-lib": ["-pie", "main.o", "bti.o", "-L.", "-lnb", "-lext"],
            "shared": ["-shared", "bti.o", "ext.o"],
            "all-bti": ["-nostdlib", "-no-pie", "start.o", "-L.", "-lext"],
            "pac": ["-shared", "bti.o", "ext.o", "-Wl,-z,pac-plt"],
            "fatal": ["-shared", "bti.o", "ext.o", "-Wl,--fatal-warnings"],
            "w": ["-shared", "bti.o", "ext.o", "-Wl,-w"]}[case]
    res, outs = {}, {}
    for which in ("bfd", "braze"):
        d = objs / which
        d.mkdir(exist_ok=True)
        outs[which] = d / f"fb-{case}"
        outs[which].unlink(missing_ok=True)
        res[which] = run_cmd([CC, *_linker(braze_lddir, which), *args, "-Wl,-z,force-bti", "-o", outs[which]],
                             objs, check=False)
    assert res["braze"].returncode == res["bfd"].returncode, res["braze"].stderr
    warned = _force_bti_warnings(res["bfd"].stderr)
    assert _force_bti_warnings(res["braze"].stderr) == warned
    if case == "all-bti":
        assert warned == []
    else:
        assert warned and all("BTI turned on by -z force-bti" in w for w in warned)
    if case == "fatal":
        assert res["bfd"].returncode != 0 and not outs["braze"].exists()
        return
    assert _note_features(outs["braze"]) == _note_features(outs["bfd"])
    assert "BTI" in _note_features(outs["bfd"])[0]
    _same_structure(outs)
    if case in ("exe", "pie-archive-lib", "all-bti"):
        run = {k: _qemu(v, objs) for k, v in outs.items()}
        assert (run["braze"].returncode, run["braze"].stdout) == (run["bfd"].returncode, run["bfd"].stdout)


@pytest.mark.parametrize("case", ["plain", "symbolic", "ifunc"])
def test_variant_pcs_library(objs, braze_lddir, case):
    args = {"plain": ["vpcs.o"], "symbolic": ["vpcs.o", "-Wl,-Bsymbolic"], "ifunc": ["vpcs_ifunc.o"]}[case]
    libs = _both(objs, braze_lddir, f"libv-{case}.so", ["-nostdlib", "-shared", *args])
    assert _aarch64_tags(libs["braze"]) == _aarch64_tags(libs["bfd"])
    assert ("AARCH64_VARIANT_PCS" in _aarch64_tags(libs["bfd"])) == (case == "plain")
    for table in ("dyn", "sym"):
        assert _marked(libs["braze"], table) == _marked(libs["bfd"], table)
    assert _marked(libs["bfd"], "sym") >= ({("GLOBAL", "vi")} if case == "ifunc" else
                                           {("GLOBAL", "vf"), ("LOCAL", "vh"), ("LOCAL", "vl"), ("GLOBAL", "vu")})


def test_variant_pcs_through_plt(objs, braze_lddir):
    """The reproducer: a program calling a vector-PCS library function through the PLT keeps q8-q23."""
    for which in ("bfd", "braze"):
        d = objs / f"vec-{which}"
        d.mkdir(exist_ok=True)
        run_cmd([CC, *_linker(braze_lddir, which), "-shared", "vec.o", "-o", d / "libvec.so"], objs)
        run_cmd([CC, *_linker(braze_lddir, which), "vmain.o", "probe.o", f"-L{d}", "-lvec", "-o", d / "prog"], objs)
    b, z = objs / "vec-bfd", objs / "vec-braze"
    for f in ("prog", "libvec.so"):
        assert _aarch64_tags(z / f) == _aarch64_tags(b / f)
        for table in ("dyn", "sym"):
            assert _marked(z / f, table) == _marked(b / f, table)
    assert _aarch64_tags(b / "prog") == ["AARCH64_VARIANT_PCS"]
    rb, rz = _qemu(b / "prog", b), _qemu(z / "prog", z)
    assert (rb.returncode, rb.stdout) == (0, "clobbered 0 0\n"), rb.stderr
    assert (rz.returncode, rz.stdout) == (rb.returncode, rb.stdout), rz.stderr
