"""Which aarch64 relocations against an IFUNC the output defines bfd resolves, against aarch64 ld.bfd.

bfd resolves ABS64 (an addend is a "has non-zero addend" error), CALL26/JUMP26, the GOT relocations
and ADRP/ADD :lo12: (to the PLT entry); every other one is "isn't handled" (without a PLT entry bfd
crashes on them instead; braze then gives that error).  In PIC output ADRP/ADD link only when an
ABS64, a branch or a GOT reference makes the PLT entry, and a library's ADRP from read-only code to a
preemptible IFUNC is the "recompile with -fPIC" error.  braze linked them all (the fuzzer's
-mcmodel=tiny ADR against an IFUNC wrote the resolver-relative address bfd refuses).  Compared:
whether each link succeeds and bfd's error kind."""
from __future__ import annotations

import subprocess

import pytest

import a64_harness as H
from harness import tool_env

IFUNC = """\t.text
\t.type impl, %function
impl:\tmov w0, #7
\tret
\t.type res, %function
res:\tadr x0, impl
\tret
\t{glob}
\t.type f, %gnu_indirect_function
\t.set f, res
\t.globl _start
_start:\tmov x8, #93
\tmov x0, #0
\tsvc #0
"""

REFS = {"abs64": ".xword f", "abs64add": ".xword f+8", "abs32": ".word f", "prel32": ".word f-.",
        "adr": "adr x0, f", "adrp": "adrp x0, f", "adrp_nc": ".reloc ., R_AARCH64_ADR_PREL_PG_HI21_NC, f; adrp x0, 0",
        "add": "add x0, x0, :lo12:f", "ldst64": "ldr x0, [x0, :lo12:f]", "ldlit": "ldr x0, f", "condbr": "b.eq f",
        "call26": "bl f", "jump26": "b f", "movw_g0": "movz x0, :abs_g0:f", "movw_g1_nc": "movk x0, :abs_g1_nc:f",
        "movw_prel": "movz x0, :prel_g0:f", "got": "adrp x0, :got:f; ldr x0, [x0, :got_lo12:f]",
        "got19": "ldr x0, :got:f"}
# other references in the link: none, a call, a GOT load, a data pointer (each makes the PLT entry)
OTHERS = {"alone": "", "call": "\t.text\n\tbl f\n", "got": "\t.text\n\tadrp x0, :got:f\n\tldr x0, [x0, :got_lo12:f]\n",
          "ptr": "\t.data\n\t.xword f\n"}
MODES = (["-static"], ["-pie"], ["-no-pie"], ["-shared"])


@pytest.fixture(scope="session", autouse=True)
def _cross_tools():
    assert H.have_toolchain(), "the aarch64 cross toolchain is needed (Makefile APT_PKGS)"


def _outcome(cmd, cwd) -> str:
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, env=tool_env(), timeout=120)
    if p.returncode == 0:
        return "ok"
    if p.returncode < 0:
        return "crash"
    assert "Traceback" not in p.stderr, p.stderr
    # (bfd reports a PIC output's ABS32 both as "can not be used" and as "isn't handled")
    for key in ("can not be used when making", "has non-zero addend", "isn't handled"):
        if key in p.stderr:
            return key
    return "error: " + p.stderr.strip()


@pytest.mark.parametrize("local", [False, True], ids=["global", "local"])
@pytest.mark.parametrize("ref", sorted(REFS))
def test_a64_ifunc_reference_support_vs_bfd(tmp_path, direct_ld, ref, local):
    diffs = []
    for sec, fl in ((".text", "ax"), (".data", "aw")):
        for other, other_asm in OTHERS.items():
            if other != "alone" and (local or ref not in ("adrp", "add")):
                continue        # (another file cannot name a local IFUNC; the others fail or link alone)
            src = IFUNC.format(glob="" if local else ".globl f")
            src += f'\t.section {sec},"{fl}"\n\t' + REFS[ref].replace("; ", "\n\t") + "\n" + other_asm
            (tmp_path / "a.s").write_text(src)
            subprocess.run([H.PREFIX + "as", "a.s", "-o", "a.o"], cwd=tmp_path, check=True, env=tool_env())
            for mode in MODES:
                got = {name: _outcome([*cmd, *mode, "-o", f"{name}.out", "a.o"], tmp_path)
                       for name, cmd in (("bfd", [H.PREFIX + "ld.bfd"]), ("braze", direct_ld))}
                want = "isn't handled" if got["bfd"] == "crash" else got["bfd"]
                if got["braze"] != want:
                    diffs.append(f"{sec} {other} {mode[0]}: bfd {got['bfd']!r}, braze {got['braze']!r}")
    assert not diffs, "\n".join(diffs)
