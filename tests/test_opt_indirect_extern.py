"""GNU_PROPERTY_1_NEEDED (gcc -mno-direct-extern-access), the generic property ranges and
-z [no]indirect-extern-access / -z noextern-protected-data, against ld.bfd 2.40.

Each link is made with the same gcc command line by bfd and by the linker under test; compared: the
exit status, the output's .note.gnu.property bytes, its dynamic relocations (type and symbol, as a
multiset), the TEXTREL tags, and the program's run against the shared libraries.

What bfd does (measured): the generic AND range (0xb0000000-0xb0007fff) is kept when every object has
it, the OR range (0xb0008000-0xb000ffff, GNU_PROPERTY_1_NEEDED) is ORed, a property that merges to 0
is removed (kept as it is in a link of one object). -z indirect-extern-access sets bit 0 (indirect
external access) and implies -z nocopyreloc; -z noindirect-extern-access clears the bit (the
property stays, 0). When the bit comes from the inputs alone, -z nocopyreloc is lifted, and a copy
relocation, a canonical PLT entry or an IFUNC's address taken in a dynamic executable clears it.
-z noextern-protected-data changes nothing in x86-64 output (protected data already binds locally)."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import run_cmd as _run
from harness import _clip, run_env

LIB = """
int data = 3;
int func(void) { return 4; }
"""
LIB_PROTECTED = """
__attribute__((visibility("protected"))) int data = 3;
__attribute__((visibility("protected"))) int func(void) { return 4; }
int getdata(void) { return data; }
int *pdata(void) { return &data; }
int (*getfp(void))(void) { return func; }
"""
PROG_DATA = """
extern int data;
int main(void) { return data - 3; }
"""
PROG_FPTR = """
extern int func(void);
int (*volatile p)(void);
int main(void) { p = func; return p() - 4; }
"""
PROG_CALL = """
extern int func(void);
int main(void) { return func() - 4; }
"""
# the executable's own IFUNC: called only / its address taken
IFUNC_CALL = """
static int impl(void) { return 0; }
static int (*resolve(void))(void) { return impl; }
int ifn(void) __attribute__((ifunc("resolve")));
int main(void) { return ifn(); }
"""
IFUNC_ADDR = """
static int impl(void) { return 0; }
static int (*resolve(void))(void) { return impl; }
int ifn(void) __attribute__((ifunc("resolve")));
int main(void) { int (*volatile q)(void) = ifn; return q(); }
"""
IFUNC_LOCAL_ADDR = IFUNC_ADDR.replace("int ifn(void)", "static int ifn(void)")     # (STB_LOCAL: kept)
# uses a library's protected data and function through the GOT
PROG_PROTECTED = """
extern int data, getdata(void), *pdata(void), func(void);
extern int (*getfp(void))(void);
int main(void) { return (data + getdata() + (pdata() == &data) + (getfp() == func)) - 8; }
"""


def _note(t: int, v: int, name: str) -> str:
    return f"""\t.section .note.gnu.property,"a"
\t.p2align 3
\t.long 4, 16, 5
\t.asciz "GNU"
\t.long {t:#x}, 4, {v:#x}, 0
\t.section .note.GNU-stack,"",@progbits
\t.data
sym_{name}: .long 0
"""


# asm objects with one property each: the generic OR range (1_NEEDED and another), the generic AND
# range, x86 ones of value 0
NOTES = {"n1": (0xb0008000, 1), "n0": (0xb0008000, 0), "n2": (0xb0008000, 2), "n3": (0xb0008000, 3),
         "or5": (0xb0008005, 4), "and1": (0xb0000001, 1), "and2": (0xb0000001, 2), "and3": (0xb0000001, 3),
         "and0": (0xb0000001, 0), "isa0": (0xc0008002, 0), "isa2": (0xc0008002, 2), "xor0": (0xc0008005, 0)}


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("iea")
    for name, text in (("lib.c", LIB), ("libp.c", LIB_PROTECTED), ("data.c", PROG_DATA), ("fptr.c", PROG_FPTR),
                       ("call.c", PROG_CALL), ("ifcall.c", IFUNC_CALL), ("ifaddr.c", IFUNC_ADDR),
                       ("iflocal.c", IFUNC_LOCAL_ADDR),
                       ("prot.c", PROG_PROTECTED)):
        (tmp / name).write_text(text)
    _run(["gcc", "-fuse-ld=bfd", "-shared", "-fPIC", "-O2", "lib.c", "-o", "libdef.so"], tmp)
    _run(["gcc", "-fuse-ld=bfd", "-shared", "-fPIC", "-O2", "-mno-direct-extern-access", "lib.c", "-o",
          "libdefiea.so"], tmp)
    _run(["gcc", "-fuse-ld=bfd", "-shared", "-fPIC", "-O2", "libp.c", "-o", "libprot.so"], tmp)
    _run(["gcc", "-c", "-fPIC", "-O2", "libp.c", "-o", "libp.o"], tmp)
    _run(["gcc", "-c", "-fPIC", "-O2", "-mno-direct-extern-access", "libp.c", "-o", "libp-iea.o"], tmp)
    for src in ("data", "fptr", "call", "ifcall", "ifaddr", "iflocal", "prot"):
        _run(["gcc", "-c", "-O2", "-fno-pie", f"{src}.c", "-o", f"{src}-npie.o"], tmp)
        _run(["gcc", "-c", "-O2", "-fpie", f"{src}.c", "-o", f"{src}-pie.o"], tmp)
        _run(["gcc", "-c", "-O2", "-fno-pie", "-mno-direct-extern-access", f"{src}.c", "-o", f"{src}-npie-iea.o"],
             tmp)
    # an object whose only news is gcc's GNU_PROPERTY_1_NEEDED
    (tmp / "marker.c").write_text("int iea_marker;\n")
    _run(["gcc", "-c", "-O2", "-mno-direct-extern-access", "marker.c", "-o", "marker-iea.o"], tmp)
    (tmp / "plain.c").write_text("int plain_marker;\n")
    _run(["gcc", "-c", "-O2", "plain.c", "-o", "plain.o"], tmp)
    assert "1_needed: indirect external access" in _run(["readelf", "-n", "marker-iea.o"], tmp).stdout
    for name, (t, v) in NOTES.items():
        (tmp / f"{name}.s").write_text(_note(t, v, name))
        _run(["as", f"{name}.s", "-o", f"{name}.o"], tmp)
    return tmp


def _view(work, exe) -> tuple:
    hexd = _run(["readelf", "-x", ".note.gnu.property", exe], work, check=False).stdout
    note = [ln.split()[1:5] for ln in hexd.splitlines() if re.match(r"\s+0x[0-9a-f]+ ", ln)]
    rels = sorted(" ".join(ln.split()[2:3] + ln.split()[4:5]) for ln in
                  _run(["readelf", "-rW", exe], work).stdout.splitlines()
                  if re.match(r"^[0-9a-f]{16}\s", ln) and "RELATIVE" not in ln)
    tags = sorted(ln.split()[1] for ln in _run(["readelf", "-dW", exe], work).stdout.splitlines() if "TEXTREL" in ln)
    return note, rels, tags


def _both(work, braze_lddir, args: list, name: str, run: bool = True) -> dict:
    res = {}
    for label, sel in (("bfd", ["-fuse-ld=bfd"]), ("test", [f"-B{braze_lddir}/"])):
        exe = work / f"{name}-{label}"
        p = _run(["gcc", *sel, *args, "-L.", "-Wl,-rpath,.", "-o", exe], work, check=False)
        if p.returncode:
            res[label] = ("failed",)
            continue
        out: tuple = _view(work, exe)
        if run:
            home = work / f"run-{exe.name}"
            home.mkdir(exist_ok=True)
            q = subprocess.run([str(exe)], cwd=work, env=run_env(home, {"LD_LIBRARY_PATH": str(work)}),
                               capture_output=True, text=True, timeout=20)
            out += (q.returncode,)
        res[label] = out
    return res


def _words(extra: str) -> list[str]:
    return [w if w.endswith(".o") else "-Wl,-z," + w for w in extra.split()]


# (program, library, extra inputs/-z keywords): what the executable's indirect-access bit, copy
# relocations and canonical PLT entries become
EXE_CASES = [
    ("data", "def", "marker-iea.o"),                         # a copy relocation clears the bit
    ("data", "def", "marker-iea.o nocopyreloc"),             # the bit lifts -z nocopyreloc
    ("data", "def", "marker-iea.o noindirect-extern-access"),
    ("data", "defiea", "marker-iea.o"),
    ("fptr", "def", "marker-iea.o"),                         # a canonical PLT entry clears it
    ("fptr", "def", "indirect-extern-access"),               # not the option's
    ("call", "def", "marker-iea.o"),                         # a call keeps it
    ("call", "def", "indirect-extern-access"),
    ("call", "def", "indirect-extern-access noindirect-extern-access"),
    ("call", "def", "noindirect-extern-access indirect-extern-access"),
    ("call", "prot", "marker-iea.o"),
    ("data-npie-iea", "def", ""),                            # gcc's GOT accesses: nothing to clear
    ("fptr-npie-iea", "prot", ""),
    ("data-npie-iea", "prot", "indirect-extern-access"),
    ("data", "def", "marker-iea.o noextern-protected-data"),
]


@pytest.mark.parametrize("mode", ["-no-pie", "-pie"])
@pytest.mark.parametrize("prog,lib,extra", EXE_CASES)
def test_executable_as_bfd(prog, lib, extra, mode, work, braze_lddir):
    if prog.endswith("-iea"):
        if mode == "-pie":
            pytest.skip("the -mno-direct-extern-access objects are position-dependent")
        obj = prog + ".o"
    else:
        obj = f"{prog}-{'pie' if mode == '-pie' else 'npie'}.o"
    res = _both(work, braze_lddir, [mode, obj, *_words(extra), f"-l{lib}"],
                f"{prog}-{lib}-{mode}-{extra.replace(' ', '_')}")
    assert res["test"] == res["bfd"], _clip(f"{res['test']}\n!=\n{res['bfd']}")
    assert res["bfd"] != ("failed",)
    assert res["bfd"][0], "bfd wrote no property note"


def test_option_forbids_copy_relocation_as_bfd(work, braze_lddir):
    """-z indirect-extern-access implies -z nocopyreloc (and -z nocopyreloc holds again once
    -z noindirect-extern-access cleared the inputs' bit): a PC-relative reference to a library's data
    in a non-PIE is bfd's error, and braze's, in bfd's words."""
    for extra in ("indirect-extern-access", "marker-iea.o indirect-extern-access",
                  "marker-iea.o noindirect-extern-access nocopyreloc"):
        errs = {}
        for label, sel in (("bfd", ["-fuse-ld=bfd"]), ("test", [f"-B{braze_lddir}/"])):
            p = _run(["gcc", *sel, "-no-pie", "data-npie.o", *_words(extra), "-L.", "-ldef", "-o",
                      work / "nocopy.out"], work, check=False)
            errs[label] = (p.returncode, [re.sub(r"^\S*(ld\.bfd|braze): (error: )?", "", ln) for ln in p.stderr.splitlines()
                                          if "PDE" in ln or "not supported" in ln])
        assert errs["test"] == errs["bfd"], extra
        assert errs["bfd"][0] == 1 and errs["bfd"][1]


@pytest.mark.parametrize("mode", ["-no-pie", "-pie", "-static", "-static-pie"])
@pytest.mark.parametrize("prog", ["ifcall", "ifaddr", "iflocal"])
def test_ifunc_address_clears_the_bit_as_bfd(prog, mode, work, braze_lddir):
    """A global IFUNC's address taken (its PLT entry) in a dynamic executable clears the inputs' bit, not
    in a static one, nor when it is only called, nor a local (static) IFUNC's."""
    obj = f"{prog}-{'npie' if mode in ('-no-pie', '-static') else 'pie'}.o"
    res = _both(work, braze_lddir, [mode, obj, "marker-iea.o"], f"{prog}{mode}")
    assert res["test"] == res["bfd"], _clip(f"{res['test']}\n!=\n{res['bfd']}")


@pytest.mark.parametrize("relax", [[], ["-Wl,--no-relax"]])
@pytest.mark.parametrize("extra", ["noextern-protected-data", "indirect-extern-access",
                                   "indirect-extern-access noextern-protected-data"])
@pytest.mark.parametrize("obj", ["libp.o", "libp-iea.o"])
def test_shared_protected_data_as_bfd(obj, extra, relax, work, braze_lddir):
    """A library's protected data and function reached through its GOT (-fPIC) bind locally in bfd's
    output with or without -z noextern-protected-data; a program uses the library."""
    name = f"libt-{obj}-{extra.replace(' ', '_')}-{len(relax)}"
    res: dict = {}
    for label, sel in (("bfd", ["-fuse-ld=bfd"]), ("test", [f"-B{braze_lddir}/"])):
        so = work / f"{name}-{label}.so"
        p = _run(["gcc", *sel, "-shared", obj, *_words(extra), *relax, "-o", so], work, check=False)
        assert p.returncode == 0, p.stderr
        # (R_X86_64_64 against the protected symbols: bfd keeps them symbolic, braze binds them;
        # the same either way at run time, and not this option's business)
        view = _view(work, so)
        res[label] = (view[0], [r for r in view[1] if not r.startswith("R_X86_64_64 ")], view[2])
        exe = work / f"{name}-{label}"
        _run(["gcc", "-fuse-ld=bfd", "-no-pie", "prot-npie-iea.o", so, f"-Wl,-rpath,{work}", "-o", exe], work)
        q = subprocess.run([str(exe)], cwd=work, env=run_env(work, {}), capture_output=True, timeout=20)
        res[label] += (q.returncode,)
    assert res["test"] == res["bfd"], _clip(f"{res['test']}\n!=\n{res['bfd']}")
    assert res["bfd"][-1] == 0


# static -nostdlib links of the asm property objects: the merge itself
# (each has a generic property in bfd's output, or is an x86 property of 0 bfd drops; the merges
# that remove every property are in the -Map test, whose lines show them)
MERGE_CASES = ["and1", "and3 and1", "and0", "n0", "n2 n3", "or5", "or5 n2 and1 and3",
               "n2 indirect-extern-access", "plain.o indirect-extern-access", "and1 indirect-extern-access",
               "n0 indirect-extern-access", "plain.o n2 indirect-extern-access",
               "n2 plain.o noindirect-extern-access", "n3 noindirect-extern-access",
               "n0 noindirect-extern-access", "marker-iea.o indirect-extern-access noindirect-extern-access",
               "isa0", "isa0 isa0", "xor0", "isa0 plain.o indirect-extern-access", "isa0 n2"]


@pytest.mark.parametrize("extra", MERGE_CASES)
def test_property_merge_as_bfd(extra, work, braze_lddir):
    args = ["-static", "-nostdlib", "-Wl,-e0"] + [f"{w}.o" if w in NOTES else w if w.endswith(".o")
                                                  else "-Wl,-z," + w for w in extra.split()]
    res = _both(work, braze_lddir, args, "merge-" + extra.replace(" ", "_"), run=False)
    assert res["test"] == res["bfd"], _clip(f"{res['test']}\n!=\n{res['bfd']}")
    assert res["bfd"] != ("failed",)
    if extra not in ("isa0", "isa0 isa0", "xor0"):
        assert res["bfd"][0], "bfd wrote no property note"


@pytest.mark.parametrize("extra", ["n2 n3", "n0 plain.o", "n0 n0", "and3 and1", "and1 and2", "and0 and0",
                                   "and1 plain.o", "plain.o and1", "and1 n0", "and1 n2", "n2 and1",
                                   "and1 n2 indirect-extern-access", "plain.o indirect-extern-access"])
def test_map_merging_lines_as_bfd(extra, work, braze_lddir):
    """-Map's "Merging program properties" report (everything before the memory map is bfd's text)."""
    args = ["-static", "-nostdlib", "-Wl,-e0"] + [f"{w}.o" if w in NOTES else w if w.endswith(".o")
                                                  else "-Wl,-z," + w for w in extra.split()]
    heads = {}
    for label, sel in (("bfd", ["-fuse-ld=bfd"]), ("test", [f"-B{braze_lddir}/"])):
        m = work / f"map-{extra.replace(' ', '_')}-{label}.map"
        _run(["gcc", *sel, *args, f"-Wl,-Map,{m}", "-o", work / f"map-{label}"], work)
        heads[label] = m.read_text().split("Linker script and memory map")[0]
    assert "Merging program properties" in heads["bfd"]
    assert heads["test"] == heads["bfd"]


@pytest.mark.parametrize("extra", ["libp.o and1 indirect-extern-access", "n2 plain.o noindirect-extern-access",
                                   "marker-iea.o libp.o", "and1 n0 indirect-extern-access"])
def test_relocatable_note_as_bfd(extra, work, direct_ld):
    args: list[str] = []
    for w in extra.split():
        args += [f"{w}.o"] if w in NOTES else [w] if w.endswith(".o") else ["-z", w]
    notes = []
    for label, ld in (("bfd", ["ld.bfd"]), ("test", direct_ld)):
        out = work / f"r-{extra.replace(' ', '_')}-{label}.o"
        _run([*ld, "-r", *args, "-o", out], work)
        notes.append(_view(work, out)[0])
    assert notes[0] and notes[0] == notes[1]


def test_oformat_binary_keeps_the_note_as_bfd(work, direct_ld):
    """--oformat binary writes each input's note as it is: one holding only GNU_PROPERTY_1_NEEDED too."""
    (work / "fs.c").write_text("int _start(void) { return 0; }\n")
    _run(["gcc", "-c", "-O2", "-fno-pie", "fs.c", "-o", "fs.o"], work)
    imgs = []
    for label, ld in (("bfd", ["ld.bfd"]), ("test", direct_ld)):
        out = work / f"img-{label}.bin"
        _run([*ld, "--oformat", "binary", "-e", "_start", "fs.o", "marker-iea.o", "-o", out], work)
        imgs.append(out.read_bytes())
    assert imgs[0] == imgs[1]


@pytest.mark.parametrize("args,what", [
    (["-r", "plain.o", "-z", "indirect-extern-access"], "-z indirect-extern-access with -r"),
    (["-static", "-e0", "isa0.o", "-z", "indirect-extern-access"], "has an x86 property of value 0"),
])
def test_refused(args, what, work, direct_ld):
    """What braze does not reproduce: bfd's own note section in a -r output without one, and bfd
    dropping the whole note in a one-object link whose x86 property is 0."""
    out = work / "refused.out"
    p = _run([*direct_ld, *args, "-o", out], work, check=False)
    assert p.returncode == 1 and what in p.stderr and "Traceback" not in p.stderr, p.stderr
    assert not out.exists()


A64_SRC = """
extern int data;
int main(void) { return data - 3; }
"""


@pytest.mark.parametrize("extra", [["-Wl,-z,noextern-protected-data", "marker.o"],
                                   ["-Wl,-z,indirect-extern-access", "marker.o"], ["marker.o"]])
def test_aarch64_as_bfd(extra, tmp_path, braze_lddir):
    """aarch64: GNU_PROPERTY_1_NEEDED merged as on x86-64 (bfd then makes no copy relocation: both
    fail this link); the x86 keywords only draw bfd's `ignored' warning."""
    import shutil
    if not shutil.which("aarch64-linux-gnu-gcc"):
        pytest.skip("no aarch64 cross compiler")
    (tmp_path / "m.c").write_text(A64_SRC)
    (tmp_path / "l.c").write_text(LIB)
    (tmp_path / "marker.s").write_text(_note(0xb0008000, 1, "m").replace("@progbits", "%progbits"))
    gcc = "aarch64-linux-gnu-gcc"
    _run([gcc, "-fuse-ld=bfd", "-shared", "-fPIC", "-O2", "l.c", "-o", "libdef.so"], tmp_path)
    _run([gcc, "-c", "-O2", "-fno-pie", "m.c", "-o", "m.o"], tmp_path)
    _run([gcc, "-c", "marker.s", "-o", "marker.o"], tmp_path)     # (its gcc has no -mno-direct-extern-access)
    res = {}
    for label, sel in (("bfd", ["-fuse-ld=bfd"]), ("test", [f"-B{braze_lddir}/"])):
        out = tmp_path / f"o-{label}"
        p = _run([gcc, *sel, "-no-pie", "m.o", *extra, "-L.", "-ldef", "-o", out], tmp_path, check=False)
        warned = sorted(re.sub(r"^.*?: ", "", ln) for ln in p.stderr.splitlines() if "ignored" in ln)
        res[label] = (p.returncode, warned)
    assert res["test"] == res["bfd"]
    assert res["bfd"][0] == 1
    # the note itself, in a link that succeeds (a call only)
    (tmp_path / "c.c").write_text(PROG_CALL)
    _run([gcc, "-c", "-O2", "-fno-pie", "c.c", "-o", "c.o"], tmp_path)
    notes = []
    for label, sel in (("bfd", ["-fuse-ld=bfd"]), ("test", [f"-B{braze_lddir}/"])):
        out = tmp_path / f"n-{label}"
        _run([gcc, *sel, "-no-pie", "c.o", "marker.o", "-L.", "-ldef", "-o", out], tmp_path)
        notes.append(_view(tmp_path, out)[0])
    assert notes[0] and notes[0] == notes[1]
