"""braze's default layout (no -T script) against ld.bfd's built-in script: where each input section goes
and in which order.

bfd's default script (`ld --verbose`) names input sections by pattern, several descriptions per output
section for some (`.data.rel.ro`: the `.local` ones first; `.tbss`: `.tcommon` last; `.text`:
`SORT(.text.sorted.*)` by name among its groups), maps legacy and unusual names (`.gnu.linkonce.*`,
`.gnu_extab*`, `.exception_ranges*`, `.rodata1`, `.data1`, `.jcr`, `.sframe`), leaves others to its orphan
rules (`.sdata`, `.sbss`, custom sections: read-only after `.rodata`, writable after `.data`, NOBITS
after `.bss`, notes after the note of their alignment), and puts the large-model sections after `.bss`
(`.lbss`, then `.lrodata` and `.ldata` in segments of their own, `_edata` before them). Two objects
(assembly, one input section per pattern, the second in reverse order) are linked by both; compared:
the output sections (name, type, flags, in order) and every input section's output section and
position (through a symbol in each). A -mcmodel=medium C program is compared by `readelf -lSW`
and symbols, and run."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import BuildDir, tool_env

C = Path(__file__).resolve().parent / "c"

NAMES = """.init .text.unlikely .text.foo_unlikely .text.unlikely.x .text.exit .text.exit.x .text.startup
.text.startup.x .text.hot .text.hot.x .text.sorted.2 .text.sorted.10 .text.sorted.1 .text .stub .text.x
.gnu.linkonce.t.x .fini .rodata .rodata.x .gnu.linkonce.r.x .rodata1 .gcc_except_table
.gcc_except_table.x .gnu_extab .gnu_extabx .exception_ranges .exception_rangesx .tdata .tdata.x
.gnu.linkonce.td.x .tbss .tbss.x .gnu.linkonce.tb.x .tcommon .preinit_array .init_array.00100
.ctors.00100 .init_array .ctors .fini_array.00100 .dtors.00100 .fini_array .dtors .jcr
.data.rel.ro.local .data.rel.ro.localx .gnu.linkonce.d.rel.ro.local.x .data.rel.ro .data.rel.ro.x
.gnu.linkonce.d.rel.ro.x .data .data.x .gnu.linkonce.d.x .data1 .bss .bss.x .gnu.linkonce.b.x .lbss
.lbss.x .gnu.linkonce.lb.x .lrodata .lrodata.x .gnu.linkonce.lr.x .ldata .ldata.x .gnu.linkonce.l.x
.sdata .sbss .mysec .myro .mybss .tm_clone_table .sframe .data.rel .data.rel.local .rodata.str1.1
.rodata.cst8 .note.foo .note.bar4 .text.unlikely.sorted .data.rel.ro.local.x .init_array.5
.ctors.65000""".split()


def _kind(n: str):
    if n.startswith((".text", ".init", ".fini", ".stub", ".gnu.linkonce.t.")) and \
            not n.startswith((".init_array", ".fini_array")):
        return '"ax",@progbits', "nop; nop; nop; nop; nop; nop; nop; nop"
    if n.startswith((".tbss", ".tcommon", ".gnu.linkonce.tb.")):
        return '"awT",@nobits', ".zero 8"
    if n.startswith((".tdata", ".gnu.linkonce.td.")):
        return '"awT",@progbits', ".quad 0"
    if n.startswith((".bss", ".gnu.linkonce.b.", ".lbss", ".gnu.linkonce.lb.", ".sbss", ".mybss")):
        return '"aw",@nobits', ".zero 8"
    if n.startswith((".init_array", ".ctors", ".preinit_array", ".fini_array", ".dtors")):
        t = ("@init_array" if n.startswith(".init_array") else "@fini_array" if n.startswith(".fini_array")
             else "@preinit_array" if n.startswith(".preinit") else "@progbits")
        return f'"aw",{t}', ".quad f_ret"
    if n.startswith(".rodata.str"):
        return '"aMS",@progbits,1', '.asciz "abcdefg"'
    if n.startswith(".rodata.cst"):
        return '"aM",@progbits,8', ".quad 0x1234"
    if n.startswith(".note"):
        return '"a",@note', (".p2align 2\n" if n.endswith("4") else "") + ".long 4,4,1; .byte 97,98,99,0; .long 0"
    if n.startswith((".rodata", ".gnu.linkonce.r.", ".gcc_except", ".gnu_extab", ".exception", ".lrodata",
                     ".gnu.linkonce.lr.", ".myro", ".sframe")):
        return '"a",@progbits', ".quad 0"
    return '"aw",@progbits', ".quad 0"


def _asm(tag: str, names) -> str:
    out = []
    if tag == "a":
        out.append(".text\n.globl main\nmain: xor %eax, %eax; ret\n.globl f_ret\nf_ret: ret\n")
    for n in names:
        flags, body = _kind(n)
        align = "" if n.endswith("4") and n.startswith(".note") else ".p2align 3\n"
        out.append(f".section {n},{flags}\n{align}{tag}{re.sub(r'[^A-Za-z0-9]', '_', n)}: {body}\n")
    out.append('.section .note.GNU-stack,"",@progbits\n')
    return "".join(out)


def _readelf(path, *opts) -> str:
    return subprocess.run(["readelf", *opts, str(path)], capture_output=True, text=True, env=tool_env(),
                          check=True).stdout


def _placement(path):
    """(sections: name, type, flags in header order), (symbol -> output section, in address order)."""
    secs = []
    for line in _readelf(path, "-SW").splitlines():
        m = re.match(r"\s*\[\s*(\d+)\]\s+(\S+)\s+(\S+)\s+\S+\s+\S+\s+\S+\s+\S+\s+(\S*)", line)
        if m and m.group(2) != "NULL" and not m.group(2).endswith("strtab") and m.group(2) != ".symtab":
            secs.append((int(m.group(1)), m.group(2), m.group(3), m.group(4)))
    names = {i: n for i, n, _, _ in secs}
    syms = []
    for line in _readelf(path, "-sW").splitlines():
        f = line.split()
        if len(f) == 8 and re.fullmatch(r"[ab]_\w+", f[7]) and f[6].isdigit():
            syms.append((int(f[1], 16), names.get(int(f[6])), f[7]))
    syms.sort(key=lambda x: (x[1] != ".tbss", x[0], x[2]))
    return [s[1:] for s in secs], [(sec, n) for _, sec, n in syms]


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    b = BuildDir(tmp_path_factory.mktemp("dlayout"), braze_lddir)
    (b.root / "a.s").write_text(_asm("a", NAMES))
    # (the .gnu.linkonce.* sections only once: a second copy is discarded by bfd, not yet by braze)
    (b.root / "b.s").write_text(_asm("b", [n for n in reversed(NAMES) if ".gnu.linkonce." not in n]))
    for s in ("a.s", "b.s"):
        b.run(["gcc", "-c", s])
    return b


@pytest.mark.parametrize("mode", ["-pie", "-no-pie", "-static"])
def test_default_script_placement(work, mode):
    outs = {}
    for linker in ("bfd", "test"):
        outs[linker] = work.root / f"{linker}{mode}"
        work.run(["gcc", *work.ld(linker), mode, "a.o", "b.o", "-o", outs[linker]])
    secs_b, syms_b = _placement(outs["bfd"])
    secs_t, syms_t = _placement(outs["test"])
    assert len(syms_b) >= 2 * len(NAMES) - 20        # (every input section has its symbol)
    assert secs_t == secs_b
    assert syms_t == syms_b


@pytest.mark.parametrize("mode", ["-pie", "-no-pie"])
def test_large_model_sections(work, mode):
    """.lbss/.lrodata/.ldata: bfd's segments, addresses, _edata/_end."""
    outs = {}
    for linker in ("bfd", "test"):
        outs[linker] = work.root / f"large-{linker}{mode}"
        work.run(["gcc", *work.ld(linker), "-O1", "-mcmodel=medium", mode, C / "dlay_large.c",
                  "-Wl,--hash-style=sysv", "-o", outs[linker]])

    def view(p):
        segs = [line.split() for line in _readelf(p, "-lW").splitlines() if line.strip().startswith("LOAD")]
        secs = [line.split()[1:7] for line in _readelf(p, "-SW").splitlines()
                if re.match(r"\s*\[\s*\d+\] \.(l|data|bss|got|rodata)", line)]
        syms = sorted(line.split()[1:] for line in _readelf(p, "-sW").splitlines()
                      if line.split()[-1:] and line.split()[-1] in ("_edata", "_end", "__bss_start", "big_ro",
                                                                   "big_rw", "big_bss", "small"))
        return segs, secs, syms
    assert view(outs["test"]) == view(outs["bfd"])
    runs = [subprocess.run([str(outs[k])], capture_output=True, text=True) for k in ("bfd", "test")]
    assert runs[0].returncode == 0 and runs[0].stdout == "8 7 0 1\n"  # (_edata ends .data, before .ldata)
    assert (runs[1].returncode, runs[1].stdout) == (runs[0].returncode, runs[0].stdout)


NONALLOC_ORPHANS = r"""
.globl main
.text
main: xor %eax,%eax; ret
.section .zz_info,"",@progbits
.ascii "zz"
.section .aa_note,"",@note
.long 0,0,0
.section .debug_str,"MS",@progbits,1
.asciz "abc"
.section .yy_two,"",@progbits
.byte 1
.section .debug_info,"",@progbits
.byte 2
.section .note.GNU-stack,"",@progbits
"""


@pytest.mark.parametrize("mode", ["-pie", "-no-pie", "-static"])
def test_nonalloc_orphans_after_comment_vs_bfd(tmp_path, braze_lddir, mode):
    """bfd places non-allocated orphans (.note.stapsdt of a -g CPython, .gnu_debuglink...) right after
    .comment in the order they come, before the debug sections; braze put them after them."""
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "n.s").write_text(NONALLOC_ORPHANS)
    b.run(["gcc", "-c", "n.s"])
    orders = []
    for linker in ("bfd", "test"):
        b.run(["gcc", *b.ld(linker), mode, "n.o", "-o", f"n-{linker}"])
        out = subprocess.run(["readelf", "-SW", str(tmp_path / f"n-{linker}")], capture_output=True, text=True,
                             check=True).stdout
        rows = [line.split("]", 1)[1].split() for line in out.splitlines() if re.match(r"\s*\[\s*\d+\]", line)]
        orders.append([f[0] for f in rows if len(f) > 2 and f[1] != "NULL" and int(f[2], 16) == 0])
    assert ".zz_info" in orders[0] and orders[1] == orders[0]
