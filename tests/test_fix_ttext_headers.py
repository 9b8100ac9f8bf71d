"""Where the ELF headers' PT_LOAD goes when -Ttext puts .text, the first section, away from the image
base, against ld.bfd (x86-64, -z separate-code: the headers get a PT_LOAD of their own). bfd maps
them in the page below .text's start (_bfd_elf_map_sections_to_segments: `(lma - headers' size) &
-maxpagesize`; when that is .text's own page, the segment's p_paddr is a page lower and its p_vaddr
is not), and __ehdr_start follows them; __executable_start stays the script's SEGMENT_START value,
relative to the first section. braze kept the headers at 0x400000 (and refused -Ttext=0x400100:
"lies below the sections placed before it").

Compared: the PT_LOAD lines, the section headers' addresses and offsets, and __ehdr_start's and
__executable_start's values and section indexes, for an assembly program linked with `ld -static`,
and that the program runs."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

SRC = """.globl _start
.text
_start: mov $60, %eax; mov $7, %edi; syscall
.section .rodata
.quad __ehdr_start, __executable_start, _end
.data
.quad 1
"""
ADDRS = ["0x500000", "0x500100", "0x500800", "0x500f00", "0x400100", "0x401000", "0x1000", "0x1100",
         "0x10000000"]


def _view(path) -> tuple:
    def rd(*a):
        return subprocess.run(["readelf", "-W", *a, str(path)], capture_output=True, text=True,
                              env=tool_env(), check=True).stdout
    loads = [ln.split() for ln in rd("-l").splitlines() if ln.strip().startswith("LOAD")]
    secs = [ln.split()[1:5] for ln in rd("-S").splitlines() if re.match(r"\s*\[\s*\d+\] \.(text|rodata|data)", ln)]
    syms = sorted(tuple(f[1:2] + f[6:8]) for f in (ln.split() for ln in rd("-s").splitlines())
                  if len(f) == 8 and f[7] in ("__ehdr_start", "__executable_start", "_end"))
    return loads, secs, syms


@pytest.fixture(scope="module")
def obj(tmp_path_factory, braze_lddir):
    b = BuildDir(tmp_path_factory.mktemp("ttext"), braze_lddir)
    (b.root / "t.s").write_text(SRC)
    b.run(["as", "t.s", "-o", "t.o"])
    return b


# (64 KiB pages below 0x10000: no page is left below .text's, bfd maps the headers in .text's segment,
# as without -z separate-code)
CASES = [(a, []) for a in ADDRS] + [(a, ["-z", "max-page-size=0x10000"]) for a in ADDRS if int(a, 16) >= 0x10000] \
    + [("0x1000", ["-z", "max-page-size=0x10000"])]


@pytest.mark.parametrize("addr,extra", CASES, ids=[f"{a}{'-64k' if e else ''}" for a, e in CASES])
def test_ttext_headers_segment(obj, direct_ld, addr, extra):
    ref, got = obj.root / f"t-{addr}-{len(extra)}.bfd", obj.root / f"t-{addr}-{len(extra)}.test"
    obj.run(["ld", "-static", f"-Ttext={addr}", *extra, "t.o", "-o", str(ref)])
    obj.run([*direct_ld, "-static", f"-Ttext={addr}", *extra, "t.o", "-o", str(got)])
    assert _view(got) == _view(ref)
    for exe in (ref, got):
        assert subprocess.run([str(exe)], env=tool_env()).returncode == 7
