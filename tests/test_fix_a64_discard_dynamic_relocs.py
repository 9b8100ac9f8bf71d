"""A -shared link whose script discards the dynamic tables (.dynamic, .dynsym, .dynstr, the hash
tables) while it has dynamic relocations: Linux's arm64 vmlinux (`-shared -Bsymbolic -z notext`,
`/DISCARD/ : { *(.interp .dynamic) *(.dynsym .dynstr .hash .gnu.hash) }`), which applies the
RELATIVE entries of its own .rela.dyn at boot. braze refused ("discarding the linker-made section
.hash is not supported") as soon as there was a dynamic relocation. bfd drops the tables and
still writes .rela.dyn, the GLOB_DAT of an undefined weak symbol (.tmp_vmlinux.kallsyms1's
kallsyms_*) with its index in the discarded .dynsym. Compared with aarch64 ld.bfd: section
headers, and the relocations (offset, type, addend; not the symbol index)."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

PREFIX = "aarch64-linux-gnu-"
SCRIPT = """
SECTIONS
{
	/DISCARD/ : { *(.interp .dynamic) *(.dynsym .dynstr .hash .gnu.hash) *(.gnu.version*) }
	. = 0x10000;
	.text : { _text = .; *(.text*) . = ALIGN(16); *(.got) }
	.got.plt : { *(.got.plt) }
	.rodata : { *(.rodata*) }
	.rela.dyn : ALIGN(8) { __rela_start = .; *(.rela .rela*) __rela_end = .; }
	.data : { *(.data*) }
	.plt : { *(.plt) *(.plt.*) *(.iplt) *(.igot .igot.plt) }
	/DISCARD/ : { *(.eh_frame .note.GNU-stack .note.gnu.property .comment) }
}
"""
C = """
extern char kallsyms_names[] __attribute__((weak));
static int x = 5;
int *px = &x;
const int *cp = &x;
char *get(void) { return kallsyms_names; }
"""


def _sections(path) -> list[str]:
    out = subprocess.run(["readelf", "-W", "-S", "-l", str(path)], capture_output=True, text=True, check=True).stdout
    return [" ".join(ln.split()) for ln in out.splitlines()
            if re.match(r"\s*(\[|LOAD|DYNAMIC)", ln) and "strtab" not in ln and ".symtab" not in ln]


def _relocs(path) -> list[tuple]:
    out = subprocess.run(["readelf", "-W", "-r", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for ln in out.splitlines():
        f = ln.split()
        if len(f) >= 3 and f[2].startswith("R_AARCH64_"):
            # (a GLOB_DAT's symbol: its index in the discarded .dynsym, bfd's hash order: left aside)
            rows.append((f[0], f[2], f[-1] if f[2] != "R_AARCH64_GLOB_DAT" else ""))
    return sorted(rows)


@pytest.mark.parametrize("weak", [False, True])
def test_a64_discard_dynamic_relocs(tmp_path, direct_ld, weak):
    if not shutil.which(PREFIX + "gcc") or not shutil.which(PREFIX + "ld.bfd"):
        pytest.skip("no aarch64 toolchain")
    (tmp_path / "v.c").write_text(C if weak else C.replace("char *get(void) { return kallsyms_names; }", ""))
    (tmp_path / "v.lds").write_text(SCRIPT)
    subprocess.run([PREFIX + "gcc", "-O2", "-fPIC", "-c", "v.c"], cwd=tmp_path, check=True)
    args = ["-m", "aarch64linux", "-shared", "-Bsymbolic", "-z", "notext", "--no-apply-dynamic-relocs",
            "-T", "v.lds", "v.o"]
    pb = subprocess.run([PREFIX + "ld.bfd", *args, "-o", "v.bfd"], cwd=tmp_path, capture_output=True, text=True)
    pm = subprocess.run([*direct_ld, *args, "-o", "v.braze"], cwd=tmp_path, capture_output=True, text=True)
    assert pb.returncode == 0, pb.stderr
    assert pm.returncode == 0, pm.stderr
    rb = _relocs(tmp_path / "v.bfd")
    assert any(t == "R_AARCH64_RELATIVE" for _o, t, _a in rb), rb
    assert _relocs(tmp_path / "v.braze") == rb
    assert _sections(tmp_path / "v.braze") == _sections(tmp_path / "v.bfd")
