"""Which copy a library's weak data alias shares, against ld.bfd 2.40. A library's data known by several
global names and weak aliases at one address, all copied into a program: each global name gets a copy
of its own, and a weak alias shares the copy of the global name bfd pairs it with. bfd sorts the
library's global data definitions by address, size, type (STT_OBJECT after STT_NOTYPE) and name (an
underscore first at the first difference, name@@VERSION for a non-base version) and takes the last one
of the address; braze took the first global name in .dynsym order (found by the fuzzer: after `ay = 9`
the weak alias read 5 with braze, 9 with bfd).
Compared: which global copy each weak alias shares (the program's output), PIE and non-PIE, with and
without a version script; and the dynamic symbols' bindings and sizes (readelf)."""
from __future__ import annotations

import subprocess

import pytest

from harness import BuildDir, tool_env

# (name, binding, type, size) of the definitions at one address, in the library's symbol order
LAYOUTS = {
    "two-globals": [("ax", "globl", "object", 4), ("ay", "globl", "object", 4), ("az", "weak", "object", 4)],
    "four-globals": [("a3", "globl", "object", 4), ("a1", "globl", "object", 4), ("a4", "globl", "object", 4),
                     ("a2", "globl", "object", 4), ("aw", "weak", "object", 4)],
    "underscores": [("v", "globl", "object", 4), ("v_", "globl", "object", 4), ("vA", "globl", "object", 4),
                    ("_z", "globl", "object", 4), ("w1", "weak", "object", 4), ("w2", "weak", "object", 8)],
    "prefix-digit": [("v0", "globl", "object", 4), ("v", "globl", "object", 4), ("w", "weak", "object", 4)],
    "sizes": [("big", "globl", "object", 16), ("small", "globl", "object", 4), ("zz", "globl", "object", 8),
              ("w", "weak", "object", 4), ("w0", "weak", "object", 0)],
    "types": [("n2", "globl", "notype", 4), ("n1", "globl", "object", 4), ("n3", "globl", "notype", 4),
              ("w", "weak", "object", 4)],
    "five-mixed": [("q_", "globl", "object", 8), ("qA", "globl", "object", 8), ("q", "globl", "object", 8),
                   ("qz", "globl", "object", 4), ("Q", "globl", "object", 8), ("wa", "weak", "notype", 8),
                   ("wb", "weak", "object", 16)],
}


def _lib_asm(defs) -> str:
    out = [".data", ".p2align 4"]
    for name, bind, typ, size in defs:
        out += [f".{bind} {name}", f".type {name},@{typ}", f".size {name},{size}"]
    out += [f"{name}:" for name, *_ in defs]
    out += [".long 5, 6, 7, 8", '.section .note.GNU-stack,"",@progbits']
    return "\n".join(out) + "\n"


def _main_c(defs) -> str:
    names = [d[0] for d in defs]
    weaks = [d[0] for d in defs if d[1] == "weak"]
    out = ["#include <stdio.h>"] + [f"extern int {n}[];" for n in names] + ["int main(void) {"]
    for w in weaks:
        out.append(f'  printf("{w}:");')
        out += [f'  if ((void *){w} == (void *){n}) printf(" {n}");' for n in names if n != w]
        out.append('  printf("\\n");')
    # the write through one global name must be seen through the weak alias sharing its copy
    out.append(f'  {names[0]}[0] = 9; printf("' + " ".join(f"{n}=%d" for n in names) + '\\n", '
               + ", ".join(f"{n}[0]" for n in names) + ");")
    out.append("  return 0;\n}")
    return "\n".join(out) + "\n"


def _dynsyms(path) -> list[str]:
    out = subprocess.run(["readelf", "-W", "--dyn-syms", str(path)], capture_output=True, text=True,
                         env=tool_env(), check=True).stdout
    rows = [line.split() for line in out.splitlines()]
    return sorted(f"{r[7]} {r[4]} {r[3]} {r[2]}" for r in rows if len(r) == 8 and r[6] != "UND" and r[3] != "FUNC")


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    return BuildDir(tmp_path_factory.mktemp("weakdef"), braze_lddir)


@pytest.mark.parametrize("versioned", [False, True], ids=["plain", "versioned"])
@pytest.mark.parametrize("mode", [("-fno-pie", "-no-pie"), ("-fpie", "-pie")], ids=["nopie", "pie"])
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_weak_alias_copy_vs_bfd(work, layout, mode, versioned):
    defs = LAYOUTS[layout]
    tag = f"{layout}{mode[0]}{'-v' if versioned else ''}"
    (work.root / f"{layout}.s").write_text(_lib_asm(defs))
    (work.root / f"{layout}-main.c").write_text(_main_c(defs))
    (work.root / "v.map").write_text("V1 { global: *; };\n")
    work.run(["gcc", "-c", f"{layout}.s", "-o", f"{layout}.o"])
    work.run(["gcc", mode[0], "-c", f"{layout}-main.c", "-o", f"{tag}-main.o"])
    res = []
    for linker in ("bfd", "test"):
        d = work.root / f"{tag}-{linker}"
        d.mkdir(exist_ok=True)
        vs = ["-Wl,--version-script=v.map"] if versioned else []
        work.run(["gcc", *work.ld(linker), "-shared", f"{layout}.o", *vs, "-o", d / "libwd.so"])
        work.run(["gcc", *work.ld(linker), mode[1], f"{tag}-main.o", "-L", d, "-lwd", f"-Wl,-rpath,{d}",
                  "-o", d / "prog"])
        run = subprocess.run([str(d / "prog")], capture_output=True, text=True)
        res.append((run.returncode, run.stdout, _dynsyms(d / "prog")))
    assert res[0][0] == 0 and res[0][1].count(":") == sum(d[1] == "weak" for d in defs)
    assert res[1] == res[0]
