"""aarch64 relocations applied with native byte loads and stores (groupapply.py's BytesWriter pieces):
the common ones here (branches, ADRP/ADD/LDR page addresses, data words) against symbols whose address
needs no per-relocation decision, the others by aarch64.py's general path.  Imported by
aarch64.apply_jobs for links with many relocations only.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final
    from librt.strings import BytesWriter
from .._ints import i64, u8
from ..elf import SHF_ALLOC
from .. import groupapply
from ..inputs.objparse import InputSection
from ..groupapply import BOUND, bounded, eligible
from ..relvalues import reloc_values, fill_values, merged_addr, rela_bytes, K_NEW, K_VAL, K_DISC, K_MERGE, K_PLT
from .common import _discarded_value
from .aarch64 import (apply_relocs, apply_listed, fix_section, R_NONE, R_CALL26, R_JUMP26, R_CONDBR19,
                      R_TSTBR14, R_ADR_PREL_PG_HI21, R_ADR_PREL_PG_HI21_NC, R_ADD_ABS_LO12_NC,
                      R_LDST8_ABS_LO12_NC, R_LDST16_ABS_LO12_NC, R_LDST32_ABS_LO12_NC, R_LDST64_ABS_LO12_NC,
                      R_LDST128_ABS_LO12_NC, R_ADR_PREL_LO21, R_LD_PREL_LO19, R_ABS64, R_ABS32, R_PREL32,
                      R_PREL64, R_TLSLD_ADD_LO12_NC, R_TLSGD_ADD_LO12_NC, R_ADR_GOT_PAGE, R_LD64_GOT_LO12_NC)
from ..symbols import Symbol

HAVE_WRITER = groupapply.HAVE_WRITER
if HAVE_WRITER:
    from librt.strings import read_i64_le, read_i32_le


def apply_jobs(ctx, buf: Any, jobs: list[tuple[Any, int, int]]) -> None:
    """writer.py's jobs, by groupapply.apply_jobs with this module's loop; a member with a TLS GD/LD
    relocation that an executable relaxes is done by apply_relocs whole."""
    groupapply.apply_jobs(ctx, buf, jobs, _apply_common_native, apply_listed, apply_relocs, fix_section)


# what the loop does with each relocation type (a list indexed by type: a native lookup)
_F_GENERAL: Final = 0       # the general path, after the section's copy is back in the image
_F_BR26: Final = 1
_F_BR19: Final = 2
_F_BR14: Final = 3
_F_PAGE: Final = 4          # ADRP, checked
_F_PAGE_NC: Final = 5
_F_ADD12: Final = 6
_F_LDST: Final = 7          # load/store LO12: _LDST_SHIFT below
_F_ADR21: Final = 8
_F_LD19: Final = 9
_F_ABS64: Final = 10
_F_ABS32: Final = 11
_F_PREL32: Final = 12
_F_PREL64: Final = 13
_F_WHOLE: Final = 14        # TLS GD/LD: their relaxation rewrites the next relocation's call too
_F_GOT_PAGE: Final = 15     # ADRP of a global symbol's GOT slot
_F_GOT_LO12: Final = 16     # and its LDR
_NTYPES: Final = 600


def _table() -> list[int]:
    f = [_F_GENERAL] * _NTYPES
    for t, c in ((R_CALL26, _F_BR26), (R_JUMP26, _F_BR26), (R_CONDBR19, _F_BR19), (R_TSTBR14, _F_BR14),
                 (R_ADR_PREL_PG_HI21, _F_PAGE), (R_ADR_PREL_PG_HI21_NC, _F_PAGE_NC),
                 (R_ADD_ABS_LO12_NC, _F_ADD12), (R_LDST8_ABS_LO12_NC, _F_LDST), (R_LDST16_ABS_LO12_NC, _F_LDST),
                 (R_LDST32_ABS_LO12_NC, _F_LDST), (R_LDST64_ABS_LO12_NC, _F_LDST),
                 (R_LDST128_ABS_LO12_NC, _F_LDST), (R_ADR_PREL_LO21, _F_ADR21), (R_LD_PREL_LO19, _F_LD19),
                 (R_ABS64, _F_ABS64), (R_ABS32, _F_ABS32), (R_PREL32, _F_PREL32), (R_PREL64, _F_PREL64),
                 (R_TLSLD_ADD_LO12_NC, _F_WHOLE), (R_TLSGD_ADD_LO12_NC, _F_WHOLE),
                 (R_ADR_GOT_PAGE, _F_GOT_PAGE), (R_LD64_GOT_LO12_NC, _F_GOT_LO12)):
        f[t] = c
    return f


def _shifts() -> list[int]:
    sh = [0] * _NTYPES
    sh[R_LDST16_ABS_LO12_NC] = 1
    sh[R_LDST32_ABS_LO12_NC] = 2
    sh[R_LDST64_ABS_LO12_NC] = 3
    sh[R_LDST128_ABS_LO12_NC] = 4
    return sh


_FAST: Final[list[int]] = _table()
_LDST_SHIFT: Final[list[int]] = _shifts()


def _apply_common_native(ctx, obj, sec: InputSection, w: BytesWriter, wbase: int, base_addr: int,
                         deferred: list[int]) -> bool:
    """aarch64.apply_relocs into w (at wbase) for the common relocations against symbols whose value
    the object's RelocValues holds, in native i64 arithmetic on values bounded by 2**60 (so nothing
    wraps).  Anything else — another type, a value out of its field's range (the general path then
    finds a veneer or reports it), an undefined weak branch target — goes to `deferred` (its index),
    for the general path once w is back in the image: aarch64 relocations each rewrite their own
    instruction or word only, so the order does not matter, except TLS GD/LD relaxations, which
    rewrite the next one's call too: with one of those, a field outside the section or a bad symbol
    index, False (the caller restores the section's bytes and applies it the general way, whole)."""
    if not eligible(sec, base_addr):
        return False
    rv = reloc_values(ctx, obj)
    raw = rela_bytes(sec)
    n: i64 = len(raw) // 24
    size: int = sec.size
    o0: i64 = wbase
    kind: list[int] = rv.kind
    sv: list[int] = rv.sv
    pv: list[int] = rv.pv
    nk: i64 = len(kind)
    alloc: bool = bool(sec.flags & SHF_ALLOC)
    disc: i64 = _discarded_value(sec)
    lim: i64 = size
    P0: i64 = base_addr
    fast: list[int] = _FAST
    syms: list[Symbol | None] = obj.syms
    got = ctx.syn.got
    got_addr: i64 = bounded(got.addr) if got is not None else BOUND
    if got_addr == BOUND:
        got_addr = -1
    i: i64
    p: i64
    o: i64
    t: i64
    idx: i64
    A: i64
    S: i64
    P: i64
    v: i64
    f: int
    kk: int
    k: int
    insn: i64
    sh: i64
    for i in range(n):
        p = i * 24
        o = read_i64_le(raw, p)
        t = i64(read_i32_le(raw, p + 8)) & 0xffffffff
        if t == R_NONE:
            continue
        idx = i64(read_i32_le(raw, p + 12)) & 0xffffffff
        A = read_i64_le(raw, p + 16)
        if idx >= nk or not 0 <= o <= lim - 4 or not -BOUND < A < BOUND:
            return False
        f = fast[t] if t < _NTYPES else _F_GENERAL
        if f == _F_GENERAL:
            deferred.append(int(i))
            continue
        if f == _F_WHOLE:
            return False
        if f >= _F_GOT_PAGE:
            # G: the slot of a global symbol that has one (the general path: locals, IFUNC stubs)
            sy = syms[idx]
            gi: int = sy.got_idx if sy is not None else -1
            if gi < 0 or got_addr < 0:
                deferred.append(int(i))
                continue
            G: i64 = got_addr + 8 * gi + A
            P = P0 + o
            o += o0
            insn = i64(w[o]) | i64(w[o + 1]) << 8 | i64(w[o + 2]) << 16 | i64(w[o + 3]) << 24
            if f == _F_GOT_PAGE:
                v = ((G & -4096) - (P & -4096)) >> 12
                v &= 0x1fffff
                v = (insn & 0x9f00001f) | ((v & 3) << 29) | ((v >> 2) << 5)
            else:
                v = (insn & 0xffc003ff) | (((G & 0xfff) >> 3) << 10)
            w[o] = u8(v & 0xff)
            w[o + 1] = u8((v >> 8) & 0xff)
            w[o + 2] = u8((v >> 16) & 0xff)
            w[o + 3] = u8((v >> 24) & 0xff)
            continue
        k = kind[idx]
        if k == K_NEW:
            k = fill_values(ctx, obj, idx, rv)
        if f <= _F_BR14:
            # a branch: to the PLT entry when there is one, else to S; an undefined weak target (0)
            # is the general path's (bfd: a NOP for a call without a PLT entry)
            S = bounded(pv[idx]) if k & K_PLT else BOUND
            if f != _F_BR26:        # (CONDBR19/TSTBR14 never go through a PLT entry)
                S = bounded(sv[idx]) if k & 7 == K_VAL else BOUND
            if S == 0:
                S = BOUND
        else:
            kk = k & 7
            if kk == K_VAL:
                S = bounded(sv[idx])
                if S == 0 and f != _F_ABS64 and f != _F_ABS32 and f != _F_ADD12 and f != _F_LDST:
                    S = BOUND           # (a PC-relative form's target at 0: maybe an undefined weak one)
            elif kk == K_MERGE:         # the piece at value + A of a merged section
                S = bounded(merged_addr(sv[idx], rv.mstarts[idx], rv.mouts[idx], pv[idx] + A))
                A = 0
            elif kk == K_DISC and not alloc and (f == _F_ABS64 or f == _F_ABS32):
                S = disc                # bfd's tombstone for debug info of discarded code
                A = 0
            else:
                S = BOUND
        if S == BOUND:
            deferred.append(int(i))
            continue
        P = P0 + o
        o += o0
        if f >= _F_ABS64:
            if f == _F_ABS64:
                v = S + A
            elif f == _F_PREL64:
                v = S + A - P
            else:
                v = S + A if f == _F_ABS32 else S + A - P
                if not -0x80000000 <= v <= 0xffffffff:
                    deferred.append(int(i))
                    continue
            if f == _F_ABS64 or f == _F_PREL64:
                if o + 8 > lim + o0:
                    return False
                w[o + 4] = u8((v >> 32) & 0xff)
                w[o + 5] = u8((v >> 40) & 0xff)
                w[o + 6] = u8((v >> 48) & 0xff)
                w[o + 7] = u8((v >> 56) & 0xff)
        else:
            insn = i64(w[o]) | i64(w[o + 1]) << 8 | i64(w[o + 2]) << 16 | i64(w[o + 3]) << 24
            if f == _F_BR26:
                v = S + A - P
                if not -0x8000000 <= v < 0x8000000:
                    deferred.append(int(i))     # (a veneer, or the error)
                    continue
                v = (insn & 0xfc000000) | ((v >> 2) & 0x3ffffff)
            elif f == _F_PAGE or f == _F_PAGE_NC:
                v = ((S + A) & -4096) - (P & -4096)
                v >>= 12
                if f == _F_PAGE and not -0x100000 <= v < 0x100000:
                    deferred.append(int(i))
                    continue
                v &= 0x1fffff
                v = (insn & 0x9f00001f) | ((v & 3) << 29) | ((v >> 2) << 5)
            elif f == _F_ADD12:
                v = (insn & 0xffc003ff) | (((S + A) & 0xfff) << 10)
            elif f == _F_LDST:
                sh = _LDST_SHIFT[t]
                v = (S + A) & 0xfff
                if v & ((i64(1) << sh) - 1):
                    deferred.append(int(i))     # (misaligned: the general path's error)
                    continue
                v = (insn & 0xffc003ff) | ((v >> sh) << 10)
            else:
                v = S + A - P
                if f == _F_BR19 or f == _F_ADR21 or f == _F_LD19:
                    ok = -0x100000 <= v < 0x100000 and (f != _F_LD19 or v & 3 == 0)
                else:
                    ok = -0x8000 <= v < 0x8000
                if not ok:
                    deferred.append(int(i))
                    continue
                if f == _F_ADR21:
                    v &= 0x1fffff
                    v = (insn & 0x9f00001f) | ((v & 3) << 29) | ((v >> 2) << 5)
                elif f == _F_BR14:
                    v = (insn & 0xfff8001f) | (((v >> 2) & 0x3fff) << 5)
                else:               # CONDBR19, LD_PREL_LO19
                    v = (insn & 0xff00001f) | (((v >> 2) & 0x7ffff) << 5)
        w[o] = u8(v & 0xff)
        w[o + 1] = u8((v >> 8) & 0xff)
        w[o + 2] = u8((v >> 16) & 0xff)
        w[o + 3] = u8((v >> 24) & 0xff)
    return True

