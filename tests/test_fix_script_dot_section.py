"""The section of a symbol assigned `.` between output section statements, against ld.bfd.

bfd's section_for_dot: such a symbol belongs to the current section, the last *allocated* output
section the assignments walk entered, or, after an assignment to `.`, to the next section in the
output.  An output section removed as empty is marked ignored (unless its body assigns to `.`) and a
non-allocated one is not allocated: neither becomes current, so a preference for the next section
survives them.  braze made every statement current, so `s = .;` after `. = ALIGN(..)` and an empty
statement went to the section before (a fuzzed default script with `fz_s1 = .;` after .tbss:
.eh_frame where bfd has .init_array).  Values were right; the symbols' sections (st_shndx) differed.
Each case links the same objects with both and compares the symbols' (value, section name)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from elfrows import named_symbol_rows
from harness import tool_env

C = r"""
int d1 = 5; int b1; const int r1 = 7;
extern char s1[], s2[], s3[], s4[];
char *volatile keep[4];
void _start(void) { keep[0] = s1; keep[1] = s2; keep[2] = s3; keep[3] = s4; for (;;) ; }
"""
ASM = '.section .mynote,"",@progbits\n.long 1\n.section .tm,"aw",@progbits\n.section .note.GNU-stack,"",@progbits\n'
HEAD = "SECTIONS {\n  . = 0x400000 + SIZEOF_HEADERS;\n  .text : { *(.text*) }\n"
SCRIPTS = {
    # an empty statement (no input section at all) after `. = ALIGN`: s1 goes to the next section
    "flagless-after-dot": HEAD + """  .rodata : { *(.rodata*) }
  . = ALIGN(0x1000);
  .empty1 : { PROVIDE_HIDDEN(e1 = .); *(.nothing) }
  s1 = .;
  .data : { *(.data*) }
  s2 = .;
  .bss : { *(.bss*) }
  s3 = .; s4 = .;
}
""",
    # removed although an (empty) input section reached it; a non-allocated section with address 0
    "empty-input-and-noalloc": HEAD + """  .rodata : { *(.rodata*) }
  . = ALIGN(0x1000);
  .tm : { *(.tm) }
  s1 = .;
  .data : { *(.data*) }
  . = ALIGN(64);
  .empty2 : { *(.nothing2) }
  s2 = .;
  .mynote 0 : { *(.mynote) }
  s3 = .;
  .bss : { *(.bss*) }
  s4 = .;
  .comment 0 : { *(.comment) }
}
""",
    # the removed section's body assigns to `.`: bfd keeps that one current
    "removed-with-dot": HEAD + """  .rodata : { *(.rodata*) }
  . = ALIGN(0x1000);
  .tm : { *(.tm) . = . ; }
  s1 = .;
  .data : { *(.data*) }
  . = ALIGN(64);
  .empty2 : { *(.nothing2) }
  s2 = .;
  .mynote 0 : { *(.mynote) }
  s3 = .;
  .bss : { *(.bss*) }
  s4 = .;
  .comment 0 : { *(.comment) }
}
""",
    "noalloc-between": HEAD + """  . = ALIGN(0x100);
  .mynote 0 : { *(.mynote) }
  s1 = .;
  .rodata : { *(.rodata*) }
  . = ALIGN(0x1000);
  .empty1 : { e1 = .; }
  s2 = .;
  .data : { *(.data*) }
  .e3 : { *(.nothing) }
  s3 = .;
  .bss : { *(.bss*) }
  . = ALIGN(8);
  s4 = .;
  .comment 0 : { *(.comment) }
}
""",
}
NAMES = ("s1", "s2", "s3", "s4", "e1", "fz_s1")


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("dotsec")
    (d / "a.c").write_text(C)
    (d / "n.s").write_text(ASM)
    (d / "m.c").write_text("#include <stdio.h>\nextern char fz_s1[];\n"
                           "int main(void) { printf(\"%d\\n\", fz_s1 != 0); return 0; }\n")
    env = tool_env()
    for cmd in (["gcc", "-O1", "-c", "-fno-pic", "-fno-asynchronous-unwind-tables", "a.c"], ["as", "n.s", "-o", "n.o"],
                ["gcc", "-O1", "-c", "-fno-pic", "m.c"]):
        subprocess.run(cmd, cwd=d, env=env, check=True, capture_output=True)
    for name, text in SCRIPTS.items():
        (d / f"{name}.ld").write_text(text)
    default = subprocess.run(["ld", "--verbose"], capture_output=True, text=True, check=True,
                             env=env).stdout.split("=" * 50)[1]
    tbss = "  .tbss		  : { *(.tbss .tbss.* .gnu.linkonce.tb.*) *(.tcommon) }\n"
    assert tbss in default
    (d / "default-after-tbss.ld").write_text(default.replace(tbss, tbss + "  fz_s1 = .;\n"))
    return d


@pytest.mark.parametrize("case", [*SCRIPTS, "default-after-tbss"])
def test_script_dot_section(root, braze_lddir, case):
    if case == "default-after-tbss":
        args = ["-no-pie", "m.o", f"-Wl,-T,{case}.ld"]
    else:
        args = ["-nostdlib", "-static", "-no-pie", "a.o", "n.o", f"-Wl,-T,{case}.ld"]
    rows = {}
    for linker in ("bfd", "braze"):
        out = root / f"{case}-{linker}"
        ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{braze_lddir}/"]
        p = subprocess.run(["gcc", *ld, *args, "-o", str(out)], cwd=root, env=tool_env(), capture_output=True,
                           text=True)
        assert p.returncode == 0, p.stderr
        rows[linker] = named_symbol_rows(out, NAMES)
    assert len(rows["bfd"]) >= (1 if case.startswith("default") else 4)
    assert rows["braze"] == rows["bfd"]
