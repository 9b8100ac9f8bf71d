"""bfd's weakdef pairing for imported data that is not copied, against ld.bfd: when .dynsym imports a
library's weak data definition (glibc's `environ`), the library's global definition at the same
address (`__environ`) is imported too, and from a global one each weak alias the pairing's walk
reaches (`__environ` brings `_environ` and `environ`, `_environ` brings `__environ` and `environ`,
`environ` only `__environ`); the names joining unreferenced keep the library's binding (WEAK UND).
Weak functions have no such pairs. Found building glib 2.74: libglib-2.0.so had no `__environ`.

Each case links the same objects with gcc through ld.bfd and through braze; the .dynsym views
(name@version, type, binding, visibility, defined) and readelf -V must be equal, and the programs
run alike."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness import link_in, run_env, tool_env
from test_shared import dynsyms
from test_versions import version_sections

LIB = r"""
int real_data = 7;
extern int weak_data __attribute__((weak, alias("real_data")));
extern int weak_data2 __attribute__((weak, alias("real_data")));
int real_fn(void) { return 3; }
extern int weak_fn(void) __attribute__((weak, alias("real_fn")));
"""
SRC = {
    "environ.c": "extern char **environ;\nchar **get(void) { return environ; }\n",
    "__environ.c": "extern char **__environ;\nchar **get(void) { return __environ; }\n",
    "_environ.c": "extern char **_environ;\nchar **get(void) { return _environ; }\n",
    "weakref.c": "extern char **environ __attribute__((weak));\nchar **get(void) { return environ; }\n",
    "main.c": "#include <stdio.h>\nextern char **environ;\n"
              "int main(void) { printf(\"%d\\n\", environ != 0); return 0; }\n",
    "lib.c": LIB,
    "uselib.c": "extern int weak_data; extern int weak_fn(void);\n"
                "int get(void) { return weak_data + weak_fn(); }\n",
    "uselib2.c": "extern int weak_data2;\nint get(void) { return weak_data2; }\n",
    "uselib_main.c": "#include <stdio.h>\nextern int weak_data2;\n"
                     "int main(void) { printf(\"%d\\n\", weak_data2); return 0; }\n",
}
CASES = [
    ("so-environ", ["-shared", "environ.o"]),
    ("so-__environ", ["-shared", "__environ.o"]),
    ("so-_environ", ["-shared", "_environ.o"]),
    ("so-weakref", ["-shared", "weakref.o"]),
    ("pie", ["main.o"]),
    ("no-pie-got", ["-no-pie", "main.o"]),
    ("pie-nocopyreloc", ["-Wl,-z,nocopyreloc", "main.o"]),
    ("no-pie-copy", ["-no-pie", "main-nopic.o"]),
    ("own-lib", ["-shared", "uselib.o", "-L.", "-lwd", "-Wl,-rpath,$ORIGIN/.."]),
    ("own-lib2", ["-shared", "uselib2.o", "-L.", "-lwd"]),
    ("own-lib-exe", ["uselib_main.o", "-L.", "-lwd", "-Wl,-rpath,$ORIGIN/.."]),
]


@pytest.fixture(scope="module")
def srcdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("weakdef_import")
    for name, text in SRC.items():
        (d / name).write_text(text)
        subprocess.run(["gcc", "-c", "-O2", "-fPIC", name], cwd=d, check=True, env=tool_env())
    subprocess.run(["gcc", "-c", "-O2", "-fno-PIC", "main.c", "-o", "main-nopic.o"], cwd=d, check=True,
                   env=tool_env())
    subprocess.run(["gcc", "-shared", "lib.o", "-o", "libwd.so"], cwd=d, check=True, env=tool_env())
    return d


@pytest.mark.parametrize("name,args", CASES, ids=[c[0] for c in CASES])
def test_weakdef_imports_match_bfd(srcdir, braze_lddir, name, args):
    ref = link_in(srcdir, None, name, args)
    got = link_in(srcdir, braze_lddir, name, args)
    assert dynsyms(got) == dynsyms(ref), (f".dynsym differs from bfd's:\n only braze: {sorted(dynsyms(got) - dynsyms(ref))}"
                                          f"\n only bfd:  {sorted(dynsyms(ref) - dynsyms(got))}")
    assert version_sections(got) == version_sections(ref)
    if "-shared" not in args:
        runs = [subprocess.run([str(p)], cwd=srcdir, capture_output=True, text=True, timeout=60,
                               env=run_env(srcdir, {})) for p in (ref, got)]
        assert [(r.returncode, r.stdout) for r in runs[1:]] == [(runs[0].returncode, runs[0].stdout)]


def test_pairs_are_exercised(srcdir):
    """bfd does import the pair (so the comparison above is not vacuous)."""
    names = {d[0] for d in dynsyms(link_in(srcdir, None, "so-environ", CASES[0][1]))}
    assert "__environ@GLIBC_2.2.5" in names
    names = {d[0] for d in dynsyms(link_in(srcdir, None, "own-lib", CASES[8][1]))}
    assert "real_data" in names and "real_fn" not in names
