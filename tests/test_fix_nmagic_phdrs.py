"""-n/--nmagic with a -T script's PHDRS, in a -shared link (Linux's arm64 vDSO: `-shared ... -n -T
vdso.lds`): braze refused -n for aarch64 and with -shared or PHDRS on any target. With the
script's segments bfd's unpaged layout only changes each PT_LOAD: p_align is its largest section
alignment (not the page size) and file offsets are congruent to the address modulo that.
Compared with ld.bfd (aarch64 and x86-64): section and program headers, and the bytes of the
vDSO-like link."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

VDSO = """
SECTIONS
{
	. = SIZEOF_HEADERS;
	.hash		: { *(.hash) }			:text
	.gnu.hash	: { *(.gnu.hash) }
	.dynsym		: { *(.dynsym) }
	.dynstr		: { *(.dynstr) }
	.gnu.version	: { *(.gnu.version) }
	.gnu.version_d	: { *(.gnu.version_d) }
	.note		: { *(.note.*) }		:text	:note
	. = ALIGN(16);
	.text		: { *(.text*) }			:text
	.dynamic	: { *(.dynamic) }		:text	:dynamic
	.rela.dyn	: ALIGN(8) { *(.rela .rela*) }
	.rodata		: { *(.rodata*) }	:text
	/DISCARD/	: { *(.data .data.* .bss .eh_frame .sframe .note.GNU-stack .note.gnu.property .comment) }
}
PHDRS
{
	text		PT_LOAD		FLAGS(5) FILEHDR PHDRS;
	dynamic		PT_DYNAMIC	FLAGS(4);
	note		PT_NOTE		FLAGS(4);
}
VERSION { V_1 { global: get; local: *; }; }
"""
TWO = """
SECTIONS {
  . = SIZEOF_HEADERS;
  .hash : { *(.hash) } :text
  .dynsym : { *(.dynsym) }
  .dynstr : { *(.dynstr) }
  .text : { *(.text*) } :text
  .dynamic : { *(.dynamic) } :data :dynamic
  .data : { *(.data*) *(.got*) } :data
  .rela.dyn : { *(.rela*) }
  /DISCARD/ : { *(.eh_frame .sframe .note.GNU-stack .note.gnu.property .comment) }
}
PHDRS { text PT_LOAD FLAGS(5) FILEHDR PHDRS; data PT_LOAD FLAGS(6); dynamic PT_DYNAMIC FLAGS(4); }
"""
C = 'static const char msg[] = "hi";\nint get(int i) { return msg[i]; }\n'
ASM = '\t.data\n\t.p2align 6\nbig: .quad big\n'
ARCH = {"aarch64": ("aarch64-linux-gnu-", "aarch64linux", "aarch64-linux-gnu-ld.bfd"),
        "x86_64": ("", "elf_x86_64", "ld.bfd")}


def _headers(path) -> list[str]:
    out = subprocess.run(["readelf", "-W", "-S", "-l", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return [" ".join(ln.split()) for ln in out.splitlines()
            if re.match(r"\s*(\[|LOAD|DYNAMIC|NOTE)", ln)]


@pytest.mark.parametrize("script", ["vdso", "two-loads"])
@pytest.mark.parametrize("arch", sorted(ARCH))
def test_nmagic_phdrs_shared(tmp_path, direct_ld, arch, script):
    prefix, emul, bfd = ARCH[arch]
    if not shutil.which(prefix + "gcc") or not shutil.which(bfd):
        pytest.skip(f"no {arch} toolchain")
    (tmp_path / "v.c").write_text(C)
    (tmp_path / "x.s").write_text(ASM)
    (tmp_path / "v.lds").write_text(VDSO if script == "vdso" else TWO)
    subprocess.run([prefix + "gcc", "-O2", "-fPIC", "-c", "v.c", "x.s"], cwd=tmp_path, check=True)
    args = ["-m", emul, "-shared", "-soname=linux-vdso.so.1", "--hash-style=sysv", "-Bsymbolic", "-n",
            "-T", "v.lds", "v.o", "x.o"]
    pb = subprocess.run([bfd, *args, "-o", "v.bfd"], cwd=tmp_path, capture_output=True, text=True)
    pm = subprocess.run([*direct_ld, *args, "-o", "v.braze"], cwd=tmp_path, capture_output=True, text=True)
    assert pb.returncode == 0, pb.stderr
    assert pm.returncode == 0, pm.stderr
    hb = _headers(tmp_path / "v.bfd")
    assert any(ln.startswith("LOAD") and not ln.endswith("0x1000") and not ln.endswith("0x10000")
               and not ln.endswith("0x200000") for ln in hb), hb
    assert _headers(tmp_path / "v.braze") == hb
