"""A plain `foo` next to the same object's default version `foo@@V1` (`.symver foo,foo@@V1`, or gcc's
symver("foo@@V1") attribute, both of which keep plain foo too): bfd makes foo@@V1 the indirect
symbol `foo`, so the plain definition is its "multiple definition", even at one address; braze
linked it. And in a -r link bfd makes no such alias: `foo@@V1` stays a name of its own, which an
object's reference to `foo@V1` binds to and a plain `foo` reference does not; braze dropped the
versioned name (losing the version for the final link), refused `foo` plus `bar`->`foo@@V1` as a
duplicate, or bound plain foo references to foo@@V1. Compared with ld.bfd: success or failure of
final links; the -r output's symbols and relocation targets; a library linked from the -r output."""
from __future__ import annotations

import subprocess

import pytest

from harness import BuildDir

SRCS = {
    "asm_same": 'int foo(void) { return 1; }\n__asm__(".symver foo,foo@@V1");\n',
    "attr_same": '__attribute__((symver("foo@@V1"))) int foo(void) { return 2; }\n',
    "other_place": 'int foo(void) { return 1; }\nint bar(void) { return 2; }\n__asm__(".symver bar,foo@@V1");\n',
}
USER = r"""
extern int foo_v1(void);
__asm__(".symver foo_v1,foo@V1");
extern int foo(void);
int use(void) { return foo_v1() * 10 + foo(); }
"""
DEFV = 'int bar(void) { return 2; }\n__asm__(".symver bar,foo@@V1");\n'
MAP = "V1 { global: foo; use; local: *; };\n"


def _syms(path) -> list[tuple[str, ...]]:
    out = subprocess.run(["readelf", "-sW", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 8 and f[0].endswith(":") and f[4] != "LOCAL":
            rows.append((f[7], f[3], f[4], f[6] if f[6] == "UND" else "DEF"))
    return sorted(rows)


def _reltargets(path) -> list[str]:
    out = subprocess.run(["readelf", "-rW", str(path)], capture_output=True, text=True, check=True).stdout
    return sorted(line.split()[4] for line in out.splitlines()
                  if "R_X86_64_PLT32" in line or "R_X86_64_PC32" in line)


def _setup(tmp_path, braze_lddir):
    b = BuildDir(tmp_path, braze_lddir)
    for name, src in SRCS.items():
        (tmp_path / f"{name}.c").write_text(src)
        b.run(["gcc", "-fPIC", "-c", f"{name}.c", "-o", f"{name}.o"])
    (tmp_path / "user.c").write_text(USER)
    (tmp_path / "defv.c").write_text(DEFV)
    (tmp_path / "v.map").write_text(MAP)
    b.run(["gcc", "-fPIC", "-c", "user.c", "-o", "user.o"])
    b.run(["gcc", "-fPIC", "-c", "defv.c", "-o", "defv.o"])
    return b


@pytest.mark.parametrize("out", ["-shared", "-pie"])
@pytest.mark.parametrize("name", sorted(SRCS))
def test_plain_beside_own_default_version_fails_as_bfd(tmp_path, braze_lddir, name, out):
    b = _setup(tmp_path, braze_lddir)
    extra = ["-Wl,--version-script=v.map"] if out == "-shared" else ["-nostartfiles", "-Wl,-e,foo"]
    res = {}
    for linker in ("bfd", "test"):
        p = b.run(["gcc", *b.ld(linker), out, f"{name}.o", *extra, "-o", f"o-{linker}"], check=False)
        res[linker] = (p.returncode != 0, "foo" in p.stderr)
    assert res["bfd"] == (True, True), "harness: bfd linked it"
    assert res["test"] == res["bfd"]


@pytest.mark.parametrize("inputs", [["asm_same.o"], ["attr_same.o"], ["other_place.o"],
                                    ["defv.o", "user.o"], ["user.o", "defv.o"]])
def test_relocatable_keeps_default_version_name_as_bfd(tmp_path, braze_lddir, inputs):
    b = _setup(tmp_path, braze_lddir)
    got = {}
    for linker in ("bfd", "test"):
        r = tmp_path / f"r-{linker}.o"
        b.run(["gcc", *b.ld(linker), "-nostdlib", "-r", *inputs, "-o", r])
        got[linker] = (_syms(r), _reltargets(r))
    assert any(s[0] == "foo@@V1" for s in got["bfd"][0]), "harness: no foo@@V1 in bfd's -r output"
    assert got["test"] == got["bfd"]


@pytest.mark.parametrize("order", [["defv.o", "user.o"], ["user.o", "defv.o"]])
def test_library_from_relocatable_as_bfd(tmp_path, braze_lddir, order):
    """The -r output (each linker's own) linked into a versioned library: the same exports, and a
    program calling use() gets the same answer."""
    b = _setup(tmp_path, braze_lddir)
    (tmp_path / "p.c").write_text('#include <stdio.h>\nint use(void);\nint foo(void) { return 5; }\n'
                                  'int main(void) { printf("%d\\n", use()); return 0; }\n')
    got = {}
    for linker in ("bfd", "test"):
        r = tmp_path / f"r-{linker}.o"
        b.run(["gcc", *b.ld(linker), "-nostdlib", "-r", *order, "-o", r])
        lib = tmp_path / f"lib{linker}.so"
        p = b.run(["gcc", *b.ld(linker), "-shared", r, "-Wl,--version-script=v.map", "-o", lib], check=False)
        if p.returncode:
            got[linker] = ("link failed",)
            continue
        exe = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), "p.c", f"-L{tmp_path}", f"-l{linker}", "-o", exe])
        run = subprocess.run([str(exe)], capture_output=True, text=True, env={"LD_LIBRARY_PATH": str(tmp_path)})
        dyn = subprocess.run(["readelf", "--dyn-syms", "-W", str(lib)], capture_output=True, text=True).stdout
        exports = sorted(line.split()[7] for line in dyn.splitlines()
                         if len(line.split()) >= 8 and line.split()[6] != "UND" and line.split()[0].endswith(":")
                         and line.split()[4] != "LOCAL")
        got[linker] = (exports, run.returncode, run.stdout)
    assert got["test"] == got["bfd"]
