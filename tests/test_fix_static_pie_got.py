"""A GOT slot that gets an R_*_RELATIVE dynamic relocation holds the link-time address in ld.bfd's
output (x86-64 and aarch64; -static-pie, -pie, and -shared for a hidden symbol); braze wrote 0.  The
loader (glibc's _dl_relocate_static_pie too) adds the base to the RELA addend only, so the runs did not
differ, the bytes did.  aarch64 bfd also gives an absolute symbol's GOT slot a RELATIVE relocation in
PIC output, and leaves an all-zero R_AARCH64_NONE for a data pointer to one (its reserved slot; the
word holds the value): glibc's -static-pie hello has two of each (its `_nl_current_*_used` symbols).
x86-64 bfd does neither (unchanged, checked here too).  Compared: every allocated section's bytes but
the build-id and the dynamic relocations, and for glibc -static-pie hello the .got's words (as a
multiset: bfd allocates the slots in its hash table's order), the relocation counts and the runs."""
from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

import a64_harness as H
from harness import RUN_TIMEOUT, _no_core, run_env, tool_env

A64_GOT = """\t.data
\t.globl v
\t{vis}
v:\t.xword 5
\t.text
\t.globl _start
_start:\t.cfi_startproc
\tadrp x0, :got:v
\tldr x0, [x0, :got_lo12:v]
\tb .
\t.cfi_endproc
"""
X86_GOT = """\t.data
\t.globl v
\t{vis}
v:\t.quad 5
\t.text
\t.globl _start
_start:\t.cfi_startproc
\tmovq v@GOTPCREL(%rip), %rax
\tjmp .
\t.cfi_endproc
"""
A64_ABS = """\t.data
\t.globl p
p:\t.xword absv
\t.text
\t.globl _start
_start:\t.cfi_startproc
\tadrp x0, :got:absv
\tldr x0, [x0, :got_lo12:absv]
\tb .
\t.cfi_endproc
"""
X86_ABS = """\t.data
\t.globl p
p:\t.quad absv
\t.text
\t.globl _start
_start:\t.cfi_startproc
\tmovq absv@GOTPCREL(%rip), %rax
\tjmp .
\t.cfi_endproc
"""
ABS_DEF = "\t.globl absv\n\t.set absv, 2\n"
HELLO = "int main(void) { return 0; }\n"

# name: (machine, objects, link arguments)
CASES = {}
for _m in ("a64", "x86"):
    for _mode in ("-static-pie", "-pie"):
        CASES[f"{_m}-got{_mode}"] = (_m, ["got.o"], [_mode, "-nostdlib"])
        CASES[f"{_m}-abs{_mode}"] = (_m, ["abs.o", "absdef.o"], [_mode, "-nostdlib"])
    CASES[f"{_m}-hidden-got-shared"] = (_m, ["hgot.o"], ["-shared", "-nostdlib"])
    CASES[f"{_m}-hello-static-pie"] = (_m, ["hello.o"], ["-static-pie"])


def _cc(machine: str) -> str:
    return H.PREFIX + "gcc" if machine == "a64" else "gcc"


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    assert H.have_toolchain(), "the aarch64 cross toolchain is needed (Makefile APT_PKGS)"
    d = tmp_path_factory.mktemp("spiegot")
    for m, got, ab in (("a64", A64_GOT, A64_ABS), ("x86", X86_GOT, X86_ABS)):
        sub = d / m
        sub.mkdir()
        (sub / "got.s").write_text(got.format(vis=""))
        (sub / "hgot.s").write_text(got.format(vis=".hidden v"))
        (sub / "abs.s").write_text(ab)
        (sub / "absdef.s").write_text(ABS_DEF)
        (sub / "hello.c").write_text(HELLO)
        for src in ("got.s", "hgot.s", "abs.s", "absdef.s"):
            # (x86-64: plain GOTPCREL, which bfd --no-relax leaves a GOT load; the CFI gives .eh_frame an
            # input: with --no-relax bfd keeps an empty one)
            extra = ["-Wa,-mrelax-relocations=no"] if m == "x86" else []
            subprocess.run([_cc(m), *extra, "-c", src], cwd=sub, env=tool_env(), check=True, capture_output=True)
        subprocess.run([_cc(m), "-O2", "-fPIE", "-c", "hello.c"], cwd=sub, env=tool_env(), check=True,
                       capture_output=True)
    return d


def _view(path: Path, *args: str) -> str:
    return subprocess.run(["readelf", "-W", *args, str(path)], capture_output=True, text=True, check=True).stdout


def _dump(path: Path, name: str) -> str:
    return subprocess.run(["readelf", "-x", name, str(path)], capture_output=True, text=True).stdout


def _raw(path: Path, name: str) -> bytes:
    data = b""
    for ln in _dump(path, name).splitlines():
        m = re.match(r"\s+0x[0-9a-f]+ ((?:[0-9a-f]{2,8} ){1,4})", ln + " ")
        if m:
            data += bytes.fromhex(m.group(1).replace(" ", ""))
    return data


def _alloc(path: Path) -> list[str]:
    names = []
    for m in re.finditer(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+\s+(\S*)\s",
                         _view(path, "-S"), re.M):
        if "A" in m.group(3) and m.group(2) != "NOBITS" and m.group(1) != ".note.gnu.build-id":
            names.append(m.group(1))
    return names


def _reloc_types(path: Path) -> Counter:
    return Counter(f[2] for f in (ln.split() for ln in _view(path, "-r").splitlines())
                   if len(f) >= 3 and re.fullmatch(r"[0-9a-f]{16}", f[0]))


def _link(root: Path, lddir: str, linker: str, case: str) -> Path:
    m, objs, args = CASES[case]
    out = root / m / f"{case}-{linker}"
    ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{lddir}/"]
    extra = ["-Wl,--no-relax"] if m == "x86" and "-nostdlib" in args else []
    p = subprocess.run([_cc(m), *ld, *args, *extra, *objs, "-o", str(out)], cwd=root / m, env=tool_env(),
                       capture_output=True, text=True)
    assert p.returncode == 0, f"{linker}: {p.stderr}"
    return out


def _run(root: Path, m: str, exe: Path) -> tuple:
    e = run_env(root, {})
    cmd = [str(exe)]
    if m == "a64":
        e["QEMU_LD_PREFIX"] = H.SYSROOT
        cmd = [H.QEMU, "-L", H.SYSROOT, str(exe)]
    r = subprocess.run(cmd, cwd=root, env=e, capture_output=True, text=True, timeout=RUN_TIMEOUT * 3,
                       preexec_fn=_no_core)
    return r.returncode, r.stdout, r.stderr


@pytest.mark.parametrize("case", list(CASES))
def test_static_pie_got(root, braze_lddir, case):
    m = CASES[case][0]
    bfd = _link(root, braze_lddir, "bfd", case)
    braze = _link(root, braze_lddir, "braze", case)
    if "hello" in case:
        assert _reloc_types(braze) == _reloc_types(bfd)
        gb, gz = _raw(bfd, ".got"), _raw(braze, ".got")
        words = [sorted(int.from_bytes(g[i:i + 8], "little") for i in range(0, len(g), 8)) for g in (gb, gz)]
        assert words[1] == words[0]
        runs = [_run(root, m, exe) for exe in (bfd, braze)]
        assert runs[0] == runs[1] and runs[0][0] == 0
        return
    assert _view(braze, "-r") == _view(bfd, "-r")
    alloc = _alloc(bfd)
    assert _alloc(braze) == alloc
    assert ".got" in alloc
    for name in alloc:
        assert _dump(braze, name) == _dump(bfd, name), name
    if "-got-" in case or case.endswith(("got-pie", "got-static-pie")):
        assert any(_raw(bfd, ".got"))       # (what the case is about: the slot's link-time value)
