"""A local symbol on a CIE that merges into an identical CIE of an earlier input .eh_frame (crtbeginT.o's
`__EH_FRAME_BEGIN__` and `$d` in every aarch64 -static link): bfd's offset_adjust moves it by
(the CIE's new offset + its section's output offset) - (the symbol's record offset + its own section's
output offset), with the output offsets the sections had when .eh_frame was edited, that is each
input at its full size. The earlier inputs' dropped records (crt1.o's duplicate CIE, --gc-sections'
FDEs) then put the symbol before the CIE it names: 0x10 before .eh_frame in a static hello.
braze put it on the CIE. (The code's own reference, a section-symbol relocation, is another thing,
and was right.)

Compared with aarch64 ld.bfd: the symbols' values, a static C program (also run under qemu) and a
-nostdlib link whose last object starts its .eh_frame with a named empty array (as crtstuff does),
with and without --gc-sections.
"""
from __future__ import annotations

import pytest

import a64_harness as H
from elfrows import named_symbol_rows
from harness import BuildDir

HELLO = '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n'
A = """int a_dead1(int x) { return x * 3 + a_dead1(x - 1); }
int a_live(int x) { return x + 1; }
int a_dead2(int x) { return x * 5 + a_dead2(x + 2); }
int a_dead3(int x) { return x * 7 + a_dead3(x + 3); }
"""
B = """static const char EHB[] __attribute__((section(".eh_frame"), aligned(4), used)) = { };
const char *ehb(void) { return EHB; }
int b_f(int x) { return x * 2; }
"""
S = """int a_live(int); int b_f(int); const char *ehb(void);
void _start(void) { volatile int r = a_live(1) + b_f(2); const char *volatile p = ehb(); (void)r; (void)p; for (;;); }
"""


@pytest.fixture(scope="module", autouse=True)
def _cross_tools():
    assert H.have_toolchain(), "the aarch64 cross toolchain and qemu-user are needed (Makefile APT_PKGS)"


def test_static_eh_frame_begin_as_bfd(tmp_path, braze_lddir):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "h.c").write_text(HELLO)
    cc = H.PREFIX + "gcc"
    b.run([cc, "-O2", "-c", "h.c", "-o", "h.o"])
    rows, runs = {}, {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"h-{linker}"
        b.run([cc, *b.ld(linker), "-static", "h.o", "-o", out])
        rows[linker] = named_symbol_rows(out, ("__EH_FRAME_BEGIN__", "$d", ".eh_frame"), H.PREFIX)
        runs[linker] = b.run([H.QEMU, "-L", H.SYSROOT, out]).stdout
    assert runs["test"] == runs["bfd"] == "hi\n"
    assert any(r[0] == "__EH_FRAME_BEGIN__" for r in rows["bfd"])
    assert rows["test"] == rows["bfd"]


@pytest.mark.parametrize("gc", [False, True])
def test_merged_cie_symbol_as_bfd(tmp_path, braze_lddir, gc):
    b = BuildDir(tmp_path, braze_lddir)
    cc = H.PREFIX + "gcc"
    for name, text in (("a", A), ("b", B), ("s", S)):
        (tmp_path / f"{name}.c").write_text(text)
        b.run([cc, "-O1", "-ffunction-sections", "-c", f"{name}.c", "-o", f"{name}.o"])
    rows = {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"o-{linker}"
        b.run([cc, *b.ld(linker), "-nostdlib", "-static", *(["-Wl,--gc-sections"] if gc else []),
               "s.o", "a.o", "b.o", "-o", out])
        rows[linker] = named_symbol_rows(out, ("EHB", "$d", "a_live", "b_f"), H.PREFIX)
    assert any(r[0] == "EHB" for r in rows["bfd"])
    assert rows["test"] == rows["bfd"]


MAIN_X86 = '#include <stdio.h>\nint a_live(int); const char *ehb(void);\n' \
           'int main(void) { printf("%d %d\\n", a_live(1), ehb() != 0); return 0; }\n'


@pytest.mark.parametrize("mode", ["-pie", "-no-pie"])
def test_merged_into_linker_made_cie_x86(tmp_path, braze_lddir, mode):
    """x86-64: the CIE merges into bfd's linker-made one (the PLT unwind info's sections, a CIE and
    an FDE each, after the first object's .eh_frame), which the pre-edit offsets must count."""
    b = BuildDir(tmp_path, braze_lddir)
    for name, text in (("a", A), ("b", B), ("m", MAIN_X86)):
        (tmp_path / f"{name}.c").write_text(text)
        b.run(["gcc", "-O1", "-c", f"{name}.c", "-o", f"{name}.o"])
    rows, runs = {}, {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"x-{linker}"
        b.run(["gcc", *b.ld(linker), mode, "m.o", "a.o", "b.o", "-o", out])
        rows[linker] = named_symbol_rows(out, ("EHB", "a_live", "main"))
        runs[linker] = b.run([out]).stdout
    assert runs["test"] == runs["bfd"] == "2 1\n"
    assert rows["test"] == rows["bfd"]
