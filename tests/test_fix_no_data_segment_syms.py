"""_edata, __bss_start and _end of a static link with no data, or only .bss, against ld.bfd (x86-64
and aarch64). bfd's default script still evaluates DATA_SEGMENT_ALIGN: `.` goes to the next page plus
the offset in the page (or, when ldlang's page-saving test passes, to the page itself: on x86-64 the
empty .lrodata/.ldata statements move `.` a page up each before DATA_SEGMENT_END, so an empty data
segment whose start is 8-aligned passes it), and the symbols the script sets after .data take that
value. braze set _edata and __bss_start to the end of the code, and _end to the end of the read-only
data. A PT_LOAD with no file bytes (.bss alone) has bfd's offset: its address's offset in a page.

Each case is an assembly program (what `ld -static -e _start` links: no crt files) with read-only
data of several sizes and either nothing writable or a .bss only; compared: those symbols (value and
section index), the PT_LOAD lines and the section headers' addresses and offsets."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from harness import BuildDir, tool_env

X86 = """.globl _start
.text
_start: mov $60, %eax; xor %edi, %edi; syscall
"""
A64 = """.globl _start
.text
_start: mov x8, #93
 svc #0
"""
TAIL = """.section .rodata
.quad _edata, __bss_start, _end
{skip}
{rw}
"""
SYMS = ("_edata", "__bss_start", "_end", "edata", "end")
RODATA = [0, 8, 0x100, 0xfd0, 0xff8]
RW = {"none": "", "bss": ".bss\n.skip 0x20", "bigbss": ".bss\n.skip 0x1000"}
OPTS = {"x86": [[], ["-z", "norelro"], ["-z", "noseparate-code"], ["-z", "max-page-size=0x10000"],
                ["-z", "common-page-size=0x800"]],
        "a64": [[], ["-z", "norelro"], ["-z", "separate-code"], ["-z", "max-page-size=0x1000"]]}


def _view(path) -> tuple:
    def rd(*a):
        return subprocess.run(["readelf", "-W", *a, str(path)], capture_output=True, text=True,
                              env=tool_env(), check=True).stdout
    syms = sorted(tuple(f[1:2] + f[6:8]) for f in (ln.split() for ln in rd("-s").splitlines())
                  if len(f) == 8 and f[7] in SYMS)
    loads = [ln.split() for ln in rd("-l").splitlines() if ln.strip().startswith("LOAD")]
    secs = [ln.split()[1:5] for ln in rd("-S").splitlines()
            if re.match(r"\s*\[\s*\d+\] \.(text|rodata|bss)", ln)]
    return syms, loads, secs


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    return BuildDir(tmp_path_factory.mktemp("nodata"), braze_lddir)


@pytest.mark.parametrize("arch", ["x86", "a64"])
@pytest.mark.parametrize("rw", list(RW))
def test_no_data_segment_symbols(work, direct_ld, arch, rw):
    prefix = "aarch64-linux-gnu-" if arch == "a64" else ""
    if arch == "a64" and not shutil.which(prefix + "ld"):
        pytest.fail("aarch64-linux-gnu-ld is missing (binutils-aarch64-linux-gnu)")
    diffs = []
    for n in RODATA:
        src = work.root / f"{arch}-{rw}-{n}.s"
        src.write_text((A64 if arch == "a64" else X86) + TAIL.format(skip=f".skip {n}" if n else "", rw=RW[rw]))
        obj = src.with_suffix(".o")
        work.run([prefix + "as", str(src), "-o", str(obj)])
        for i, opts in enumerate(OPTS[arch]):
            ref, got = (work.root / f"{src.stem}-{i}.{k}" for k in ("bfd", "test"))
            work.run([prefix + "ld", "-static", *opts, str(obj), "-o", str(ref)])
            work.run([*direct_ld, "-static", *opts, str(obj), "-o", str(got)])
            a, b = _view(ref), _view(got)
            if a != b:
                diffs.append((n, opts, a, b))
    assert not diffs, "\n".join(f"rodata +{n:#x} {o}:\n  bfd   {a}\n  braze {b}" for n, o, a, b in diffs)
