"""SECTIONS scripts on aarch64 are refused until braze's layout engine is checked against aarch64 bfd
(its dynamic layouts with bfd's own aarch64 script still differ: section symbols in .dynsym, .plt's entry
size, TLS relaxation). Each way a SECTIONS script reaches a link — -T, an INSERT script, a script given as
an input file — must give `braze: error:` naming the script, exit 1, no output; bfd links all three
(checked, so the case is real). The script-less link of the same objects still works."""
from __future__ import annotations

import shutil

import pytest

from harness import run_cmd

GCC = "aarch64-linux-gnu-gcc"
SCRIPTS = {
    "plain.ld": "SECTIONS\n{\n  . = 0x400000 + SIZEOF_HEADERS;\n  .text : { *(.text .text.*) }\n"
                "  .data : { *(.data .data.*) }\n  .bss : { *(.bss .bss.*) *(COMMON) }\n}\n",
    "ins.ld": "SECTIONS { .mine : { *(.mine) } } INSERT AFTER .data;\n",
    "tail.ld": "SECTIONS { .mine : { *(.mine) } }\n",
}
WAYS = {"T": ["-static", "-nostdlib", "-Wl,-e,main", "-Wl,-T,plain.ld"], "insert": ["-Wl,-T,ins.ld"], "input": ["tail.ld"],
        # bfd's own default script, OUTPUT_FORMAT(elf64-littleaarch64) first: braze said it writes only
        # elf64-x86-64 (the refusal must be the SECTIONS one)
        "default": ["-Wl,-T,default.ld"]}


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    if not shutil.which(GCC):
        pytest.fail(f"{GCC} is missing (make deps installs it)")
    d = tmp_path_factory.mktemp("a64scripts")
    (d / "m.c").write_text('__attribute__((section(".mine"))) int mine = 3;\nint main(void) { return mine - 3; }\n')
    for name, text in SCRIPTS.items():
        (d / name).write_text(text)
    verbose = run_cmd(["aarch64-linux-gnu-ld.bfd", "--verbose"], d).stdout.splitlines()
    marks = [i for i, line in enumerate(verbose) if line.startswith("=====")]
    (d / "default.ld").write_text("\n".join(verbose[marks[0] + 1:marks[1]]) + "\n")
    run_cmd([GCC, "-c", "-O1", "m.c"], d)
    return d


@pytest.mark.parametrize("way", sorted(WAYS))
def test_aarch64_sections_script_refused(work, braze_lddir, way):
    flags = WAYS[way]
    nostart = ["-nostartfiles"] if way == "T" else []
    p = run_cmd([GCC, "-fuse-ld=bfd", *nostart, "m.o", *flags, "-o", f"bfd-{way}"], work, check=False)
    assert p.returncode == 0, p.stderr
    out = work / f"braze-{way}"
    p = run_cmd([GCC, f"-B{braze_lddir}/", *nostart, "m.o", *flags, "-o", out], work, check=False)
    assert p.returncode != 0
    assert "braze: error:" in p.stderr and "SECTIONS scripts" in p.stderr and "aarch64" in p.stderr, p.stderr
    assert "Traceback" not in p.stderr and not out.exists()


def test_aarch64_without_script_links(work, braze_lddir):
    p = run_cmd([GCC, f"-B{braze_lddir}/", "m.o", "-o", "plain"], work, check=False)
    assert p.returncode == 0, p.stderr
