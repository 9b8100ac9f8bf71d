"""aarch64: a hidden function defined in a regular object and reached by a CALL26/JUMP26 against its
global symbol is LOCAL in PIC output's .symtab (-pie, -static-pie; -shared makes every hidden one
local), as bfd: its check_relocs marks the symbol needs_plt for every such branch, and
_bfd_elf_fix_symbol_flags hides a needs_plt hidden definition in PIC output (forced local). In a
non-PIE or -static executable, or when only its address is taken, it stays GLOBAL HIDDEN.

Found by building C++ programs for aarch64: every PIE calling libgcc's outline atomics
(`__aarch64_ldadd4_acq_rel`, hidden, in libgcc.a) had it GLOBAL HIDDEN in braze's .symtab where bfd
has it LOCAL (and 500+ hidden libc.a functions in a -static-pie).  Compared: the named symbols'
(value, type, bind, section) and the .symtab's local count, and the programs' output under qemu.
"""
from __future__ import annotations

import subprocess

import pytest

import a64_harness as H
from elfrows import named_symbol_rows
from harness import BuildDir

HID = r"""
#define H __attribute__((visibility("hidden")))
H int h_called(int x) { return x + 1; }
H int h_tail(int x) { return x * 3; }
H int h_addr(int x) { return x - 1; }
H int h_data = 7;
H int h_never(int x) { return x; }
"""
MAIN = r"""
#include <stdio.h>
int h_called(int), h_tail(int), h_addr(int);
extern int h_data;
int (*volatile fp)(int) = h_addr;
__attribute__((noinline)) int tail(int x) { return h_tail(x); }
int main(void) {
    int v = 0;
    __atomic_fetch_add(&v, 5, __ATOMIC_ACQ_REL);     /* libgcc's hidden __aarch64_ldadd4_acq_rel */
    printf("%d %d %d %d %d\n", h_called(v), tail(2), fp(10), h_data, v);
    return 0;
}
"""
NAMES = ("h_called", "h_tail", "h_addr", "h_data", "h_never", "__aarch64_ldadd4_acq_rel", "tail")


def _nlocals(path) -> str:
    out = subprocess.run([H.PREFIX + "readelf", "-SW", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return next(ln.split()[-2] for ln in out.splitlines() if " .symtab " in ln)


@pytest.mark.parametrize("mode", ["-pie", "-no-pie", "-static", "-static-pie"])
def test_branched_hidden_definitions_local_in_pic_output_as_bfd(tmp_path, braze_lddir, mode):
    assert H.have_toolchain(), "the aarch64 cross toolchain and qemu-user are needed (Makefile APT_PKGS)"
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "hid.c").write_text(HID)
    (tmp_path / "main.c").write_text(MAIN)
    cc = H.PREFIX + "gcc"
    for src in ("hid", "main"):
        b.run([cc, "-O2", "-fPIC", "-moutline-atomics", "-c", f"{src}.c", "-o", f"{src}.o"])
    b.run([H.PREFIX + "ar", "rcs", "libhid.a", "hid.o"])
    rows, runs, nloc = {}, {}, {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"m-{linker}"
        b.run([cc, *b.ld(linker), mode, "main.o", "libhid.a", "-o", out])
        rows[linker] = named_symbol_rows(out, NAMES, H.PREFIX)
        nloc[linker] = _nlocals(out)
        p = b.run([H.QEMU, "-L", H.SYSROOT, out])
        runs[linker] = p.stdout
    assert runs["bfd"] == "6 6 9 7 5\n"
    local = {r[0] for r in rows["bfd"] if r[3] == "LOCAL"}
    pic = mode in ("-pie", "-static-pie")
    assert local == ({"h_called", "h_tail", "__aarch64_ldadd4_acq_rel"} if pic else set()), rows["bfd"]
    assert runs["test"] == runs["bfd"]
    assert rows["test"] == rows["bfd"]
    assert nloc["test"] == nloc["bfd"]
