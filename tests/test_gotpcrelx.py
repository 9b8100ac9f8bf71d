"""GOTPCRELX relaxation in non-PIC output, against bfd: the converted instruction bytes of every form
bfd rewrites (mov -> mov $imm32, test -> test $imm32, binop -> 81 /n imm32, call/jmp -> direct) and
the program's behaviour, for hand-written assembly and for gcc -fPIE code linked -no-pie."""
from __future__ import annotations

import subprocess

import pytest

from harness import tool_env

# The forms run twice: through the GOT (which the linker rewrites) and with foo's address in %r13
# (from a plain lea). main exits 0 when both give the same checksum, so a wrong immediate shows in the
# exit status as well as in the bytes, independent of where the two linkers put foo.
_ASM = r"""
	.macro forms q, l
	xorl %edx, %edx
	movq \q, %rax
	addq %rax, %rdx
	movl \l, %ecx
	addq %rcx, %rdx
	movq \q, %r9
	addq %r9, %rdx
	movl \l, %r10d
	addq %r10, %rdx
	movq $-1, %rax
	testq %rax, \q
	setne %cl
	movq $-1, %r11
	testq %r11, \q
	setne %bl
	testl %ecx, \l
	movq $1, %rax
	addq \q, %rax
	adcq \q, %rax
	andq \q, %rax
	orq \q, %rax
	sbbq \q, %rax
	movq %rax, %rsi
	movq $7, %r10
	subq \q, %r10
	xorq \q, %r10
	movl $3, %r8d
	addl \l, %r8d
	xorl \l, %r8d
	cmpl \l, %ecx
	adcq %rsi, %rdx
	cmpq \q, %rdx
	adcq %r10, %rdx
	addq %r8, %rdx
	addq %rbx, %rdx
	.endm

	.text
	.globl main
main:
	push %rbx
	push %r12
	push %r13
	push %r14
	leaq foo(%rip), %r13
	forms foo@GOTPCREL(%rip), foo@GOTPCREL(%rip)
	movq %rdx, %r14
	forms %r13, %r13d
	subq %rdx, %r14
	movq abs@GOTPCREL(%rip), %r12
	subq $0x1234, %r12
	orq %r12, %r14
	movq foo@GOTPCREL(%rip), %rax
	movq (%rax), %rax
	movabsq $0x1122334455667788, %rcx
	subq %rcx, %rax
	orq %rax, %r14
	xorl %edx, %edx
	call *func@GOTPCREL(%rip)
	subq $5, %rdx
	orq %rdx, %r14
	setne %al
	movzbl %al, %eax
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	ret
func:
	jmp *func2@GOTPCREL(%rip)
func2:
	addq $5, %rdx
	ret
	.set abs, 0x1234
	.globl abs
	.section .note.GNU-stack,"",@progbits
	.data
	.globl foo
foo: .quad 0x1122334455667788
"""

_C_MAIN = r"""
#include <stdio.h>
extern int counter;
extern int table[4];
int bump(void);
int main(void) { for (int i = 0; i < 3; i++) bump(); printf("%d %d %p\n", counter, table[2], (void *)&counter != 0); return 0; }
"""
_C_LIB = r"""
int counter;
int table[4] = {1, 2, 3, 4};
int bump(void) { return table[counter++ & 3]; }
"""


def _run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=tool_env(), timeout=120)
    assert p.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{p.stdout}{p.stderr}"
    return p.stdout


def _main_bytes(exe, cwd):
    """The instruction bytes of main (and its helpers) in order, without addresses or disassembly text."""
    raw = _run(["objdump", "-d", "--no-addresses", str(exe)], cwd)
    body, keep = [], False
    for line in raw.splitlines():
        if line.startswith("<"):
            keep = line in ("<main>:", "<func>:", "<func2>:")
            continue
        if keep and "\t" in line:
            body.append(line.split("\t")[1].strip())
            if body[-2:] == ["48 83 c2 05", "c3"]:
                break       # func2's ret: what follows is padding (fill patterns differ)
    return body


def _link_both(tmp_path, braze_lddir, objs, flags):
    outs = {}
    for name, ld in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        exe = tmp_path / name
        _run(["gcc", *ld, *flags, *objs, "-o", str(exe)], tmp_path)
        p = subprocess.run([str(exe)], cwd=tmp_path, capture_output=True, text=True, timeout=20)
        outs[name] = (exe, p.returncode, p.stdout)
    return outs


@pytest.mark.parametrize("mode", ["nopie", "static", "pie"])
def test_gotpcrelx_forms_match_bfd(tmp_path, braze_lddir, mode):
    (tmp_path / "t.s").write_text(_ASM)
    _run(["gcc", "-c", "-Wa,-mrelax-relocations=yes", "t.s", "-o", "t.o"], tmp_path)
    flags = {"nopie": ["-no-pie"], "static": ["-no-pie", "-static"], "pie": ["-pie"]}[mode]
    outs = _link_both(tmp_path, braze_lddir, ["t.o"], flags)
    (bexe, brc, bout), (zexe, zrc, zout) = outs["bfd"], outs["braze"]
    assert (zrc, zout) == (brc, bout) == (0, "")
    bfd_bytes, braze_bytes = _main_bytes(bexe, tmp_path), _main_bytes(zexe, tmp_path)
    if mode != "pie":
        # the converted forms are there at all (bfd's choice, not only braze's)
        assert any(b.startswith("48 81 c0 ") for b in bfd_bytes)
        assert any(b.startswith("49 f7 c3 ") for b in bfd_bytes)
    if mode != "nopie":
        # the two linkers' layouts differ here (PIE, static glibc): compare the instructions without
        # their trailing 32-bit field (displacement, immediate or rel32)
        bfd_bytes, braze_bytes = ([b.split()[:-4] if len(b.split()) >= 6 else b.split() for b in bb]
                                  for bb in (bfd_bytes, braze_bytes))
    assert braze_bytes == bfd_bytes


def test_gotpcrelx_pie_objects_nopie_link(tmp_path, braze_lddir):
    (tmp_path / "m.c").write_text(_C_MAIN)
    (tmp_path / "l.c").write_text(_C_LIB)
    for src in ("m.c", "l.c"):
        _run(["gcc", "-O2", "-fPIE", "-fno-plt", "-Wa,-mrelax-relocations=yes", "-c", src], tmp_path)
    outs = _link_both(tmp_path, braze_lddir, ["m.o", "l.o"], ["-no-pie"])
    assert outs["braze"][1:] == outs["bfd"][1:]
    dis = {k: _run(["objdump", "-d", "--no-addresses", str(v[0])], tmp_path) for k, v in outs.items()}
    conv = {k: sorted(l.split("\t")[1].strip() for l in d.splitlines()
                      if "\t" in l and ("$0x" in l and "mov " in l))
            for k, d in dis.items()}
    assert conv["bfd"], "bfd converted no GOT load to an immediate move"
    assert conv["braze"] == conv["bfd"]
