"""bfd merges the inputs' .note.gnu.property into the first object that has one and keeps that
object's note section as the output's: its local symbols stay there (aarch64's `$d` mapping symbol
at the note's address in .symtab), and, as bfd writes an object's locals when it first meets one of
its sections in the output, that object's locals come where the note is (before .text's; after the
first input's when bfd's .interp, made in that first input, precedes the note). braze dropped the
`$d` (the note is made anew) and listed the objects in their .text order.

Compared with ld.bfd of each machine: the objects' local symbols of `readelf -sW` (everything up to
the linker's own locals), for direct links with and without crt files, -z force-bti / -z ibt."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from harness import tool_env

A64 = "aarch64-linux-gnu-"
START = "void _start(void) { for (;;); }\n"
F2 = "int f2(void) { return 1; }\n"
MAIN = "int main(void) { return 0; }\n"

# (prefix, linker arguments): direct ld links of st.o/f2.o (with the note: *b.o; without: *n.o)
DIRECT = {
    "a64-one": (A64, ["-static", "stb.o"]),
    "a64-two": (A64, ["-static", "stb.o", "f2b.o"]),
    "a64-second-lacks": (A64, ["-static", "stb.o", "f2n.o"]),
    "a64-first-lacks-force": (A64, ["-static", "stn.o", "f2b.o", "-z", "force-bti"]),
    "a64-second-lacks-force": (A64, ["-static", "stb.o", "f2n.o", "-z", "force-bti"]),
    "a64-swapped": (A64, ["-static", "f2b.o", "stb.o"]),
    "x86-first-lacks-ibt": ("", ["-static", "stn.o", "f2b.o", "-z", "ibt"]),
    "x86-dynamic-first-lacks-ibt": ("", ["--dynamic-linker", "/x", "stn.o", "f2b.o", "libx.so", "-z", "ibt"]),
    "x86-dynamic-lib-first-ibt": ("", ["--dynamic-linker", "/x", "libx.so", "stn.o", "f2b.o", "-z", "ibt"]),
}
GCC = ["", "-static", "-shared", "-pie", "-static-pie"]


def _cc(pre: str, bti: bool) -> list[str]:
    if pre:
        return [pre + "gcc", "-O2", "-fPIC", "-mbranch-protection=" + ("standard" if bti else "none")]
    return ["gcc", "-O2", "-fPIC", "-fcf-protection" if bti else "-fcf-protection=none"]


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("propsyms")
    for name, text in (("st", START), ("f2", F2), ("mb", MAIN)):
        (d / f"{name}.c").write_text(text)
    env = tool_env()
    for pre in ("", A64):
        if not shutil.which(pre + "gcc"):
            continue
        sub = d / (pre or "x86")
        sub.mkdir()
        for name in ("st", "f2", "mb"):
            for bti in (True, False):
                subprocess.run([*_cc(pre, bti), "-c", f"../{name}.c", "-o", f"{name}{'b' if bti else 'n'}.o"],
                               cwd=sub, check=True, env=env)
        subprocess.run([pre + "gcc", "-fuse-ld=bfd", "-shared", "f2n.o", "-o", "libx.so"], cwd=sub, check=True,
                       env=env)
    return d


def _object_locals(pre: str, path: Path) -> list[str]:
    """The .symtab entries of the input objects' locals: up to bfd's empty FILE symbol (the linker's
    locals, and the globals, after it are compared elsewhere)."""
    out = subprocess.run([pre + "readelf", "-sW", str(path)], capture_output=True, text=True,
                         env=tool_env()).stdout.partition("Symbol table '.symtab'")[2]
    rows = []
    for ln in out.splitlines()[2:]:
        f = ln.split()
        if len(f) < 7:
            continue
        if f[3] == "FILE" and len(f) == 7:
            break
        if f[4] != "LOCAL":
            break
        rows.append(" ".join(f[1:]))
    return rows


def _check(pre: str, paths: dict) -> None:
    lb, lt = _object_locals(pre, paths["bfd"]), _object_locals(pre, paths["braze"])
    assert any(" FILE " in r for r in lb), lb
    assert lt == lb, "object locals differ\nbfd:\n  " + "\n  ".join(lb) + "\ntest:\n  " + "\n  ".join(lt)


@pytest.mark.parametrize("case", sorted(DIRECT))
def test_direct(root, direct_ld, tmp_path, case):
    pre, args = DIRECT[case]
    sub = root / (pre or "x86")
    if not sub.exists():
        pytest.skip(f"no {pre}gcc")
    paths = {}
    for name, ld in (("bfd", [pre + "ld.bfd"]), ("braze", direct_ld)):
        out = paths[name] = tmp_path / f"out-{name}"
        p = subprocess.run([*ld, "-e", "_start", *args, "-o", str(out)], cwd=sub, capture_output=True,
                           text=True, env=tool_env())
        assert p.returncode == 0, (name, p.stderr)
    _check(pre, paths)


@pytest.mark.parametrize("mode", GCC)
def test_gcc_force_bti(root, braze_lddir, tmp_path, mode):
    """Debian's aarch64 crt files have no property note: with -z force-bti main.o's note is the
    output's (its $d kept), after Scrt1.o's locals in a program with .interp."""
    sub = root / A64
    if not sub.exists():
        pytest.skip(f"no {A64}gcc")
    paths = {}
    for name, sel in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        out = paths[name] = tmp_path / f"out-{name}"
        p = subprocess.run([A64 + "gcc", *sel, *([mode] if mode else []), "mbb.o",
                            "-Wl,-z,force-bti", "-o", str(out)], cwd=sub, capture_output=True, text=True,
                           env=tool_env())
        assert p.returncode == 0, (name, p.stderr)
    _check(A64, paths)
