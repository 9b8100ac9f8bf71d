"""Numbers at the edges, against ld.bfd 2.40.

- `-e NUMBER`: bfd reads it as C's strtoull with base 0 (bfd_scan_vma): `010` is octal 8, `-1` is
  2**64 - 1, a number too large saturates to 2**64 - 1; `0b1` or `1_0` are symbol names (a warning,
  then .text's start). braze used Python's int(text, 0): `010` became a symbol name, `0b1` and `1_0`
  numbers, and `-1` or a too-large number an internal error when writing the header.
- A section placed past the end of the address space: bfd refuses ("VMA wraps around address space");
  braze failed with an internal error.
- A PC-relative reference from code at the top of the address space to a symbol at 0 (here an
  ignored undefined one): bfd's 64-bit arithmetic wraps S + A - P to a small displacement; braze
  wrapped only the other way and refused the link ("out of range").
Compared: exit status, the entry point, and the code bytes."""
from __future__ import annotations

import pytest

from harness import BuildDir

SRC = '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n'


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("numedge"), braze_lddir)
    (w.root / "h.c").write_text(SRC)
    w.run(["gcc", "-O2", "-c", "h.c"])
    return w


def _link(w, ld, name, args):
    p = w.run([*ld, "-e", "main", "--unresolved-symbols=ignore-all", "h.o", *args, "-o", name], check=False)
    if p.returncode:
        return p.returncode, None, None
    hdr = w.run(["readelf", "-h", name]).stdout
    entry = next(ln.split()[-1] for ln in hdr.splitlines() if "Entry point" in ln)
    text = w.run(["objdump", "-s", "-j", ".text", name]).stdout.split("Contents", 1)[1]
    return 0, entry, text


ENTRIES = ["010", "-1", "99999999999999999999999", "0x10", "-0x10", "+5", " 10", "0b1", "1_0", "0x", "09"]


@pytest.mark.parametrize("value", ENTRIES)
def test_entry_number_as_bfd(work, direct_ld, value):
    ref = _link(work, ["ld.bfd"], "e-bfd", ["-e", value])
    got = _link(work, direct_ld, "e-test", ["-e", value])
    assert ref[0] == 0
    assert got == ref


@pytest.mark.parametrize("addr", ["0xffffffffffff0000", "0xffffffff80000000"])
def test_pc32_from_the_top_to_zero(work, direct_ld, addr):
    ref = _link(work, ["ld.bfd"], "t-bfd", [f"-Ttext={addr}"])
    got = _link(work, direct_ld, "t-test", [f"-Ttext={addr}"])
    assert ref[0] == 0
    assert got == ref


@pytest.mark.parametrize("args", [["-Ttext=0xfffffffffffffff0"], ["--section-start=.rodata=0xfffffffffffffffe"],
                                  ["-Ttext=99999999999999999999999"]], ids=["text", "rodata", "too-large"])
def test_section_past_the_top_refused(work, direct_ld, args):
    """bfd: `section .text VMA wraps around address space`; braze failed with an internal error."""
    base = ["-e", "main", "--unresolved-symbols=ignore-all", "h.o", *args]
    ref = work.run(["ld.bfd", *base, "-o", "w-bfd"], check=False)
    got = work.run([*direct_ld, *base, "-o", "w-test"], check=False)
    assert ref.returncode == 1 and "VMA wraps around address space" in ref.stderr, ref.stderr
    assert got.returncode == 1 and "VMA wraps around address space" in got.stderr, got.stderr
    assert "internal error" not in got.stderr and not (work.root / "w-test").exists()


def test_text_segment_past_the_top_refused_cleanly(work, direct_ld):
    """-Ttext-segment near 2**64: bfd wraps `.` to 0 and links; braze refuses, with a clear error."""
    got = work.run([*direct_ld, "-e", "main", "--unresolved-symbols=ignore-all", "h.o",
                    "-Ttext-segment=0xfffffffffffff000", "-o", "s-test"], check=False)
    assert got.returncode == 1 and got.stderr.startswith("braze: error: section "), got.stderr
