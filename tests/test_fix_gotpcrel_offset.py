"""Which GOTPCREL(X) references bfd rewrites, by where the field sits and its addend, against ld.bfd:
a reference converts only as the displacement ending an instruction (addend -4) with room for the
opcode and ModRM before it in the section (offset >= 2), and for REX_GOTPCRELX for the REX prefix too
(offset >= 3); at offset 2 a non-REX mov of an absolute symbol in PIC output still becomes `mov $imm`.
Any other addend reads beside the GOT slot, which no rewritten instruction does."""
from __future__ import annotations

import subprocess

import pytest

from harness import tool_env

# one snippet per section, so that each field's section offset is what the name says
_SNIPPETS = {
    "mov2": "movl foo@GOTPCREL(%rip), %eax",
    "mov2abs": "movl absv@GOTPCREL(%rip), %ecx",
    "mov3": "nop; movl foo@GOTPCREL(%rip), %eax",
    "mov3abs": "nop; movl absv@GOTPCREL(%rip), %eax",
    "rex2": ".byte 0x8b, 0x05; .reloc ., R_X86_64_REX_GOTPCRELX, foo-4; .long 0",
    "rex2abs": ".byte 0x8b, 0x05; .reloc ., R_X86_64_REX_GOTPCRELX, absv-4; .long 0",
    "rex2test": ".byte 0x85, 0x05; .reloc ., R_X86_64_REX_GOTPCRELX, foo-4; .long 0",
    "rex2call": ".byte 0xff, 0x15; .reloc ., R_X86_64_REX_GOTPCRELX, foo-4; .long 0",
    "rex3": "movq foo@GOTPCREL(%rip), %rax",
    "rex3abs": "movq absv@GOTPCREL(%rip), %rax",
    "binop2": "addl foo@GOTPCREL(%rip), %eax; testl %ecx, absv@GOTPCREL(%rip)",
    "jmp2": "jmp *foo@GOTPCREL(%rip)",
    "plain2": ".byte 0x8b, 0x05; .reloc ., R_X86_64_GOTPCREL, foo-4; .long 0",
    "plain2add": ".byte 0x8b, 0x05; .reloc ., R_X86_64_GOTPCREL, foo; .long 0",
    "add4": "movl foo@GOTPCREL+4(%rip), %edx; movq foo@GOTPCREL+4(%rip), %rdx",
    "add4abs": "movl absv@GOTPCREL+4(%rip), %edx; call *foo@GOTPCREL+4(%rip)",
    "add8": ".byte 0x8b, 0x05; .reloc ., R_X86_64_GOTPCRELX, foo-8; .long 0",
    "add0abs": ".byte 0x8b, 0x05; .reloc ., R_X86_64_GOTPCREL, absv; .long 0",
}

# the program exits with the upper half of foo's GOT slot, as bfd (which keeps the slot) reads it
_START = """\t.text
\t.globl _start
_start:
\tmovl foo@GOTPCREL+4(%rip), %edi
\tmovl $60, %eax
\tsyscall
\tret
"""


def _asm() -> str:
    parts = [_START]
    for name, code in _SNIPPETS.items():
        parts.append(f'\t.section .text.{name},"ax",@progbits\n\t' + code.replace("; ", "\n\t") + "\n\tret\n")
    parts.append("\t.data\n\t.globl foo\nfoo:\t.long 1\n")
    return "".join(parts)


def _run(cmd, cwd):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, env=tool_env(), timeout=120)
    assert p.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{p.stdout}{p.stderr}"
    return p.stdout


def _shapes(out, cwd) -> dict[str, list[str]]:
    """Per snippet, each instruction's bytes without its trailing 32-bit field
    (displacement or immediate: the layouts and GOT slot order differ) and its mnemonic."""
    dis = _run(["objdump", "-d", "--no-addresses", str(out)], cwd)
    # the snippets follow _start in .text, in input order: split at the ret ending each
    insns = [line.split("\t") for line in dis.splitlines() if "\t" in line and not line.startswith("<")]
    groups, cur = [], []
    for fields in insns:
        raw = fields[1].split()
        mnem = fields[2].split()[0] if len(fields) > 2 and fields[2].strip() else ""
        cur.append(" ".join(raw[:-4] if len(raw) >= 5 else raw) + " " + mnem)
        if raw == ["c3"]:
            groups.append(cur)
            cur = []
    assert len(groups) == 1 + len(_SNIPPETS), dis      # (_start first)
    return dict(zip(_SNIPPETS, groups[1:]))


@pytest.mark.parametrize("mode", ["-pie", "-no-pie", "-shared"])
def test_gotpcrel_conversion_by_offset_and_addend(tmp_path, direct_ld, mode):
    (tmp_path / "a.s").write_text(_asm())
    (tmp_path / "abs.s").write_text("\t.globl absv\n\tabsv = 0x1234\n")
    _run(["as", "--mrelax-relocations=yes", "a.s", "-o", "a.o"], tmp_path)
    _run(["as", "abs.s", "-o", "abs.o"], tmp_path)
    outs = {}
    for name, cmd in (("bfd", ["ld.bfd"]), ("braze", direct_ld)):
        out = tmp_path / f"{name}.out"
        _run([*cmd, mode, "-z", "noseparate-code", "-o", out, "a.o", "abs.o"], tmp_path)
        outs[name] = out
    bfd, braze = _shapes(outs["bfd"], tmp_path), _shapes(outs["braze"], tmp_path)
    if mode != "-shared":
        # bfd's own choices, so that the comparison covers both outcomes at both offsets
        assert bfd["mov2abs"][0].startswith("c7 c1"), bfd["mov2abs"]
        assert bfd["rex2"][0].startswith("8b 05"), bfd["rex2"]
        assert bfd["add4"][0].startswith("8b 15"), bfd["add4"]
    for name in _SNIPPETS:
        assert braze[name] == bfd[name], f"{name} ({_SNIPPETS[name]}): bfd {bfd[name]}, braze {braze[name]}"
    if mode == "-no-pie":
        rcs = {k: subprocess.run([str(v)], capture_output=True, timeout=20).returncode for k, v in outs.items()}
        assert rcs["braze"] == rcs["bfd"], rcs
