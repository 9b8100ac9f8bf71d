"""--orphan-handling=warn in a -shared link laid out by a -T SECTIONS script with PHDRS: Linux's
arm64 vDSO (`-shared -Bsymbolic --build-id=sha1 --orphan-handling=warn -T vdso.lds`) and arm64
vmlinux (-shared under CONFIG_RELOCATABLE). braze refused the option for every aarch64 link and
for any -shared one; bfd's linker-made sections (made in the first input object) are not
orphans when the script places or discards a superset of them (as for -pie,
scriptlayout._check_pie_dynobj_placed), so the warnings are those of the input orphans, compared
with ld.bfd (aarch64 and x86-64)."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

SCRIPT = """
SECTIONS
{
	. = SIZEOF_HEADERS;
	.hash		: { *(.hash) }			:text
	.gnu.hash	: { *(.gnu.hash) }
	.dynsym		: { *(.dynsym) }
	.dynstr		: { *(.dynstr) }
	.gnu.version	: { *(.gnu.version) }
	.gnu.version_d	: { *(.gnu.version_d) }
	.gnu.version_r	: { *(.gnu.version_r) }
	/DISCARD/	: { *(.note.GNU-stack .note.gnu.property) }
	.note		: { *(.note.*) }		:text	:note
	. = ALIGN(16);
	.text		: { *(.text*) }			:text
	.dynamic	: { *(.dynamic) }		:text	:dynamic
	.rela.dyn	: ALIGN(8) { *(.rela .rela*) }
	.rodata		: { *(.rodata*) *(.got) *(.got.plt) *(.plt) *(.plt.*) *(.iplt) *(.igot .igot.plt) }	:text
	_end = .;
	/DISCARD/	: { *(.data .data.* .sdata*) *(.bss .sbss .dynbss .dynsbss) *(.eh_frame .eh_frame_hdr .sframe) }
}
PHDRS
{
	text		PT_LOAD		FLAGS(5) FILEHDR PHDRS;
	dynamic		PT_DYNAMIC	FLAGS(4);
	note		PT_NOTE		FLAGS(4);
}
VERSION { V_1 { global: get; local: *; }; }
"""
C = 'static const char msg[] = "hi";\nint get(int i) { return msg[i]; }\n'
ASM = '\t.section .mysec,"a"\n\t.quad 0\n\t.section .note.x,"a",%note\n\t.long 4,4,1\n\t.asciz "abc"\n\t.long 0\n'
ARCH = {"aarch64": ("aarch64-linux-gnu-", "aarch64linux", "aarch64-linux-gnu-ld.bfd"),
        "x86_64": ("", "elf_x86_64", "ld.bfd")}


def _warnings(stderr: str) -> list[str]:
    return [re.sub(r"^\S+: warning: ", "", ln) for ln in stderr.splitlines() if "orphan section" in ln]


def _layout(path) -> list[str]:
    """Section name, type, address, offset, size, and the program headers. (Left aside: the
    output section's flags and alignment, where bfd ORs in those of its empty linker-made .got and
    .plt (aarch64 .rodata WAX, x86-64 alignment 16) and braze does not.)"""
    out = subprocess.run(["readelf", "-W", "-S", "-l", str(path)], capture_output=True, text=True,
                         check=True).stdout
    rows = []
    for ln in out.splitlines():
        m = re.match(r"\s*\[\s*\d+\] (\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", ln)
        if m:
            rows.append(" ".join(m.groups()))
        elif ln.strip().startswith(("LOAD", "DYNAMIC", "NOTE")):
            rows.append(" ".join(ln.split()))
    return rows


@pytest.mark.parametrize("arch", sorted(ARCH))
def test_orphan_warn_shared_script(tmp_path, direct_ld, arch):
    prefix, emul, bfd = ARCH[arch]
    if not shutil.which(prefix + "gcc") or not shutil.which(bfd):
        pytest.skip(f"no {arch} toolchain")
    (tmp_path / "v.c").write_text(C)
    (tmp_path / "w.s").write_text(ASM.replace("%note", "@note") if arch == "x86_64" else ASM)
    (tmp_path / "v.lds").write_text(SCRIPT)
    subprocess.run([prefix + "gcc", "-O2", "-fPIC", "-c", "v.c", "w.s"], cwd=tmp_path, check=True)
    args = ["-m", emul, "-shared", "-soname=linux-vdso.so.1", "--hash-style=sysv", "-Bsymbolic",
            "--build-id=sha1", "--orphan-handling=warn", "-T", "v.lds", "v.o", "w.o"]
    pb = subprocess.run([bfd, *args, "-o", "v.bfd"], cwd=tmp_path, capture_output=True, text=True)
    pm = subprocess.run([*direct_ld, *args, "-o", "v.braze"], cwd=tmp_path, capture_output=True, text=True)
    assert pb.returncode == 0, pb.stderr
    assert pm.returncode == 0, pm.stderr
    assert "Traceback" not in pm.stderr
    wb = _warnings(pb.stderr)
    assert wb == ["orphan section `.comment' from `v.o' being placed in section `.comment'",
                  "orphan section `.mysec' from `w.o' being placed in section `.mysec'"]
    assert _warnings(pm.stderr) == wb
    assert _layout(tmp_path / "v.braze") == _layout(tmp_path / "v.bfd")
