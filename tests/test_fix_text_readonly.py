"""The output section named `.text` is read-only in a final link, whatever its inputs, against ld.bfd.

bfd's lang_process looks the output `.text` up once the inputs are placed and sets SEC_READONLY on it
(clears it with -N, whose text_read_only is off): an input section flagged "awx" (the arm64 kernel's
`.idmap.text`) or "aw" placed in `.text` does not make it writable, and the segment that holds it
stays R E, so `.data` gets a segment of its own. braze OR'd the inputs' flags: `.text` was WAX and
`.data` joined it in one RWX segment. Only the name `.text` is special; another output section takes
the inputs' write flag. `-r` keeps the flags of its inputs.

Compared with bfd (x86-64 and aarch64): every output section's name, type and flags, the program
headers' types and flags, and whether the RWX-segment warning is given."""
from __future__ import annotations

import shutil

import pytest

from harness import BuildDir

ASM = {
    "x86_64": """\t.section {idname},"awx",@progbits
\t.globl idf
\t.hidden idf
idf:\tret
\t.section .wdata,"aw",@progbits
\t.long 2
\t.text
\t.globl _start
_start:\tcall idf
\tret
\t.data
\t.long 1
""",
    "aarch64": """\t.section {idname},"awx",%progbits
\t.globl idf
\t.hidden idf
idf:\tret
\t.section .wdata,"aw",%progbits
\t.word 2
\t.text
\t.globl _start
_start:\tbl idf
\tret
\t.data
\t.word 1
""",
}
TOOLS = {"x86_64": ("as", "ld.bfd"), "aarch64": ("aarch64-linux-gnu-as", "aarch64-linux-gnu-ld.bfd")}
SCRIPTS = {
    "after": "SECTIONS { .text : { *(.text) *(.idmap.text) } .data : { *(.data) *(.wdata) } }\n",
    "first": "SECTIONS { .text : { *(.idmap.text) *(.text) } .data : { *(.data) *(.wdata) } }\n",
    "only-aw": "SECTIONS { .text : { *(.wdata) } .code : { *(.text) *(.idmap.text) } .data : { *(.data) } }\n",
    "other-name": "SECTIONS { .code : { *(.text) *(.idmap.text) } .data : { *(.data) *(.wdata) } }\n",
}
# (case id, section name of the awx input, ld options)
CASES = [
    ("default", ".text.idmap", []),
    ("default-pie", ".text.idmap", ["-pie"]),
    ("default-shared", ".text.idmap", ["-shared"]),
    ("orphan", ".idmap.text", []),
    ("omagic", ".text.idmap", ["-N"]),
    ("nmagic", ".text.idmap", ["-n"]),
    *[(f"script-{k}", ".idmap.text", ["-T", f"{k}.lds"]) for k in SCRIPTS],
    ("script-after-omagic", ".idmap.text", ["-N", "-T", "after.lds"]),
    ("relocatable", ".text.idmap", ["-r"]),
]
# (braze refuses -N/-n for aarch64: unpaged_links)
PARAMS = [(arch, *c) for arch in ("x86_64", "aarch64") for c in CASES
          if arch == "x86_64" or not {"-N", "-n"} & set(c[2])]


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("textro"), braze_lddir)
    for k, text in SCRIPTS.items():
        (w.root / f"{k}.lds").write_text(text)
    return w


def _view(work, out):
    secs = []
    for ln in work.run(["readelf", "-W", "-S", out]).stdout.splitlines():
        if not ln.strip().startswith("[") or "]" not in ln or "Name" in ln:
            continue
        f = ln.split("]", 1)[1].split()
        if not f or f[0] in (".symtab", ".strtab", ".shstrtab"):
            continue
        # name, type, and the flags column when there is one (it follows ES)
        flags = f[6] if len(f) > 9 and not f[6].isdigit() else ""
        secs.append((f[0], f[1], flags))
    phdrs = []
    for ln in work.run(["readelf", "-W", "-l", out]).stdout.splitlines():
        t = ln.split()
        if t and t[0] in ("LOAD", "GNU_STACK", "GNU_RELRO", "DYNAMIC"):
            phdrs.append((t[0], " ".join(t[6:-1])))      # type, flags (between the sizes and align)
    return secs, phdrs


@pytest.mark.parametrize("arch,case,idname,opts", PARAMS, ids=[f"{a}-{c}" for a, c, _, _ in PARAMS])
def test_text_output_read_only_vs_bfd(work, arch, case, idname, opts):
    as_, bfd = TOOLS[arch]
    assert shutil.which(as_) and shutil.which(bfd), f"{as_} and {bfd} are needed (Makefile APT_PKGS)"
    src = work.root / f"{arch}-{idname}.s"
    obj = f"{arch}-{idname}.o"
    if not src.exists():
        src.write_text(ASM[arch].format(idname=idname))
        work.run([as_, str(src), "-o", obj])
    res = {}
    for linker in ("bfd", "test"):
        ld = bfd if linker == "bfd" else f"{work.lddir}/ld"
        out = f"{arch}-{case}-{linker}"
        p = work.run([ld, *opts, obj, "-o", out])
        rwx = "RWX permissions" in p.stderr
        res[linker] = (*_view(work, out), rwx)
    assert res["test"] == res["bfd"]
