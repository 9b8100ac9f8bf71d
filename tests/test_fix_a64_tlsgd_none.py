"""aarch64 -shared, traditional TLS (-mtls-dialect=trad): a general-dynamic GOT pair of a symbol the
library does not export (a hidden one, a version script's local; a static one was right already)
gets R_AARCH64_TLS_DTPMOD64 and, its offset being known, an R_AARCH64_NONE where bfd reserved the
DTPREL64; braze wrote no NONE for a hidden symbol. Exported symbols, -Bsymbolic and protected ones
included, keep both relocations naming the symbol (no NONE).

Compared with aarch64 ld.bfd: the types of .rela.dyn in order (-nostdlib: the library's own); and a
program using the library runs (qemu) with the same output."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from harness import tool_env

A64 = "aarch64-linux-gnu-"
SYSROOT = "/usr/aarch64-linux-gnu"

LIBS = {
    "static": "static __thread int a = 5; int get(void) { return a; }\nint *pa(void) { return &a; }\n",
    "hidden": '__attribute__((visibility("hidden"))) __thread int h = 6; int get(void) { return h; }\n',
    "static-hidden": 'static __thread int a = 1; __attribute__((visibility("hidden"))) __thread int h = 2;\n'
                     "int get(void) { return a + h; }\n",
    "static-global": "static __thread int a = 1; __thread int g = 3; int get(void) { return a + g; }\n",
    "protected": '__attribute__((visibility("protected"))) __thread int p = 4; int get(void) { return p; }\n',
    "two-hidden": '__attribute__((visibility("hidden"))) __thread int h1 = 1, h2 = 7;\n'
                  "int get(void) { return h1 + h2; }\n",
}
MAIN = '#include <stdio.h>\nint get(void);\nint main(void) { printf("%d\\n", get()); return 0; }\n'
VARIANTS = {"": [], "bsymbolic": ["-Wl,-Bsymbolic"], "vscript": ["-Wl,--version-script=../vs.map"]}


@pytest.fixture(scope="module", autouse=True)
def _tools():
    if not shutil.which(A64 + "gcc"):
        pytest.skip("no aarch64 cross compiler")


def _types(path: Path) -> list[str]:
    out = subprocess.run([A64 + "readelf", "-rW", str(path)], capture_output=True, text=True,
                         env=tool_env()).stdout.partition(".rela.dyn")[2].partition("Relocation section")[0]
    return [ln.split()[2] for ln in out.splitlines() if "R_AARCH64" in ln]


@pytest.mark.parametrize("opt", ["-O0", "-O2"])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("lib", sorted(LIBS))
def test_gd_none(braze_lddir, tmp_path, lib, variant, opt):
    (tmp_path / "lib.c").write_text(LIBS[lib])
    (tmp_path / "main.c").write_text(MAIN)
    (tmp_path / "vs.map").write_text("{ global: get; local: *; };\n")
    env = tool_env()
    cc = A64 + "gcc"
    subprocess.run([cc, opt, "-fPIC", "-mtls-dialect=trad", "-c", "lib.c", "-o", "lib.o"], cwd=tmp_path,
                   check=True, env=env)
    subprocess.run([cc, "-O2", "-c", "main.c", "-o", "main.o"], cwd=tmp_path, check=True, env=env)
    types, outs = {}, {}
    for name, sel in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        d = tmp_path / name
        d.mkdir()
        p = subprocess.run([cc, *sel, "-shared", "-nostdlib", "../lib.o", *VARIANTS[variant], "-o", "libt.so"],
                           cwd=d, capture_output=True, text=True, env=env)
        assert p.returncode == 0, (name, p.stderr)
        types[name] = _types(d / "libt.so")
        subprocess.run([cc, "-fuse-ld=bfd", "../main.o", "-L.", "-lt", "-o", "prog"], cwd=d, check=True, env=env)
        r = subprocess.run(["qemu-aarch64", "-L", SYSROOT, "./prog"], cwd=d, capture_output=True, text=True,
                           env=tool_env({"LD_LIBRARY_PATH": str(d)}), timeout=60)
        outs[name] = r.returncode, r.stdout
    assert "R_AARCH64_TLS_DTPMOD64" in types["bfd"], types["bfd"]
    assert types["braze"] == types["bfd"], f"bfd:  {types['bfd']}\ntest: {types['braze']}"
    assert outs["bfd"][0] == 0 and outs["braze"] == outs["bfd"], outs
