"""_edata, _end and __bss_start that a library on the link line exports, against ld.bfd. bfd's
default script assigns them unconditionally; the assignment redefines the library's dynamic
definition, and the symbol, having been dynamic, is exported: an executable's and a shared
library's .dynsym and .symtab list it, defined here. braze bound an executable's references to the
library's definition (WEAK UND imports) and left a shared library without them. Found building
CPython 3.11's _tkinter module against Debian's libtk8.6.so (which exports all three).

Each case links the same objects through ld.bfd and through braze; .symtab's and .dynsym's global
entries (name@version, type, binding, visibility, defined) must be equal, and programs run alike."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from elfrows import global_syms, set_diff
from harness import link_in, run_env, tool_env

ENDS = """.data
.globl _end, _edata, __bss_start
_end: _edata: __bss_start: .quad 0
.section .note.GNU-stack,"",@progbits
"""
SRC = {
    "a.c": "int a_val = 1;\nint a_fn(void) { return a_val; }\n",
    "m.c": "extern int a_fn(void);\nextern char _end[];\n"
           "int m_fn(void) { return a_fn() + 1; }\nchar *m_end(void) { return _end; }\n",
    "plain.c": "int p_fn(void) { return 3; }\n",
    "main.c": "#include <stdio.h>\nextern int m_fn(void);\nextern char *m_end(void);\nextern char _end[];\n"
              "int main(void) { printf(\"%d %d\\n\", m_fn(), m_end() == _end); return 0; }\n",
    "main2.c": "#include <stdio.h>\nextern int a_fn(void);\n"
               "int main(void) { printf(\"%d\\n\", a_fn()); return 0; }\n",
    "main3.c": "#include <stdio.h>\nint main(void) { puts(\"ok\"); return 0; }\n",
}
CASES = [
    ("so", ["-shared", "m.o", "-L.", "-la"]),
    ("so-unreferenced", ["-shared", "plain.o", "-Wl,--no-as-needed", "-L.", "-la"]),
    ("so-as-needed", ["-shared", "plain.o", "-Wl,--as-needed", "-L.", "-la"]),
    ("pie", ["main.o", "-L.", "-lm_ref", "-la"]),
    ("no-pie", ["-no-pie", "main2-nopic.o", "-L.", "-la"]),
    ("pie-E", ["-Wl,-E", "main2.o", "-L.", "-la"]),
    ("pie-as-needed", ["main3.o", "-Wl,--as-needed", "-L.", "-la"]),     # liba dropped: not exported
]


@pytest.fixture(scope="module")
def srcdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("dso_script_syms")
    (d / "ends.s").write_text(ENDS)
    for name, text in SRC.items():
        (d / name).write_text(text)
        subprocess.run(["gcc", "-c", "-O2", "-fPIC", name], cwd=d, check=True, env=tool_env())
    subprocess.run(["gcc", "-c", "ends.s"], cwd=d, check=True, env=tool_env())
    subprocess.run(["gcc", "-c", "-O2", "-fno-PIC", "main2.c", "-o", "main2-nopic.o"], cwd=d, check=True,
                   env=tool_env())
    # a library whose .dynsym defines the three names (as Debian's libtk8.6.so does); made with an
    # empty script so that bfd's default one does not assign them over the object's
    subprocess.run(["gcc", "-shared", "-nostdlib", "a.o", "ends.o", "-Wl,-T,/dev/null",
                    "-Wl,--no-warn-rwx-segments", "-o", "liba.so"], cwd=d, check=True, env=tool_env())
    subprocess.run(["gcc", "-shared", "m.o", "-L.", "-la", "-o", "libm_ref.so"], cwd=d, check=True,
                   env=tool_env())
    return d


@pytest.mark.parametrize("name,args", CASES, ids=[c[0] for c in CASES])
def test_library_defined_script_syms_match_bfd(srcdir, braze_lddir, name, args):
    ref = link_in(srcdir, None, name, args)
    got = link_in(srcdir, braze_lddir, name, args)
    for dyn in (False, True):
        g, r = global_syms(got, dyn), global_syms(ref, dyn)
        assert g == r, f"{'.dynsym' if dyn else '.symtab'} differs from bfd's:" + set_diff(g, r)
    if "-shared" not in args:
        runs = [subprocess.run([str(p)], cwd=srcdir, capture_output=True, text=True, timeout=60,
                               env=run_env(srcdir, {"LD_LIBRARY_PATH": str(srcdir)})) for p in (ref, got)]
        assert runs[0].returncode == 0 and runs[0].stdout
        assert [(r.returncode, r.stdout) for r in runs[1:]] == [(runs[0].returncode, runs[0].stdout)]


def test_cases_are_exercised(srcdir):
    """bfd exports the redefined names (the comparison is not vacuous)."""
    for i in (0, 1, 3, 4):
        rows = global_syms(link_in(srcdir, None, CASES[i][0], CASES[i][1]), True)
        assert ("_end", "NOTYPE", "GLOBAL", "DEFAULT", True) in rows, CASES[i][0]
