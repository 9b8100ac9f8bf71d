"""The byte-level loops of .eh_frame handling, typed for the mypyc build (ehframe.py keeps the records'
bookkeeping and the diagnostics): splitting a section into CIE/FDE records, decoding a CIE's header,
finding where a record's CFA instructions really end (bfd drops trailing DW_CFA_nop padding), and the
sorted .eh_frame_hdr table. Everything here works on bytes and ints only, so it compiles to native loops.

Errors are raised as EhParseError(what, pos, extra); ehframe.py turns them into LinkErrors naming the file.
"""
from __future__ import annotations

import _struct as struct

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

# DW_EH_PE_pcrel | DW_EH_PE_sdata4: the FDE pointer encoding gcc, clang and rustc emit
PCREL_SDATA4: Final = 0x1b
MASK64: Final = 0xffffffffffffffff


class EhParseError(Exception):
    pass


def _u32(data: bytes, p: int) -> int:
    return data[p] | (data[p + 1] << 8) | (data[p + 2] << 16) | (data[p + 3] << 24)


def uleb(data: bytes, pos: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7f) << shift
        shift += 7
        if b < 0x80:
            return result, pos


def _skip_uleb(data: bytes, p: int) -> int:
    while data[p] & 0x80:
        p += 1
    return p + 1


def enc_size(enc: int) -> int:
    f = enc & 0x0f
    if f == 0x02 or f == 0x0a:
        return 2
    if f == 0x03 or f == 0x0b:
        return 4
    if f == 0x04 or f == 0x0c or f == 0x00:
        return 8
    return 4


def _at(data: bytes, p: int, end: int) -> int:
    if p >= end:
        raise IndexError(p)
    return data[p]


def _skip_uleb_in(data: bytes, p: int, end: int) -> int:
    while _at(data, p, end) & 0x80:
        p += 1
    return p + 1


def cie_fde_encoding(data: bytes, pos: int, end: int) -> int:
    """The FDE pointer encoding a CIE's "zR" augmentation names (0 without one); reads stay inside
    [pos, end): IndexError/ValueError for a truncated or corrupt CIE."""
    p = pos + 8
    version = _at(data, p, end)
    p += 1
    e = data.index(b"\0", p, end)
    aug = data[p:e]
    p = e + 1
    p = _skip_uleb_in(data, p, end)          # code alignment
    p = _skip_uleb_in(data, p, end)          # data alignment (sleb, same length rules)
    if version == 1:
        p += 1
    else:
        p = _skip_uleb_in(data, p, end)
    if not aug or aug[0] != 0x7a:    # "z"
        return 0
    p = _skip_uleb_in(data, p, end)
    for i in range(1, len(aug)):
        ch = aug[i]
        if ch == 0x52:               # R
            return _at(data, p, end)
        if ch == 0x50:               # P
            enc = _at(data, p, end)
            p += 1 + enc_size(enc)
        elif ch == 0x4c:             # L
            p += 1
        elif ch == 0x53 or ch == 0x42:     # S, B
            pass
        else:
            break
    return 0


def split(data: bytes, rels: list[tuple[int, int, int]]) -> tuple[list[int], list[int], list[int], list[int],
                                                                    list[list[tuple[int, int, int]]]]:
    """A section's records as parallel lists: offset, size, the CIE's record index for an FDE (-1 for a
    CIE), a CIE's FDE pointer encoding, and each record's relocations."""
    offs: list[int] = []
    sizes: list[int] = []
    cie_of: list[int] = []
    encs: list[int] = []
    cies: dict[int, int] = {}
    pos = 0
    n = len(data)
    while pos + 4 <= n:
        length = _u32(data, pos)
        if length == 0:
            break
        if length == 0xffffffff:
            raise EhParseError("64", pos, 0)
        size = length + 4
        if pos + size > n or length < 4:
            raise EhParseError("past", pos, 0)
        cid = _u32(data, pos + 4)
        if cid == 0:
            cies[pos] = len(offs)
            try:
                enc = cie_fde_encoding(data, pos, pos + size)
            except (IndexError, ValueError):
                raise EhParseError("cie", pos, 0) from None
            cie_of.append(-1)
            encs.append(enc)
        else:
            cpos = pos + 4 - cid
            ci = cies.get(cpos, -1)
            if ci < 0:
                raise EhParseError("nocie", pos, cpos)
            cie_of.append(ci)
            encs.append(0)
        offs.append(pos)
        sizes.append(size)
        pos += size
    nrec = len(offs)
    per: list[list[tuple[int, int, int]]] = [[] for _ in range(nrec)]
    if rels and nrec:
        # compilers emit relocations in offset order: walk both lists, search only when out of order
        i = 0
        start = offs[0]
        stop = start + sizes[0]
        for rel in rels:
            o = rel[0]
            if o < start:
                lo = 0
                hi = nrec
                while lo < hi:                 # last record starting at or before o
                    mid = (lo + hi) >> 1
                    if offs[mid] <= o:
                        lo = mid + 1
                    else:
                        hi = mid
                i = lo - 1
                if i < 0:
                    i = 0
                    start = offs[0]
                    stop = start + sizes[0]
                    continue
                start = offs[i]
                stop = start + sizes[i]
            while o >= stop and i + 1 < nrec:
                i += 1
                start = offs[i]
                stop = start + sizes[i]
            if start <= o < stop:
                per[i].append(rel)
    return offs, sizes, cie_of, encs, per


def max_sym(rels: list[tuple[int, int, int]]) -> int:
    """The highest symbol index the relocations name (-1 for none)."""
    m = -1
    for rel in rels:
        i = rel[1] >> 32
        if i > m:
            m = i
    return m


def cie_insns(data: bytes, pos: int) -> tuple[int, bool]:
    """Where a CIE's initial instructions start, and whether it has augmentation data ("z")."""
    p = pos + 8
    version = data[p]
    e = data.index(b"\0", p + 1, p + 64) + 1
    has_z = data[p + 1] == 0x7a
    p = _skip_uleb(data, e)
    p = _skip_uleb(data, p)
    if version == 1:
        p += 1
    else:
        p = _skip_uleb(data, p)
    if has_z:
        n, p = uleb(data, p)
        p += n
    return p, has_z


def insns_end(data: bytes, p: int, end: int) -> int:
    """End of the last CFA instruction that is not DW_CFA_nop padding (end itself when unsure)."""
    last = p
    try:
        while p < end:
            op = data[p]
            p += 1
            hi = op & 0xc0
            if hi:
                if hi == 0x80:                      # DW_CFA_offset: one uleb128
                    p = _skip_uleb(data, p)
                last = p
                continue
            if op == 0:
                continue
            if op == 0x0e or op == 0x0d or op == 0x06 or op == 0x07 or op == 0x08 or op == 0x13 or op == 0x2e:
                p = _skip_uleb(data, p)
            elif (op == 0x0c or op == 0x05 or op == 0x09 or op == 0x11 or op == 0x12 or op == 0x14
                  or op == 0x15 or op == 0x2f):
                p = _skip_uleb(data, _skip_uleb(data, p))
            elif op == 0x0a or op == 0x0b or op == 0x2d:
                pass
            elif op == 0x02:
                p += 1
            elif op == 0x03:
                p += 2
            elif op == 0x04:
                p += 4
            elif op == 0x1d:
                p += 8
            elif op == 0x0f:
                n, p = uleb(data, p)
                p += n
            elif op == 0x10 or op == 0x16:
                p = _skip_uleb(data, p)
                n, p = uleb(data, p)
                p += n
            else:
                return end
            last = p
    except IndexError:
        return end
    return last if last <= end else end


def trim(data: bytes, off: int, size: int, insns: int) -> int:
    """A record's size without its trailing DW_CFA_nop padding (keeping 4-byte sizes), as bfd writes it."""
    end = off + size
    if data[end - 4] or data[end - 3] or data[end - 2] or data[end - 1]:
        return size       # fewer than 4 nops cannot shrink a 4-byte-multiple size: skip the decode
    return (insns_end(data, insns, end) - off + 3) & -4


def fde_size(data: bytes, off: int, size: int, w: int, aug_z: bool) -> int:
    """An FDE's trimmed size, or -1 when it covers no code (a zero address range: bfd drops it)."""
    q = off + 8 + w
    stop = min(q + w, len(data))
    empty = True
    while q < stop:
        if data[q]:
            empty = False
            break
        q += 1
    if empty:
        return -1
    p = off + 8 + 2 * w
    if aug_z:
        n, p = uleb(data, p)
        p += n
    return trim(data, off, size, p)


def fde_location(eh: bytes, pos: int, field: int, enc: int) -> int:
    """The initial location of an FDE whose pc_begin field (encoded as `enc`) is at eh[pos], address field."""
    fmt = enc & 0x0f
    if fmt == 0x0b or fmt == 0x03 or not (fmt == 0x0c or fmt == 0x04 or fmt == 0x00):
        v = _u32(eh, pos)
        if fmt != 0x03 and v >= 0x80000000:
            v -= 0x100000000
    else:
        v = int.from_bytes(eh[pos:pos + 8], "little", signed=fmt == 0x0c)
    if enc & 0x70 == 0x10:
        v += field
    return v & MASK64


def eh_frame_hdr(eh: bytes, addr: int, hdr: int, eh_ptr: int, fde_offs: list[int], fde_encs: list[int]) -> bytes:
    """.eh_frame_hdr (at address hdr): the header and the table of (initial location, FDE address), sorted,
    read back from the relocated output .eh_frame `eh` (at address addr) for the FDEs at fde_offs (output
    offsets; pointer encodings fde_encs). OverflowError for a distance beyond 32 bits, as struct's "<i"."""
    n = len(fde_offs)
    locs: list[int] = []
    loc: int
    for k in range(n):
        off = fde_offs[k]
        enc = fde_encs[k]
        pos = off + 8
        if enc == PCREL_SDATA4:
            v = _u32(eh, pos)
            if v >= 0x80000000:
                v -= 0x100000000
            loc = v + addr + pos
            if loc < 0 or loc > 0x3fffffffffffffff:     # (rare: the wrap to 64 bits, on big ints)
                loc &= MASK64
        else:
            loc = fde_location(eh, pos, addr + pos, enc)
        locs.append(loc)
    # sorted by (initial location, FDE address): by location (a stable sort of the FDEs' indices),
    # then runs of equal locations by offset (an FDE's output offset is not always in index order)
    order = sorted(range(n), key=locs.__getitem__)
    i = 0
    while i < n:
        j = i + 1
        while j < n and locs[order[j]] == locs[order[i]]:
            j += 1
        if j - i > 1:
            order[i:j] = sorted(order[i:j], key=fde_offs.__getitem__)
        i = j
    # the table packed at once (a store per word through a memoryview costs a generic item call each)
    words: list[int] = [0x3b031b01, eh_ptr, n]
    for k in order:
        a = locs[k] - hdr
        f = addr + fde_offs[k] - hdr
        if a < -0x80000000 or a > 0x7fffffff or f < -0x80000000 or f > 0x7fffffff:
            raise OverflowError("eh_frame_hdr: distance beyond 32 bits")
        words.append(a)
        words.append(f)
    return struct.pack("<Iii%di" % (2 * n), *words)


def eh_frame(datas: list[bytes], offs: list[int], sizes: list[int], pads: list[int], outs: list[int],
             cie_outs: list[int], total: int) -> bytearray:
    """The output .eh_frame's records (before relocation): record k is datas[k][offs[k]:][:sizes[k]] at
    outs[k], its length field covering pads[k] bytes of DW_CFA_nop after it, and, for an FDE (cie_outs[k]
    >= 0: its CIE's output offset), its CIE pointer rewritten for the output places."""
    out = bytearray(total)
    for k in range(len(offs)):
        o = outs[k]
        off = offs[k]
        size = sizes[k]
        out[o:o + size] = datas[k][off:off + size]
        out[o:o + 4] = (size + pads[k] - 4).to_bytes(4, "little")
        c = cie_outs[k]
        if c >= 0:
            out[o + 4:o + 8] = (o + 4 - c).to_bytes(4, "little")
    return out
