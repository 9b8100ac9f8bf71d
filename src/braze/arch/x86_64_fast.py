"""x86-64 relocations applied with native byte stores (groupapply.py's BytesWriter pieces): the
common relocations here, the others by x86_64.py's general path.  Imported by x86_64.apply_jobs for
links with many relocations only.
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
from .common import _discarded_value
from .x86_64 import (_reloc_values, _fill_values, _merged_addr, rela_bytes, apply_relocs, apply_listed,
                     gotpcrelx_relaxable, gotpcrelx_imm, _K_NEW, _K_VAL, _K_DISC, _K_MERGE, _K_PLT, R_PLT32, R_PC32, R_64,
                     R_32, R_32S, R_TLSGD, R_TLSLD, R_GOTPCREL, R_GOTPCRELX, R_REX_GOTPCRELX)
from ..symbols import Symbol

# _got_slot's answer for a load that becomes a lea of the symbol itself (bfd's mov -> lea in PIC output)
_TO_LEA: Final = BOUND + 1

HAVE_WRITER = groupapply.HAVE_WRITER
if HAVE_WRITER:
    from librt.strings import read_i64_le, read_i32_le


def apply_jobs(ctx, buf: Any, jobs: list[tuple[Any, int, int]]) -> None:
    """writer.py's jobs, by groupapply.apply_jobs with this module's loop; a member with a TLS GD/LD
    relocation is done by apply_relocs whole."""
    groupapply.apply_jobs(ctx, buf, jobs, _apply_common_native, apply_listed, apply_relocs)


def _apply_common_native(ctx, obj, sec: InputSection, w: BytesWriter, wbase: int, base_addr: int,
                         deferred: list[int]) -> bool:
    """apply_relocs into w (at wbase) for the common relocations (PC32, PLT32, 64, 32, 32S against
    symbols whose address needs no per-relocation decision; a GOTPCREL-family load of a global's GOT
    slot that stays a load), with BytesWriter's native byte stores
    (struct.pack_into costs ~1,000 instructions a call: ~40% of the pass).  The arithmetic is on i64
    values bounded by 2**60 (so nothing wraps).  The other relocations go to `deferred` (their
    indices), for the general path once w is back in the image: each writes its own field and its own
    instruction's bytes only (x86-64 relocations do not compose), so the order does not matter —
    except TLS GD/LD, whose relaxation rewrites the next relocation's call too: with one of those, a
    field outside the section or a bad symbol index, False (w may then hold some of the section's
    fields: the caller restores them and applies the whole section the general way)."""
    if not eligible(sec, base_addr):
        return False
    rv = _reloc_values(ctx, obj)
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
    i: i64
    p: i64
    o: i64
    t: i64
    idx: i64
    A: i64
    S: i64
    v: i64
    k: int
    for i in range(n):
        p = i * 24
        o = read_i64_le(raw, p)
        t = i64(read_i32_le(raw, p + 8)) & 0xffffffff
        idx = i64(read_i32_le(raw, p + 12)) & 0xffffffff
        A = read_i64_le(raw, p + 16)
        if idx >= nk or not 0 <= o < lim - 3 or not -BOUND < A < BOUND:
            return False
        k = kind[idx]
        if k == _K_NEW:
            k = _fill_values(ctx, obj, idx, rv)
        o += o0
        if t == R_PLT32 or t == R_PC32 or t == R_64 or t == R_32 or t == R_32S:
            if t == R_PLT32 and k & _K_PLT:
                S = bounded(pv[idx])
            elif k & 7 == _K_VAL:
                S = bounded(sv[idx])
            elif k == _K_MERGE:         # (the piece at value + A, as bfd; for PC32 too: string literals)
                S = bounded(_merged_addr(sv[idx], rv.mstarts[idx], rv.mouts[idx], pv[idx] + A))
                A = 0
            elif k & 7 == _K_DISC and not alloc and (t == R_64 or t == R_32):
                S = disc                # bfd's tombstone for debug info of discarded code
                A = 0
            else:
                S = BOUND
            if S == BOUND:
                deferred.append(int(i))
                continue
        if t == R_PLT32 or t == R_PC32:
            v = S + A - P0 - (o - o0)
            if not -0x80000000 <= v <= 0x7fffffff:
                deferred.append(int(i))
                continue
        elif t == R_64 or t == R_32 or t == R_32S:
            v = S + A
            if t == R_64:
                if o + 8 > lim + o0:
                    return False
                w[o + 4] = u8((v >> 32) & 0xff)
                w[o + 5] = u8((v >> 40) & 0xff)
                w[o + 6] = u8((v >> 48) & 0xff)
                w[o + 7] = u8((v >> 56) & 0xff)
            elif t == R_32:
                if not 0 <= v <= 0xffffffff:
                    deferred.append(int(i))
                    continue
            elif not -0x80000000 <= v <= 0x7fffffff:
                deferred.append(int(i))
                continue
        elif t == R_GOTPCREL or t == R_GOTPCRELX or t == R_REX_GOTPCRELX:
            S = _got_slot(ctx, obj, sec, int(idx), int(o - o0), int(t), int(A))
            lea = S == _TO_LEA
            if lea:
                S = bounded(sv[idx]) if k & 7 == _K_VAL else BOUND
            if S == BOUND:
                deferred.append(int(i))
                continue
            v = S + A - P0 - (o - o0)
            if not -0x80000000 <= v <= 0x7fffffff:
                deferred.append(int(i))
                continue
            if lea:
                w[o - 2] = u8(0x8d)     # mov foo@GOTPCREL(%rip), %reg -> lea foo(%rip), %reg
        elif t == R_TLSGD or t == R_TLSLD:
            return False        # (their relaxations rewrite the next relocation's instruction too)
        else:
            deferred.append(int(i))
            continue
        w[o] = u8(v & 0xff)
        w[o + 1] = u8((v >> 8) & 0xff)
        w[o + 2] = u8((v >> 16) & 0xff)
        w[o + 3] = u8((v >> 24) & 0xff)
    return True



def _got_slot(ctx, obj, sec: InputSection, idx: int, off: int, t: int, addend: int) -> i64:
    """The GOT slot's address for a GOTPCREL, GOTPCRELX or REX_GOTPCRELX reference to a global with a
    slot that the general path would not relax (a library's symbol, a preemptible one, an instruction
    bfd does not rewrite: rust's GOTPCREL loads of libc's symbols); _TO_LEA for a mov that PIC output
    relaxes to a lea of the symbol (x86_64._relax_gotpcrelx's commonest form: openssl has ~960), else
    BOUND: the other relaxations rewrite more of the instruction, and a local symbol's reference goes
    the general way."""
    syms: list[Symbol | None] = obj.syms
    if idx >= len(syms):
        return BOUND
    s = syms[idx]
    if s is None:
        return BOUND
    if gotpcrelx_relaxable(ctx, sec.data, off, t, s, addend):
        # (_relax_gotpcrelx: a mov becomes a lea unless the value goes in as an immediate)
        if ctx.config.pic and sec.data[off - 2] == 0x8b and not gotpcrelx_imm(ctx, s):
            return _TO_LEA
        return BOUND
    if s.got_idx < 0:
        return BOUND
    return bounded(ctx.syn.got.slot_addr(s.got_idx))
