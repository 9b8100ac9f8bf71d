"""An executable's initial-exec access to its own TLS symbol that is in .dynsym, against ld.bfd
(x86-64). bfd relaxes an executable's GOTTPOFF (and a GD or TLSDESC sequence it has turned into
IE) to local-exec only when the symbol has no dynamic index; a TLS symbol the executable defines
and exports (a library it links against refers to it, or --export-dynamic) keeps its GOT slot, with
an R_X86_64_TPOFF64 naming the symbol. braze relaxed them all to local-exec. Found relinking re2's
tests with -static-libstdc++ (libstdc++'s `__once_call`/`__once_callable`, exported because
libre2.so refers to them: bfd's .got and .rela.dyn had two entries more).

Each case links the same objects through ld.bfd and through braze; the dynamic relocations (as
sorted multisets: bfd's GOT order follows its hash table), the sizes of .got and .rela.dyn and main's
instructions (numbers aside) must be equal, and the programs print the same."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import link_in, run_env, tool_env
from elfrows import dyn_relocs, tool

LIB = "extern __thread long tv;\nlong lib_get(void) { return tv; }\n"
DEF = "__thread long tv = 5;\n__thread long tv2 = 6;\n"
MAIN = r"""#include <stdio.h>
extern __thread long tv;
extern __thread long tv2;
long lib_get(void);
int main(void) { tv += 1; tv2 += 1; printf("%ld %ld %ld\n", tv, tv2, lib_get()); return 0; }
"""
MAIN_NOLIB = r"""#include <stdio.h>
extern __thread long tv;
extern __thread long tv2;
int main(void) { tv += 1; tv2 += 1; printf("%ld %ld\n", tv, tv2); return 0; }
"""
OBJS = {     # object: (source, gcc flags) — IE from -fPIE/-fno-PIC code, GD and TLSDESC from -fPIC
    "main-ie.o": ("main.c", ["-fPIE"]),
    "main-nopic.o": ("main.c", ["-fno-PIC"]),
    "main-gd.o": ("main.c", ["-fPIC"]),
    "main-desc.o": ("main.c", ["-fPIC", "-mtls-dialect=gnu2"]),
    "nolib-ie.o": ("nolib.c", ["-fPIE"]),
    "nolib-gd.o": ("nolib.c", ["-fPIC"]),
    "def.o": ("def.c", ["-fPIE"]),
}
LIBARGS = ["def.o", "-L.", "-lt", "-Wl,-rpath,$ORIGIN/.."]
CASES = [
    ("pie-ie", ["main-ie.o", *LIBARGS]),
    ("pie-gd", ["main-gd.o", *LIBARGS]),
    ("pie-tlsdesc", ["main-desc.o", *LIBARGS]),
    ("nopie-ie", ["-no-pie", "main-nopic.o", *LIBARGS]),
    ("nopie-gd", ["-no-pie", "main-gd.o", *LIBARGS]),
    ("pie-export-dynamic-ie", ["-rdynamic", "nolib-ie.o", "def.o"]),
    ("pie-export-dynamic-gd", ["-rdynamic", "nolib-gd.o", "def.o"]),
    ("pie-not-exported", ["nolib-ie.o", "def.o"]),
    ("pie-version-local", ["-Wl,--version-script=local.map", "-rdynamic", "nolib-ie.o", "def.o"]),
    # no dynamic index without dynamic sections: LE as before (-E in a static link)
    ("static-export-dynamic-gd", ["-static", "-Wl,-E", "nolib-gd.o", "def.o"]),
    ("static-export-dynamic-ie", ["-static", "-Wl,-E", "nolib-ie.o", "def.o"]),
]


@pytest.fixture(scope="module")
def srcdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("exe_dynamic_tls_ie")
    for name, text in (("lib.c", LIB), ("def.c", DEF), ("main.c", MAIN), ("nolib.c", MAIN_NOLIB),
                       ("local.map", "{ global: main; local: *; };\n")):
        (d / name).write_text(text)
    for obj, (src, flags) in OBJS.items():
        subprocess.run(["gcc", "-c", "-O2", *flags, src, "-o", obj], cwd=d, check=True, env=tool_env())
    subprocess.run(["gcc", "-c", "-O2", "-fPIC", "lib.c"], cwd=d, check=True, env=tool_env())
    subprocess.run(["gcc", "-shared", "lib.o", "-o", "libt.so"], cwd=d, check=True, env=tool_env())
    return d


def _sizes(path: Path, cwd: Path) -> dict:
    """The sizes of .got and .rela.dyn."""
    rows = [line.replace("[ ", "[").split() for line in tool(["readelf", "-W", "-S", path], cwd).splitlines()]
    return {f[1]: f[5] for f in rows if len(f) > 5 and f[1] in (".got", ".rela.dyn")}


def _main_insns(path: Path, cwd: Path) -> list:
    """main's instructions with every number replaced by N (IE's `mov N(%rip),%rax` against LE's
    `mov $N,%rax`), without objdump's comments."""
    out = tool(["objdump", "-d", "--no-show-raw-insn", "--disassemble=main", path], cwd)
    return [re.sub(r"0x[0-9a-f]+|\b[0-9a-f]+\b", "N", line.split("\t", 1)[1].split("#")[0]).strip()
            for line in out.splitlines() if re.match(r"^ +[0-9a-f]+:\t", line)]


@pytest.mark.parametrize("name,args", CASES, ids=[c[0] for c in CASES])
def test_exe_tls_ie_matches_bfd(srcdir, braze_lddir, name, args):
    ref = link_in(srcdir, None, name, args)
    got = link_in(srcdir, braze_lddir, name, args)
    assert sorted(dyn_relocs(got, srcdir)) == sorted(dyn_relocs(ref, srcdir))
    assert _sizes(got, srcdir) == _sizes(ref, srcdir)
    assert _main_insns(got, srcdir) == _main_insns(ref, srcdir)
    runs = [subprocess.run([str(p)], cwd=srcdir, capture_output=True, text=True, timeout=60,
                           env=run_env(srcdir, {})) for p in (ref, got)]
    assert [(r.returncode, r.stdout) for r in runs[1:]] == [(runs[0].returncode, runs[0].stdout)]


def test_bfd_keeps_ie_for_exported_tls(srcdir):
    """bfd names `tv` (exported) in a TPOFF64 and relaxes `tv2` (the comparison is not vacuous)."""
    relocs = dyn_relocs(link_in(srcdir, None, "pie-ie", CASES[0][1]), srcdir)
    assert "R_X86_64_TPOFF64 tv + 0" in relocs
    assert not any("tv2" in r for r in relocs)
