"""`.symver foo, foo@V1` where the object also defines plain `foo` at that very place, against
ld.bfd. bfd (after reading each object's symbols) makes plain foo an indirect symbol for the hidden
version foo@V1 when both are defined in the same section at the same value with the same binding:
references to foo become references to foo@V1, and foo is neither exported (a version script that
names foo in V2 does not make foo@@V2) nor written to .symtab. braze exported an extra foo@@V2, so
a program could link against the library by a name bfd's library does not give, and dlsym(foo)
found it. A plain foo defined elsewhere, or one that is itself a default version (foo@@V2), stays.

Also: a dynamic executable's hidden version that nothing exports is LOCAL in bfd's .symtab (its
_bfd_elf_fix_symbol_flags); braze wrote it GLOBAL. A static one keeps it GLOBAL.

Found by hand while comparing libraries built with both linkers (xz's liblzma uses .symver with
separate internal names, which both linkers treat alike)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness import link_in, tool_env
from test_shared import dynsyms
from test_versions import version_sections

SRC = {
    # foo and foo@V1 at the same place: the alias case
    "alias.c": 'int foo(void) { return 5; }\n__asm__(".symver foo, foo@V1");\n'
               "int callfoo(void) { return foo(); }\n"
               "void *addrfoo(void) { return (void *)foo; }\n",
    # both weak: still an alias
    "alias_weak.c": '__attribute__((weak)) int foo(void) { return 5; }\n__asm__(".symver foo, foo@V1");\n'
                    "int callfoo(void) { return foo(); }\n"
                    "void *addrfoo(void) { return (void *)foo; }\n",
    # plain foo is another function: no alias, foo@@V2 is exported by both
    "apart.c": 'int foo_old(void) { return 4; }\n__asm__(".symver foo_old, foo@V1");\n'
               "int foo(void) { return 5; }\n"
               "int callfoo(void) { return foo(); }\n"
               "void *addrfoo(void) { return (void *)foo; }\n",
    # one function with a hidden and a default version: foo stays foo@@V2
    "both.c": 'int foo_impl(void) { return 5; }\n__asm__(".symver foo_impl, foo@V1");\n'
              '__asm__(".symver foo_impl, foo@@V2");\n'
              "int callfoo(void) { return foo_impl(); }\n"
              "void *addrfoo(void) { return (void *)foo_impl; }\n",
    "main.c": "int main(void) { return 0; }\n",
    "dl.c": """#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
int main(int argc, char **argv) {
    void *h = dlopen(argv[1], RTLD_NOW);
    if (!h) { printf("dlopen: %s\\n", dlerror()); return 1; }
    int (*call)(void) = (int (*)(void))dlsym(h, "callfoo");
    void *(*addr)(void) = (void *(*)(void))dlsym(h, "addrfoo");
    void *plain = dlsym(h, "foo"), *v1 = dlvsym(h, "foo", "V1"), *v2 = dlvsym(h, "foo", "V2");
    printf("callfoo=%d plain=%d v1=%d v2=%d addr_is_v1=%d\\n", call(), plain != 0, v1 != 0,
           v2 != 0, addr() == v1);
    return 0;
}
""",
}
MAPS = {
    "local": "V1 { global: callfoo; addrfoo; local: *; };\nV2 { global: foo; } V1;\n",
    "open": "V1 { global: callfoo; addrfoo; };\nV2 { global: foo; } V1;\n",
}
OBJS = ("alias", "alias_weak", "apart", "both")
LIBS = [(f"{o}-{m}", o, m) for o in OBJS for m in MAPS]


@pytest.fixture(scope="module")
def srcdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("symver_hidden_alias")
    for name, text in SRC.items():
        (d / name).write_text(text)
        subprocess.run(["gcc", "-c", "-O0", "-fPIC", name], cwd=d, check=True, env=tool_env())
    for name, text in MAPS.items():
        (d / f"{name}.map").write_text(text)
    subprocess.run(["gcc", "dl.o", "-o", "dl"], cwd=d, check=True, env=tool_env())
    return d


def _symtab(path: Path) -> set:
    """(name, bind, type) of .symtab's named entries (no values: layout may differ)."""
    out = subprocess.run(["readelf", "-W", "-s", str(path)], capture_output=True, text=True,
                         check=True).stdout
    rows, keep = set(), False
    for line in out.splitlines():
        if line.startswith("Symbol table"):
            keep = "'.symtab'" in line
            continue
        f = line.split()
        if keep and len(f) >= 8 and f[0].rstrip(":").isdigit() and "foo" in f[7]:
            rows.add((f[7], f[4], f[3]))
    return rows


def _reloc_syms(path: Path) -> list:
    out = subprocess.run(["readelf", "-W", "-r", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return sorted(line.split()[2] + " " + line.split()[4] for line in out.splitlines()
                  if "foo" in line and len(line.split()) >= 5)


@pytest.mark.parametrize("name,obj,m", LIBS, ids=[c[0] for c in LIBS])
def test_library_matches_bfd(srcdir, braze_lddir, name, obj, m):
    args = ["-shared", f"{obj}.o", f"-Wl,--version-script={m}.map", "-Wl,--no-undefined-version"]
    ref = link_in(srcdir, None, f"lib{name}.so", args)
    got = link_in(srcdir, braze_lddir, f"lib{name}.so", args)
    assert dynsyms(got) == dynsyms(ref)
    assert version_sections(got) == version_sections(ref)
    assert _symtab(got) == _symtab(ref)
    assert _reloc_syms(got) == _reloc_syms(ref)
    run = [subprocess.run([str(srcdir / "dl"), str(lib)], capture_output=True, text=True,
                          env=tool_env()) for lib in (ref, got)]
    assert (run[1].returncode, run[1].stdout) == (run[0].returncode, run[0].stdout)


EXES = [("pie", []), ("no-pie", ["-no-pie"]), ("static", ["-static"]), ("rdynamic", ["-rdynamic"]),
        ("script", ["-Wl,--version-script=open.map"])]


@pytest.mark.parametrize("obj", ["alias", "apart"])
@pytest.mark.parametrize("name,extra", EXES, ids=[e[0] for e in EXES])
def test_executable_symtab_matches_bfd(srcdir, braze_lddir, obj, name, extra):
    args = ["main.o", f"{obj}.o", *extra]
    ref = link_in(srcdir, None, f"{obj}-{name}", args)
    got = link_in(srcdir, braze_lddir, f"{obj}-{name}", args)
    assert _symtab(got) == _symtab(ref)
    assert dynsyms(got) == dynsyms(ref)


def test_alias_is_exercised(srcdir):
    """bfd really drops plain foo in the alias case and keeps foo@@V2 in the other."""
    alias = link_in(srcdir, None, "chk-alias.so", ["-shared", "alias.o", "-Wl,--version-script=open.map"])
    apart = link_in(srcdir, None, "chk-apart.so", ["-shared", "apart.o", "-Wl,--version-script=open.map"])
    assert not any(r[0] == "foo@@V2" for r in dynsyms(alias))
    assert any(r[0] == "foo@@V2" for r in dynsyms(apart))


BY_NAME = [("require-defined", ["-Wl,--require-defined=foo"]), ("entry", ["-Wl,-e,foo"]),
           ("defsym", ["-Wl,--defsym=bar=foo"])]


@pytest.mark.parametrize("name,extra", BY_NAME, ids=[b[0] for b in BY_NAME])
def test_aliased_name_on_the_command_line_matches_bfd(srcdir, braze_lddir, name, extra):
    """-e, --require-defined and --defsym still find the plain name (bfd: through its indirect
    symbol, to foo@V1); the alias once made braze refuse them or set the entry to 0."""
    args = ["-shared", "alias.o", "-Wl,--version-script=open.map", *extra]
    ref = link_in(srcdir, None, f"byname-{name}.so", args)
    got = link_in(srcdir, braze_lddir, f"byname-{name}.so", args)
    assert dynsyms(got) == dynsyms(ref)
    entry = [subprocess.run(["readelf", "-h", str(p)], capture_output=True, text=True, check=True).stdout
             .split("Entry point address:")[1].split()[0] for p in (ref, got)]
    assert entry[1] == entry[0]
