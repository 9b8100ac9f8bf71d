"""Reading inputs compiled (bindsyms.py: symbol binding and the archive scan; inputs/objparse.py and
inputs/elfhdr.py: parsing objects): links that go through their branches (archive members pulled in
a chain and by COMMON symbols, weak definitions, COMDAT groups, --wrap, .symver, --exclude-libs,
TLS) must give byte-identical outputs compiled and pure, run as ld.bfd's output runs, and have the
symbol table bfd's has; a duplicate definition is refused with the same message either way."""
from __future__ import annotations

import os
import subprocess

import pytest

from harness import tool_env

LIB = {
    # pulled in by main's reference; references b_fn, so b.o follows in the same scan of the index
    "a.c": "extern int b_fn(void); int a_fn(void) { return b_fn() + 1; }\n",
    "b.c": "int b_fn(void) { return 40; } __thread int tls_counter = 2;\n",
    # main only has a COMMON `shared_buf`: bfd loads the member that really defines it
    "c.c": "int shared_buf[4] = {1, 2, 3, 4}; int c_unused(void) { return 7; }\n",
    # weak definition in the archive, strong one in main
    "w.c": "__attribute__((weak)) int pick(void) { return 1; } int w_only(void) { return pick() + 100; }\n",
    # the --wrap target and a versioned definition
    "r.c": "int real_thing(int x) { return x * 2; }\n"
           "int old_impl(void) { return 11; } __asm__(\".symver old_impl, versioned@@V1\");\n",
    # an inline function emitted in a COMDAT group by two members
    "k1.cc": "inline int comdat_fn() { return 5; } extern \"C\" int k1(void) { return comdat_fn(); }\n",
    "k2.cc": "inline int comdat_fn() { return 5; } extern \"C\" int k2(void) { return comdat_fn() + 1; }\n",
    "unused.c": "int never_loaded(void) { return -1; }\n",
}

MAIN = r"""
#include <stdio.h>
extern int a_fn(void), w_only(void), real_thing(int), versioned(void);
extern int k1(void), k2(void);
extern __thread int tls_counter;
int shared_buf[4] __attribute__((common));
int pick(void) { return 2; }
int __wrap_real_thing(int x) { int __real_real_thing(int); return __real_real_thing(x) + 1000; }
int main(void) {
    printf("%d %d %d %d %d %d %d %d\n", a_fn(), shared_buf[2], w_only(), real_thing(3), versioned(),
           k1(), k2(), tls_counter);
    return 0;
}
"""


def _build(tmp_path):
    env = tool_env()
    objs = []
    for name, text in LIB.items():
        src = tmp_path / name
        src.write_text(text)
        obj = tmp_path / (name.rsplit(".", 1)[0] + ".o")
        cc = "g++" if name.endswith(".cc") else "gcc"
        subprocess.run([cc, "-c", "-O1", "-fPIC", "-fcommon", str(src), "-o", str(obj)], check=True, env=env)
        objs.append(str(obj))
    lib = tmp_path / "libread.a"
    subprocess.run(["ar", "rcs", str(lib), *objs], check=True, env=env)
    main = tmp_path / "main.c"
    main.write_text(MAIN)
    subprocess.run(["gcc", "-c", "-O1", "-fPIC", "-fcommon", str(main), "-o", str(tmp_path / "main.o")],
                   check=True, env=env)
    return tmp_path / "main.o", lib


def _env(pure: bool) -> dict[str, str]:
    env = tool_env()
    env.pop("BRAZE_PURE", None)
    env["BRAZE_CACHE_DIR"] = ""      # parse every member (the compiled parser), no cached records
    if pure:
        env["BRAZE_PURE"] = "1"
    return env


def _symtab(path) -> list[tuple]:
    """(name, type, bind, visibility, defined) of every global/weak symbol of .symtab, sorted."""
    out = subprocess.run(["readelf", "-W", "--syms", str(path)], capture_output=True, text=True,
                         check=True).stdout
    rows, in_symtab = set(), False
    for line in out.splitlines():
        if line.startswith("Symbol table"):
            in_symtab = "'.symtab'" in line
            continue
        f = line.split()
        if in_symtab and len(f) >= 8 and f[0].endswith(":") and f[4] in ("GLOBAL", "WEAK"):
            rows.add((f[7].split("@")[0], f[3], f[4], f[5], f[6] != "UND"))
    return sorted(rows)


EXTRA = [[], ["--exclude-libs", "ALL"], ["--gc-sections"]]


@pytest.mark.parametrize("extra", EXTRA, ids=["plain", "exclude-libs", "gc-sections"])
def test_archive_resolution_compiled_pure_bfd(tmp_path, braze_lddir, extra):
    if os.environ.get("BRAZE_PURE"):
        pytest.fail("run this module without BRAZE_PURE: it sets the mode of each link itself")
    main, lib = _build(tmp_path)
    outs = {}
    for label in ("compiled", "pure", "bfd"):
        out = tmp_path / f"prog-{label}"
        ld = ["-fuse-ld=bfd"] if label == "bfd" else [f"-B{braze_lddir}/"]
        cmd = ["g++", *ld, "-o", str(out), str(main), *(f"-Wl,{x}" for x in extra),
               "-Wl,--wrap=real_thing", str(lib)]
        p = subprocess.run(cmd, capture_output=True, text=True, env=_env(label == "pure"), timeout=120)
        assert p.returncode == 0, f"{label}: {p.stderr}"
        outs[label] = out
    assert outs["compiled"].read_bytes() == outs["pure"].read_bytes(), "compiled and pure braze differ"
    runs = {k: subprocess.run([str(v)], capture_output=True, text=True, timeout=30) for k, v in outs.items()}
    assert runs["bfd"].returncode == 0
    assert runs["bfd"].stdout == "41 3 102 1006 11 5 6 2\n"     # (bfd's output: sanity of the test itself)
    assert (runs["compiled"].returncode, runs["compiled"].stdout) == (0, runs["bfd"].stdout)
    assert _symtab(outs["compiled"]) == _symtab(outs["bfd"])
    syms = {r[0] for r in _symtab(outs["compiled"])}
    assert "never_loaded" not in syms       # members loaded: those bfd loads
    assert ("c_unused" in syms) == ("--gc-sections" not in extra)


def test_duplicate_definition_same_error(tmp_path, direct_ld):
    env = tool_env()
    for n in ("x", "y"):
        (tmp_path / f"{n}.c").write_text("int dup_sym(void) { return 1; }\n")
        subprocess.run(["gcc", "-c", str(tmp_path / f"{n}.c"), "-o", str(tmp_path / f"{n}.o")], check=True, env=env)
    objs = [str(tmp_path / "x.o"), str(tmp_path / "y.o")]
    bfd = subprocess.run(["ld.bfd", "-e", "0", "-o", str(tmp_path / "b.out"), *objs], capture_output=True,
                         text=True)
    assert bfd.returncode != 0 and "multiple definition of `dup_sym'" in bfd.stderr
    res = {}
    for pure in (False, True):
        p = subprocess.run([*direct_ld, "-e", "0", "-o", str(tmp_path / "a.out"), *objs], capture_output=True,
                           text=True, env=_env(pure), timeout=60)
        res[pure] = (p.returncode, p.stderr)
        assert not (tmp_path / "a.out").exists()
    assert res[False] == res[True]
    assert res[False][0] == 1 and "duplicate symbol: dup_sym" in res[False][1], res[False]
