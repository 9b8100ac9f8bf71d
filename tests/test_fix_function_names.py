"""The function a located message names (`FILE: in function `F':`, and the `>>> referenced by
FILE:(F)` of an undefined symbol), against ld.bfd, whose _bfd_elf_find_function asks the target's
maybe_function_sym hook: aarch64's never takes a local mapping symbol ($x/$d/$x.NAME); of the symbols
at one address the larger wins (size 0 counting as 1). braze named aarch64's `$x' for any reference
from a code section's first function (found by a64ossl statically linking the aarch64 openssl app:
"libcrypto.a(dso_dlfcn.o): in function `$x'" for bfd's `dlfcn_globallookup'; every aarch64
undefined-reference error from main said `($x)'), and on x86-64 the first of two symbols at one
address where bfd takes the sized function."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from harness import tool_env

A64 = "aarch64-linux-gnu-"

WARN = r"""
int oldfn(int x) { return x + 1; }
static const char w[] __attribute__((used, section(".gnu.warning.oldfn"))) = "oldfn is obsolete";
"""
USER = r"""
extern int oldfn(int);
__attribute__((noinline)) static int helper(int x) { return oldfn(x) * 2; }
int missing(int);
int api(int x) { return helper(x) + (x > 100 ? missing(x) : 0); }
"""
MAIN = "int api(int);\nint main(void) { return api(1) - 4; }\n"
# two symbols at the start of .text: a local label (NOTYPE, size 0; first in .symtab), then the sized function
TIE = """
    .text
lbl_first:
    .type tie_fn, @function
tie_fn:
    call oldfn
    ret
    .size tie_fn, .-tie_fn
"""


def _names(text: str) -> list[str]:
    """The functions a link's messages name: bfd's `in function `F'`, braze's also `>>> ...:(F)`."""
    return re.findall(r"in function `([^']*)'", text) + re.findall(r">>> referenced by [^\n]*:\(([^)+]*)\)", text)


def _link(d, pre, ld, objs, out):
    p = subprocess.run([pre + "gcc", *ld, *objs, "-o", out], cwd=d, env=tool_env(), capture_output=True,
                       text=True)
    return p.stdout + p.stderr


@pytest.mark.parametrize("arch", ["a64", "x86"])
def test_function_names(tmp_path, braze_lddir, arch):
    pre = A64 if arch == "a64" else ""
    if pre and not (shutil.which(pre + "gcc") and shutil.which(pre + "ld.bfd")):
        pytest.skip("no aarch64 cross tool chain")
    for n, t in (("w.c", WARN), ("u.c", USER), ("m.c", MAIN)):
        (tmp_path / n).write_text(t)
        subprocess.run([pre + "gcc", "-O1", "-fno-inline", "-c", n], cwd=tmp_path, env=tool_env(), check=True)
    objs = ["m.o", "u.o", "w.o"]
    if arch == "x86":
        (tmp_path / "tie.s").write_text(TIE)
        subprocess.run(["gcc", "-c", "tie.s"], cwd=tmp_path, env=tool_env(), check=True)
        objs.insert(1, "tie.o")          # (the first file to reference oldfn gets the warning)
    names = {}
    for linker, ld in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        # the warning for oldfn (in helper), and the undefined `missing' (in api)
        text = _link(tmp_path, pre, ld, objs, f"out-{linker}")
        names[linker] = sorted(_names(text))
    assert ("tie_fn" if arch == "x86" else "helper") in names["bfd"] and "api" in names["bfd"], names
    assert names["braze"] == names["bfd"]
