"""Which x86-64 relocations against an IFUNC the output defines bfd resolves, against ld.bfd.

bfd resolves only the GOT loads and the references that can take the IFUNC's PLT entry address
(PC32, PC64, PLT32, 32, 32S, and 64 without an addend); PLTOFF64, GOTOFF64, GOT32/64, GOTPLT64,
PC16/PC8, 16/8, SIZE32/64 are "isn't supported" errors, a 64 one with an addend "has non-zero
addend". A PC32/PC64/32 reference from writable data gives no PLT entry, so in an executable it
links only when another reference (a call, code or read-only data) makes one.  braze linked them all
and wrote values (the fuzzer's -mcmodel=large -fPIE call, PLTOFF64, went to the IFUNC's resolver
address arithmetic bfd refuses).  Compared: whether each link succeeds and bfd's error kind."""
from __future__ import annotations

import subprocess

import pytest

from harness import tool_env

IFUNC = """\t.text
\t.type impl, @function
impl:\tmov $7, %eax
\tret
\t.type res, @function
res:\tlea impl(%rip), %rax
\tret
\t{glob}
\t.type f, @gnu_indirect_function
\t.set f, res
\t.globl _start
_start:\tmov $60, %eax
\txor %edi, %edi
\tsyscall
"""

REFS = {"pltoff64": ".quad f@PLTOFF", "gotoff64": ".quad f@GOTOFF", "got64": ".quad f@GOT",
        "gotplt64": ".quad f@GOTPLT", "gotpcrel64": ".quad f@GOTPCREL", "got32": ".long f@GOT",
        "gotpcrel": ".long f@GOTPCREL", "plt32": ".long f@PLT", "16": ".word f", "8": ".byte f",
        "pc16": ".word f-.", "pc8": ".byte f-.", "size32": ".long f@SIZE", "pc64": ".quad f-.",
        "pc32": ".long f-.", "32": ".long f", "32s": ".reloc ., R_X86_64_32S, f; .long 0", "64": ".quad f",
        "64add": ".quad f+8", "none": ".reloc ., R_X86_64_NONE, f; .long 0"}   # (bfd skips an empty section's)
# other references in the link: none, a call (a PLT entry), a GOT load (no PLT entry)
OTHERS = {"alone": "", "call": "\t.text\n\tcall f\n", "got": "\t.text\n\tmov f@GOTPCREL(%rip), %rax\n"}
MODES = (["-static"], ["-pie"], ["-no-pie"], ["-shared"])


def _outcome(cmd, cwd) -> str:
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, env=tool_env(), timeout=120)
    if p.returncode == 0:
        return "ok"
    assert "Traceback" not in p.stderr, p.stderr
    for key in ("isn't supported", "has non-zero addend", "can not be used when making"):
        if key in p.stderr:
            return key
    return "error: " + p.stderr.strip()


@pytest.mark.parametrize("local", [False, True], ids=["global", "local"])
@pytest.mark.parametrize("ref", sorted(REFS))
def test_ifunc_reference_support_vs_bfd(tmp_path, direct_ld, ref, local):
    diffs, outcomes = [], set()
    for sec, fl in ((".text", "ax"), (".data", "aw"), (".rodata", "a")):
        for other, other_asm in OTHERS.items():
            if other != "alone" and (local or ref not in ("pc32", "pc64", "32", "32s", "64")):
                continue        # (another file cannot name a local IFUNC; the others fail or link alone)
            src = IFUNC.format(glob="" if local else ".globl f")
            src += f'\t.section {sec},"{fl}"\n\t' + REFS[ref].replace("; ", "\n\t") + "\n" + other_asm
            (tmp_path / "a.s").write_text(src)
            subprocess.run(["as", "a.s", "-o", "a.o"], cwd=tmp_path, check=True, env=tool_env())
            for mode in MODES:
                got = {name: _outcome([*cmd, *mode, "-o", f"{name}.out", "a.o"], tmp_path)
                       for name, cmd in (("bfd", ["ld.bfd"]), ("braze", direct_ld))}
                outcomes.add(got["bfd"])
                if got["braze"] != got["bfd"]:
                    diffs.append(f"{sec} {other} {mode[0]}: bfd {got['bfd']!r}, braze {got['braze']!r}")
    assert not diffs, "\n".join(diffs)
    if ref in ("pltoff64", "gotoff64", "got32", "pc16") or ref == "size32" and not local:
        assert outcomes == {"isn't supported"}, outcomes     # (bfd's own: these always fail)
