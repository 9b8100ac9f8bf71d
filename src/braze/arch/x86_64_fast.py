"""x86-64 relocations applied with native byte stores: mypy's runtime library (librt) has a
BytesWriter whose item stores compile to plain C stores, where struct.pack_into costs ~1,000
instructions a call (~40% of the apply pass).  Imported by x86_64.apply_jobs for links with many
relocations only (the import of librt costs ~0.7 ms); without librt (no mypy installed) HAVE_WRITER
is False and x86_64.py's own loop does everything.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final
from .._ints import i64, u8
from ..elf import SHF_ALLOC
from .common import _discarded_value
from .x86_64 import (_reloc_values, _fill_values, _merged_addr, rela_bytes, apply_relocs, apply_listed,
                     _K_NEW, _K_VAL, _K_DISC, _K_MERGE, _K_PLT, R_PLT32, R_PC32, R_64, R_32, R_32S,
                     R_TLSGD, R_TLSLD)

try:
    from librt.strings import BytesWriter, read_i64_le, read_i32_le
    HAVE_WRITER = True
except ImportError:
    HAVE_WRITER = False


def apply_jobs(ctx, buf: Any, jobs: list[tuple[Any, int, int]]) -> None:
    """writer.py's jobs: each input section's relocations, read from their bytes.  The members of one
    output section are relocated together in a BytesWriter holding a copy of their range of the image
    (_apply_common_native), then copied back in one slice; their relocations of other kinds are then
    applied by the general path, and a member with a TLS GD/LD relocation gets its original bytes back
    and is done by apply_relocs whole."""
    nj = len(jobs)
    k = 0
    e: int
    lo: int
    while k < nj:
        out = jobs[k][0].out
        lo = jobs[k][1]
        e = k + 1
        # (pieces of at most _GROUP_SPAN bytes: the copies then stay below malloc's mmap threshold
        # and reuse the heap's pages, where big ones were fresh mappings, page-faulted in each time)
        while e < nj and jobs[e][0].out is out and jobs[e][1] - lo < _GROUP_SPAN:
            e += 1
        _apply_group(ctx, buf, jobs, k, e)
        k = e


_GROUP_SPAN: Final = 1 << 16


def _apply_group(ctx, buf: Any, jobs: list[tuple[Any, int, int]], k: int, e: int) -> None:
    lo: int = jobs[k][1]
    hi: int = lo
    nrel: int = 0
    for j in range(k, e):
        m, off, _a = jobs[j]
        if off < lo:
            lo = off
        if off + m.size > hi:
            hi = off + m.size
        nrel += m.rel_size
    failed: list[int] = []
    # (the range is copied three times: a big range with few relocations is done the general way)
    if lo < 0 or hi > len(buf) or hi - lo > nrel * 10:      # (nrel: bytes of Elf64_Rela, 24 each)
        failed = list(range(k, e))
    else:
        w = BytesWriter()
        w.write(bytes(buf[lo:hi]))
        later: list[tuple[int, list[int]]] = []
        for j in range(k, e):
            m, off, addr = jobs[j]
            deferred: list[int] = []
            if not _apply_common_native(ctx, m.file, m, w, off - lo, addr, deferred):
                failed.append(j)
            elif deferred:
                later.append((j, deferred))
        keep = [bytes(buf[jobs[j][1]:jobs[j][1] + jobs[j][0].size]) for j in failed]
        buf[lo:hi] = w.getvalue()
        for j, b in zip(failed, keep):      # (their original bytes: w may hold some of their fields)
            buf[jobs[j][1]:jobs[j][1] + len(b)] = b
        for j, idxs in later:
            m, off, addr = jobs[j]
            apply_listed(ctx, m.file, m, idxs, buf, off, addr)
    for j in failed:
        m, off, addr = jobs[j]
        apply_relocs(ctx, m.file, m, None, buf, off, addr)


def _apply_common_native(ctx, obj, sec, w: BytesWriter, wbase: int, base_addr: int,
                         deferred: list[int]) -> bool:
    """apply_relocs into w (at wbase) for the common relocations (PC32, PLT32, 64, 32, 32S against
    symbols whose address needs no per-relocation decision), with BytesWriter's native byte stores
    (struct.pack_into costs ~1,000 instructions a call: ~40% of the pass).  The arithmetic is on i64
    values bounded by 2**60 (so nothing wraps).  The other relocations go to `deferred` (their
    indices), for the general path once w is back in the image: each writes its own field and its own
    instruction's bytes only (x86-64 relocations do not compose), so the order does not matter —
    except TLS GD/LD, whose relaxation rewrites the next relocation's call too: with one of those, a
    field outside the section or a bad symbol index, False (w may then hold some of the section's
    fields: the caller restores them and applies the whole section the general way)."""
    if sec.is_eh_frame or sec._relocs is not None and sec.data_override is not None:
        return False        # (.eh_frame: ehframe.py; reversed .ctors: their own relocation list)
    if not -_BOUND < base_addr < _BOUND:
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
        if idx >= nk or not 0 <= o < lim - 3 or not -_BOUND < A < _BOUND:
            return False
        k = kind[idx]
        if k == _K_NEW:
            k = _fill_values(ctx, obj, idx, rv)
        o += o0
        if t == R_PLT32 or t == R_PC32 or t == R_64 or t == R_32 or t == R_32S:
            if t == R_PLT32 and k & _K_PLT:
                S = _bounded(pv[idx])
            elif k & 7 == _K_VAL:
                S = _bounded(sv[idx])
            elif k == _K_MERGE:         # (the piece at value + A, as bfd; for PC32 too: string literals)
                S = _bounded(_merged_addr(sv[idx], rv.mstarts[idx], rv.mouts[idx], pv[idx] + A))
                A = 0
            elif k & 7 == _K_DISC and not alloc and (t == R_64 or t == R_32):
                S = disc                # bfd's tombstone for debug info of discarded code
                A = 0
            else:
                S = _BOUND
            if S == _BOUND:
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


_BOUND: Final = 1 << 60


def _bounded(x: int) -> i64:
    """x as an i64 when |x| < 2**60, else _BOUND (the caller's signal to take the general path)."""
    if -_BOUND < x < _BOUND:
        return x
    return _BOUND


