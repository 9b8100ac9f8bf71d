"""The section of __preinit_array_start/_end (and __init_array_*/__fini_array_*) when the default
script's statement got no input section at all, against ld.bfd.

bfd removes such an output section and moves its symbols to a kept neighbour with its
_bfd_nearby_section rule; the removed section has no flags (no input section gave it any), so a
static glibc program's __preinit_array_* land in .tbss, the section before, where braze took the
section at their address (.init_array).  Each case is linked by both and the symbols' rows compared
(value, binding, section name)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from elfrows import named_symbol_rows
from harness import tool_env

A64 = "aarch64-linux-gnu-"
NAMES = {f"__{a}_{e}" for a in ("preinit_array", "init_array", "fini_array") for e in ("start", "end")}
MAIN = "#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n"
# a bare program that names the array symbols; its own sections vary by case
BARE = r"""
extern char __preinit_array_start[], __preinit_array_end[], __init_array_start[], __init_array_end[];
extern char __fini_array_start[], __fini_array_end[];
char *volatile keep[6];
SECTIONS
void _start(void) {
    keep[0] = __preinit_array_start; keep[1] = __preinit_array_end; keep[2] = __init_array_start;
    keep[3] = __init_array_end; keep[4] = __fini_array_start; keep[5] = __fini_array_end;
    for (;;) ;
}
"""
VARIANTS = {
    "bare-plain": "",
    "bare-tls": "__thread int t1; __thread int t2 = 3; int *tp(void) { return &t1 + t2; }\n",
    "bare-init": "static void f(void) {}\n"
                 "__attribute__((used, section(\".init_array\"))) static void (*ia)(void) = f;\n",
    "bare-tls-fini": "__thread int t1;\nint *tp(void) { return &t1; }\nstatic void f(void) {}\n"
                     "__attribute__((used, section(\".fini_array\"))) static void (*fa)(void) = f;\n",
    "bare-rodata-only": "const char ro[64] = \"x\";\n",
}
BARE_FLAGS = ["-nostdlib", "-static", "-O1", "-fno-asynchronous-unwind-tables", "-fno-stack-protector"]
CASES = {
    "static": ("", ["-static"], "main.c"),
    "static-pie": ("", ["-static-pie"], "main.c"),
    "static-version-script": ("", ["-static", "-Wl,--version-script=v.map"], "main.c"),
    **{k: ("", [*BARE_FLAGS, "-no-pie"], f"{k}.c") for k in VARIANTS},
    "a64-static": (A64, ["-static"], "main.c"),
    "a64-bare-tls": (A64, [*BARE_FLAGS, "-no-pie"], "bare-tls.c"),
}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("arraysyms")
    (d / "main.c").write_text(MAIN)
    (d / "v.map").write_text("V1 { global: main; local: *; };\n")
    for k, extra in VARIANTS.items():
        (d / f"{k}.c").write_text(BARE.replace("SECTIONS", extra))
    return d


@pytest.mark.parametrize("case", list(CASES))
def test_array_syms_home(root, braze_lddir, case):
    prefix, flags, src = CASES[case]
    if prefix and not shutil.which(prefix + "gcc"):
        pytest.skip("no aarch64 cross compiler")
    rows = {}
    for linker in ("bfd", "braze"):
        out = root / f"{case}-{linker}"
        ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{braze_lddir}/"]
        p = subprocess.run([prefix + "gcc", *ld, *flags, src, "-o", str(out)], cwd=root, env=tool_env(),
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        rows[linker] = named_symbol_rows(out, NAMES, prefix)
    assert any(r[0] == "__preinit_array_start" for r in rows["bfd"])
    assert rows["braze"] == rows["bfd"]
