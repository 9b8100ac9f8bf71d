"""A regular definition that a linked shared library defines too: its type and size, and whether it is
exported, against ld.bfd (found with musl: every `musl-gcc -shared` library exports crti.o's untyped,
sizeless `_init`/`_fini`, which bfd writes FUNC size 1, taking libc.so's weak dummies' type and size).

bfd (_bfd_elf_merge_symbol and the code after it in elf_link_add_object_symbols), when the library's
definition is not versioned: an untyped definition takes the library's type (IFUNC as FUNC) and one
of size 0 the library's size, whichever is read first; not when the symbol has a non-default
visibility.  When the two types conflict (both typed, not both functions) and the object's definition
is read first, bfd ignores the library's: the definition is then not exported for it, and a library's
versioned reference (foo@V) binds to the library's foo@@V, not to the program's -- a program's
`int index;` must not preempt glibc's index() for a library calling it (braze exported it: the
library called into the program's data and crashed).  With the library read first, bfd warns
"type of symbol ... changed" and, for a versioned library, undoes the export.

Each case is linked by both, comparing the named symbols' .dynsym and .symtab rows (with their size),
the warnings, and the program's output."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import RUN_TIMEOUT, BuildDir, _no_core, run_env

LIB_S = """\
.data
.globl a, b, c, d, f, g, t
.protected b
.type a,@function; .size a,8
a: .quad 1
.type b,@object; .size b,8
b: .quad 1
.type c,@function; .size c,8
c: .quad 1
.type d,@object; .size d,8
d: .quad 1
.weak f
.type f,@object; .size f,8
f: .quad 1
.type g,@object; .size g,16
g: .quad 1,2
.type t,@object; .size t,8
t: .quad 1
.text
.globl e
.type e,@gnu_indirect_function; .size e, 3
e: lea b(%rip),%rax; ret
"""

# untyped/sizeless (a, e, f), typed with another size (b), sized untyped (c), a conflicting type (d),
# typed sizeless (g), hidden (t)
OBJ_S = """\
.data
.globl a, b, c, d, e, f, g, t, use
.hidden t
a: .quad 2
.type b,@object; .size b,4
b: .long 2
c: .long 2
.size c,4
.type d,@function
d: .quad 2
e: .quad 2
.weak f
f: .quad 2
.type g,@object
g: .quad 2
t: .quad 2
use: .quad a,b,c,d,e,f,g,t
"""

# typed conflicting with glibc's versioned definitions (optarg: OBJECT, getpid: FUNC), and a match
OBJV_S = """\
.data
.globl optarg, opterr, getpid
.type optarg,@function
optarg: .quad 0
.type opterr,@object
opterr: .long 0
.type getpid,@object
getpid: .quad 0
"""

USE_C = """\
char *index(const char *, int);
const char *use(void) { return index("abcdef", 'd'); }
"""

MAIN_C = """\
#include <stdio.h>
int index = 3;
extern const char *use(void);
int main(void) { printf("%s %d\\n", use(), index); return 0; }
"""

NAMES = ("a", "b", "c", "d", "e", "f", "g", "t", "optarg", "opterr", "getpid", "index", "_init", "_fini")
LIBC = "/lib/x86_64-linux-gnu/libc.so.6"
NA = "-Wl,--no-as-needed"      # (gcc here passes --as-needed: a library nothing needs is dropped)




@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> BuildDir:
    b = BuildDir(tmp_path_factory.mktemp("libtype"), braze_lddir)
    for name, text in {"lib.s": LIB_S, "obj.s": OBJ_S, "objv.s": OBJV_S, "use.c": USE_C,
                       "main.c": MAIN_C}.items():
        (b.root / name).write_text(text)
    for o in ("lib", "obj", "objv"):
        b.run(["as", f"{o}.s", "-o", f"{o}.o"])
    b.run(["ld.bfd", "-shared", "lib.o", "-o", "libd.so"])
    b.run(["gcc", "-fuse-ld=bfd", "-O2", "-fno-builtin", "-fPIC", "-shared", "use.c", "-o", "libuse.so"])
    b.run(["gcc", "-O2", "-c", "main.c", "-o", "main.o"])
    return b


def _rows(path: Path) -> list[tuple]:
    """(table, name, size, type, bind, visibility, defined?) of the named symbols."""
    rows = []
    for table, opt in (("dynsym", "--dyn-syms"), ("symtab", "-s")):
        out = subprocess.run(["readelf", "-W", opt, str(path)], capture_output=True, text=True,
                             check=True).stdout
        if table == "symtab":
            out = out.partition("Symbol table '.symtab'")[2]
        for f in (ln.split() for ln in out.splitlines()):
            if len(f) >= 8 and f[0].rstrip(":").isdigit() and re.sub(r"@.*", "", f[7]) in NAMES:
                rows.append((table, f[7], f[2], f[3], f[4], f[5], f[6] != "UND"))
    return sorted(rows)


def _link(build: BuildDir, linker: str, case: str, cc: str, args: list[str]) -> tuple[Path, str]:
    d = build.root / linker / case
    d.mkdir(parents=True, exist_ok=True)
    ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{build.lddir}/"]
    out = d / ("lib.so" if "-shared" in args else "prog")
    ins = [str(build.root / a) if a.endswith((".o", ".so")) and "/" not in a else a for a in args]
    p = build.run([cc, *ld, *ins, f"-L{build.root}", f"-Wl,-rpath,{build.root}", "-o", out], cwd=d)
    log = p.stdout + p.stderr
    warnings = sorted(re.sub(r"^\S*(ld|ld\.bfd|braze): ", "", ln).replace(str(build.root) + "/", "")
                      for ln in log.splitlines() if "warning: type of symbol" in ln)
    return out, "\n".join(warnings)


# (compiler driver, its arguments); ld-level inputs are given as the driver passes them
CASES = {
    "obj-then-lib-shared": ("gcc", ["-nostdlib", "-shared", NA, "obj.o", "libd.so"]),
    "obj-then-as-needed-lib-dropped": ("gcc", ["-nostdlib", "-shared", "-Wl,--as-needed", "obj.o", "libd.so"]),
    "lib-then-obj-shared": ("gcc", ["-nostdlib", "-shared", NA, "libd.so", "obj.o"]),
    "obj-then-lib-pie": ("gcc", ["-nostdlib", "-pie", NA, "-Wl,-e,0", "obj.o", "libd.so"]),
    "lib-then-obj-pie": ("gcc", ["-nostdlib", "-pie", NA, "-Wl,-e,0", "libd.so", "obj.o"]),
    "obj-then-lib-nopie": ("gcc", ["-nostdlib", "-no-pie", NA, "-Wl,-e,0", "obj.o", "libd.so"]),
    "versioned-obj-then-libc-pie": ("gcc", ["-nostdlib", "-pie", NA, "-Wl,-e,0", "objv.o", LIBC]),
    "versioned-libc-then-obj-pie": ("gcc", ["-nostdlib", "-pie", NA, "-Wl,-e,0", LIBC, "objv.o"]),
    "data-index-with-library-calling-index": ("gcc", ["main.o", "-luse"]),
    "data-index-libc-first": ("gcc", [NA, LIBC, "main.o", "-luse"]),
    "musl-shared-init-fini": ("musl-gcc", ["-shared", "obj.o"]),
    "musl-rdynamic-init-fini": ("musl-gcc", ["-rdynamic", "mhello.o"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_library_type_merge(build, case):
    cc, args = CASES[case]
    if shutil.which(cc) is None:
        pytest.skip(f"{cc} is not installed")
    if "mhello.o" in args:
        (build.root / "mhello.c").write_text("int main(void) { return 0; }\n")
        build.run(["musl-gcc", "-O2", "-c", "mhello.c", "-o", "mhello.o"])
    bfd, bfd_warn = _link(build, "bfd", case, cc, args)
    braze, braze_warn = _link(build, "braze", case, cc, args)
    assert _rows(braze) == _rows(bfd)
    assert braze_warn == bfd_warn
    if case.startswith("data-index"):
        outs = []
        for prog in (bfd, braze):
            p = subprocess.run([str(prog)], cwd=prog.parent, env=run_env(prog.parent, {}), capture_output=True,
                               text=True, timeout=RUN_TIMEOUT, preexec_fn=_no_core)
            outs.append((p.returncode, p.stdout))
        assert outs[1] == outs[0] == (0, "def 3\n")


def test_cases_not_vacuous(build):
    """bfd does take a library's type and size, and leaves a conflicting definition unexported."""
    rows = _rows(_link(build, "bfd", "obj-then-lib-shared", *CASES["obj-then-lib-shared"])[0])
    assert ("dynsym", "a", "8", "FUNC", "GLOBAL", "DEFAULT", True) in rows
    pie = _rows(_link(build, "bfd", "obj-then-lib-pie", *CASES["obj-then-lib-pie"])[0])
    assert not any(r[0] == "dynsym" and r[1] == "d" for r in pie)
    warn = _link(build, "bfd", "lib-then-obj-pie", *CASES["lib-then-obj-pie"])[1]
    assert "type of symbol `d' changed from 1 to 2" in warn
