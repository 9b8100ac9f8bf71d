"""Data pointers to symbols a linker script or --defsym assigns, in PIE and shared outputs, against
ld.bfd (found with /tmp/s20/expr/pierel).

bfd reserves a dynamic relocation for each such pointer while scanning, before it knows where the
symbol lands, and writes R_*_RELATIVE for one that ends up in a section and an all-zero R_*_NONE for
an absolute one (its word keeps the plain value). braze took every script symbol but `sym = .`
inside an output section for absolute at scan time: a pointer to a top-level `a = .` or to
`ADDR(.fz)` got no relocation and was not moved by the loader (the PIE printed 2011 for
555555556011), and a pointer to an absolute --defsym (`x+4`) got a RELATIVE that bfd does not write.
With -z pack-relative-relocs, bfd sizes the relative relocations after the layout: the RELATIVE ones
go to .relr.dyn and leave no slot in .rela.dyn. aarch64 bfd writes RELATIVE even for an absolute one
when the symbol has a .dynsym entry (-Bsymbolic library, --export-dynamic PIE). A 32-bit absolute
field cannot hold any of them in PIC output (bfd: "can not be used when making a PIE object").

Compared: the program's output (no ASLR; the library's pointers relative to its base), the kinds and
addends of the dynamic relocations and .relr.dyn's addresses, and the sizes of .rela.dyn/.relr.dyn."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from harness import BuildDir, tool_env

A64 = "aarch64-linux-gnu-gcc"
A64_ROOT = "/usr/aarch64-linux-gnu"

NAMES = "abcdefgh"
DECL = "extern char " + ", ".join(f"{n}[]" for n in NAMES) + ";\n"
TAB = "void *tab[] = {" + ", ".join(NAMES) + "};\n"
PIE_MAIN = ("#include <stdio.h>\n" + DECL + "static " + TAB +
            "int main(void) { for (int i = 0; i < 8; i++) printf(\"%lx \", (unsigned long)tab[i]);\n"
            "  printf(\"\\n\"); return 0; }\n")
# the library prints its pointers as offsets from its base (r) or as they are when below it (a)
LIB = ("#include <stdio.h>\n" + DECL + TAB + "extern char __ehdr_start[] __attribute__((visibility(\"hidden\")));\n"
       "void show(void) { unsigned long b = (unsigned long)__ehdr_start;\n"
       "  for (int i = 0; i < 8; i++) { unsigned long v = (unsigned long)tab[i];\n"
       "    printf(v >= b ? \"r%lx \" : \"a%lx \", v >= b ? v - b : v); }\n  printf(\"\\n\"); }\n")
LIB_MAIN = "void show(void);\nint main(void) { show(); return 0; }\n"
# a: top-level dot (section-relative), b: a number, c: dot in a section, f: ABSOLUTE(.), d: a + 4 at
# top level (absolute, as bfd folds it), e: ADDR (section-relative), g/h: absolute expressions
ASSIGNS = "a = .; b = 0x1234; .fz : { c = .; LONG(0) f = ABSOLUTE(.); } d = a + 4; e = ADDR(.fz); " \
          "g = b + 1; h = SIZEOF(.fz);"
HIDDEN = re.sub(r"\b([a-h]) = ([^;]*);", r"HIDDEN(\1 = \2);", ASSIGNS)
DEFSYMS = ["--defsym", "a=x", "--defsym", "b=0x1234", "--defsym", "c=x+4", "--defsym", "d=x-4",
           "--defsym", "e=x", "--defsym", "f=0x10", "--defsym", "g=x+8", "--defsym", "h=x-8"]
DEFSYM_EXTRA = "int x[4];\n"


def _default_script(ld: str, *opts: str) -> str:
    out = subprocess.run([ld, "--verbose", *opts], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    return out.split("==================================================")[1]


def _script(kind: str, assigns: str, ld: str, shared: bool) -> str:
    if kind == "insert":
        return f"SECTIONS {{ {assigns} }} INSERT AFTER .rodata;\n"
    s, n = re.subn(r"(\n\s*\.rodata1\s*:[^\n]*\n)", rf"\1  {assigns}\n",
                   _default_script(ld, "-shared" if shared else "-pie"))
    assert n == 1
    return s


def _relocs(path) -> tuple:
    """(type, symbol, addend) of each dynamic relocation but the GOT's and PLT's (their order follows
    the symbol table's), .relr.dyn's addresses, and the sizes of .rela.dyn and .relr.dyn."""
    text = subprocess.run(["readelf", "-W", "-r", "-S", str(path)], capture_output=True, text=True,
                          env=tool_env(), check=True).stdout
    rels = sorted(m for m in re.findall(
        r"^[0-9a-f]{16}\s+[0-9a-f]{16}\s+(R_\w+)\s*(?:[0-9a-f]{16} ([^ ]+) \+ |\s+)([0-9a-f]+)$", text, re.M)
        if not m[0].endswith(("GLOB_DAT", "JUMP_SLOT")))
    relr = re.findall(r"^([0-9a-f]{16})$", text, re.M)
    sizes = re.findall(r"\] (\.rel[ar]\.dyn)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)", text)
    return rels, relr, sizes


def _link_and_run(b: BuildDir, tmp_path, gcc: str, run, objs: list, flags: list, shared: bool, name: str):
    got = []
    for linker in ("bfd", "test"):
        how = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{b.lddir}/"]
        out = tmp_path / (f"lib{name}-{linker}.so" if shared else f"{name}-{linker}")
        b.run([gcc, *how, "-shared" if shared else "-pie", *objs, *flags, "-o", out])
        exe = out
        if shared:
            exe = tmp_path / f"{name}-{linker}-main"
            b.run([gcc, "-fuse-ld=bfd", "main.o" if gcc == "gcc" else "main-a64.o", out,
                   f"-Wl,-rpath,{tmp_path}", "-o", exe])
        got.append((run(exe), _relocs(out)))
    return got


def _x86_run(b):
    return lambda exe: b.run(["setarch", "x86_64", "-R", exe]).stdout


def _a64_run(b):
    env = {**tool_env(), "QEMU_LD_PREFIX": A64_ROOT}
    return lambda exe: b.run(["qemu-aarch64", "-L", A64_ROOT, exe], env=env).stdout


def _sources(b: BuildDir, tmp_path, gcc: str, suffix: str) -> None:
    (tmp_path / "pie.c").write_text(PIE_MAIN + DEFSYM_EXTRA)
    (tmp_path / "lib.c").write_text(LIB + DEFSYM_EXTRA)
    (tmp_path / "main.c").write_text(LIB_MAIN)
    b.run([gcc, "-O1", "-fPIE", "-c", "pie.c", "-o", f"pie{suffix}.o"])
    b.run([gcc, "-O1", "-fPIC", "-c", "lib.c", "-o", f"lib{suffix}.o"])
    b.run([gcc, "-O1", "-fPIE", "-c", "main.c", "-o", f"main{suffix}.o"])


MODES = {"pie": (False, []), "pie-relr": (False, ["-Wl,-z,pack-relative-relocs"]),
         "shared": (True, []), "shared-symbolic": (True, ["-Wl,-Bsymbolic"]),
         "shared-relr": (True, ["-Wl,-z,pack-relative-relocs", "-Wl,-Bsymbolic"])}


@pytest.mark.parametrize("kind", ["insert", "full"])
@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("vis", ["default", "hidden"])
def test_x86_64_script_symbol_pointers(tmp_path, braze_lddir, kind, mode, vis):
    if vis == "hidden" and not mode.startswith("shared"):
        pytest.skip("a PIE binds its symbols either way")
    b = BuildDir(tmp_path, braze_lddir)
    _sources(b, tmp_path, "gcc", "")
    shared, flags = MODES[mode]
    (tmp_path / "s.ld").write_text(_script(kind, HIDDEN if vis == "hidden" else ASSIGNS, "ld.bfd", shared))
    objs = ["lib.o" if shared else "pie.o"]
    got = _link_and_run(b, tmp_path, "gcc", _x86_run(b), objs, [*flags, "-Wl,-T,s.ld"], shared, "p")
    assert got[1] == got[0]
    if mode == "pie":       # (the pointers bfd relocates)
        assert [x[0] for x in got[0][1][0]].count("R_X86_64_RELATIVE") >= 3
        assert [x[0] for x in got[0][1][0]].count("R_X86_64_NONE") == 5


@pytest.mark.parametrize("mode", ["pie", "pie-relr", "shared-symbolic"])
def test_x86_64_defsym_pointers(tmp_path, braze_lddir, mode):
    b = BuildDir(tmp_path, braze_lddir)
    _sources(b, tmp_path, "gcc", "")
    shared, flags = MODES[mode]
    objs = ["lib.o" if shared else "pie.o"]
    defs = [f"-Wl,{o},{v}" for o, v in zip(DEFSYMS[::2], DEFSYMS[1::2])]
    got = _link_and_run(b, tmp_path, "gcc", _x86_run(b), objs, [*flags, *defs], shared, "d")
    assert got[1] == got[0]


@pytest.mark.parametrize("sym", list(NAMES))
@pytest.mark.parametrize("out", ["-pie", "-shared"])
def test_x86_64_abs32_refused(tmp_path, braze_lddir, direct_ld, sym, out):
    """bfd: a 32-bit absolute field cannot hold an assignment's symbol in PIC output, wherever it
    lands (an object's SHN_ABS symbol it can)."""
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "r.s").write_text(f".data\n.long {sym}\n")
    (tmp_path / "s.ld").write_text(_script("insert", ASSIGNS, "ld.bfd", False))
    b.run(["as", "r.s", "-o", "r.o"])
    codes = []
    for cmd in (["ld.bfd"], direct_ld):
        p = b.run([*cmd, out, "r.o", "-T", "s.ld", "-o", tmp_path / "r.out"], check=False)
        codes.append(p.returncode)
    assert codes == [1, 1]


@pytest.mark.parametrize("mode", ["pie", "pie-export", "shared", "shared-symbolic"])
def test_aarch64_script_symbol_pointers(tmp_path, braze_lddir, mode):
    if not shutil.which(A64):
        pytest.fail(f"{A64} is missing (make deps installs it)")
    b = BuildDir(tmp_path, braze_lddir)
    _sources(b, tmp_path, A64, "-a64")
    shared = mode.startswith("shared")
    flags = {"pie-export": ["-Wl,-E"], "shared-symbolic": ["-Wl,-Bsymbolic"]}.get(mode, [])
    (tmp_path / "s.ld").write_text(_script("insert", ASSIGNS, "aarch64-linux-gnu-ld.bfd", shared))
    objs = ["lib-a64.o" if shared else "pie-a64.o"]
    got = _link_and_run(b, tmp_path, A64, _a64_run(b), objs, [*flags, "-Wl,-T,s.ld"], shared, "a")
    assert got[1] == got[0]
