"""-Map's "Discarded input sections" lists the members of COMDAT groups another file won, also when
the link goes through the SECTIONS engine (--sort-section, a -T script), against ld.bfd.

busybox links with --sort-section=alignment and -Map: bfd's map listed glibc's losing copies of
`.data.rel.local.DW.ref.__gcc_personality_v0` (iofflush.o, fileops.o, ...) after their `.group`;
braze listed the `.group` only. braze drops a losing group's members on reading, and for a section
dropped on reading the map asks whether the script's first matching statement is /DISCARD/ (right
for .note.GNU-stack, wrong for a COMDAT loser, which bfd lists whatever the script says)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness import tool_env

COMDAT = """\
\t.text
\t.globl f_{n}
f_{n}:\tret
\t.hidden\tDW.ref.foo
\t.weak\tDW.ref.foo
\t.section\t.data.rel.local.DW.ref.foo,"awG",@progbits,DW.ref.foo,comdat
\t.align 8
\t.type\tDW.ref.foo, @object
\t.size\tDW.ref.foo, 8
DW.ref.foo:
\t.quad\tfoo
\t.section\t.text.dup,"axG",@progbits,dup_fn,comdat
\t.weak\tdup_fn
dup_fn:\tret
\t.section .note.GNU-stack,"",@progbits
"""

SMALL_LDS = """\
SECTIONS { . = 0x400000 + SIZEOF_HEADERS; .text : { *(.text*) } .data : { *(.data*) } .bss : { *(.bss*) } }
"""

CASES = {
    "sort-section-alignment": ["-Wl,--sort-section,alignment"],
    "sort-section-name": ["-Wl,--sort-section,name"],
    "script": ["-nostdlib", "-static", "-Wl,-e,main", "-T", "{root}/small.lds"],
    "default": [],
}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("mapcomdat")
    for n in ("a", "b", "c"):
        (d / f"{n}.s").write_text(COMDAT.format(n=n))
    (d / "m.c").write_text("void f_a(void); void f_b(void); void f_c(void); void foo(void) {}\n"
                           "int main(void) { f_a(); f_b(); f_c(); return 0; }\n")
    (d / "small.lds").write_text(SMALL_LDS)
    subprocess.run(["gcc", "-c", "-O2", "a.s", "b.s", "c.s", "m.c"], cwd=d, env=tool_env(), check=True,
                   capture_output=True)
    subprocess.run(["ar", "rc", "libbc.a", "b.o", "c.o"], cwd=d, env=tool_env(), check=True)
    return d


def _discarded(path: Path) -> list[str]:
    text = path.read_text()
    assert "Discarded input sections" in text
    return text.split("Discarded input sections", 1)[1].split("Memory Configuration", 1)[0].splitlines()


@pytest.mark.parametrize("case", sorted(CASES))
def test_map_comdat_discarded(root, braze_lddir, case):
    extra = [a.format(root=root) for a in CASES[case]]
    maps = {}
    for label, b in (("bfd", ["-fuse-ld=bfd"]), ("test", [f"-B{braze_lddir}/"])):
        m = root / f"{case}-{label}.map"
        p = subprocess.run(["gcc", *b, "m.o", "a.o", "-L.", "-lbc", *extra, f"-Wl,-Map,{m}",
                            "-o", f"{case}-{label}.out"], cwd=root, capture_output=True, text=True, env=tool_env())
        assert p.returncode == 0, f"{label}: {p.stderr}"
        maps[label] = m
    bfd = _discarded(maps["bfd"])
    assert any("DW.ref.foo" in ln for ln in bfd)
    assert _discarded(maps["test"]) == bfd
