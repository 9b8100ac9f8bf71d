"""The global definition bfd pairs with a referenced weak data import, in .symtab and bound as the
reference, against ld.bfd. A library's weak data definition that the objects reference (glibc's
`environ`, `_environ`) brings the global definition at its address (`__environ`) into .dynsym
(tests/test_fix_weakdef_import.py); bfd gives that definition the reference's flags, so it is also
in .symtab, and both tables bind it as the reference does (WEAK for `#pragma weak environ`). The
weak aliases the pairing's walk adds unreferenced stay out of .symtab. braze left `__environ` out of
.symtab and bound it GLOBAL in .dynsym after a weak reference. Found building libuv 1.44
(libuv.so's .symtab had no `__environ`).

Each case links the same objects through ld.bfd and through braze; .symtab's global entries and
.dynsym's (name@version, type, binding, visibility, defined) must be equal, and programs run alike."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from elfrows import global_syms, set_diff
from harness import link_in, run_env, tool_env

LIB = r"""
int real_data = 7;
extern int weak_data __attribute__((weak, alias("real_data")));
extern int weak_data2 __attribute__((weak, alias("real_data")));
"""
MAIN = "#include <stdio.h>\n{decl}\nint main(void) {{ printf(\"%d\\n\", {use}); return 0; }}\n"
SRC = {
    "environ.c": "extern char **environ;\nchar **get(void) { return environ; }\n",
    "_environ.c": "extern char **_environ;\nchar **get(void) { return _environ; }\n",
    "__environ.c": "extern char **__environ;\nchar **get(void) { return __environ; }\n",
    "main.c": MAIN.format(decl="extern char **environ;", use="environ[0] != 0"),
    "main_weak.c": MAIN.format(decl="#pragma weak environ\nextern char **environ;",
                               use="environ != 0 && environ[0] != 0"),
    "lib.c": LIB,
    "uselib.c": "extern int weak_data;\nint get(void) { return weak_data; }\n",
    "uselib_main.c": MAIN.format(decl="extern int weak_data2;", use="weak_data2"),
}
CASES = [
    ("so-environ", ["-shared", "environ.o"]),
    ("so-environ-gc", ["-shared", "-Wl,--gc-sections", "environ.o"]),
    ("so-_environ", ["-shared", "_environ.o"]),
    ("so-__environ", ["-shared", "__environ.o"]),
    ("pie", ["main.o"]),
    ("no-pie-copy", ["-no-pie", "main-nopic.o"]),
    ("pie-weak-ref", ["main_weak.o"]),
    ("so-weak-ref", ["-shared", "main_weak.o"]),
    ("own-lib", ["-shared", "uselib.o", "-L.", "-lwd"]),
    ("own-lib-exe", ["uselib_main.o", "-L.", "-lwd", "-Wl,-rpath,$ORIGIN/.."]),
]


@pytest.fixture(scope="module")
def srcdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("weakdef_symtab")
    for name, text in SRC.items():
        (d / name).write_text(text)
        subprocess.run(["gcc", "-c", "-O2", "-fPIC", name], cwd=d, check=True, env=tool_env())
    subprocess.run(["gcc", "-c", "-O2", "-fno-PIC", "main.c", "-o", "main-nopic.o"], cwd=d, check=True,
                   env=tool_env())
    subprocess.run(["gcc", "-shared", "lib.o", "-o", "libwd.so"], cwd=d, check=True, env=tool_env())
    return d


@pytest.mark.parametrize("name,args", CASES, ids=[c[0] for c in CASES])
def test_weakdef_pair_symtab_matches_bfd(srcdir, braze_lddir, name, args):
    ref = link_in(srcdir, None, name, args)
    got = link_in(srcdir, braze_lddir, name, args)
    for dyn in (False, True):
        g, r = global_syms(got, dyn), global_syms(ref, dyn)
        assert g == r, f"{'.dynsym' if dyn else '.symtab'} differs from bfd's:" + set_diff(g, r)
    if "-shared" not in args:
        runs = [subprocess.run([str(p)], cwd=srcdir, capture_output=True, text=True, timeout=60,
                               env=run_env(srcdir, {})) for p in (ref, got)]
        assert [(r.returncode, r.stdout) for r in runs[1:]] == [(runs[0].returncode, runs[0].stdout)]


def test_pairs_are_exercised(srcdir):
    """bfd lists the pair in .symtab, WEAK after a weak reference (the comparison is not vacuous)."""
    rows = global_syms(link_in(srcdir, None, "so-environ", CASES[0][1]), False)
    assert ("__environ@GLIBC_2.2.5", "OBJECT", "GLOBAL", "DEFAULT", False) in rows
    rows = global_syms(link_in(srcdir, None, "pie-weak-ref", CASES[6][1]), True)
    assert ("__environ@GLIBC_2.2.5", "OBJECT", "WEAK", "DEFAULT", False) in rows
    rows = global_syms(link_in(srcdir, None, "own-lib", CASES[8][1]), False)
    assert any(r[0] == "real_data" for r in rows)
