"""Section headers bfd gives sections without file contents, against ld.bfd.

- A script's output section kept only for its assignments (`.` not advanced) is not allocated; its
  header takes the type and flags of bfd's special-section entry for its name. braze did so only when
  that entry's flags were "WA" at most: `.tdata` (the default script's `. = ALIGN(8)` in a program
  without TLS data, found by tools/fuzz/run.py --kind scripts, seed 90173) stayed NOBITS where bfd
  writes PROGBITS "WAT"; `.text` must stay read-only ("AX", bfd's lang_process); and a NOBITS entry
  (`.bss.*`, `.tbss`, `.noinit`, x86-64's `.lbss`) keeps NOBITS.
- bfd gives a non-allocated NOBITS section no file position: its sh_offset is 0 and the sections
  after it are not moved by its alignment. braze gave it the next file offset.
- Data commands in an output section whose special entry is NOBITS: bfd warns "section `.bss.x'
  type changed to PROGBITS".
- A section where `.` advanced in an earlier sizing pass stays allocated though it ends empty (bfd sets
  SEC_ALLOC for good): braze decided by the last pass only.

Compared with bfd: the section's header (whole line but the index), nm lines, program headers, and
the linker's warnings."""
from __future__ import annotations

import pytest

from harness import BuildDir

ASM = "\t.text\n\t.globl _start\n_start:\tret\n\t.data\n\t.quad 1\n"
NB_ASM = ASM + '\t.section .nb,"",@nobits\n\t.balign 64\n\t.zero 16\n\t.section .after,"",@progbits\n\t.byte 1\n'
SCRIPT = """SECTIONS {{
  . = 0x400000;
  .code : {{ *(.text) }}
  . = ALIGN(4096);
  .data : {{ *(.data) }}
  {name} : {{ {body} }}
  .bss : {{ *(.bss) }}
  x = .;
}}
"""
DOT_NAMES = [".tdata", ".tdata.q", ".tbss", ".bss.z", ".noinit", ".lbss", ".text", ".init", ".foo"]
CASES = [("dot", n) for n in DOT_NAMES] + [("data", n) for n in (".bss.x", ".tbss", ".noinit", ".foo")]


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("dottypes"), braze_lddir)
    (w.root / "a.s").write_text(ASM)
    (w.root / "nb.s").write_text(NB_ASM)
    w.run(["as", "a.s", "-o", "a.o"])
    w.run(["as", "nb.s", "-o", "nb.o"])
    return w


def _headers(work, out, names=None):
    rows = []
    for ln in work.run(["readelf", "-W", "-S", out]).stdout.splitlines():
        if ln.strip().startswith("[") and "]" in ln and "Name" not in ln:
            f = ln.split("]", 1)[1].split()
            if f and (names is None or f[0] in names) and f[0] not in (".symtab", ".strtab", ".shstrtab"):
                rows.append(f)
    return rows


def _loads(work, out):
    return [ln.split() for ln in work.run(["readelf", "-W", "-l", out]).stdout.splitlines()
            if ln.strip().startswith(("LOAD", "TLS"))]


def _warnings(p):
    return sorted(ln.split("warning: ", 1)[1] for ln in p.stderr.splitlines() if "warning: " in ln)


@pytest.mark.parametrize("kind,name", CASES, ids=[f"{k}-{n}" for k, n in CASES])
def test_contentless_section_header_vs_bfd(work, kind, name):
    body = ". = ALIGN(8); s = .;" if kind == "dot" else "s = .; LONG(5)"
    script = f"{kind}{CASES.index((kind, name))}.lds"
    (work.root / script).write_text(SCRIPT.format(name=name, body=body))
    res = {}
    for linker in ("bfd", "test"):
        ld = "ld.bfd" if linker == "bfd" else f"{work.lddir}/ld"
        out = f"{script}-{linker}"
        p = work.run([ld, "-T", script, "a.o", "-o", out, "--no-warn-rwx-segments"])
        nm = sorted(work.run(["nm", out]).stdout.splitlines())
        res[linker] = (_headers(work, out, {name}), nm, _loads(work, out), _warnings(p))
    assert res["bfd"][0], "bfd dropped the section"
    assert res["test"] == res["bfd"]


@pytest.mark.parametrize("mode", ["exe", "script"])
def test_nonalloc_nobits_offset_vs_bfd(work, mode):
    (work.root / "nb.lds").write_text(SCRIPT.format(name=".data2", body="*(.data2)"))
    opts = ["-T", "nb.lds"] if mode == "script" else []
    res = {}
    for linker in ("bfd", "test"):
        ld = "ld.bfd" if linker == "bfd" else f"{work.lddir}/ld"
        out = f"nb-{mode}-{linker}"
        work.run([ld, *opts, "nb.o", "-o", out, "--no-warn-rwx-segments"])
        res[linker] = _headers(work, out, {".nb", ".after"})
    assert len(res["bfd"]) == 2
    assert res["test"] == res["bfd"]


# `.` advances in .foo while DATA_SEGMENT_ALIGN still leaves it off a page (bfd's first sizing
# passes); the RELRO end then moves it onto one, where ALIGN(32) no longer moves `.`: bfd keeps the
# section allocated (SEC_ALLOC stays set), an empty NOBITS "WA" with its own empty PT_LOAD
RELRO_ASM = ('\t.text\n\t.globl _start\n_start:\tret\n\t.section .data.rel.ro,"aw"\n\t.quad 1\n'
             '\t.data\n\t.quad 1\n')
RELRO_SCRIPT = """SECTIONS {
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { *(.text) }
  . = DATA_SEGMENT_ALIGN (CONSTANT (MAXPAGESIZE), CONSTANT (COMMONPAGESIZE));
  %s : { . = ALIGN(32); }
  .data.rel.ro : { *(.data.rel.ro) }
  . = DATA_SEGMENT_RELRO_END (0, .);
  .data : { *(.data) }
  . = DATA_SEGMENT_END (.);
}
"""


@pytest.mark.parametrize("name", [".foo", ".tbss", ".tdata"])
def test_dot_advanced_in_an_earlier_pass_vs_bfd(work, name):
    (work.root / "relro.s").write_text(RELRO_ASM)
    work.run(["as", "relro.s", "-o", "relro.o"])
    script = f"relro{name}.lds"
    (work.root / script).write_text(RELRO_SCRIPT % name)
    res = {}
    for linker in ("bfd", "test"):
        ld = "ld.bfd" if linker == "bfd" else f"{work.lddir}/ld"
        out = f"{script}-{linker}"
        work.run([ld, "-z", "relro", "-T", script, "relro.o", "-o", out])
        segs = [ln.split() for ln in work.run(["readelf", "-W", "-l", out]).stdout.splitlines()
                if ln.strip().startswith(("LOAD", "GNU_RELRO", "TLS"))]
        res[linker] = (_headers(work, out), segs)
    assert res["test"] == res["bfd"]
