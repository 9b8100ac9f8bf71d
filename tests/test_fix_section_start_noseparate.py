"""--section-start / -Ttext of a section of the ELF headers' segment with -z noseparate-code (aarch64's
default; x86-64 with the option), against ld.bfd (found by a fuzzing run).

With -z noseparate-code the read-only and code sections share the first PT_LOAD, the one holding the
ELF headers.  -Ttext=ADDR above it: bfd leaves the sections before .text there and starts a PT_LOAD
at .text (a page gap), the sections after .text following it; braze refused any fixed address in
that segment.  A fixed address below the headers' segment: bfd moves the headers down to it.

Compared: exit status and output, the program headers (type, offset, addresses, sizes, flags,
alignment) and each allocated section's address and file offset."""
from __future__ import annotations

import re
import subprocess

import pytest

import a64_harness as H
from harness import BuildDir, tool_env

LINKERS = ("bfd", "test")
SRC = '#include <stdio.h>\nstatic const char msg[] = "placed";\n' \
      'int main(void) { printf("%s %d\\n", msg, (int)sizeof msg); return 0; }\n'


def _layout(path) -> tuple:
    def out(*opts):
        return subprocess.run(["readelf", "-W", *opts, str(path)], capture_output=True, text=True,
                              env=tool_env(), check=True).stdout
    phdrs = [line.split() for line in out("-l").splitlines() if re.match(r"\s+[A-Z_]+\s+0x", line)]
    secs = sorted(m.groups() for m in re.finditer(r"\]\s+(\S+)\s+\S+\s+([0-9a-f]{16}) ([0-9a-f]{6,}) \S+ \S+\s+\S*A",
                                                  out("-S")))
    return phdrs, secs


def _build(tmp_path, braze_lddir, arch: str, mode: str, flags: list[str]):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text(SRC)
    cc = H.PREFIX + "gcc" if arch == "aarch64" else "gcc"
    b.run([cc, "-O2", "-c", "main.c", "-o", "main.o"])
    res = {}
    for linker in LINKERS:
        p = b.run([cc, *b.ld(linker), mode, "main.o", *flags, "-o", f"p-{linker}"], check=False)
        res[linker] = p
    return b, res


@pytest.mark.parametrize("arch,mode", [("x86_64", "-no-pie"), ("x86_64", "-pie"), ("aarch64", "-no-pie"),
                                       ("aarch64", "-pie")])
def test_ttext_above_headers_segment(tmp_path, braze_lddir, arch, mode):
    if arch == "aarch64":
        assert H.have_toolchain(), "the aarch64 cross toolchain and qemu-user are needed (Makefile APT_PKGS)"
    flags = ["-Wl,-z,noseparate-code", "-Wl,-Ttext=0x800000"]
    b, res = _build(tmp_path, braze_lddir, arch, mode, flags)
    for linker, p in res.items():
        assert p.returncode == 0, f"{linker}: {p.stderr}"
    runs = {}
    for linker in LINKERS:
        exe = str(tmp_path / f"p-{linker}")
        cmd = [H.QEMU, "-L", H.SYSROOT, exe] if arch == "aarch64" else [exe]
        p = subprocess.run(cmd, capture_output=True, text=True, env=tool_env(), timeout=120)
        runs[linker] = (p.returncode, p.stdout, p.stderr)
    assert runs["bfd"] == (0, "placed 7\n", ""), runs["bfd"]
    assert runs["test"] == runs["bfd"]
    lb, lt = _layout(tmp_path / "p-bfd"), _layout(tmp_path / "p-test")
    assert sum(1 for p in lb[0] if p[0] == "LOAD" and "E" in p[-2:]) == 2, lb[0]   # harness: the split
    assert lt[0] == lb[0], f"program headers differ\nbfd:  {lb[0]}\ntest: {lt[0]}"
    assert lt[1] == lb[1], f"sections differ\nbfd:  {lb[1]}\ntest: {lt[1]}"


def test_ttext_below_headers_segment(tmp_path, braze_lddir):
    """bfd moves the headers' segment down to the section (PT_PHDR below .text, the sections before
    .text still at the image base, in that segment): laid out as bfd's default script does."""
    b, res = _build(tmp_path, braze_lddir, "x86_64", "-no-pie", ["-Wl,-z,noseparate-code", "-Wl,-Ttext=0x300000"])
    for linker, p in res.items():
        assert p.returncode == 0, f"{linker}: {p.stderr}"
    runs = {linker: subprocess.run([str(tmp_path / f"p-{linker}")], capture_output=True, text=True,
                                   env=tool_env(), timeout=120).stdout for linker in LINKERS}
    assert runs["bfd"] == "placed 7\n" and runs["test"] == runs["bfd"]
    lb, lt = _layout(tmp_path / "p-bfd"), _layout(tmp_path / "p-test")
    assert lt == lb
