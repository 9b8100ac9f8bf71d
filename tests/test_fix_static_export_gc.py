"""--gc-sections in a static link (no dynamic sections) with -E, --export-dynamic-symbol or
--dynamic-list: there is no .dynsym to export to, and bfd keeps no section for them (unused
exported functions and data go); braze kept them as roots. -static-pie and dynamic links, which do
export, keep them (controls), as does -u and --gc-keep-exported.

Compared with ld.bfd of each machine: which of the source's global functions and data are in
.symtab and .dynsym, and the program's output (aarch64 under qemu)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from harness import tool_env

A64 = "aarch64-linux-gnu-"
SRC = r"""
#include <stdio.h>
int unused_fn(int x) { return x * 7; }
int unused_data = 42;
__attribute__((visibility("hidden"))) int hidden_fn(int x) { return x + 1; }
__attribute__((noinline)) int used_fn(int x) { return x + 3; }
int main(void) { printf("%d\n", used_fn(1)); return 0; }
"""
NAMES = ("unused_fn", "unused_data", "hidden_fn", "used_fn")
CASES = {
    "static-E": ["-static", "-Wl,-E,--gc-sections"],
    "static-export-symbol": ["-static", "-Wl,--export-dynamic-symbol=unused_fn,--gc-sections"],
    "static-dynamic-list": ["-static", "-Wl,--dynamic-list=dl.txt,--gc-sections"],
    "static-E-u": ["-static", "-Wl,-E,--gc-sections,-u,unused_fn"],
    "static-keep-exported": ["-static", "-Wl,--gc-sections,--gc-keep-exported"],
    "static-pie-E": ["-static-pie", "-Wl,-E,--gc-sections"],
    "dynamic-E": ["-Wl,-E,--gc-sections"],
}


def _syms(pre: str, path: Path, opt: str) -> list[str]:
    out = subprocess.run([pre + "readelf", opt, "-W", str(path)], capture_output=True, text=True,
                         env=tool_env()).stdout
    return sorted(f"{ln.split()[7]}/{ln.split()[4]}" for ln in out.splitlines()
                  if len(ln.split()) > 7 and ln.split()[7] in NAMES)


@pytest.mark.parametrize("pre", ["", A64], ids=["x86_64", "aarch64"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_static_export_gc(braze_lddir, tmp_path, case, pre):
    if not shutil.which(pre + "gcc"):
        pytest.skip(f"no {pre}gcc")
    (tmp_path / "ge.c").write_text(SRC)
    (tmp_path / "dl.txt").write_text("{ unused_fn; };\n")
    subprocess.run([pre + "gcc", "-O2", "-ffunction-sections", "-fdata-sections", "-c", "ge.c", "-o", "ge.o"],
                   cwd=tmp_path, check=True, env=tool_env())
    views = {}
    for name, sel in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        out = tmp_path / f"ge-{name}"
        p = subprocess.run([pre + "gcc", *sel, "ge.o", *CASES[case], "-o", str(out)], cwd=tmp_path,
                           capture_output=True, text=True, env=tool_env())
        assert p.returncode == 0, (name, p.stderr)
        run = ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu", str(out)] if pre else [str(out)]
        r = subprocess.run(run, capture_output=True, text=True, timeout=60)
        views[name] = _syms(pre, out, "--syms"), _syms(pre, out, "--dyn-syms"), r.returncode, r.stdout
    if case == "static-pie-E" and not pre:
        # (bfd's own x86-64 -static-pie -E program crashes at start-up: only the symbols compared)
        views = {k: v[:2] for k, v in views.items()}
    else:
        assert views["bfd"][2:] == (0, "4\n"), views["bfd"]
    assert views["braze"] == views["bfd"], f"bfd:  {views['bfd']}\ntest: {views['braze']}"
