"""aarch64 (AArch64 Linux, glibc): relocation formulas (AArch64 ELF psABI), GOT/PLT needs, bfd's TLS
relaxations (TLSDESC/GD -> IE/LE, IE -> LE), its PLT0/PLT entry code, and the target's constants.

scan_section() decides what each relocation needs before layout; apply_relocs() writes the values
after layout. The generic symbol helpers (sym_addr, plt_addr, is_preemptible, local_sym) are the
ones the x86-64 back end uses. Everything aarch64-specific lives in this module.
"""
from __future__ import annotations

import _struct as struct
TYPE_CHECKING = False
if TYPE_CHECKING:     # (no `typing` at run time)
    from typing import Any, Final
    from mypy_extensions import i64     # (mypyc: native 64-bit arithmetic where annotated)

from .. import diag
from ..diag import LinkError
from ..elf import SHN_ABS, STB_LOCAL, STT_SECTION, STT_FUNC, STT_GNU_IFUNC, SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR
from ..elf import SHT_RELA, StructError
from ..elf import GNU_PROPERTY_1_NEEDED, GNU_PROPERTY_1_NEEDED_INDIRECT_EXTERN_ACCESS
from ..inputs.object import InputSection
from ..sections import merged_offset
from ..symbols import (Symbol, ScriptDefs, NONE, SHARED, COMMON, NEEDS_GOT, NEEDS_PLT, NEEDS_GOTTP, NEEDS_TLSGD,
                       NEEDS_TLSDESC, NEEDS_COPY, NEEDS_CPLT, NEEDS_DYNSYM)
from ..address import local_sym, sym_addr, plt_addr, is_preemptible, has_plt
from .base import Target
from .common import _need, _textrel, _discarded_value, _VIS_WORD, _copy_or_cplt
from ..relvalues import (u32, u64, s64, rela_source, rela_bytes, RawRelas, RelocValues, reloc_values, fill_values,
                         K_NEW, K_VAL, many_relocations)
from ..synthetic.rela import DynReloc, RelativeReloc, NoneReloc, AssignedReloc

# ---------------------------------------------------------------- target constants
EM_AARCH64 = 183
NAME = "aarch64"
EMULATION = "aarch64linux"
IMAGE_BASE = 0x400000
MAX_PAGE_SIZE = 0x10000          # bfd's aarch64 ELF_MAXPAGESIZE
COMMON_PAGE_SIZE = 0x1000
SEPARATE_CODE = False            # bfd's aarch64linux script: text and rodata share one R+X segment
INTERP = "/lib/ld-linux-aarch64.so.1"
LIB_DIRS = ["/usr/local/lib/aarch64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
            "/usr/local/lib", "/lib", "/usr/lib", "/usr/aarch64-linux-gnu/lib"]
INIT_ENTRY = "_rt0_arm64_linux_lib"
EXTRA_LINKER_SYMS = ("__bss_start__", "_bss_end__", "__bss_end__", "__end__")   # in its default script
TCB_SIZE = 16                    # TLS variant I: tp points at a 16-byte TCB, the TLS block follows it
PLT0_SIZE = 32
PLT_ENTRY_SIZE = 16
TLSDESC_TRAMP_SIZE = 32

# ---------------------------------------------------------------- relocation numbers
# (one Final each: mypyc compiles a comparison with a Final constant natively; any other module
# name is a dictionary lookup at every use)
R_NONE: Final = 0
R_ABS64: Final = 257
R_ABS32: Final = 258
R_ABS16: Final = 259
R_PREL64: Final = 260
R_PREL32: Final = 261
R_PREL16: Final = 262
R_MOVW_UABS_G0: Final = 263
R_MOVW_UABS_G0_NC: Final = 264
R_MOVW_UABS_G1: Final = 265
R_MOVW_UABS_G1_NC: Final = 266
R_MOVW_UABS_G2: Final = 267
R_MOVW_UABS_G2_NC: Final = 268
R_MOVW_UABS_G3: Final = 269
R_MOVW_SABS_G0: Final = 270
R_MOVW_SABS_G1: Final = 271
R_MOVW_SABS_G2: Final = 272
R_LD_PREL_LO19: Final = 273
R_ADR_PREL_LO21: Final = 274
R_ADR_PREL_PG_HI21: Final = 275
R_ADR_PREL_PG_HI21_NC: Final = 276
R_ADD_ABS_LO12_NC: Final = 277
R_LDST8_ABS_LO12_NC: Final = 278
R_TSTBR14: Final = 279
R_CONDBR19: Final = 280
R_JUMP26: Final = 282
R_CALL26: Final = 283
R_LDST16_ABS_LO12_NC: Final = 284
R_LDST32_ABS_LO12_NC: Final = 285
R_LDST64_ABS_LO12_NC: Final = 286
R_MOVW_PREL_G0: Final = 287
R_MOVW_PREL_G0_NC: Final = 288
R_MOVW_PREL_G1: Final = 289
R_MOVW_PREL_G1_NC: Final = 290
R_MOVW_PREL_G2: Final = 291
R_MOVW_PREL_G2_NC: Final = 292
R_MOVW_PREL_G3: Final = 293
R_LDST128_ABS_LO12_NC: Final = 299
R_GOT_LD_PREL19: Final = 309
R_LD64_GOTOFF_LO15: Final = 310
R_ADR_GOT_PAGE: Final = 311
R_LD64_GOT_LO12_NC: Final = 312
R_LD64_GOTPAGE_LO15: Final = 313
R_TLSGD_ADR_PAGE21: Final = 513
R_TLSGD_ADD_LO12_NC: Final = 514
R_TLSLD_ADR_PAGE21: Final = 518
R_TLSLD_ADD_LO12_NC: Final = 519
R_TLSLD_MOVW_DTPREL_G2: Final = 523
R_TLSLD_MOVW_DTPREL_G1: Final = 524
R_TLSLD_MOVW_DTPREL_G1_NC: Final = 525
R_TLSLD_MOVW_DTPREL_G0: Final = 526
R_TLSLD_MOVW_DTPREL_G0_NC: Final = 527
R_TLSLD_ADD_DTPREL_HI12: Final = 528
R_TLSLD_ADD_DTPREL_LO12: Final = 529
R_TLSLD_ADD_DTPREL_LO12_NC: Final = 530
R_TLSLD_LDST8_DTPREL_LO12: Final = 531
R_TLSLD_LDST8_DTPREL_LO12_NC: Final = 532
R_TLSLD_LDST16_DTPREL_LO12: Final = 533
R_TLSLD_LDST16_DTPREL_LO12_NC: Final = 534
R_TLSLD_LDST32_DTPREL_LO12: Final = 535
R_TLSLD_LDST32_DTPREL_LO12_NC: Final = 536
R_TLSLD_LDST64_DTPREL_LO12: Final = 537
R_TLSLD_LDST64_DTPREL_LO12_NC: Final = 538
R_TLSLD_LDST128_DTPREL_LO12: Final = 572
R_TLSLD_LDST128_DTPREL_LO12_NC: Final = 573
R_TLSIE_ADR_GOTTPREL_PAGE21: Final = 541
R_TLSIE_LD64_GOTTPREL_LO12_NC: Final = 542
R_TLSIE_LD_GOTTPREL_PREL19: Final = 543
R_TLSLE_MOVW_TPREL_G2: Final = 544
R_TLSLE_MOVW_TPREL_G1: Final = 545
R_TLSLE_MOVW_TPREL_G1_NC: Final = 546
R_TLSLE_MOVW_TPREL_G0: Final = 547
R_TLSLE_MOVW_TPREL_G0_NC: Final = 548
R_TLSLE_ADD_TPREL_HI12: Final = 549
R_TLSLE_ADD_TPREL_LO12: Final = 550
R_TLSLE_ADD_TPREL_LO12_NC: Final = 551
R_TLSLE_LDST8_TPREL_LO12: Final = 552
R_TLSLE_LDST8_TPREL_LO12_NC: Final = 553
R_TLSLE_LDST16_TPREL_LO12: Final = 554
R_TLSLE_LDST16_TPREL_LO12_NC: Final = 555
R_TLSLE_LDST32_TPREL_LO12: Final = 556
R_TLSLE_LDST32_TPREL_LO12_NC: Final = 557
R_TLSLE_LDST64_TPREL_LO12: Final = 558
R_TLSLE_LDST64_TPREL_LO12_NC: Final = 559
R_TLSDESC_ADR_PAGE21: Final = 562
R_TLSDESC_LD64_LO12: Final = 563
R_TLSDESC_ADD_LO12: Final = 564
R_TLSDESC_LDR: Final = 567
R_TLSDESC_ADD: Final = 568
R_TLSDESC_CALL: Final = 569
R_TLSLE_LDST128_TPREL_LO12: Final = 570
R_TLSLE_LDST128_TPREL_LO12_NC: Final = 571
# dynamic
R_COPY: Final = 1024
R_GLOB_DAT: Final = 1025
R_JUMP_SLOT: Final = 1026
R_RELATIVE: Final = 1027
R_TLS_DTPMOD: Final = 1028
R_TLS_DTPREL: Final = 1029
R_TLS_TPREL: Final = 1030
R_TLSDESC: Final = 1031
R_IRELATIVE: Final = 1032

NAMES = {v: k for k, v in globals().items() if k.startswith("R_") and isinstance(v, int)}



def rname(t: int) -> str:
    return "R_AARCH64_" + NAMES[t][2:] if t in NAMES else f"type {t}"


# ---------------------------------------------------------------- instruction encodings
NOP = 0xd503201f
MOVZ_X = 0xd2a00000          # movz xN, #imm16, lsl #16  (bfd's IE/TLSDESC -> LE first word)
MOVK_X = 0xf2800000          # movk xN, #imm16
LDR_X0 = 0xf9400000          # ldr x0, [x0, #imm]
MRS_X1_TPIDR = 0xd53bd041    # mrs x1, tpidr_el0
ADD_X0_X1_X0 = 0x8b000020    # add x0, x1, x0

_u32 = struct.Struct("<I")
_get = _u32.unpack_from
_put = _u32.pack_into
_pack_Q = struct.Struct("<Q").pack_into

# bits of the immediate a load/store's ABS_LO12 (and TPREL_LO12) relocation drops: the access size
_LDST_SHIFT = {R_LDST8_ABS_LO12_NC: 0, R_LDST16_ABS_LO12_NC: 1, R_LDST32_ABS_LO12_NC: 2,
               R_LDST64_ABS_LO12_NC: 3, R_LDST128_ABS_LO12_NC: 4}
_TLSLE_LDST_SHIFT = {R_TLSLE_LDST8_TPREL_LO12: 0, R_TLSLE_LDST8_TPREL_LO12_NC: 0,
                     R_TLSLE_LDST16_TPREL_LO12: 1, R_TLSLE_LDST16_TPREL_LO12_NC: 1,
                     R_TLSLE_LDST32_TPREL_LO12: 2, R_TLSLE_LDST32_TPREL_LO12_NC: 2,
                     R_TLSLE_LDST64_TPREL_LO12: 3, R_TLSLE_LDST64_TPREL_LO12_NC: 3,
                     R_TLSLE_LDST128_TPREL_LO12: 4, R_TLSLE_LDST128_TPREL_LO12_NC: 4}
# MOVW: (shift, checked, signed)
_MOVW_UABS = {R_MOVW_UABS_G0: (0, True), R_MOVW_UABS_G0_NC: (0, False), R_MOVW_UABS_G1: (16, True),
              R_MOVW_UABS_G1_NC: (16, False), R_MOVW_UABS_G2: (32, True), R_MOVW_UABS_G2_NC: (32, False),
              R_MOVW_UABS_G3: (48, False)}
_MOVW_SABS = {R_MOVW_SABS_G0: 0, R_MOVW_SABS_G1: 16, R_MOVW_SABS_G2: 32}
_MOVW_PREL = {R_MOVW_PREL_G0: (0, True), R_MOVW_PREL_G0_NC: (0, False), R_MOVW_PREL_G1: (16, True),
              R_MOVW_PREL_G1_NC: (16, False), R_MOVW_PREL_G2: (32, True), R_MOVW_PREL_G2_NC: (32, False),
              R_MOVW_PREL_G3: (48, True)}
_TLSLE_MOVW = {R_TLSLE_MOVW_TPREL_G2: (32, True), R_TLSLE_MOVW_TPREL_G1: (16, True),
               R_TLSLE_MOVW_TPREL_G1_NC: (16, False), R_TLSLE_MOVW_TPREL_G0: (0, True),
               R_TLSLE_MOVW_TPREL_G0_NC: (0, False)}


# TLSLD DTPREL forms (an offset in the module's TLS block): the MOVW groups (shift, checked), the
# load/store immediates' access-size shift (checked forms: the even numbers below 539, 572)
_DTPREL_MOVW = {R_TLSLD_MOVW_DTPREL_G2: (32, True), R_TLSLD_MOVW_DTPREL_G1: (16, True),
                R_TLSLD_MOVW_DTPREL_G1_NC: (16, False), R_TLSLD_MOVW_DTPREL_G0: (0, True),
                R_TLSLD_MOVW_DTPREL_G0_NC: (0, False)}
_DTPREL_LDST = {R_TLSLD_LDST8_DTPREL_LO12: (0, True), R_TLSLD_LDST8_DTPREL_LO12_NC: (0, False),
                R_TLSLD_LDST16_DTPREL_LO12: (1, True), R_TLSLD_LDST16_DTPREL_LO12_NC: (1, False),
                R_TLSLD_LDST32_DTPREL_LO12: (2, True), R_TLSLD_LDST32_DTPREL_LO12_NC: (2, False),
                R_TLSLD_LDST64_DTPREL_LO12: (3, True), R_TLSLD_LDST64_DTPREL_LO12_NC: (3, False),
                R_TLSLD_LDST128_DTPREL_LO12: (4, True), R_TLSLD_LDST128_DTPREL_LO12_NC: (4, False)}
_DTPREL = frozenset(list(_DTPREL_MOVW) + list(_DTPREL_LDST) +
                    [R_TLSLD_ADD_DTPREL_HI12, R_TLSLD_ADD_DTPREL_LO12, R_TLSLD_ADD_DTPREL_LO12_NC])
ADD_X0_X0_16 = 0x91004000    # add x0, x0, #16 (TCB_SIZE): bfd's LD -> LE second word
MRS_X0_TPIDR = 0xd53bd040    # mrs x0, tpidr_el0


def page(x: int) -> int:
    return x & ~0xfff


def _wrap(v: int) -> int:
    """A PC-relative value as bfd computes it: in 64-bit arithmetic, then read as signed (a symbol at
    the top of the address space, such as a script's `. - ADDR(.data)` below zero, is near code)."""
    v &= 0xffffffffffffffff
    return v - 0x10000000000000000 if v >> 63 else v


def set_adr_imm(insn: int, imm: int) -> int:
    """ADR/ADRP: the 21-bit immediate split into immlo (bits 29-30) and immhi (bits 5-23)."""
    imm &= 0x1fffff
    return (insn & 0x9f00001f) | ((imm & 3) << 29) | ((imm >> 2) << 5)


def set_imm12(insn: int, imm: int) -> int:
    return (insn & 0xffc003ff) | ((imm & 0xfff) << 10)


def set_imm16(insn: int, imm: int) -> int:
    return (insn & 0xffe0001f) | ((imm & 0xffff) << 5)


def set_imm19(insn: int, imm: int) -> int:
    return (insn & 0xff00001f) | ((imm & 0x7ffff) << 5)


def set_imm14(insn: int, imm: int) -> int:
    return (insn & 0xfff8001f) | ((imm & 0x3fff) << 5)


def set_imm26(insn: int, imm: int) -> int:
    return (insn & 0xfc000000) | (imm & 0x3ffffff)


def _movw_signed(insn: int, v: int, shift: int) -> int:
    """A signed MOVW group: MOVZ for v >= 0, MOVN of ~v otherwise (the psABI's rule)."""
    if v >= 0:
        return set_imm16(insn | 0x40000000, v >> shift)          # opc = 10: MOVZ
    return set_imm16(insn & ~0x60000000, (~v) >> shift)         # opc = 00: MOVN


# ---------------------------------------------------------------- PLT code (bfd's)

def write_plt0(buf, off: int, addr: int, gotplt: int, n: int = 8) -> None:
    """stp x16, x30, [sp, #-16]!; adrp x16, GOT.plt[2]; ldr x17, [x16, :lo12:GOT.plt[2]];
    add x16, x16, :lo12:GOT.plt[2]; br x17; nop; nop; nop (n words: the BTI form has one NOP less)"""
    slot = gotplt + 16
    adrp = set_adr_imm(0x90000010, (page(slot) - page(addr + 4)) >> 12)
    ldr = set_imm12(0xf9400211, (slot & 0xfff) >> 3)
    add = set_imm12(0x91000210, slot & 0xfff)
    words = (0xa9bf7bf0, adrp, ldr, add, 0xd61f0220, NOP, NOP, NOP)
    struct.pack_into(f"<{n}I", buf, off, *words[:n])


def write_plt_entry(buf, off: int, addr: int, slot: int) -> None:
    """adrp x16, slot; ldr x17, [x16, :lo12:slot]; add x16, x16, :lo12:slot; br x17 (also IFUNC stubs)"""
    adrp = set_adr_imm(0x90000010, (page(slot) - page(addr)) >> 12)
    ldr = set_imm12(0xf9400211, (slot & 0xfff) >> 3)
    add = set_imm12(0x91000210, slot & 0xfff)
    struct.pack_into("<4I", buf, off, adrp, ldr, add, 0xd61f0220)


def write_tlsdesc_tramp(buf, off: int, addr: int, tlsdesc_got: int, gotplt: int, n: int = 8) -> None:
    """bfd's lazy TLSDESC trampoline (DT_TLSDESC_PLT): stp x2, x3, [sp, #-16]!; adrp x2, DT_TLSDESC_GOT;
    adrp x3, .got.plt; ldr x2, [x2, :lo12:DT_TLSDESC_GOT]; add x3, x3, :lo12:.got.plt; br x2; nop; nop
    (n words: the BTI form has one NOP less)"""
    words = (0xa9bf0fe2, set_adr_imm(0x90000002, (page(tlsdesc_got) - page(addr + 4)) >> 12),
             set_adr_imm(0x90000003, (page(gotplt) - page(addr + 8)) >> 12),
             set_imm12(0xf9400042, (tlsdesc_got & 0xfff) >> 3),
             set_imm12(0x91000063, gotplt & 0xfff), 0xd61f0040, NOP, NOP)
    struct.pack_into(f"<{n}I", buf, off, *words[:n])


# ---- bfd's BTI and PAC forms of the PLT (GNU_PROPERTY_AARCH64_FEATURE_1_BTI output; -z pac-plt)
BTI_C = 0xd503245f
AUTIA1716 = 0xd503219f
PLT_BTI = 1                      # PltCode.form bits
PLT_PAC = 2
FEATURE_1_AND = 0xc0000000       # GNU_PROPERTY_AARCH64_FEATURE_1_AND and its bits
FEATURE_1_BTI = 1
FEATURE_1_PAC = 2
DT_AARCH64_BTI_PLT = 0x70000001
DT_AARCH64_PAC_PLT = 0x70000003
DT_AARCH64_VARIANT_PCS = 0x70000005
STO_AARCH64_VARIANT_PCS = 0x80   # st_other: the function does not follow the base procedure call standard
PROTECTED_PLT_ENTRY_SIZE = 24


class PltCode:
    """The PLT code of one link: bfd's plain PLT, or with a BTI output (all inputs BTI-marked) PLT0
    and the TLSDESC trampoline start with `bti c` (their last NOP dropped), and in a non-PIE executable
    (bfd: only there) each entry too, as `bti c; adrp; ldr; add; br x17; nop` (24 bytes); a PAC PLT
    (-z pac-plt) authenticates x17 with `autia1716` before `br x17` (24-byte entries, PLT0 plain)."""

    def __init__(self, form: int, pde: bool) -> None:
        self.form = form
        self.entry_bti = bool(form & PLT_BTI) and pde
        self.pac = bool(form & PLT_PAC)
        self.plt_header_size = PLT0_SIZE
        self.plt_entry_size = PROTECTED_PLT_ENTRY_SIZE if self.entry_bti or self.pac else PLT_ENTRY_SIZE
        self.static_iplt_entry_size = self.plt_entry_size
        self.tlsdesc_tramp_size = TLSDESC_TRAMP_SIZE

    def write_plt0(self, buf, off: int, addr: int, gotplt: int) -> None:
        if self.form & PLT_BTI:
            struct.pack_into("<I", buf, off, BTI_C)
            write_plt0(buf, off + 4, addr + 4, gotplt, 7)
        else:
            write_plt0(buf, off, addr, gotplt, 8)

    def write_plt_entry(self, buf, off: int, addr: int, slot: int, index: int, plt0: int) -> None:
        self.write_iplt_entry(buf, off, addr, slot)

    def write_iplt_entry(self, buf, off: int, addr: int, slot: int) -> None:
        if not self.entry_bti and not self.pac:
            write_plt_entry(buf, off, addr, slot)
            return
        words: list[int] = [BTI_C] if self.entry_bti else []
        a = addr + 4 * len(words)
        words += [set_adr_imm(0x90000010, (page(slot) - page(a)) >> 12),
                  set_imm12(0xf9400211, (slot & 0xfff) >> 3), set_imm12(0x91000210, slot & 0xfff)]
        if self.pac:
            words.append(AUTIA1716)
        words.append(0xd61f0220)
        while len(words) < 6:
            words.append(NOP)
        struct.pack_into("<6I", buf, off, *words)

    def write_tlsdesc_tramp(self, buf, off: int, addr: int, gotplt: int, tlsdesc_got: int) -> None:
        if self.form & PLT_BTI:
            struct.pack_into("<I", buf, off, BTI_C)
            write_tlsdesc_tramp(buf, off + 4, addr + 4, tlsdesc_got, gotplt, 7)
        else:
            write_tlsdesc_tramp(buf, off, addr, tlsdesc_got, gotplt)


def plt_code(ctx) -> PltCode:
    """The PLT form bfd uses: BTI when the output's property note has BTI (merge_properties), PAC with
    -z pac-plt (the property note is not changed by it)."""
    cfg = ctx.config
    form = 0
    if merged_feature(ctx) & FEATURE_1_BTI:
        form |= PLT_BTI
    if any(name == NAME and kw == "pac-plt" for name, kw in cfg.z_machine):
        form |= PLT_PAC
    return PltCode(form, not cfg.shared and not cfg.pie)


def dynamic_tags(ctx) -> list:
    """bfd's aarch64 tags, after DT_RELAENT: DT_AARCH64_VARIANT_PCS when a lazy PLT entry (not an IFUNC's
    of this output) calls a function marked STO_AARCH64_VARIANT_PCS (ld.so then binds those at load
    time: its lazy resolver would clobber registers such a function keeps), then the PLT's forms when
    there is a .plt proper (PLT0)."""
    tags: list = []
    plt = ctx.syn.plt
    if any(s.sto_flags & STO_AARCH64_VARIANT_PCS and not s.is_ifunc for s in plt.syms):
        tags.append((DT_AARCH64_VARIANT_PCS, 0))
    if plt.header_size():
        form: int = plt.code.form
        if form & PLT_BTI:
            tags.append((DT_AARCH64_BTI_PLT, 0))
        if form & PLT_PAC:
            tags.append((DT_AARCH64_PAC_PLT, 0))
    return tags


def merge_properties(ctx, objs) -> list:
    """GNU_PROPERTY_AARCH64_FEATURE_1_AND (BTI, PAC) of the output: the AND over the objects, one
    without the property counting as 0 (bfd keeps the note only when every input has the bit).
    -z force-bti sets BTI regardless, with bfd's warning for each object that lacks it (printed by
    bfd's library: -w does not silence it, --fatal-warnings fails the link)."""
    feat = merged_feature_of(objs)
    if _force_bti(ctx.config):
        from ..properties import note_home
        home = note_home(objs)      # (bfd merges the others into it: its own warning comes first)
        for o in ([home] + [o for o in objs if o is not home]) if home is not None else objs:
            if not o.proc_props.get(FEATURE_1_AND, 0) & FEATURE_1_BTI:
                diag.warn(f"{o.name}: warning: BTI turned on by -z force-bti when all inputs do not have "
                          "BTI in NOTE section.", located=True, from_bfd=True)
        feat |= FEATURE_1_BTI
    from ..properties import merged_generic
    generic = merged_generic(objs, -1)      # (-z [no]indirect-extern-access: x86 keywords, ignored here)
    if generic.get(GNU_PROPERTY_1_NEEDED, 0) & GNU_PROPERTY_1_NEEDED_INDIRECT_EXTERN_ACCESS:
        ctx.nocopyreloc = True              # (bfd: no copy relocation then)
    return sorted(list(generic.items()) + ([(FEATURE_1_AND, feat)] if feat else []))


def _force_bti(cfg) -> bool:
    return any(name == NAME and kw == "force-bti" for name, kw in cfg.z_machine)


def merged_feature_of(objs) -> int:
    feat = None
    for o in objs:
        v = o.proc_props.get(FEATURE_1_AND, 0)
        feat = v if feat is None else feat & v
    return feat or 0


def merged_feature(ctx) -> int:
    """GNU_PROPERTY_AARCH64_FEATURE_1_AND of the output (0: no note)."""
    feat = merged_feature_of([o for o in ctx.objs if not getattr(o, "synthetic", False)])
    return feat | FEATURE_1_BTI if _force_bti(ctx.config) else feat


def thread_pointer(tls_start: int, tls_align: int) -> int:
    """Variant I: tp sits TCB_SIZE (rounded up to the TLS alignment) below the TLS block."""
    a = max(tls_align, 1)
    return tls_start - ((TCB_SIZE + a - 1) & -a)


# ---------------------------------------------------------------- scan

_PAGE_ABS = frozenset((R_ADR_PREL_PG_HI21, R_ADR_PREL_PG_HI21_NC, R_ADD_ABS_LO12_NC, R_LDST8_ABS_LO12_NC,
                       R_LDST16_ABS_LO12_NC, R_LDST32_ABS_LO12_NC, R_LDST64_ABS_LO12_NC,
                       R_LDST128_ABS_LO12_NC, R_ADR_PREL_LO21, R_LD_PREL_LO19))
_MOVW_ABS = frozenset(list(_MOVW_UABS) + list(_MOVW_SABS) + [R_ABS32, R_ABS16])
_PREL_DATA = frozenset(list(_MOVW_PREL) + [R_PREL64, R_PREL32, R_PREL16])
_BRANCH = frozenset((R_CALL26, R_JUMP26, R_CONDBR19, R_TSTBR14))
_COND_BRANCH = frozenset((R_CONDBR19, R_TSTBR14))
# PC-relative address forms: in PIC output bfd refuses them only in a read-only section against a
# symbol that may bind elsewhere ("which may bind externally"), binding them here otherwise
_PC_RELATIVE = frozenset(list(_MOVW_PREL) + [R_PREL64, R_PREL32, R_PREL16, R_ADR_PREL_PG_HI21,
                                             R_ADR_PREL_PG_HI21_NC, R_ADR_PREL_LO21, R_LD_PREL_LO19])
# the MOVW forms bfd refuses in any PIC output (its check_relocs: whatever the symbol, even in a
# non-allocated section); the checked G0-G2 and the signed ones it writes with the link-time value
_MOVW_NOT_PIC = frozenset((R_MOVW_UABS_G0_NC, R_MOVW_UABS_G1_NC, R_MOVW_UABS_G2_NC, R_MOVW_UABS_G3))
# bfd resolves these against an undefined weak symbol as if it were at the place itself (an ADRP:
# at the place's page), so the field holds the addend, not 0 - P
_WEAK_AT_PLACE = _PC_RELATIVE | _COND_BRANCH
# the relocations for which bfd's check_relocs makes the IFUNC sections (BFD_RELOC_AARCH64_ADD_LO12,
# ADR_HI21_PCREL, CALL26, JUMP26, NN, MOVW_G0_NC…G3 and the LP64 GOT ones)
_IFUNC_SECTIONS_RELOCS = frozenset((R_ADD_ABS_LO12_NC, R_ADR_PREL_PG_HI21, R_CALL26, R_JUMP26, R_ABS64,
                                    R_MOVW_UABS_G0_NC, R_MOVW_UABS_G1_NC, R_MOVW_UABS_G2_NC, R_MOVW_UABS_G3,
                                    R_ADR_GOT_PAGE, R_LD64_GOT_LO12_NC, R_GOT_LD_PREL19, R_LD64_GOTPAGE_LO15,
                                    R_LD64_GOTOFF_LO15))
_GOT = frozenset((R_ADR_GOT_PAGE, R_LD64_GOT_LO12_NC, R_GOT_LD_PREL19, R_LD64_GOTPAGE_LO15, R_LD64_GOTOFF_LO15))
_TLSIE = frozenset((R_TLSIE_ADR_GOTTPREL_PAGE21, R_TLSIE_LD64_GOTTPREL_LO12_NC, R_TLSIE_LD_GOTTPREL_PREL19))
_TLSLE_LDST = {t: (sh, t & 1 == 0) for t, sh in _TLSLE_LDST_SHIFT.items()}   # checked forms: even numbers
_TLSLE = frozenset(list(_TLSLE_MOVW) + list(_TLSLE_LDST_SHIFT) +
                   [R_TLSLE_ADD_TPREL_HI12, R_TLSLE_ADD_TPREL_LO12, R_TLSLE_ADD_TPREL_LO12_NC])
_TLSDESC_REST = frozenset((R_TLSDESC_LD64_LO12, R_TLSDESC_ADD_LO12, R_TLSDESC_LDR, R_TLSDESC_ADD,
                           R_TLSDESC_CALL))
_TLSGD = frozenset((R_TLSGD_ADR_PAGE21, R_TLSGD_ADD_LO12_NC))
_WIDTH = {R_ABS64: 8, R_PREL64: 8, R_ABS16: 2, R_PREL16: 2, R_NONE: 0}


def reloc_field_width(t: int) -> int:
    """-r: bytes of the field cleared for a relocation against a dropped COMDAT copy (bfd clears the
    data words of debug and unwind sections; an instruction's relocation there is an error)."""
    return _WIDTH.get(t, 4)


EMIT_RELAXABLE = frozenset((R_CALL26, R_JUMP26))


def emitted_reloc(t: int, addend: int, before, after, off: int, pos: int) -> tuple[int, int, int]:
    """--emit-relocs: (type, addend, offset change) bfd writes for a CALL26/JUMP26 at input offset off
    whose instruction is now at file offset pos of `after`: R_AARCH64_NONE against no symbol where
    bfd's traditional GD -> IE/LE or LD -> LE relaxation removed the __tls_get_addr call (now `mrs
    x1, tpidr_el0`, or a nop after the LD sequence's `add x0, x0, #16`); else unchanged (the TLS
    relaxations keep their relocations' types in bfd's output)."""
    if off < 4 or pos < 4:
        return t, addend, 0
    w_in = int.from_bytes(bytes(before[off:off + 4]), "little")
    if w_in & 0x7c000000 != 0x14000000:           # (not a b/bl in the input)
        return t, addend, 0
    w_out = int.from_bytes(bytes(after[pos:pos + 4]), "little")
    if w_out == MRS_X1_TPIDR:
        return R_NONE, 0, 0
    if w_out == NOP:
        prev_in = int.from_bytes(bytes(before[off - 4:off]), "little")
        prev_out = int.from_bytes(bytes(after[pos - 4:pos]), "little")
        if prev_out == ADD_X0_X0_16 and prev_in != ADD_X0_X0_16:
            return R_NONE, 0, 0
    return t, addend, 0


def _err_pic(ctx, obj, sec, off, t, s):
    what = "a shared object" if ctx.config.shared else "a PIE object"
    flag = "-fPIC" if ctx.config.shared else "-fPIE"
    und = "undefined " if s.rank == NONE and not s.linker_defined else ""
    vis = _VIS_WORD[s.visibility] if und else ""
    hint = "" if vis else f"; recompile with {flag}"
    diag.error(f"{obj.name}:({sec.name}+0x{off:x}): relocation {rname(t)} against {und}{vis}symbol "
               f"`{diag.demangle(s.name)}' can not be used when making {what}{hint}")


def _err_may_bind(ctx, obj, sec, off, t, s):
    diag.error(f"{obj.name}:({sec.name}+0x{off:x}): relocation {rname(t)} against symbol "
               f"`{diag.demangle(s.name)}' which may bind externally can not be used when making a "
               f"shared object; recompile with -fPIC")


def _err_bfd_pic(obj, t, s, hint):
    """bfd's check_relocs refusal (its words: "a shared object" for a PIE too)."""
    what = "a local symbol" if s.bind == STB_LOCAL else diag.demangle(s.name)
    diag.error(f"{obj.name}: relocation {rname(t)} against `{what}' can not be used when making a shared "
               f"object{hint}")


def _value_when_checked(ctx, s) -> bool:
    """Whether bfd's check_relocs (which runs before the layout) sees `s` as an absolute value or
    as undefined: a local symbol or a library's is neither; a linker-script symbol is judged by its
    expression (scriptlayout.check_time_relative)."""
    if s.bind == STB_LOCAL or s.rank == SHARED:
        return False
    if s.rank == NONE and not s.linker_defined:
        return bool(s.ref_strong)      # (bfd_link_hash_undefined: a weak one is not)
    st = ctx.lscript
    if st is not None and s.file is st.defs:
        rel = getattr(ctx, "script_check_rel", None)
        if rel is None:
            from ..scriptlayout import check_time_relative
            rel = ctx.script_check_rel = check_time_relative(ctx)
        return id(s) not in rel
    return bool(s.is_abs)


def _scan_cond_branch(ctx, obj, sec, off, t, s):
    """bfd gives CONDBR19/TSTBR14 no PLT entry: they branch to the definition here even when it is
    preemptible (a weak undefined target: to the branch itself plus the addend); an undefined
    target is an error, and so is a library's (no address to branch to)."""
    if s.is_abs:
        ctx.a64_abs_branch = True
    if s.rank == NONE and not s.linker_defined and s.bind != STB_LOCAL and s.ref_strong:
        diag.error(f"{obj.name}: conditional branch to undefined symbol `{diag.demangle(s.name)}' not allowed")
    elif s.rank == SHARED:
        diag.error(f"{obj.name}({sec.name}+0x{off:x}): unresolvable {rname(t)} relocation against symbol "
                   f"`{diag.demangle(s.name)}'")


def _unsupported(obj, sec, off, t):
    raise LinkError(f"{obj.name}:({sec.name}+0x{off:x}): relocation {rname(t)} is not supported by braze "
                    f"on aarch64")


def _address_taken(ctx, s, obj, sec, off, t):
    """An absolute or PC-relative address of `s` in an executable (or a library): a library's function
    gets a canonical PLT entry, its data a copy relocation; a library may not do this to a
    preemptible symbol."""
    if s.type == STT_GNU_IFUNC and s.rank >= COMMON:
        _need(ctx, s, NEEDS_PLT | NEEDS_CPLT)
        return
    if not is_preemptible(ctx, s):
        return
    if ctx.config.shared:
        _err_pic(ctx, obj, sec, off, t, s)
    elif s.rank == SHARED:
        if s.type in (STT_FUNC, STT_GNU_IFUNC):
            # bfd (aarch64): a code address of a library's protected function is refused in the words
            # of its copy error (a data pointer to it is accepted: that path does not come here)
            from ..passes import _refuse_protected
            _refuse_protected(ctx, s, "copy relocation against non-copyable protected symbol")
        _copy_or_cplt(ctx, s)


# the scan's classes of relocation types (a list indexed by type: a native lookup when compiled)
_C_OTHER: Final = 0
_C_BRANCH: Final = 1        # _BRANCH
_C_PAGE: Final = 2          # _PAGE_ABS: the needs depend on the symbol alone
_C_PREL: Final = 3          # _PREL_DATA: also on whether the section is allocated
_C_GOT: Final = 4           # _GOT: on the symbol alone
_C_CBRANCH: Final = 5       # _COND_BRANCH (never through a PLT entry)


def _classes() -> list[int]:
    c = [_C_OTHER] * 600
    for group, cls in ((_BRANCH, _C_BRANCH), (_PAGE_ABS, _C_PAGE), (_PREL_DATA, _C_PREL), (_GOT, _C_GOT),
                       (_COND_BRANCH, _C_CBRANCH)):
        for t in group:
            c[t] = cls
    return c


_CLASS: Final[list[int]] = _classes()
# obj.scan_seen bits: the symbol's needs for the class are already recorded (per object)
_SEEN_BIT: Final[list[int]] = [0, 1, 2, 0, 4, 8]


def scan_section(ctx, sec: InputSection, rels: list[tuple[int, int, int]] | None = None) -> None:
    """Scan `rels`, or when None the section's own relocations, read from their bytes.  References to
    a local symbol that need nothing are passed over without making it a Symbol, and a symbol's
    branch, page-address and GOT needs are decided once per object (obj.scan_seen)."""
    obj = sec.file
    rels, raw, n = rela_source(sec, rels)
    use_raw: bool = rels is None
    if not n:
        return
    syms: list[Symbol | None] = obj.syms
    esyms: list[tuple[int, int, int, int, int, int]] = obj.esyms
    nsyms: int = len(syms)
    cfg = ctx.config
    shared: bool = bool(cfg.shared)
    pic: bool = bool(cfg.pic)
    exe: bool = not shared
    sflags: int = sec.flags
    writable = bool(sflags & SHF_WRITE)
    size: int = sec.size
    rela_dyn = ctx.syn.rela_dyn
    seen0 = obj.scan_seen
    if seen0 is None:
        seen0 = obj.scan_seen = [0] * nsyms
    seen: list[int] = seen0
    off: int
    info: int
    addend: int
    t: int
    idx: int
    cls: int
    bit: int
    p: i64
    x: i64
    for i in range(n):
        if use_raw:
            p = i * 24      # (decoded inline: x is an i64, so shifts are native)
            x = raw[p + 3]
            x = x << 8 | raw[p + 2]
            x = x << 8 | raw[p + 1]
            x = x << 8 | raw[p]
            off = u64(raw, p) if raw[p + 4] | raw[p + 5] | raw[p + 6] | raw[p + 7] else int(x)
            x = raw[p + 9]      # (aarch64's types are above 255)
            x = x << 8 | raw[p + 8]
            t = int(x)
            if raw[p + 10] | raw[p + 11]:
                t = u32(raw, p + 8)
            x = raw[p + 15]
            x = x << 8 | raw[p + 14]
            x = x << 8 | raw[p + 13]
            x = x << 8 | raw[p + 12]
            idx = int(x)
        else:
            off, info, _a = rels[i]     # type: ignore[index]
            t = info & 0xffffffff
            idx = info >> 32
        if idx >= nsyms:
            raise LinkError(f"{obj.name}:({sec.name}+0x{off:x}): relocation refers to symbol index {idx} "
                            f"beyond the symbol table ({nsyms} entries)")
        if off + 8 > size and off + _WIDTH.get(t, 4) > size:
            raise LinkError(f"{obj.name}:({sec.name}): relocation at offset 0x{off:x} is outside the section "
                            f"(size 0x{sec.size:x})")
        if t == R_NONE:
            continue
        cls = _CLASS[t] if t < 600 else _C_OTHER
        s: Symbol | None = syms[idx]
        if s is None:
            if cls != _C_OTHER and cls != _C_GOT:
                e = esyms[idx]
                if e[1] & 0xf != STT_GNU_IFUNC and (cls != _C_BRANCH or e[3] != SHN_ABS):
                    continue            # a local address or branch target: nothing to allocate
            s = local_sym(obj, idx)
        elif cls != _C_OTHER and cls != _C_PREL:
            bit = _SEEN_BIT[cls]
            if seen[idx] & bit:
                continue
            if cls == _C_BRANCH and s.visibility:
                # bfd marks the symbol of every CALL26/JUMP26 needs_plt, and a PIE then writes a
                # hidden definition so marked LOCAL in .symtab (symtab._exe_forced_local reads
                # pc_seen value 2: "a PLT-type call was scanned", as x86-64's R_X86_64_PLT32)
                pcs = obj.pc_seen
                if pcs is None:
                    pcs = obj.pc_seen = [0] * nsyms
                pcs[idx] = 2
            # (an IFUNC's: each one, for _scan_ifunc; a PIC page address from writable data is accepted
            # where the same from code may not be)
            if s.type != STT_GNU_IFUNC and not (cls == _C_PAGE and pic and writable):
                seen[idx] |= bit
        if s.type == STT_GNU_IFUNC and s.rank >= COMMON and sflags & SHF_ALLOC and \
                not _scan_ifunc(ctx, obj, sec, off, t, s, s64(raw, i * 24 + 16) if use_raw else rels[i][2]):  # type: ignore[index]
            continue
        if cls == _C_BRANCH:
            if s.is_abs:
                ctx.a64_abs_branch = True   # (layout then looks for branches needing a veneer)
            if s.type == STT_GNU_IFUNC and s.rank >= COMMON:
                _need(ctx, s, NEEDS_PLT)
            elif s.bind != STB_LOCAL and is_preemptible(ctx, s):
                _need(ctx, s, NEEDS_PLT | NEEDS_DYNSYM)
            continue
        if cls == _C_CBRANCH:
            _scan_cond_branch(ctx, obj, sec, off, t, s)
            continue
        if s.bind == STB_LOCAL and s.type != STT_GNU_IFUNC and (cls == _C_PAGE or cls == _C_PREL):
            continue                        # a local address: nothing to allocate
        if t == R_ABS64:
            if not sflags & SHF_ALLOC:
                continue
            addend = s64(raw, i * 24 + 16) if use_raw else rels[i][2]     # type: ignore[index]
            if s.type == STT_GNU_IFUNC and s.rank >= COMMON and not (shared and is_preemptible(ctx, s)):
                # (a library's preemptible IFUNC is an ordinary dynamic symbol: R_AARCH64_ABS64 below)
                if pic:
                    rela_dyn.relocs.append(DynReloc(R_IRELATIVE, sec, off, None, s, addend))
                    _textrel(ctx, sec, obj, s)
                else:
                    _need(ctx, s, NEEDS_PLT | NEEDS_CPLT)
                continue
            if exe and not pic and s.rank == NONE and not s.linker_defined and s.bind != STB_LOCAL:
                continue    # bfd (aarch64): a non-PIE's data pointer to an undefined weak symbol is 0
            if is_preemptible(ctx, s):
                # bfd (aarch64): an ABS64 counts as a PLT reference, so a library's function gets a
                # PLT entry (in -shared output too, unused there); a non-PIE points it at the
                # function's canonical PLT entry even from writable data (a copy for read-only data)
                if s.rank == SHARED:
                    func = s.type in (STT_FUNC, STT_GNU_IFUNC)
                    if exe and not pic and (func or not writable):
                        _need(ctx, s, (NEEDS_PLT | NEEDS_CPLT if func else NEEDS_COPY) | NEEDS_DYNSYM)
                        continue
                    if func:
                        _need(ctx, s, NEEDS_PLT)
                _need(ctx, s, NEEDS_DYNSYM)
                rela_dyn.relocs.append(DynReloc(R_ABS64, sec, off, s, None, addend))
                _textrel(ctx, sec, obj, s)
            elif shared and s.visibility == 3 and s.export and s.rank >= COMMON \
                    and not cfg.bsymbolic and not cfg.dynamic_bind:
                # bfd (aarch64): a pointer to a protected symbol stays symbolic (a function's then
                # equals the address an executable that takes it sees: its canonical PLT entry)
                _need(ctx, s, NEEDS_DYNSYM)
                rela_dyn.relocs.append(DynReloc(R_ABS64, sec, off, s, None, addend))
                _textrel(ctx, sec, obj, s)
            elif pic and type(s.file) is ScriptDefs:
                # an assignment's symbol: RELATIVE or R_AARCH64_NONE once laid out, as bfd's
                rela_dyn.relocs.append(AssignedReloc(sec, off, s, addend, R_RELATIVE, True))
                if not writable:
                    _textrel(ctx, sec, obj, s)
            elif pic and not s.is_abs and not (s.rank == NONE and not s.linker_defined):
                rela_dyn.relocs.append(RelativeReloc((sec, off, s, addend)))
                if not writable:
                    _textrel(ctx, sec, obj, s)
            elif pic and s.is_abs and s.rank >= COMMON and not s.linker_defined:
                # bfd (measured): a slot reserved for a pointer to an absolute symbol and left unused,
                # R_AARCH64_NONE (the word holds the value)
                rela_dyn.relocs.append(NoneReloc())
            continue
        if cls == _C_PAGE or cls == _C_PREL:
            if t in (R_PREL64, R_PREL32, R_PREL16) and not sflags & SHF_ALLOC:
                continue
            if pic and s.rank == SHARED:
                # bfd: no copy relocation or canonical PLT entry for these in PIC output (braze wrote
                # the address as 0): a library's symbol is refused
                if t in _PC_RELATIVE and sflags & SHF_ALLOC and not writable:
                    _err_may_bind(ctx, obj, sec, off, t, s)
                else:
                    diag.error(f"{obj.name}({sec.name}+0x{off:x}): unresolvable {rname(t)} relocation "
                               f"against symbol `{diag.demangle(s.name)}'")
                continue
            if pic and not (s.type == STT_GNU_IFUNC and s.rank >= COMMON):
                # bfd (aarch64): no dynamic relocation, the link-time address, whatever the symbol's
                # binding, except a PC-relative form in read-only code against a preemptible one
                if t in _PC_RELATIVE and sflags & SHF_ALLOC and not writable and is_preemptible(ctx, s):
                    _err_may_bind(ctx, obj, sec, off, t, s)
                continue
            if pic and s.rank == NONE and not s.linker_defined and s.bind != STB_LOCAL:
                if is_preemptible(ctx, s) or shared:
                    _err_pic(ctx, obj, sec, off, t, s)
                continue
            _address_taken(ctx, s, obj, sec, off, t)
            continue
        if t in _MOVW_ABS:
            if pic and t in _MOVW_NOT_PIC:
                _err_bfd_pic(obj, t, s, "; recompile with -fPIC")
                continue
            if not sflags & SHF_ALLOC:
                continue
            if pic:
                # bfd's check_relocs: ABS16/ABS32 need a value (an absolute symbol) or an undefined
                # symbol; the checked MOVW forms nothing (a library's symbol: no value to write)
                if s.rank == SHARED or (t == R_ABS32 or t == R_ABS16) and not _value_when_checked(ctx, s):
                    _err_bfd_pic(obj, t, s, "")
                continue
            _address_taken(ctx, s, obj, sec, off, t)
            continue
        if cls == _C_GOT:
            if s.type == STT_GNU_IFUNC and s.rank >= COMMON and not is_preemptible(ctx, s):
                # bfd: the GOT load reads the IFUNC's PLT slot (IRELATIVE); a non-PIE gives it a GOT
                # slot of its own when the address must compare equal (passes._allocate decides)
                _need(ctx, s, NEEDS_PLT if pic else NEEDS_PLT | NEEDS_GOT)
                continue
            _need(ctx, s, NEEDS_GOT | (NEEDS_DYNSYM if is_preemptible(ctx, s) else 0))
            continue
        if t in _TLSIE:
            if exe and not is_preemptible(ctx, s) and not _undef_weak(s):
                if t == R_TLSIE_LD_GOTTPREL_PREL19:
                    # (-mcmodel=tiny) bfd does not relax it: a GOT slot holding the known TP offset
                    _need(ctx, s, NEEDS_GOTTP)
                continue                    # relaxed to LE
            _need(ctx, s, NEEDS_GOTTP | (NEEDS_DYNSYM if is_preemptible(ctx, s) else 0))
            continue                        # (bfd's aarch64 back end sets no DF_STATIC_TLS)
        if t in _TLSLE:
            if shared:
                _err_pic(ctx, obj, sec, off, t, s)
            continue
        if t == R_TLSDESC_ADR_PAGE21 or t in _TLSGD:
            if exe:
                if is_preemptible(ctx, s):
                    _need(ctx, s, NEEDS_GOTTP | NEEDS_DYNSYM)
                continue
            if t == R_TLSDESC_ADR_PAGE21:
                _need(ctx, s, NEEDS_TLSDESC | (NEEDS_DYNSYM if is_preemptible(ctx, s) else 0))
            else:
                pre = is_preemptible(ctx, s)
                if not s.needs & NEEDS_TLSGD and not pre and not (s.export and s.rank >= COMMON):
                    # bfd reserves a DTPREL relocation for the pair and, the offset being known, leaves
                    # it as R_AARCH64_NONE: a symbol the library does not export (local, hidden, a
                    # version script's local); an exported one's pair names it (passes, tls_sym)
                    rela_dyn.relocs.append(NoneReloc())
                _need(ctx, s, NEEDS_TLSGD | (NEEDS_DYNSYM if pre else 0))
            continue
        if t in _TLSDESC_REST or t in _DTPREL:
            continue
        if t == R_TLSLD_ADR_PAGE21 or t == R_TLSLD_ADD_LO12_NC:
            if shared:
                ctx.need_tlsld = True       # the module's GOT pair (DTPMOD64, 0)
            # (an executable relaxes it to LE; the __tls_get_addr call it drops still gets its PLT
            # entry, as in bfd, whose PLT decisions come before the relaxation)
            continue
        _unsupported(obj, sec, off, t)


_IFUNC_PIC_PLT = frozenset([R_ABS64, R_CALL26, R_JUMP26] + list(_GOT))
_MOVW_PIC_ERR = frozenset((R_MOVW_UABS_G0_NC, R_MOVW_UABS_G1_NC, R_MOVW_UABS_G2_NC, R_MOVW_UABS_G3,
                           R_ABS32, R_ABS16))


def _scan_ifunc(ctx, obj, sec: InputSection, off: int, t: int, s: Symbol, addend: int) -> bool:
    """bfd's rules for a relocation against an IFUNC the output defines: it resolves ABS64 (without an
    addend), the branches CALL26/JUMP26, the GOT relocations, and ADRP/ADD :lo12: (the PLT entry's
    address); the others are errors (False: reported, skip the relocation; bfd, without a PLT entry,
    even crashes on some).  In PIC output only ABS64, the branches and the GOT relocations make the
    PLT entry: ADRP/ADD need one of those too (checked in finish_scan)."""
    if t == R_ABS64 and addend:
        diag.error(f"{obj.name}: relocation {rname(t)} against STT_GNU_IFUNC symbol `{diag.demangle(s.name)}' "
                   f"has non-zero addend: {addend}")
        return False
    pic = ctx.config.pic
    if t in _IFUNC_PIC_PLT:
        if pic:
            plt = getattr(ctx, "a64_ifunc_plt", None)
            if plt is None:
                plt = ctx.a64_ifunc_plt = set()
            plt.add(id(s))
        return True
    if t == R_ADR_PREL_PG_HI21 or t == R_ADD_ABS_LO12_NC:
        if pic:
            wants = getattr(ctx, "a64_ifunc_wants_plt", None)
            if wants is None:
                wants = ctx.a64_ifunc_wants_plt = []
            wants.append((obj, sec, off, t, s))
        return True
    if pic and t in _MOVW_PIC_ERR:
        return True     # (the scan's "recompile with -fPIC" error, as bfd's)
    _err_ifunc(obj, t, s)
    return False


def _err_ifunc(obj, t: int, s: Symbol) -> None:
    diag.error(f"{obj.name}: relocation {rname(t)} against STT_GNU_IFUNC symbol `{diag.demangle(s.name)}' "
               f"isn't handled by elf64_aarch64_final_link_relocate")


def _check_ifunc_refs(ctx) -> None:
    """bfd's errors for a PIC output's ADRP/ADD :lo12: reference to an IFUNC that no other reference
    gives a PLT entry, and (a library) for an ADRP in read-only code or data to one that may be
    preempted."""
    plt = getattr(ctx, "a64_ifunc_plt", None) or set()
    for obj, sec, off, t, s in ctx.a64_ifunc_wants_plt:
        if id(s) not in plt:
            _err_ifunc(obj, t, s)
        elif t == R_ADR_PREL_PG_HI21 and ctx.config.shared and not sec.flags & SHF_WRITE and is_preemptible(ctx, s):
            _err_pic(ctx, obj, sec, off, t, s)
    diag.check_errors()


def finish_scan(ctx) -> None:
    """After GOT/PLT/copy allocation: the IFUNC references a PLT entry had to resolve (_scan_ifunc);
    in a non-PIE executable, a data pointer to a library symbol that got a copy relocation anyway is
    resolved at link time (bfd: the symbol is then defined here)."""
    if getattr(ctx, "a64_ifunc_wants_plt", None):
        _check_ifunc_refs(ctx)
    if ctx.config.pic or ctx.config.shared:
        return
    rels = ctx.syn.rela_dyn.relocs
    keep = [r for r in rels if not (r.type == R_ABS64 and r.sym is not None and r.sym.copyrel)]
    if len(keep) != len(rels):
        rels[:] = keep


# ---------------------------------------------------------------- apply


def apply_relocs(ctx, obj, sec, rels, buf, base_off, base_addr) -> None:
    """Write relocated values for `rels` (offsets relative to base; None: the section's own) into buf;
    a value that does not fit its field is an error naming the relocation (bfd: "relocation
    truncated to fit")."""
    if rels is None:
        rels = sec.relocs
    # PREL32 and ABS64 (.eh_frame's and data's) against symbols the object's RelocValues holds take
    # a short path; everything else _apply_one
    rv: RelocValues = reloc_values(ctx, obj)
    kind: list[int] = rv.kind
    sv: list[int] = rv.sv
    nk: int = len(kind)
    i: int = 0
    off: int
    info: int
    A: int
    t: int
    idx: int
    k: int
    v: int
    try:
        n: int = len(rels)
        while i < n:
            off, info, A = rels[i]
            t = info & 0xffffffff
            idx = info >> 32
            if (t == R_PREL32 or t == R_ABS64) and idx < nk:
                k = kind[idx]
                if k == K_NEW:
                    k = fill_values(ctx, obj, idx, rv)
                if k & 7 == K_VAL and (t == R_ABS64 or sv[idx] != 0):   # (0: maybe weak, _apply_one's)
                    v = sv[idx] + A
                    if t == R_ABS64:
                        _pack_Q(buf, base_off + off, v & 0xffffffffffffffff)
                        i += 1
                        continue
                    v -= base_addr + off
                    if -0x80000000 <= v <= 0xffffffff:
                        _put(buf, base_off + off, v & 0xffffffff)
                        i += 1
                        continue
            i += _apply_one(ctx, obj, sec, rels, i, buf, base_off, base_addr)
        fix_section(ctx, sec, buf, base_off, base_addr)
    except (StructError, IndexError, OverflowError):
        _corrupt(obj, sec, rels, i)


def _corrupt(obj, sec, rels, i: int) -> None:
    if i >= len(rels):
        raise LinkError(f"{obj.name}:({sec.name}): corrupt relocations") from None
    off, info, _a = rels[i]
    raise LinkError(f"{obj.name}:({sec.name}+0x{off:x}): relocation {rname(info & 0xffffffff)} "
                    f"is outside the section or has a value that does not fit its field") from None


def fix_section(ctx, sec, buf, base_off, base_addr) -> None:
    """What a section needs once its relocations are in: the Cortex-A53 erratum 843419 fixes."""
    v = getattr(ctx, "a64_veneers", None)
    if v is not None and id(sec) in v.errata:
        from .aarch64_veneers import fix_errata
        fix_errata(ctx, sec, buf, base_off, base_addr)


def apply_listed(ctx, obj, sec, idxs: list[int], buf, base_off: int, base_addr: int) -> None:
    """The general path for the relocations aarch64_fast left (their indices in the section's own
    relocations, none a TLS relaxation that rewrites the next instruction too)."""
    rr = RawRelas(rela_bytes(sec))
    i = -1
    try:
        for i in idxs:
            _apply_one(ctx, obj, sec, rr, i, buf, base_off, base_addr)
    except (StructError, IndexError, OverflowError):
        _corrupt(obj, sec, rr, i)


def apply_jobs(ctx, buf, jobs: list[tuple[Any, int, int]]) -> None:
    """writer.py's jobs.  A link with many relocations has the common ones applied by aarch64_fast.py
    (native byte loads and stores, in mypy's runtime library, whose import a small link does not pay
    for)."""
    if many_relocations(jobs):
        from . import aarch64_fast
        if aarch64_fast.HAVE_WRITER:
            aarch64_fast.apply_jobs(ctx, buf, jobs)
            return
    for m, off, addr in jobs:
        apply_relocs(ctx, m.file, m, None, buf, off, addr)


def post_write(ctx, buf) -> None:
    """--no-apply-dynamic-relocs: bfd leaves the input's bytes in a data word that gets a dynamic
    relocation in .rela.dyn from an R_AARCH64_ABS64 (RELATIVE, IRELATIVE, ABS64); GOT slots and the
    words .relr.dyn relocates keep their link-time values. (After .rela.dyn took its RELATIVE
    addends from the relocated words.)"""
    if not ctx.config.no_apply_dynamic_relocs:
        return
    for r in ctx.syn.rela_dyn.relocs:
        m = r.place
        if type(m) is InputSection and m.out is not None:
            p = r.poff
            o = m.out.offset + m.out_off + p
            buf[o:o + 8] = m.data[p:p + 8]



def _tls_offset(insn: int, t: int, v: int, movw: dict, ldst: dict, hi12: int, lo12: int,
                lo12_nc: int) -> tuple[int, bool]:
    """A TP- or DTP-relative offset v into its instruction: the LE (TPREL) and DTPREL families share
    their encodings (MOVW groups, ADD HI12/LO12, load/store LO12 scaled); (instruction, whether v fits)."""
    if t in movw:
        sh, chk = movw[t]
        if chk:
            return _movw_signed(insn, v, sh), -(1 << (sh + 16)) <= v < (1 << (sh + 16))
        return set_imm16(insn, v >> sh), True
    if t == hi12:
        return set_imm12(insn, v >> 12), 0 <= v < (1 << 24)
    if t == lo12 or t == lo12_nc:
        return set_imm12(insn, v), t == lo12_nc or 0 <= v < (1 << 12)
    sh, chk = ldst[t]
    return set_imm12(insn, (v & 0xfff) >> sh), not chk or 0 <= v < (1 << 12)


def _overflow(obj, sec, off, t, s, v):
    diag.error(f"{obj.name}:({sec.name}+0x{off:x}): relocation truncated to fit: {rname(t)} against "
               f"`{diag.demangle(s.name) if s.name else sec.name}' (value {v:#x})")


def _tls_fail(obj, sec, off, t):
    raise LinkError(f"{obj.name}:({sec.name}+0x{off:x}): TLS relaxation of {rname(t)} failed: "
                    f"unexpected instruction sequence")


def _stub_name(ctx, s) -> str:
    """bfd's veneer symbol: `__<symbol>_veneer`, a library symbol named with its version."""
    name = s.name
    if s.rank == SHARED and s.verneed and "@" not in name:
        name = f"{name}@@{s.verneed}"
    return f"__{name}_veneer"


def _stub_addr(ctx, sec, s, A):
    """The address of the veneer of sec's group for (s, A), None without one."""
    v = getattr(ctx, "a64_veneers", None)
    return None if v is None else v.lookup(sec, s, A)


def _tls_le(ctx, s: Symbol) -> bool:
    """An executable's IE/GD/TLSDESC access to s relaxed to local-exec (bfd decides it per relocation,
    from the symbol: a GOT slot the tiny model's IE load needs does not change it)."""
    return not ctx.config.shared and not is_preemptible(ctx, s)


def _undef_weak(s: Symbol) -> bool:
    """bfd's aarch64_can_relax_tls: no TLS relaxation against an undefined weak symbol, so its IE
    access keeps a GOT slot (-static: the TP offset of address 0)."""
    return s.rank == NONE and not s.linker_defined and not s.ref_strong


def _apply_got(ctx, obj, sec, off, buf, loc, P, t, s, G) -> int:
    """A GOT-relative form whose slot is at G (A included)."""
    insn = _get(buf, loc)[0]
    if t == R_ADR_GOT_PAGE:
        _put(buf, loc, set_adr_imm(insn, (page(G) - page(P)) >> 12))
    elif t == R_LD64_GOT_LO12_NC:
        _put(buf, loc, set_imm12(insn, (G & 0xfff) >> 3))
    elif t == R_GOT_LD_PREL19:
        _put(buf, loc, set_imm19(insn, (G - P) >> 2))
    else:
        base = ctx.got_base
        _put(buf, loc, set_imm12(insn, (G - (page(base) if t == R_LD64_GOTPAGE_LO15 else base)) >> 3))
    return 1


def _apply_one(ctx, obj, sec, rels, i: int, buf, base_off: int, base_addr: int) -> int:
    """Apply rels[i]; returns how many relocations it consumed (GD relaxation eats the call's)."""
    off: int
    info: int
    A: int
    t: int
    idx: int
    loc: int
    P: int
    S: int
    off, info, A = rels[i]
    t = info & 0xffffffff
    if t == R_NONE:
        return 1
    idx = info >> 32
    s = obj.syms[idx]
    if s is None:
        s = local_sym(obj, idx)
    loc = base_off + off
    P = base_addr + off
    alloc = bool(sec.flags & SHF_ALLOC)
    ssec = s.section
    if ssec is not None and type(ssec) is InputSection and ssec.merge is not None and s.type == STT_SECTION:
        m = ssec.merge
        S = m[0].addr + merged_offset(m, s.value + A)
        A = 0
    else:
        S = sym_addr(ctx, s)
        if ssec is not None and type(ssec) is InputSection and ssec.out is None and ssec.merge is None \
                and not alloc:
            S, A = _discarded_value(sec), 0
    if t == R_ABS64:
        if alloc and s.type == STT_GNU_IFUNC and s.rank >= COMMON and has_plt(s):
            S = plt_addr(ctx, s)
        struct.pack_into("<Q", buf, loc, (S + A) & 0xffffffffffffffff)
        return 1
    if t in _WEAK_AT_PLACE and s.rank == NONE and not s.ref_strong and not s.linker_defined and \
            s.bind != STB_LOCAL and not has_plt(s):
        S = P & -4096 if t == R_ADR_PREL_PG_HI21 or t == R_ADR_PREL_PG_HI21_NC else P
    if (s.canonical_plt or s.type == STT_GNU_IFUNC) and has_plt(s):
        S = plt_addr(ctx, s)
    if t in _BRANCH:
        if t in _COND_BRANCH:
            pass
        elif has_plt(s):
            S = plt_addr(ctx, s)
        elif s.rank == NONE and not s.linker_defined and s.bind != STB_LOCAL:
            _put(buf, loc, NOP)         # bfd: a call to an undefined weak symbol without a PLT entry
            return 1
        v = _wrap(S + A - P)
        insn = _get(buf, loc)[0]
        if t == R_CALL26 or t == R_JUMP26:
            if not -0x8000000 <= v < 0x8000000:
                stub = _stub_addr(ctx, sec, s, A)
                if stub is not None:        # bfd: to the group's veneer, the addend dropped
                    if not -0x8000000 <= stub - P < 0x8000000:
                        _overflow(obj, sec, off, t, s, stub - P)    # (a --stub-group-size too large)
                        return 1
                    _put(buf, loc, set_imm26(insn, (stub - P) >> 2))
                    return 1
                raise LinkError(f"{obj.name}:({sec.name}+0x{off:x}): {rname(t)} to `{diag.demangle(s.name)}' "
                                f"is out of the branch range (+-128 MiB) and braze has no range-extension "
                                f"veneer for it (veneers serve branches in code sections only)")
            insn = set_imm26(insn, v >> 2)
        elif t == R_CONDBR19:
            if not -0x100000 <= v < 0x100000:
                _overflow(obj, sec, off, t, s, v)
            insn = set_imm19(insn, v >> 2)
        else:
            if not -0x8000 <= v < 0x8000:
                _overflow(obj, sec, off, t, s, v)
            insn = set_imm14(insn, v >> 2)
        _put(buf, loc, insn)
        return 1
    if t == R_ADR_PREL_PG_HI21 or t == R_ADR_PREL_PG_HI21_NC:
        v = _wrap(page(S + A) - page(P)) >> 12
        if t == R_ADR_PREL_PG_HI21 and not -0x100000 <= v < 0x100000:
            _overflow(obj, sec, off, t, s, v)
        _put(buf, loc, set_adr_imm(_get(buf, loc)[0], v))
        return 1
    if t == R_ADD_ABS_LO12_NC:
        _put(buf, loc, set_imm12(_get(buf, loc)[0], S + A))
        return 1
    if t in _LDST_SHIFT:
        sh = _LDST_SHIFT[t]
        v = (S + A) & 0xfff
        if v & ((1 << sh) - 1):
            diag.error(f"{obj.name}:({sec.name}+0x{off:x}): {rname(t)} against `{diag.demangle(s.name)}': "
                       f"the address {S + A:#x} is not aligned to the {1 << sh}-byte access")
        _put(buf, loc, set_imm12(_get(buf, loc)[0], v >> sh))
        return 1
    if t == R_ADR_PREL_LO21:
        v = _wrap(S + A - P)
        if not -0x100000 <= v < 0x100000:
            _overflow(obj, sec, off, t, s, v)
        _put(buf, loc, set_adr_imm(_get(buf, loc)[0], v))
        return 1
    if t == R_LD_PREL_LO19:
        v = _wrap(S + A - P)
        if not -0x100000 <= v < 0x100000 or v & 3:     # (bfd: a misaligned literal too)
            _overflow(obj, sec, off, t, s, v)
        _put(buf, loc, set_imm19(_get(buf, loc)[0], v >> 2))
        return 1
    if t == R_PREL32:
        v = _wrap(S + A - P)
        if not -0x80000000 <= v <= 0xffffffff:
            _overflow(obj, sec, off, t, s, v)
        _put(buf, loc, v & 0xffffffff)
        return 1
    if t == R_PREL64:
        struct.pack_into("<Q", buf, loc, (S + A - P) & 0xffffffffffffffff)
        return 1
    if t == R_PREL16:
        v = _wrap(S + A - P)
        if not -0x8000 <= v <= 0xffff:
            _overflow(obj, sec, off, t, s, v)
        struct.pack_into("<H", buf, loc, v & 0xffff)
        return 1
    if t == R_ABS32:
        v = S + A
        if not -0x80000000 <= v <= 0xffffffff:
            _overflow(obj, sec, off, t, s, v)
        _put(buf, loc, v & 0xffffffff)
        return 1
    if t == R_ABS16:
        v = S + A
        if not -0x8000 <= v <= 0xffff:
            _overflow(obj, sec, off, t, s, v)
        struct.pack_into("<H", buf, loc, v & 0xffff)
        return 1
    if t in _MOVW_UABS:
        sh, chk = _MOVW_UABS[t]
        v = S + A
        if chk and not 0 <= v < (1 << (sh + 16)):
            _overflow(obj, sec, off, t, s, v)
        _put(buf, loc, set_imm16(_get(buf, loc)[0], v >> sh))
        return 1
    if t in _MOVW_SABS:
        sh = _MOVW_SABS[t]
        v = S + A
        if not -(1 << (sh + 16)) <= v < (1 << (sh + 16)):
            _overflow(obj, sec, off, t, s, v)
        _put(buf, loc, _movw_signed(_get(buf, loc)[0], v, sh))
        return 1
    if t in _MOVW_PREL:
        sh, chk = _MOVW_PREL[t]
        v = _wrap(S + A - P)
        insn = _get(buf, loc)[0]
        if chk:
            if sh < 48 and not -(1 << (sh + 16)) <= v < (1 << (sh + 16)):
                _overflow(obj, sec, off, t, s, v)
            insn = _movw_signed(insn, v, sh)
        else:
            insn = set_imm16(insn, v >> sh)
        _put(buf, loc, insn)
        return 1
    got = ctx.syn.got
    if t in _GOT and s.got_idx < 0 and s.iplt_idx >= 0:
        return _apply_got(ctx, obj, sec, off, buf, loc, P, t, s, ctx.syn.gotplt.iplt_slot(s.iplt_idx) + A)
    if t == R_ADR_GOT_PAGE:
        G = got.slot_addr(s.got_idx)
        _put(buf, loc, set_adr_imm(_get(buf, loc)[0], (page(G + A) - page(P)) >> 12))
        return 1
    if t == R_LD64_GOT_LO12_NC:
        G = got.slot_addr(s.got_idx) + A
        _put(buf, loc, set_imm12(_get(buf, loc)[0], (G & 0xfff) >> 3))
        return 1
    if t == R_LD64_GOTPAGE_LO15 or t == R_LD64_GOTOFF_LO15:
        # the slot's offset from _GLOBAL_OFFSET_TABLE_'s page (GOTPAGE) or from it (GOTOFF), 8-byte scaled
        base = ctx.got_base
        v = got.slot_addr(s.got_idx) + A - (page(base) if t == R_LD64_GOTPAGE_LO15 else base)
        if not 0 <= v < 0x8000:
            _overflow(obj, sec, off, t, s, v)
        _put(buf, loc, set_imm12(_get(buf, loc)[0], v >> 3))
        return 1
    if t == R_GOT_LD_PREL19:
        v = got.slot_addr(s.got_idx) + A - P
        if not -0x100000 <= v < 0x100000:
            _overflow(obj, sec, off, t, s, v)
        _put(buf, loc, set_imm19(_get(buf, loc)[0], v >> 2))
        return 1
    tp = ctx.tp
    if t in _TLSIE:
        insn = _get(buf, loc)[0]
        if t == R_TLSIE_LD_GOTTPREL_PREL19:     # ldr xd, <slot> (tiny model): never relaxed (bfd)
            v = got.slot_addr(s.gottp_idx) + A - P
            if not -0x100000 <= v < 0x100000:
                _overflow(obj, sec, off, t, s, v)
            _put(buf, loc, set_imm19(insn, v >> 2))
            return 1
        if _tls_le(ctx, s) and not _undef_weak(s):     # IE -> LE (bfd): adrp -> movz xd, #tprel_g1; ldr -> movk xd, #tprel_g0_nc
            tpoff = S + A - tp
            if t == R_TLSIE_ADR_GOTTPREL_PAGE21:
                _put(buf, loc, set_imm16(MOVZ_X | (insn & 0x1f), tpoff >> 16))
            else:
                _put(buf, loc, set_imm16(MOVK_X | (insn & 0x1f), tpoff))
            return 1
        G = got.slot_addr(s.gottp_idx)
        if t == R_TLSIE_ADR_GOTTPREL_PAGE21:
            _put(buf, loc, set_adr_imm(insn, (page(G + A) - page(P)) >> 12))
        else:
            _put(buf, loc, set_imm12(insn, ((G + A) & 0xfff) >> 3))
        return 1
    if t in _TLSLE:
        v = S + A - tp
        insn, fits = _tls_offset(_get(buf, loc)[0], t, v, _TLSLE_MOVW, _TLSLE_LDST, R_TLSLE_ADD_TPREL_HI12,
                                 R_TLSLE_ADD_TPREL_LO12, R_TLSLE_ADD_TPREL_LO12_NC)
        if not fits:
            _overflow(obj, sec, off, t, s, v)
        _put(buf, loc, insn)
        return 1
    exe = not ctx.config.shared
    if t == R_TLSDESC_ADR_PAGE21 or t == R_TLSGD_ADR_PAGE21:
        insn = _get(buf, loc)[0]
        if exe:
            if _tls_le(ctx, s):     # -> LE: movz x0, #tprel_g1
                _put(buf, loc, set_imm16(MOVZ_X, (S + A - tp) >> 16))
            else:                   # -> IE: adrp x0, :gottprel:var
                G = got.slot_addr(s.gottp_idx)
                _put(buf, loc, set_adr_imm(insn, (page(G + A) - page(P)) >> 12))
            return 1
        if t == R_TLSDESC_ADR_PAGE21:
            G = ctx.syn.gotplt.tlsdesc_slot(s.tlsdesc_idx)
        else:
            G = got.slot_addr(s.tlsgd_idx)
        _put(buf, loc, set_adr_imm(insn, (page(G + A) - page(P)) >> 12))
        return 1
    if t == R_TLSDESC_LD64_LO12:
        insn = _get(buf, loc)[0]
        if exe:
            if _tls_le(ctx, s):     # -> LE: movk x0, #tprel_g0_nc
                _put(buf, loc, set_imm16(MOVK_X, S + A - tp))
            else:                   # -> IE: ldr x0, [x0, :gottprel_lo12:var]
                G = got.slot_addr(s.gottp_idx) + A
                _put(buf, loc, set_imm12(insn & 0xffffffe0, (G & 0xfff) >> 3))
            return 1
        G = ctx.syn.gotplt.tlsdesc_slot(s.tlsdesc_idx) + A
        _put(buf, loc, set_imm12(insn, (G & 0xfff) >> 3))
        return 1
    if t == R_TLSDESC_ADD_LO12:
        if exe:
            _put(buf, loc, NOP)
            return 1
        G = ctx.syn.gotplt.tlsdesc_slot(s.tlsdesc_idx) + A
        _put(buf, loc, set_imm12(_get(buf, loc)[0], G))
        return 1
    if t == R_TLSDESC_CALL:
        if exe:
            _put(buf, loc, NOP)
        return 1
    if t == R_TLSDESC_LDR or t == R_TLSDESC_ADD:
        return 1
    if t in _DTPREL:
        v = S + A - ctx.tls_start
        insn, fits = _tls_offset(_get(buf, loc)[0], t, v, _DTPREL_MOVW, _DTPREL_LDST, R_TLSLD_ADD_DTPREL_HI12,
                                 R_TLSLD_ADD_DTPREL_LO12, R_TLSLD_ADD_DTPREL_LO12_NC)
        if not fits:
            _overflow(obj, sec, off, t, s, v)
        _put(buf, loc, insn)
        return 1
    if t == R_TLSLD_ADR_PAGE21:
        if exe:                     # LD -> LE (bfd): adrp x0, :tlsldm:x -> mrs x0, tpidr_el0
            _put(buf, loc, MRS_X0_TPIDR)
            return 1
        G = got.slot_addr(got.tlsld_idx)
        _put(buf, loc, set_adr_imm(_get(buf, loc)[0], (page(G) - page(P)) >> 12))
        return 1
    if t == R_TLSLD_ADD_LO12_NC:
        if exe:                     # add x0, x0, :tlsldm_lo12:x; bl __tls_get_addr -> add x0, x0, #16; nop
            if i + 1 >= len(rels) or rels[i + 1][0] != off + 4 or \
                    rels[i + 1][1] & 0xffffffff not in (R_CALL26, R_JUMP26):
                _tls_fail(obj, sec, off, t)
            struct.pack_into("<2I", buf, loc, ADD_X0_X0_16, NOP)
            return 2
        G = got.slot_addr(got.tlsld_idx)
        _put(buf, loc, set_imm12(_get(buf, loc)[0], G))
        return 1
    if t == R_TLSGD_ADD_LO12_NC:
        if exe:
            # bfd: add x0, x0, :tlsgd_lo12:var; bl __tls_get_addr; nop  ->
            #      movk x0, #tprel_g0_nc (LE) | ldr x0, [x0, :gottprel_lo12:var] (IE); mrs x1, tpidr_el0;
            #      add x0, x1, x0
            if i + 1 >= len(rels) or rels[i + 1][0] != off + 4 or \
                    rels[i + 1][1] & 0xffffffff not in (R_CALL26, R_JUMP26):
                _tls_fail(obj, sec, off, t)
            if _tls_le(ctx, s):
                first = set_imm16(MOVK_X, S + A - tp)
            else:
                first = set_imm12(LDR_X0, ((got.slot_addr(s.gottp_idx) + A) & 0xfff) >> 3)
            struct.pack_into("<3I", buf, loc, first, MRS_X1_TPIDR, ADD_X0_X1_X0)
            return 2
        G = got.slot_addr(s.tlsgd_idx) + A
        _put(buf, loc, set_imm12(_get(buf, loc)[0], G))
        return 1
    _unsupported(obj, sec, off, t)
    return 1


# ---------------------------------------------------------------- --lib-main entry code

def lib_main_code(msg_len: int):
    """aarch64 code of `_rt0_arm64_linux_lib(argc, argv, envp)` and of its thread's start routine
    (the same steps as the x86-64 version in libinit.py). Relocation symbols: 1=.bss, 2=.rodata,
    4=the start routine, 5=pthread_create, 6=pthread_detach, 7=SYM.
    Returns (bytes, relocations, entry size, start offset)."""
    BSS, RODATA, START, PTHREAD_CREATE, PTHREAD_DETACH, MAIN = 1, 2, 4, 5, 6, 7
    words: list[int] = []
    rel = []

    def emit(*ws):
        words.extend(ws)

    def page_of(reg, sym):           # adrp reg, sym; add reg, reg, :lo12:sym
        rel.append((4 * len(words), R_ADR_PREL_PG_HI21, sym, 0))
        emit(0x90000000 | reg)
        rel.append((4 * len(words), R_ADD_ABS_LO12_NC, sym, 0))
        emit(0x91000000 | (reg << 5) | reg)

    def call(sym):
        rel.append((4 * len(words), R_CALL26, sym, 0))
        emit(0x94000000)

    emit(0xa9be7bfd, 0x910003fd)                 # stp x29, x30, [sp, #-32]!; mov x29, sp
    page_of(9, BSS)                              # x9 = &saved
    emit(0x93407c00, 0xa9000520, 0xf9000922)     # sxtw x0, w0; stp x0, x1, [x9]; str x2, [x9, #16]
    emit(0x910043e0, 0xd2800001)                 # add x0, sp, #16 (&thread); mov x1, #0 (attr)
    page_of(2, START)                            # x2 = start routine
    emit(0xd2800003)                             # mov x3, #0 (arg)
    call(PTHREAD_CREATE)
    cbnz_at = len(words)
    emit(0x35000000)                             # cbnz w0, fail
    emit(0xf9400be0)                             # ldr x0, [sp, #16]
    call(PTHREAD_DETACH)
    b_at = len(words)
    emit(0x14000000)                             # b done
    fail = len(words)
    emit(0xd2800040)                             # fail: mov x0, #2
    page_of(1, RODATA)                           # x1 = message
    emit(0xd2800002 | (msg_len << 5), 0xd2800808, 0xd4000001)   # mov x2, #len; mov x8, #64 (write); svc #0
    done = len(words)
    emit(0xa8c27bfd, 0xd65f03c0)                 # done: ldp x29, x30, [sp], #32; ret
    words[cbnz_at] = set_imm19(words[cbnz_at], fail - cbnz_at)
    words[b_at] = set_imm26(words[b_at], done - b_at)
    entry_size = 4 * len(words)
    start = entry_size
    emit(0xa9bf7bfd, 0x910003fd)                 # start: stp x29, x30, [sp, #-16]!; mov x29, sp
    page_of(9, BSS)
    emit(0xa9400520, 0xf9400922)                 # ldp x0, x1, [x9]; ldr x2, [x9, #16]
    call(MAIN)
    emit(0xd2800000, 0xa8c17bfd, 0xd65f03c0)     # mov x0, #0; ldp x29, x30, [sp], #16; ret
    return struct.pack(f"<{len(words)}I", *words), rel, entry_size, start


class AArch64(Target):
    """aarch64 Linux (AArch64 ELF psABI, glibc), as GNU ld's aarch64linux emulation."""
    name = "aarch64"
    e_machine = EM_AARCH64
    tls_call_marks = frozenset((R_TLSGD_ADD_LO12_NC, R_TLSLD_ADD_LO12_NC))
    emulations = ("aarch64linux",)
    # bfd's --target-help lines of aarch64linux, less the options braze does not know
    # (--no-enum-size-warning, --no-wchar-size-warning, --fix-cortex-a53-835769)
    target_help = (
        "  --pic-veneer                Always generate PIC interworking veneers",
        "  --stub-group-size=N         Maximum size of a group of input sections that",
        "                                can be handled by one stub section.  A negative",
        "                                value locates all stubs after their branches",
        "                                (with a group size of -N), while a positive",
        "                                value allows two groups of input sections, one",
        "                                before, and one after each stub section.",
        "                                Values of +/-1 indicate the linker should",
        "                                choose suitable defaults.",
        "  --fix-cortex-a53-843419[=full|adr|adrp]      Fix erratum 843419 and optionally specify which "
        "workaround to use.",
        "                                               full (default): Use both ADRP and ADR workaround, "
        "this will ",
        "                                                 increase the size of your binaries.",
        "                                               adr: Only use the ADR workaround, this will not cause "
        "any increase",
        "                                                 in binary size but linking will fail if the referenced "
        "address is",
        "                                                 out of range of an ADR instruction.  This will remove "
        "the need of using",
        "                                                 a veneer and results in both performance and size "
        "benefits.",
        "                                               adrp: Use only the ADRP workaround, this will never "
        "rewrite your ADRP",
        "                                                 instruction into an ADR.  As such the workaround will "
        "always use a",
        "                                                 veneer and this will give you both a performance and "
        "size overhead.",
        "  --no-apply-dynamic-relocs    Do not apply link-time values for dynamic relocations",
        "  -z force-bti                  Turn on Branch Target Identification mechanism and generate PLTs with "
        "BTI. Generate warnings for missing BTI on inputs",
        "  -z pac-plt                    Protect PLTs with Pointer Authentication.",
    )
    refused_emulations = {
        "aarch64elf": "bare-metal aarch64: bfd gives it the /lib/ld.so.1 interpreter and another layout",
        **dict.fromkeys(("aarch64linuxb", "aarch64elfb"), "big-endian aarch64"),
        **dict.fromkeys(("aarch64linux32", "aarch64elf32"), "the ILP32 ABI"),
        **dict.fromkeys(("aarch64linux32b", "aarch64elf32b"), "the big-endian ILP32 ABI"),
        **dict.fromkeys(("armelf", "armelfb", "armelf_linux_eabi", "armelfb_linux_eabi"), "32-bit Arm"),
    }
    output_format = "elf64-littleaarch64"
    bfd_targets = ("elf64-littleaarch64", "elf64-bigaarch64", "elf32-littleaarch64", "elf32-bigaarch64",
                   "elf32-littlearm", "elf32-bigarm", "pei-aarch64-little", "pe-aarch64-little", "elf64-little",
                   "elf64-big", "elf32-little", "elf32-big", "srec", "symbolsrec", "verilog", "tekhex", "binary",
                   "ihex", "plugin")
    bfd_script_tag = "a64"
    bfd_script_head = ('OUTPUT_FORMAT("elf64-littleaarch64", "elf64-bigaarch64",\n\t      "elf64-littleaarch64")\n'
                       "OUTPUT_ARCH(aarch64)")
    bfd_script_fill = " =0x1f2003d5"       # bfd's aarch64 NOP fill of code output sections
    image_base = IMAGE_BASE
    max_page_size = MAX_PAGE_SIZE
    common_page_size = COMMON_PAGE_SIZE
    separate_code = SEPARATE_CODE
    tls_variant = 1
    interpreter = INTERP
    host_machines = ("aarch64", "arm64")

    def special_local_name(self, name: str) -> bool:
        # bfd_is_aarch64_special_symbol_name(ANY): $x $d (mapping), $m $f $p (tags), or NAME.anything
        return len(name) >= 2 and name[0] == "$" and name[1] in "xdmfp" and (len(name) == 2 or name[2] == ".")

    def code_fill(self, n: int) -> bytes:
        # (measured: bfd 2.40's aarch64 fill hook pads with zeros: the gaps in an orphan code section;
        # .init/.text/.fini get the default script's NOP fill, script_fill)
        return bytes(n)

    lib_dirs = tuple(LIB_DIRS)
    lib_init_symbol = INIT_ENTRY
    # (one per line: mypyc compiles a class body's plain assignments only)
    R_NONE = R_NONE
    R_ABS64 = R_ABS64
    R_ABS32 = R_ABS32
    R_PC32 = R_PREL32
    R_PLT32 = R_CALL26
    R_COPY = R_COPY
    R_GLOB_DAT = R_GLOB_DAT
    symbolic_dyn_widths = {R_ABS64: 8}
    R_JUMP_SLOT = R_JUMP_SLOT
    R_RELATIVE = R_RELATIVE
    R_IRELATIVE = R_IRELATIVE
    R_DTPMOD64 = R_TLS_DTPMOD
    R_DTPOFF64 = R_TLS_DTPREL
    R_TPOFF64 = R_TLS_TPREL
    R_TLSDESC = R_TLSDESC
    plt_header_size = PLT0_SIZE
    plt_entry_size = PLT_ENTRY_SIZE
    static_iplt_entry_size = PLT_ENTRY_SIZE   # (bfd's static IFUNC stubs are the ordinary entries here)
    sections_scripts = True           # (checked against aarch64 bfd; what differs is refused narrowly)
    lazy_slot_is_plt0 = True
    tlsdesc_tramp_size = TLSDESC_TRAMP_SIZE
    pltgot_stubs = False
    got_header = True
    dyn_got_header_kept = True
    pic_got_abs_relative = True
    static_gotplt_with_got = True
    relro_offset_from_gotplt = False

    dynamic_empty_dynobj = ((".plt", SHF_ALLOC | SHF_EXECINSTR),)
    textrel_warn = False            # (Debian's aarch64 binutils: no DT_TEXTREL warning by default)
    textrel_warns_locals = False    # (aarch64 bfd: only a global symbol's text relocation is named)

    def static_empty_sections(self, ctx) -> list:
        """bfd's aarch64 check_relocs makes the IFUNC sections (.iplt, .igot.plt, .rela.iplt) at the
        first of these relocations against a global symbol, IFUNC or not: in a static link they stay
        empty."""
        for obj in ctx.objs:
            esyms = obj.esyms
            for sec in obj.sections:
                if sec is None or not sec.alive or not sec.flags & SHF_ALLOC or not sec.rel_size:
                    continue
                rels, raw, n = rela_source(sec, None)
                for i in range(n):
                    if rels is None:
                        info = u64(raw, i * 24 + 8)
                    else:
                        info = rels[i][1]
                    idx = info >> 32
                    if (info & 0xffffffff) in _IFUNC_SECTIONS_RELOCS and idx < len(esyms) and \
                            esyms[idx][1] >> 4 != STB_LOCAL:
                        return [(".iplt", SHF_ALLOC | SHF_EXECINSTR, 16), (".igot.plt", SHF_ALLOC | SHF_WRITE, 8),
                                (".rela.dyn", SHF_ALLOC, 8, SHT_RELA)]
        return []
    got_symbol_at_got = True
    pic_abs_linker_locals = frozenset({"_DYNAMIC", "_GLOBAL_OFFSET_TABLE_"})   # (bfd 2.40, measured: not -no-pie)
    tls_module_base_local = True
    plt_mapping_symbol = "$x"        # (bfd: also with -x and --retain-symbols-file)
    # (PIE and -static-pie: bfd's PLT0 before the IFUNC entries, which are the ordinary ones; their
    # .got.plt slots start at PLT0)
    dyn_ifunc_plt0 = True
    glob_dat_exported_got = True
    ifunc_got_via_gotplt = True
    protected_copy_error = ""
    cplt_value_needs_strong_ref = True
    dynsym_section_syms = True
    keep_section_symbols = True
    protected_cplt_error = False    # (bfd refuses an ADRP-taken address, not a data pointer: _address_taken)
    drop_unused_cies = True
    stub_file_first = True
    missing_note_execstack = False    # bfd: aarch64's default stack is not executable, and it does not warn
    plt_unwind = False
    extra_linker_syms = EXTRA_LINKER_SYMS
    provided_syms = ("__data_start",)   # `.data : { PROVIDE (__data_start = .); ... }`
    sto_flags_mask = STO_AARCH64_VARIANT_PCS
    plt_sh_entsize = 0                # (bfd leaves aarch64's .plt sh_entsize 0, whatever the PLT's form)
    plt_input_align = 4               # (its default script's `.plt : ALIGN(16)` gives the 16)

    rname = staticmethod(rname)
    reloc_field_width = staticmethod(reloc_field_width)
    emitted_reloc = staticmethod(emitted_reloc)
    emit_relaxable = EMIT_RELAXABLE
    scan_section = staticmethod(scan_section)
    apply_relocs = staticmethod(apply_relocs)
    apply_jobs = staticmethod(apply_jobs)
    finish_scan = staticmethod(finish_scan)
    lib_main_code = staticmethod(lib_main_code)

    def output_kind(self, name: str | None) -> str:
        """aarch64 bfd links into an aarch64 ELF format only: its emulation refuses any output format
        whose name lacks "aarch64" (aarch64elf.em), before reading the inputs."""
        if name is not None and name != "default" and name in self.bfd_targets and "aarch64" not in name:
            raise LinkError("cannot change output format whilst linking AArch64 binaries")
        return super().output_kind(name)

    def configure(self, cfg) -> None:
        own = [kw for name, kw in cfg.z_machine if name == self.name and kw not in ("pac-plt", "force-bti")]
        if own:
            raise LinkError(f"option -z {own[0]} is not supported")
        self.warn_foreign_z(cfg)        # x86-64's keywords: aarch64 bfd only warns (they change nothing here)
        cfg.pack_relative_relocs = False    # (one of them: aarch64 bfd 2.40 writes no DT_RELR)

    @staticmethod
    def z_option(cfg, kw: str) -> bool:
        """aarch64linux's keywords: -z pac-plt (read by plt_code), -z force-bti (merge_properties)."""
        return kw in ("force-bti", "pac-plt")

    @staticmethod
    def add_thunks(ctx) -> bool:
        from .aarch64_veneers import add_thunks
        return add_thunks(ctx)

    @staticmethod
    def finish_thunks(ctx) -> None:
        from .aarch64_veneers import finish_thunks
        finish_thunks(ctx)

    @staticmethod
    def post_write(ctx, buf) -> None:
        post_write(ctx, buf)

    @staticmethod
    def finish_weak_undefined(ctx) -> None:
        """(bfd's aarch64 rules for undefined weak symbols are applied in scan_section.)"""

    @staticmethod
    def merge_properties(ctx) -> list:
        return merge_properties(ctx, [o for o in ctx.objs if not getattr(o, "synthetic", False)])

    @staticmethod
    def plt_code(ctx) -> PltCode:
        return plt_code(ctx)

    @staticmethod
    def dynamic_tags(ctx) -> list:
        return dynamic_tags(ctx)

    @staticmethod
    def thread_pointer(tls_start: int, memsz: int, align: int) -> int:
        return thread_pointer(tls_start, align)

    @staticmethod
    def write_plt0(buf, off: int, addr: int, gotplt: int) -> None:
        write_plt0(buf, off, addr, gotplt)

    @staticmethod
    def write_plt_entry(buf, off: int, addr: int, slot: int, index: int, plt0: int) -> None:
        write_plt_entry(buf, off, addr, slot)

    @staticmethod
    def write_iplt_entry(buf, off: int, addr: int, slot: int) -> None:
        write_plt_entry(buf, off, addr, slot)

    @staticmethod
    def write_tlsdesc_tramp(buf, off: int, addr: int, gotplt: int, tlsdesc_got: int) -> None:
        write_tlsdesc_tramp(buf, off, addr, tlsdesc_got, gotplt)


TARGET = AArch64()
