"""x86-64 relocations bfd refuses in PIE and shared outputs that braze linked, against ld.bfd (found
with a matrix of one relocation x symbol kind x -pie/-shared).

- An absolute symbol PIC output binds (an object's local `.set la, 0x55`, a global one in a PIE, a
  hidden one in a library): bfd lets only R_X86_64_64/32/32S/16/8 and GOTPCREL(X) reach it
  (_bfd_elf_x86_valid_reloc_p: "relocation R_X86_64_PC32 against absolute symbol `la' in section
  `.data' is disallowed"). braze checked only a global symbol's PC-relative and GOT references, and
  only in a PIE: a local one's PC32/PLT32, any GOTOFF64/GOTPC32/GOTPC64/SIZE32/SIZE64/PLTOFF64/TLS/NONE
  reference linked.
- A 32-bit (or narrower) absolute field in PIC output: bfd refuses it for an absolute symbol too ("can
  not be used when making a PIE object"); braze let it hold one.
- R_X86_64_GOTOFF64 in PIC output against a symbol this link does not define (undefined, undefined
  weak, a shared library's): bfd refuses it ("against undefined symbol `u' can not be used when making
  a shared object", a PIE's wording too); braze wrote an offset from the GOT to address 0 or to the
  symbol's copy.

Compared: exit status (both refuse, no output file) and the kind of bfd's message."""
from __future__ import annotations

import pytest

from harness import BuildDir

OBJSYMS = """.section .od,"aw"
.globl x
x: .quad 0
.globl z
.set z, 0x4321
.set la, 0x55
.globl ha
.hidden ha
.set ha, 0x66
.weak w
"""
LIB = ".data\n.globl sd\n.type sd,@object\n.size sd,8\nsd: .quad 0\n" \
      ".text\n.globl sf\n.type sf,@function\nsf: ret\n"

ABS32 = [(r, "z", o) for r in ("32", "32S", "16") for o in ("-pie", "-shared")] + \
        [(r, "la", o) for r in ("32", "32S", "16", "8") for o in ("-pie", "-shared")]
ABS_REFS = [(r, "la", o) for r in ("PC32", "PC64", "PC16", "PLT32", "GOTOFF64", "GOTPC32", "SIZE32", "SIZE64")
            for o in ("-pie", "-shared")] + \
           [(r, "z", "-pie") for r in ("GOTOFF64", "GOTPC32", "SIZE32", "SIZE64")] + \
           [(r, "la", "-pie") for r in ("NONE", "PLTOFF64", "GOTPC64", "TPOFF32")] + \
           [(r, "ha", "-shared") for r in ("PC32", "PLT32", "GOTOFF64", "SIZE64")]
GOTOFF_UNDEF = [("GOTOFF64", "u", "-shared"), ("GOTOFF64", "w", "-pie"), ("GOTOFF64", "w", "-shared"),
                ("GOTOFF64", "sd", "-pie"), ("GOTOFF64", "sd", "-shared"), ("GOTOFF64", "sf", "-pie"),
                ("GOTOFF64", "sf", "-shared")]
CASES = [pytest.param(*c, "can not be used", id="abs32-" + "-".join(c)) for c in ABS32] + \
        [pytest.param(*c, "is disallowed", id="absref-" + "-".join(c)) for c in ABS_REFS] + \
        [pytest.param(*c, "against undefined", id="gotoff-" + "-".join(c)) for c in GOTOFF_UNDEF]


@pytest.fixture(scope="module")
def lib(tmp_path_factory, braze_lddir):
    b = BuildDir(tmp_path_factory.mktemp("x86accept-lib"), braze_lddir)
    (b.root / "lib.s").write_text(LIB)
    b.run(["as", "lib.s", "-o", "lib.o"])
    b.run(["ld.bfd", "-shared", "lib.o", "-soname", "lib.so", "-o", "lib.so"])
    return b.root / "lib.so"


@pytest.mark.parametrize("rel,sym,out,what", CASES)
def test_refused_as_bfd(tmp_path, braze_lddir, direct_ld, lib, rel, sym, out, what):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "r.s").write_text(f".data\n.reloc .,R_X86_64_{rel},{sym}\n.quad 0\n{OBJSYMS}")
    b.run(["as", "r.s", "-o", "r.o"])
    got = {}
    for name, cmd in (("bfd", ["ld.bfd"]), ("braze", direct_ld)):
        dest = tmp_path / f"{name}.out"
        p = b.run([*cmd, out, "r.o", str(lib), "-o", dest], check=False)
        got[name] = (p.returncode != 0, dest.exists(), p.stderr)
    bfd_failed, _, bfd_err = got["bfd"]
    assert bfd_failed and what in bfd_err, bfd_err       # (what this case documents)
    failed, exists, err = got["braze"]
    assert failed and not exists, f"braze linked what bfd refuses:\n{bfd_err}"
    assert "Traceback" not in err and f"R_X86_64_{rel}" in err and f"`{sym}'" in err and what in err, err
