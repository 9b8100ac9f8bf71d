"""--oformat against ld.bfd: `binary` (a raw memory image, bfd's generic link) compared byte for byte
with bfd's file for the same objects and options: a 16-bit boot sector (tests/c/oformat_boot.s,
-Ttext 0x7c00), a freestanding C "kernel" (tests/c/oformat_kernel.c: strings, .data and .bss after a
gap, COMMON symbols, .init_array, __start_/__stop_, .eh_frame) linked through gcc -nostdlib -static
and directly with -Ttext/-Tdata/-Tbss/--section-start/--gc-sections/--build-id, a -T script with
AT() load addresses (tests/scripts_opt/oformat_lma.ld), every SECTIONS script of tests/scripts that
bfd links, generic relocation semantics (TLS, IFUNC and GOT relocations applied as S+A-P, no GOT);
the ELF names (elf64-x86-64, `default`, aarch64's elf64-littleaarch64) change nothing; and the
refusals: unknown names (bfd's "target X not found"), formats braze does not write (ihex, srec,
elf32-i386), -r, shared libraries, -pie, aarch64's "cannot change output format"."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

import a64_harness as H
from harness import REPO, tool_env

C = REPO / "tests" / "c"
SCRIPTS = REPO / "tests" / "scripts"


def _run(cmd, cwd, ok=True):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, env=tool_env())
    if ok:
        assert p.returncode == 0, f"{' '.join(map(str, cmd))}\n{p.stdout}{p.stderr}"
    return p


@pytest.fixture(scope="module")
def d(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("oformat")


@pytest.fixture(scope="module")
def objs(d) -> dict:
    o = {}
    _run(["as", C / "oformat_boot.s", "-o", "boot.o"], d)
    o["boot"] = d / "boot.o"
    for name, flags in (("kpie", []), ("knopie", ["-fno-pie"]), ("kcommon", ["-fno-pie", "-DWITH_COMMON"]),
                        ("kcet", ["-fcf-protection=full", "-DWITH_COMMON"]), ("kO0", ["-O0", "-fno-pie"])):
        _run(["gcc", "-c", "-O2", "-ffreestanding", *flags, C / "oformat_kernel.c", "-o", f"{name}.o"], d)
        o[name] = d / f"{name}.o"
    return o


def _link(d, ld, tag: str, args, ok=True):
    """Link with `ld` (a command list) into d/TAG; (completed process, output path)."""
    out = d / tag
    if out.exists():
        out.unlink()
    p = _run([*ld, *args, "-o", out], d, ok=False)
    if ok:
        assert p.returncode == 0, f"{' '.join(map(str, ld + list(args)))}\n{p.stderr}"
    return p, out


def _both(d, direct_ld, tag, args):
    """The same link by ld.bfd and by the linker under test: (bfd's bytes, braze's bytes). A link bfd
    makes silently is silent under test too (no ELF-only warning: RWX segments, executable stack)."""
    pb, bfd = _link(d, ["ld.bfd"], tag + ".bfd", args)
    pt, mine = _link(d, list(direct_ld), tag + ".test", args)
    if not pb.stderr:
        assert not pt.stderr
    return bfd.read_bytes(), mine.read_bytes()


def test_boot_sector(d, objs, direct_ld):
    for spelling in (["--oformat", "binary"], ["--oformat=binary"]):
        want, got = _both(d, direct_ld, "boot", [*spelling, "-Ttext", "0x7c00", "-e", "start", objs["boot"]])
        assert len(want) == 512 and want[510:] == b"\x55\xaa"
        assert got == want


@pytest.mark.parametrize("unpaged", ["-N", "-n"])
def test_unpaged(d, objs, direct_ld, unpaged):
    """xv6-style `ld -N -e start -Ttext 0x7C00` (bfd's -N/-n default script) straight to a raw image."""
    want, got = _both(d, direct_ld, f"boot{unpaged}", [unpaged, "-e", "start", "-Ttext", "0x7C00", "--oformat",
                                                      "binary", objs["boot"]])
    assert len(want) == 512 and got == want
    want, got = _both(d, direct_ld, f"k{unpaged}", [unpaged, "-e", "kmain", "--oformat", "binary", objs["kcommon"]])
    assert got == want


def test_boot_sector_no_entry(d, objs, direct_ld):
    """No `start` given: both warn and default the entry to .text (nothing of it is in the image)."""
    pb, bfd = _link(d, ["ld.bfd"], "noentry.bfd", ["--oformat", "binary", "-Ttext", "0x7c00", objs["boot"]])
    pt, mine = _link(d, list(direct_ld), "noentry.test", ["--oformat", "binary", "-Ttext", "0x7c00", objs["boot"]])
    assert "cannot find entry symbol _start; defaulting to 0000000000007c00" in pb.stderr
    assert "cannot find entry symbol _start; defaulting to 0000000000007c00" in pt.stderr
    assert mine.read_bytes() == bfd.read_bytes()


@pytest.mark.parametrize("obj", ["kpie", "knopie", "kcommon", "kcet", "kO0"])
def test_kernel_through_gcc(d, objs, braze_lddir, obj):
    """gcc -nostdlib -static -Wl,--oformat=binary (gcc adds --build-id, -z relro, --hash-style...)."""
    outs = []
    for tag, sel in (("bfd", "-fuse-ld=bfd"), ("test", f"-B{braze_lddir}/")):
        out = d / f"gcc-{obj}.{tag}"
        _run(["gcc", sel, "-nostdlib", "-static", "-Wl,--oformat=binary", "-Wl,-e,kmain", objs[obj], "-o", out], d)
        outs.append(out.read_bytes())
    assert outs[0][:1] and outs[1] == outs[0]


@pytest.mark.parametrize("opts", [[], ["-Ttext=0x100000"], ["-Ttext", "0x7c00", "-Tbss", "0x20000"],
                                  ["-Ttext=0x1000", "-Tdata=0x3000"], ["-Tdata=0x3000", "-Ttext=0x1000"],
                                  ["--section-start=.data=0x500000"], ["--gc-sections"], ["--build-id"],
                                  ["-Ttext-segment=0x200000"], ["-z", "norelro"], ["-z", "noseparate-code"],
                                  ["--sort-common"]],
                         ids=lambda o: " ".join(o) or "default")
@pytest.mark.parametrize("obj", ["knopie", "kcommon", "kcet"])
def test_kernel_direct(d, objs, direct_ld, obj, opts):
    want, got = _both(d, direct_ld, f"k-{obj}-{len(opts)}", ["-static", "--oformat", "binary", "-e", "kmain",
                                                             *opts, objs[obj]])
    assert got == want


def test_strings_not_merged_eh_frame_kept(d, objs, direct_ld):
    """The image keeps every input's strings and .eh_frame as they are: bigger than the ELF's
    merged/trimmed sections would be (here, by what bfd's ELF output merges)."""
    want, got = _both(d, direct_ld, "twice", ["-static", "--oformat", "binary", "-e", "kmain",
                                              objs["knopie"], objs["kO0"], "--allow-multiple-definition"])
    assert got == want
    assert want.count(b"second\0") == 2 and want.count(b"zR\0") == 2     # two copies, two CIEs


def test_lma_script(d, objs, direct_ld):
    want, got = _both(d, direct_ld, "lma", ["--oformat", "binary", "-T", REPO / "tests" / "scripts_opt" /
                                            "oformat_lma.ld", objs["kcommon"]])
    # (.tail's LMA 0x4000 is 0x3000 past the lowest one, .text's 0x1000)
    assert len(want) == 0x3000 + 28 and want[0x3000:0x3004] == b"\xef\xbe\xad\xde"
    assert got == want


@pytest.mark.parametrize("kind", ["sections", "alone", "three", "overridden"])
def test_output_format_in_script(d, objs, direct_ld, kind):
    """OUTPUT_FORMAT(binary) in a -T script is --oformat binary (with SECTIONS, or alone with -Ttext;
    the three-name form takes the first); --oformat on the command line wins over it."""
    head = 'OUTPUT_FORMAT("binary", "elf64-x86-64", "elf64-x86-64")\n' if kind == "three" else "OUTPUT_FORMAT(binary)\n"
    body = "" if kind == "alone" else "SECTIONS { . = 0x7c00; .text : { *(.text) } /DISCARD/ : { *(*) } }\n"
    script = d / f"of-{kind}.ld"
    script.write_text(head + body)
    args = ["-T", script, "-e", "start", objs["boot"]]
    if kind == "alone":
        args[2:2] = ["-Ttext", "0x7c00"]
    if kind == "overridden":
        args[:0] = ["--oformat", "elf64-x86-64"]
    want, got = _both(d, direct_ld, f"of-{kind}", args)
    if kind == "overridden":
        assert want[:4] == got[:4] == b"\x7fELF"
        return
    assert len(want) == 512 and got == want


def _script_cases():
    return sorted(p.name for p in SCRIPTS.glob("*.ld"))


@pytest.fixture(scope="module")
def script_objs(d) -> list:
    flags = ["-O2", "-fno-pic", "-ffreestanding", "-fno-stack-protector"]
    files = []
    for src, extra in (("scripts_main.c", ["-fcommon", "-DWITH_COMMON"]), ("scripts_other.c", [])):
        o = d / f"s-{src[:-2]}.o"
        _run(["gcc", "-c", *flags, *extra, C / src, "-o", o], d)
        files.append(o)
    return files


@pytest.mark.parametrize("script", _script_cases())
def test_scripts(d, script_objs, direct_ld, script):
    """Each SECTIONS script of test_scripts (PHDRS, AT, NOLOAD, FILL, ONLY_IF_*, orphans, MEMORY...):
    bfd's image, or bfd's failure and braze's."""
    args = ["-static", "--oformat", "binary", "-T", SCRIPTS / script, *script_objs]
    pb, bfd = _link(d, ["ld.bfd"], f"sc-{script}.bfd", args, ok=False)
    pt, mine = _link(d, list(direct_ld), f"sc-{script}.test", args, ok=False)
    if pb.returncode != 0:
        assert pt.returncode != 0 and not mine.exists(), pt.stderr
        return
    assert pt.returncode == 0, pt.stderr
    assert mine.read_bytes() == bfd.read_bytes()


GENERIC = r"""
__thread int tv = 5;
__thread int tb;
static int impl(void) { return 7; }
static void *resolve(void) { return impl; }
int ifn(void) __attribute__((ifunc("resolve")));
extern int maybe __attribute__((weak));
int *pm = &maybe;
int kmain(void) { return tv + tb + ifn() + (pm != 0); }
"""


@pytest.mark.parametrize("flags", [["-fno-pie"], ["-fpie"], ["-fpic"]])
def test_generic_relocations(d, direct_ld, flags):
    """bfd's generic link applies every relocation as S + A (- P): TLS offsets are addresses, a GOT
    load reads the symbol itself, an IFUNC is its resolver, an undefined weak symbol 0; nothing
    relaxes a general-dynamic TLS call, so __tls_get_addr is an undefined reference (-fpic)."""
    src = d / "generic.c"
    src.write_text(GENERIC)
    o = d / f"generic{flags[0]}.o"
    _run(["gcc", "-c", "-O1", "-ffreestanding", *flags, src, "-o", o], d)
    args = ["-static", "--oformat", "binary", "-e", "kmain", o]
    if flags == ["-fpic"]:
        for ld in (["ld.bfd"], list(direct_ld)):
            p, out = _link(d, ld, "generic-gd", args, ok=False)
            assert p.returncode == 1 and "__tls_get_addr" in p.stderr and "undefined" in p.stderr, p.stderr
            assert not out.exists()
        return
    want, got = _both(d, direct_ld, f"generic{flags[0]}", args)
    assert got == want


COMDAT = """
    .section .text.foo,"axG",@progbits,foo,comdat
    .globl foo
foo: .cfi_startproc
    ret
    .cfi_endproc
    .text
    .globl f{n}
f{n}: .cfi_startproc
    call foo
    ret
    .cfi_endproc
    .data
    .quad .text.foo + {n}
"""


def test_comdat_copy_zeroed(d, direct_ld):
    """References to the dropped copy of a COMDAT group (the second file's FDE, its data word) are
    zeroed, as bfd clears a relocation against a discarded section."""
    for n in (1, 2):
        (d / f"cd{n}.s").write_text(COMDAT.format(n=n))
        _run(["as", f"cd{n}.s", "-o", f"cd{n}.o"], d)
    want, got = _both(d, direct_ld, "comdat", ["--oformat", "binary", "-e", "f1", "cd1.o", "cd2.o"])
    assert got == want


def test_commons_in_bfd_order(d, direct_ld):
    """Without --sort-common bfd allocates COMMON symbols in its hash table's order."""
    src = d / "commons.s"
    src.write_text("".join(f"\t.comm\tsym_{i * 7919 % 1000}, {1 + i % 9}, {1 << (i % 4)}\n" for i in range(40))
                   + "\t.text\n\t.globl _start\n_start:\n" + "".join(f"\tmovb $1, sym_{i * 7919 % 1000}\n"
                                                                       for i in range(40)))
    _run(["as", src, "-o", "commons.o"], d)
    want, got = _both(d, direct_ld, "commons", ["-static", "--oformat", "binary", "commons.o"])
    assert got == want


def test_commons_in_grown_table(d, direct_ld):
    """4000 more global names: bfd's hash table has grown past 4051 buckets, and the order with it."""
    src = d / "bigcommons.s"
    names = [f"cm_{i}" for i in range(12)]
    src.write_text("".join(f"\t.globl g{i}\ng{i}:\n\t.byte 0\n" for i in range(4000))
                   + "".join(f"\t.comm\t{n}, {1 + i % 9}, {1 << (i % 4)}\n" for i, n in enumerate(names))
                   + "\t.text\n\t.globl _start\n_start:\n" + "".join(f"\tmovb $1, {n}\n" for n in names))
    _run(["as", src, "-o", "bigcommons.o"], d)
    want, got = _both(d, direct_ld, "bigcommons", ["-static", "--oformat", "binary", "bigcommons.o"])
    assert got == want


def test_relocation_overflow(d, direct_ld):
    """A 16-bit absolute address past 0xffff: both fail (no output)."""
    src = d / "far.s"
    src.write_text(".code16\n.globl start\nstart: mov $msg, %si\nmsg: .byte 0\n")
    _run(["as", src, "-o", "far.o"], d)
    args = ["--oformat", "binary", "-Ttext", "0x12000", "-e", "start", "far.o"]
    pb, bfd = _link(d, ["ld.bfd"], "far.bfd", args, ok=False)
    pt, mine = _link(d, list(direct_ld), "far.test", args, ok=False)
    assert pb.returncode != 0 and "relocation truncated to fit: R_X86_64_16" in pb.stderr
    assert pt.returncode != 0 and "relocation truncated to fit: R_X86_64_16" in pt.stderr
    assert not mine.exists()


@pytest.mark.parametrize("name", ["elf64-x86-64", "default"])
def test_native_name_is_a_no_op(d, objs, direct_ld, name):
    base = ["-static", "-e", "kmain", objs["kcommon"]]
    _pb, plain_bfd = _link(d, ["ld.bfd"], "plain.bfd", base)
    _pb, named_bfd = _link(d, ["ld.bfd"], "named.bfd", ["--oformat", name, *base])
    assert named_bfd.read_bytes() == plain_bfd.read_bytes()
    _pt, plain = _link(d, list(direct_ld), "plain.test", base)
    _pt, named = _link(d, list(direct_ld), "named.test", [f"--oformat={name}", *base])
    assert named.read_bytes() == plain.read_bytes()


def test_print_output_format(d, objs, direct_ld):
    for args in (["--oformat", "binary"], ["--oformat", "elf64-x86-64"], ["--oformat", "foo"],
                 ["--oformat", "binary", "--oformat", "default"], []):
        want = _run(["ld.bfd", *args, "--print-output-format"], d).stdout
        got = _run([*direct_ld, *args, "--print-output-format"], d).stdout
        assert got == want


@pytest.mark.parametrize("args,bfd_ok,message", [
    (["--oformat", "foo"], False, "target foo not found"),
    (["--oformat", "elf64-littleaarch64"], False, "target elf64-littleaarch64 not found"),
    (["--oformat", "ihex"], True, "--oformat ihex is not supported"),
    (["--oformat", "srec"], True, "--oformat srec is not supported"),
    (["--oformat", "elf32-i386"], True, "--oformat elf32-i386 is not supported"),
    (["--oformat", "x86_64-pc-linux-gnu"], True, "a configuration triplet as the output format is not supported"),
    (["--oformat", "binary", "-r"], False, "--oformat binary with -r is not supported"),
    (["--oformat", "binary", "-pie"], True, "--oformat binary with -pie is not supported"),
    (["--oformat", "binary", "-shared"], True, "--oformat binary with -shared is not supported"),
])
def test_braze_message_refused(d, objs, direct_ld, args, bfd_ok, message):
    pb, _bfd = _link(d, ["ld.bfd"], "refused.bfd", [*args, "-e", "kmain", objs["kpie"]], ok=False)
    assert (pb.returncode == 0) == bfd_ok, pb.stderr
    if not bfd_ok and "not found" in message:
        assert message in pb.stderr
    pt, mine = _link(d, list(direct_ld), "refused.test", [*args, "-e", "kmain", objs["kpie"]], ok=False)
    assert pt.returncode == 1 and message in pt.stderr and "Traceback" not in pt.stderr
    assert not mine.exists()


def test_shared_library_input_refused(d, braze_lddir):
    """A dynamic link: bfd cannot add a shared library to a binary output; braze refuses it too."""
    src = d / "hello.c"
    src.write_text("int puts(const char *);\nint main(void) { return puts(\"hi\"); }\n")
    for tag, sel in (("bfd", "-fuse-ld=bfd"), ("test", f"-B{braze_lddir}/")):
        out = d / f"dyn.{tag}"
        p = _run(["gcc", sel, src, "-Wl,--oformat=binary", "-o", out], d, ok=False)
        assert p.returncode != 0 and "error adding symbols: file in wrong format" in p.stderr
        assert not out.exists()


def test_static_glibc_fails_as_bfd(d, braze_lddir):
    """A -static glibc program: libc.a's reference to __ehdr_start (which only an ELF output defines)
    is undefined in both links."""
    src = d / "hello.c"
    src.write_text("int puts(const char *);\nint main(void) { return puts(\"hi\"); }\n")
    for tag, sel in (("bfd", "-fuse-ld=bfd"), ("test", f"-B{braze_lddir}/")):
        out = d / f"static-glibc.{tag}"
        p = _run(["gcc", sel, "-static", src, "-Wl,--oformat=binary", "-o", out], d, ok=False)
        assert p.returncode != 0 and "__ehdr_start" in p.stderr, p.stderr
        assert not out.exists()


# ------------------------------------------------------------------ aarch64

A64_SRC = """
    .text
    .globl _start
_start:
    adrp x0, msg
    add x0, x0, :lo12:msg
    bl func
    ldr x1, =msg
    b .
func:
    ret
    .data
msg:
    .asciz "hi"
    .quad msg
"""


@pytest.fixture(scope="module")
def a64_obj(d) -> Path:
    assert H.have_toolchain(), "the aarch64 cross toolchain and qemu-user are needed (Makefile APT_PKGS)"
    (d / "a64.s").write_text(A64_SRC)
    _run([H.PREFIX + "as", "a64.s", "-o", "a64.o"], d)
    return d / "a64.o"


def _sections(path: Path) -> list:
    """readelf -SW's allocated sections: (name, type, address, offset, size)."""
    p = _run(["readelf", "-SW", path], path.parent)
    rows = []
    for ln in p.stdout.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([A-Za-z]*)\s", ln)
        if m and "A" in m.group(6):
            rows.append(m.groups()[:5])
    assert rows
    return rows


@pytest.mark.parametrize("name", ["elf64-littleaarch64", "default"])
def test_a64_native_name(d, a64_obj, direct_ld, name):
    ld = H.PREFIX + "ld.bfd"
    _pb, plain_bfd = _link(d, [ld], "a64plain.bfd", ["-static", a64_obj])
    _pb, named_bfd = _link(d, [ld], "a64named.bfd", ["--oformat", name, "-static", a64_obj])
    assert named_bfd.read_bytes() == plain_bfd.read_bytes()
    _pt, plain = _link(d, list(direct_ld), "a64plain.test", ["-static", a64_obj])
    _pt, named = _link(d, list(direct_ld), "a64named.test", ["--oformat", name, "-static", a64_obj])
    assert named.read_bytes() == plain.read_bytes()
    assert _sections(named) == _sections(named_bfd)


@pytest.mark.parametrize("name", ["binary", "ihex", "elf64-little"])
def test_a64_other_formats_refused(d, a64_obj, direct_ld, name):
    """aarch64 bfd refuses any output format without "aarch64" in its name."""
    pb, _bfd = _link(d, [H.PREFIX + "ld.bfd"], "a64fmt.bfd", ["--oformat", name, "-static", a64_obj], ok=False)
    pt, mine = _link(d, list(direct_ld), "a64fmt.test", ["--oformat", name, "-static", a64_obj], ok=False)
    msg = "cannot change output format whilst linking AArch64 binaries"
    assert pb.returncode != 0 and msg in pb.stderr
    assert pt.returncode == 1 and msg in pt.stderr and not mine.exists()
