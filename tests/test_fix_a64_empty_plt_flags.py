"""aarch64: a -T script that puts the linker's .plt among other input (Linux's arm64 vDSO:
`.rodata : { *(.rodata*) *(.got) *(.got.plt) *(.plt) ... }`). bfd's dynobj always has a .plt in a
dynamic link; left empty it is stripped, but it was placed first and its flags (AX) are ORed into
that output section: bfd's vDSO .rodata is WAX, braze's was WA. Compared with aarch64 ld.bfd:
the section headers (flags, alignment) of -shared, -pie and PHDRS links, with and without PLT
entries."""
from __future__ import annotations

import shutil
import subprocess

import pytest

PREFIX = "aarch64-linux-gnu-"
SCRIPT = """
SECTIONS
{
	. = SIZEOF_HEADERS;
	.hash		: { *(.hash) }
	.gnu.hash	: { *(.gnu.hash) }
	.dynsym		: { *(.dynsym) }
	.dynstr		: { *(.dynstr) }
	.text		: { *(.text*) }
	.dynamic	: { *(.dynamic) }
	.rela.dyn	: ALIGN(8) { *(.rela .rela*) }
	.rodata		: { *(.rodata*) *(.got) *(.got.plt) *(.plt) *(.plt.*) *(.iplt) *(.igot .igot.plt) }
	.data		: { *(.data*) }
	/DISCARD/	: { *(.eh_frame .note.GNU-stack .note.gnu.property .comment) }
}
"""
# the .got inside .text (Linux's arm64 vmlinux: `.text : { ... *(.got) }`) leaves it AX; a .got.plt
# alone with the .plt's description in .rodata: WAX
SCRIPT2 = """
SECTIONS
{
	. = SIZEOF_HEADERS;
	.hash		: { *(.hash) }
	.dynsym		: { *(.dynsym) }
	.dynstr		: { *(.dynstr) }
	.text		: { *(.text*) *(.got) }
	.dynamic	: { *(.dynamic) }
	.rela.dyn	: ALIGN(8) { *(.rela .rela*) }
	.rodata		: { *(.rodata*) *(.got.plt) *(.plt) *(.plt.*) *(.iplt) *(.igot .igot.plt) }
	.data		: { *(.data*) }
	/DISCARD/	: { *(.eh_frame .note.GNU-stack .note.gnu.property .comment) }
}
"""
G = "extern int w __attribute__((weak));\nint *gw(void) { return &w; }\n"
C = 'static const char msg[] = "hi";\nint get(int i) { return msg[i]; }\n'


def _sections(path) -> list[str]:
    out = subprocess.run(["readelf", "-W", "-S", str(path)], capture_output=True, text=True, check=True).stdout
    return [" ".join(ln.split()) for ln in out.splitlines() if ln.strip().startswith("[")
            and ".strtab" not in ln and ".shstrtab" not in ln and ".symtab" not in ln]


@pytest.mark.parametrize("script", ["rodata", "got-in-text"])
@pytest.mark.parametrize("kind", ["shared", "pie", "exe"])
def test_a64_empty_plt_flags(tmp_path, direct_ld, kind, script):
    if not shutil.which(PREFIX + "gcc") or not shutil.which(PREFIX + "ld.bfd"):
        pytest.skip("no aarch64 toolchain")
    (tmp_path / "v.c").write_text(C if script == "rodata" else G)
    (tmp_path / "v.lds").write_text(SCRIPT if script == "rodata" else SCRIPT2)
    subprocess.run([PREFIX + "gcc", "-O2", "-fPIC", "-c", "v.c"], cwd=tmp_path, check=True)
    args = ["-m", "aarch64linux", {"shared": "-shared", "pie": "-pie", "exe": "-no-pie"}[kind],
            "--hash-style=sysv", "-e", "get", "-T", "v.lds", "v.o"]
    if kind == "exe":
        # (a dynamic executable without imports: a linked-in tiny library makes it dynamic)
        (tmp_path / "l.c").write_text("int lib(void) { return 1; }\n")
        subprocess.run([PREFIX + "gcc", "-shared", "-fPIC", "-fuse-ld=bfd", "-nostdlib", "l.c", "-o", "libl.so"],
                       cwd=tmp_path, check=True)
        args += ["--no-as-needed", "libl.so"]
    pb = subprocess.run([PREFIX + "ld.bfd", *args, "-o", "v.bfd"], cwd=tmp_path, capture_output=True, text=True)
    pm = subprocess.run([*direct_ld, *args, "-o", "v.braze"], cwd=tmp_path, capture_output=True, text=True)
    assert pb.returncode == 0, pb.stderr
    assert pm.returncode == 0, pm.stderr
    sb = _sections(tmp_path / "v.bfd")
    assert any(".rodata" in ln and " WAX " in f" {ln} " for ln in sb), sb
    assert _sections(tmp_path / "v.braze") == sb
