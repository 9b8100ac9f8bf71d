"""--print-sysroot and --print-output-format against ld.bfd (x86-64 and aarch64 bfd), run as `ld`
directly: stdout, exit status, and whether an output file was written.  bfd prints the sysroot (nothing
when there is none) and stops without linking; it prints the output format and then links as usual,
and with no input files stops without the "no input files" error."""
from __future__ import annotations

import pytest

from harness import run_cmd

CASES = {
    "format": ["--print-output-format"],
    "format-m": ["--print-output-format", "-m", "elf_x86_64"],
    "format-inputs": ["--print-output-format", "x.o", "-o", "out"],
    "format-missing": ["--print-output-format", "missing.o", "-o", "out"],
    "format-version": ["--print-output-format", "--version"],
    "sysroot": ["--print-sysroot"],
    "sysroot-set": ["--sysroot=/foo", "--print-sysroot"],
    "sysroot-after": ["--print-sysroot", "--sysroot=/bar"],
    "sysroot-inputs": ["--print-sysroot", "x.o", "-o", "out"],
    "a64-format": ["--print-output-format", "-m", "aarch64linux"],
    "a64-format-inputs": ["--print-output-format", "-m", "aarch64linux", "a.o", "-o", "out"],
    "a64-sysroot": ["--print-sysroot", "-m", "aarch64linux"],
}


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    d = tmp_path_factory.mktemp("printopts")
    (d / "x.s").write_text(".globl _start\n_start: ret\n")
    run_cmd(["as", "x.s", "-o", "x.o"], d)
    (d / "a.s").write_text(".globl _start\n_start: ret\n")
    run_cmd(["aarch64-linux-gnu-as", "a.s", "-o", "a.o"], d)
    return d


@pytest.mark.parametrize("name", sorted(CASES))
def test_print_options_as_bfd(work, direct_ld, name):
    bfd = ["aarch64-linux-gnu-ld.bfd" if name.startswith("a64") else "ld.bfd"]
    got = {}
    for label, ld in (("bfd", bfd), ("braze", direct_ld)):
        out = work / "out"
        if out.exists():
            out.unlink()
        p = run_cmd([*ld, *CASES[name]], work, check=False)
        stdout = p.stdout if "version" not in name else p.stdout.splitlines()[0].split()[0] != "elf64-x86-64"
        got[label] = (stdout, p.returncode, out.exists())
    assert got["braze"] == got["bfd"]
