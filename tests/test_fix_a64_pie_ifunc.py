"""aarch64 PIE / -static-pie IFUNCs (and the reserved .got word) as aarch64 ld.bfd 2.40 makes them.

bfd treats a PIE and a -static-pie output as dynamic ones: an IFUNC the program defines gets its entry
(the ordinary adrp/ldr/add/br one) after a PLT0, its .got.plt slot starts out holding PLT0's address,
and the IRELATIVE goes to .rela.plt (a GOT slot's to .rela.dyn).  A dynamic output always keeps
.got's reserved first word (_DYNAMIC) and .got.plt's three, even when nothing uses the GOT.  braze
wrote a bare 0x10-byte .plt (no PLT0, a 0 slot) and no .got, and (any dynamic output) no `$x`
mapping symbol at .plt, which bfd adds after the other locals.  Compared against bfd: the section
headers (not .strtab: bfd tail-merges it differently), for the freestanding links .symtab's locals and
every allocated section's bytes but the build-id, for the
glibc programs the dynamic relocations (as multisets: bfd orders IFUNC entries by its hash table) and
PLT0, and the programs' runs under qemu (glibc's own IFUNCs of memcpy/strlen in -static-pie)."""
from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

import a64_harness as H
from harness import RUN_TIMEOUT, _no_core, run_env, tool_env

CC = H.PREFIX + "gcc"

# a global IFUNC called and its address taken (GOT load in code, pointer in data) and compared
FREE = """static int impl(void) { return 0; }
static void *resolve(void) { return impl; }
int f(void) __attribute__((ifunc("resolve")));
int (*fp)(void) = f;
void _start(void) { int (*volatile p)(void) = f; f(); if (p == fp) for (;;); }
"""
# a static (file-local) IFUNC, called
FREE_LOCAL = """static int impl(void) { return 0; }
static void *resolve(void) { return impl; }
static int g(void) __attribute__((ifunc("resolve")));
void _start(void) { g(); for (;;); }
"""
NIL = "void _start(void) { for (;;); }\n"
PROG = r"""#include <stdio.h>
#include <string.h>
static int impl(void) { return 7; }
static void *resolve(void) { return impl; }
int f(void) __attribute__((ifunc("resolve")));
static int impl2(int x) { return x + 1; }
static void *resolve2(void) { return impl2; }
static int g(int) __attribute__((ifunc("resolve2")));
int (*volatile gp)(int) = g;
int (*fp)(void) = f;
int main(int argc, char **argv) {
  int (*volatile p)(int) = g;
  int (*volatile q)(void) = f;
  char buf[64];
  memcpy(buf, argv[0], strlen(argv[0]) + 1);
  printf("%d %d %d %d %d %zu\n", f(), g(3), p == gp, q == fp, gp(4), strlen(buf) > 0);
  return f() - 7;
}
"""
HELLO = "int main(void) { return 0; }\n"

# name: (objects, link arguments, how: "bytes" (freestanding: every allocated section) or "run")
CASES = {
    "free-ifunc-pie": (["free.o"], ["-pie", "-nostdlib"], "bytes"),
    "free-ifunc-static-pie": (["free.o"], ["-static-pie", "-nostdlib"], "bytes"),
    "free-local-ifunc-pie": (["local.o"], ["-pie", "-nostdlib"], "bytes"),
    "free-local-ifunc-static-pie": (["local.o"], ["-static-pie", "-nostdlib"], "bytes"),
    "nil-pie": (["nil.o"], ["-pie", "-nostdlib"], "bytes"),
    "nil-static-pie": (["nil.o"], ["-static-pie", "-nostdlib"], "bytes"),
    "nil-shared": (["nil.o"], ["-shared", "-nostdlib"], "bytes"),
    "prog-pie": (["prog.o"], ["-pie"], "run"),
    "prog-static-pie": (["prog.o"], ["-static-pie"], "run"),
    "hello-static-pie": (["hello.o"], ["-static-pie"], "run"),
}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    assert H.have_toolchain(), "the aarch64 cross toolchain is needed (Makefile APT_PKGS)"
    d = tmp_path_factory.mktemp("a64pieifunc")
    for name, text in (("free", FREE), ("local", FREE_LOCAL), ("nil", NIL), ("prog", PROG), ("hello", HELLO)):
        (d / f"{name}.c").write_text(text)
        subprocess.run([CC, "-O2", "-fPIE", "-c", f"{name}.c"], cwd=d, env=tool_env(), check=True,
                       capture_output=True)
    return d


def _sections(path: Path) -> list[tuple]:
    out = subprocess.run(["readelf", "-SW", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for m in re.finditer(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+"
                         r"([0-9a-f]+)\s+(\S*)\s", out, re.M):
        if m.group(1) != ".strtab":
            rows.append(m.groups())
    return rows


def _dump(path: Path, name: str) -> str:
    return subprocess.run(["readelf", "-x", name, str(path)], capture_output=True, text=True).stdout


def _raw(path: Path, name: str) -> bytes:
    data = b""
    for ln in _dump(path, name).splitlines():
        m = re.match(r"\s+0x[0-9a-f]+ ((?:[0-9a-f]{2,8} ){1,4})", ln + " ")
        if m:
            data += bytes.fromhex(m.group(1).replace(" ", ""))
    return data


def _view(path: Path, *args: str) -> str:
    return subprocess.run(["readelf", "-W", *args, str(path)], capture_output=True, text=True, check=True).stdout


def _locals(path: Path) -> list:
    return [ln for ln in _view(path, "-s").partition("'.symtab'")[2].splitlines() if " LOCAL " in ln]


def _dynsyms(path: Path) -> list:
    """The .dynsym rows without their index and version index, sorted (bfd orders a PIE's imports
    and their version needs by its hash table)."""
    return sorted(re.sub(r" \(\d+\)$", "", ln.split(":", 1)[1])
                  for ln in _view(path, "--dyn-syms").splitlines() if re.match(r"\s+\d+:", ln))


def _relocs(path: Path) -> Counter:
    """(section, type, addend) of every dynamic relocation, as a multiset."""
    rows: Counter = Counter()
    sec = ""
    for ln in _view(path, "-r").splitlines():
        m = re.match(r"Relocation section '(\S+)'", ln)
        if m:
            sec = m.group(1)
            continue
        f = ln.split()
        if len(f) >= 3 and re.fullmatch(r"[0-9a-f]{16}", f[0]):
            rows[(sec, f[2], f[-1])] += 1
    return rows


def _link(root: Path, lddir: str, linker: str, case: str) -> Path:
    objs, args, _how = CASES[case]
    out = root / f"{case}-{linker}"
    ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{lddir}/"]
    p = subprocess.run([CC, *ld, *args, *objs, "-o", str(out)], cwd=root, env=tool_env(),
                       capture_output=True, text=True)
    assert p.returncode == 0, f"{linker}: {p.stderr}"
    return out


def _run(root: Path, exe: Path) -> tuple:
    e = run_env(root, {})
    e["QEMU_LD_PREFIX"] = H.SYSROOT
    r = subprocess.run([H.QEMU, "-L", H.SYSROOT, str(exe)], cwd=root, env=e, capture_output=True, text=True,
                       timeout=RUN_TIMEOUT * 3, preexec_fn=_no_core)
    return r.returncode, r.stdout, r.stderr


@pytest.mark.parametrize("case", list(CASES))
def test_a64_pie_ifunc(root, braze_lddir, case):
    bfd = _link(root, braze_lddir, "bfd", case)
    braze = _link(root, braze_lddir, "braze", case)
    secs = _sections(bfd)
    if "static-pie" in case and CASES[case][2] == "run":
        # (libc.a's .symtab: bfd makes its hidden symbols local and adds _TLS_MODULE_BASE_; not this fix)
        secs = [r for r in secs if r[0] != ".symtab"]
        assert [r for r in _sections(braze) if r[0] != ".symtab"] == secs
    else:
        assert _sections(braze) == secs
    names = [s[0] for s in secs]
    assert ".got" in names and ".got.plt" in names          # (the reserved words: what nil-* is about)
    for view in (["-l"], ["-d"]):
        assert _view(braze, *view) == _view(bfd, *view), view
    assert _dynsyms(braze) == _dynsyms(bfd)
    how = CASES[case][2]
    if how == "bytes":
        alloc = [s[0] for s in secs if "A" in s[5] and s[1] != "NOBITS" and s[0] != ".note.gnu.build-id"]
        for name in alloc:
            assert _dump(braze, name) == _dump(bfd, name), name
        if not case.startswith("nil"):
            assert len(_raw(bfd, ".plt")) == 0x30              # PLT0 and the IFUNC's entry
        assert _locals(braze) == _locals(bfd)
        return
    assert _relocs(braze) == _relocs(bfd)
    assert _raw(braze, ".plt")[:32] == _raw(bfd, ".plt")[:32]      # PLT0
    runs = [_run(root, exe) for exe in (bfd, braze)]
    assert runs[0] == runs[1]
    assert runs[0][0] == 0
    if case.startswith("prog"):
        assert runs[0][1] == "7 4 1 1 5 1\n"
