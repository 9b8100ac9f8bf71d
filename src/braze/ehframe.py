""".eh_frame: split input sections into CIEs and FDEs, drop FDEs of discarded code, merge identical CIEs,
and build the sorted .eh_frame_hdr search table that unwinders (C++ exceptions, backtrace) use."""
from __future__ import annotations

import bisect
import struct

from .diag import LinkError
from .elf import SHT_PROGBITS, SHF_ALLOC, SHF_WRITE, STT_SECTION
from .sections import Chunk

_u32 = struct.Struct("<I")
_i32 = struct.Struct("<i")


class Record:
    """A CIE or FDE. No __slots__: class-level defaults keep the constructor (one per FDE) short."""
    cie = None
    out_off = 0
    cie_key = None
    fde_enc = 0x1b
    dup_of = None

    def __init__(self, sec, off, size, is_cie):
        self.sec = sec
        self.off = off
        self.size = size
        self.is_cie = is_cie
        self.relocs = []


def split_eh_frame(sec) -> list[Record]:
    data = bytes(sec.data)
    recs: list[Record] = []
    pos = 0
    n = len(data)
    cies: dict[int, Record] = {}
    while pos + 4 <= n:
        length = _u32.unpack_from(data, pos)[0]
        if length == 0:
            break
        if length == 0xffffffff:
            raise LinkError(f"{sec.file.name}: .eh_frame: 64-bit records are not supported")
        size = length + 4
        if pos + size > n or length < 4:
            raise LinkError(f"{sec.file.name}: .eh_frame: record at offset 0x{pos:x} extends past the section end")
        cid = _u32.unpack_from(data, pos + 4)[0]
        r = Record(sec, pos, size, cid == 0)
        if cid == 0:
            cies[pos] = r
            try:
                r.fde_enc = _cie_fde_encoding(data[:pos + size], pos, sec)
            except (IndexError, ValueError):
                raise LinkError(f"{sec.file.name}: .eh_frame: CIE at offset 0x{pos:x} is truncated or "
                                f"corrupt") from None
        else:
            cpos = pos + 4 - cid
            r.cie = cies.get(cpos)
            if r.cie is None:
                raise LinkError(f"{sec.file.name}: .eh_frame: FDE at 0x{pos:x} points to no CIE (0x{cpos:x})")
        recs.append(r)
        pos += size
    rels = sec.relocs
    if rels and max(rel[1] for rel in rels) >> 32 >= len(sec.file.esyms):
        bad = next(rel for rel in rels if rel[1] >> 32 >= len(sec.file.esyms))
        raise LinkError(f"{sec.file.name}:(.eh_frame+0x{bad[0]:x}): relocation refers to symbol index "
                        f"{bad[1] >> 32} beyond the symbol table ({len(sec.file.esyms)} entries)")
    if rels and recs:
        # compilers emit relocations in offset order: walk both lists, bisect only when out of order
        starts = None
        i, nrec = 0, len(recs)
        r = recs[0]
        for rel in rels:
            o = rel[0]
            if o < r.off:
                if starts is None:
                    starts = [x.off for x in recs]
                i = bisect.bisect_right(starts, o) - 1
                if i < 0:
                    i = 0
                    r = recs[0]
                    continue
                r = recs[i]
            while o >= r.off + r.size and i + 1 < nrec:
                i += 1
                r = recs[i]
            if r.off <= o < r.off + r.size:
                r.relocs.append(rel)
    return recs


def _uleb(data, pos):
    result = shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7f) << shift
        shift += 7
        if b < 0x80:
            return result, pos


def _cie_fde_encoding(data: bytes, pos: int, sec) -> int:
    p = pos + 8
    version = data[p]
    p += 1
    e = data.index(b"\0", p)
    aug = data[p:e].decode("latin-1")
    p = e + 1
    _, p = _uleb(data, p)          # code alignment
    _, p = _uleb(data, p)          # data alignment (sleb, same length rules)
    if version == 1:
        p += 1
    else:
        _, p = _uleb(data, p)
    if not aug.startswith("z"):
        return 0
    _, p = _uleb(data, p)
    for ch in aug[1:]:
        if ch == "R":
            return data[p]
        if ch == "P":
            enc = data[p]
            p += 1 + _enc_size(enc)
        elif ch == "L":
            p += 1
        elif ch in "SB":
            pass
        else:
            break
    return 0


def _enc_size(enc: int) -> int:
    f = enc & 0x0f
    if f in (0x02, 0x0a):
        return 2
    if f in (0x03, 0x0b):
        return 4
    if f in (0x04, 0x0c, 0x00):
        return 8
    return 4


class EhFrameSection(Chunk):
    """The output .eh_frame."""

    def __init__(self):
        super().__init__(".eh_frame", SHT_PROGBITS, SHF_ALLOC, 8)
        self.records: list[Record] = []
        self.fde_count = 0
        self.inputs = []

    def build(self, ctx, inputs) -> None:
        self.inputs = inputs
        out: list[Record] = []
        cie_map: dict = {}
        off = 0
        nfde = 0
        for sec in inputs:
            recs = split_eh_frame(sec)
            obj = sec.file
            for r in recs:
                if r.is_cie:
                    key = (bytes(sec.data[r.off:r.off + r.size]),
                           tuple((rel[0] - r.off, rel[1] & 0xffffffff, _target_key(obj, rel[1] >> 32), rel[2])
                                 for rel in r.relocs))
                    first = cie_map.get(key)
                    if first is not None:
                        r.dup_of = first
                        continue
                    cie_map[key] = r
                    r.out_off = off
                    off += r.size
                    out.append(r)
                else:
                    if not self._fde_alive(obj, r):
                        continue
                    r.out_off = off
                    off += r.size
                    out.append(r)
                    nfde += 1
        self.records = out
        self.fde_count = nfde
        self.size = off + 4 if out else 0     # zero terminator

    @staticmethod
    def _fde_alive(obj, r) -> bool:
        for rel in r.relocs:
            if rel[0] == r.off + 8:
                idx = rel[1] >> 32
                if idx < obj.first_global:
                    sh = obj.esyms[idx][3]
                    if 0 < sh < len(obj.sections):
                        sec = obj.sections[sh]    # the usual case: a section symbol of the function's section
                    else:
                        sec = obj.local_section(idx)
                else:
                    s = obj.syms[idx]
                    sec = s.section if s is not None else None
                    if s is not None and s.file is not obj and s.rank:
                        return False
                return sec is not None and sec.alive and getattr(sec, "out", 1) is not None
        return False

    def move_dynamic_relocs(self, relocs, start: int) -> None:
        """Dynamic relocations for absolute pointers in .eh_frame records (DW_EH_PE_absptr personality
        or LSDA pointers in a PIC link) were made against the input section: move them to where the
        records are in the output .eh_frame."""
        if start == len(relocs):
            return
        from .synthetic.rela import RelativeReloc
        where = {}
        for r in self.records:
            where.setdefault(id(r.sec), []).append(r)
        place = _OutputPlace(self)
        for k in range(start, len(relocs)):
            d = relocs[k]
            recs = where.get(id(d.place))
            if recs is None:
                continue
            r = next(x for x in recs if x.off <= d.poff < x.off + x.size)
            poff = r.out_off + d.poff - r.off
            if type(d) is RelativeReloc:
                relocs[k] = RelativeReloc((place, poff, d.target, d.addend))
            else:
                d.place = place
                d.poff = poff

    def live_fde_targets(self):
        return self.records

    def write(self, ctx, buf) -> None:
        from .arch import x86_64 as arch
        base = self.offset
        for r in self.records:
            src = r.sec.data
            o = base + r.out_off
            buf[o:o + r.size] = src[r.off:r.off + r.size]
            if not r.is_cie:
                cie = r.cie
                if cie.dup_of is not None:
                    cie = cie.dup_of
                # CIE pointer: distance from this field to the CIE
                _u32.pack_into(buf, o + 4, (r.out_off + 4) - cie.out_off)
        # one apply_relocs call per input section, with offsets moved to the records' output places
        sec = None
        rels: list = []
        for r in self.records:
            if r.sec is not sec:
                if rels:
                    arch.apply_relocs(ctx, sec.file, sec, rels, buf, self.offset, self.addr)
                sec, rels = r.sec, []
            if r.relocs:
                delta = r.out_off - r.off
                rels += [(rel[0] + delta, rel[1], rel[2]) for rel in r.relocs]
        if rels:
            arch.apply_relocs(ctx, sec.file, sec, rels, buf, self.offset, self.addr)

    def fde_table(self, ctx, buf) -> list[tuple[int, int]]:
        """(initial location, FDE address) pairs read back from the relocated output."""
        out = []
        base = self.offset
        addr = self.addr
        i32 = _i32.unpack_from
        for r in self.records:
            if r.is_cie:
                continue
            cie = r.cie.dup_of or r.cie
            enc = cie.fde_enc
            if enc == 0x1b:                 # pcrel|sdata4: what gcc, clang and rustc emit
                o = r.out_off + 8
                out.append(((i32(buf, base + o)[0] + addr + o) & 0xffffffffffffffff, addr + r.out_off))
                continue
            pos = base + r.out_off + 8
            field = addr + r.out_off + 8
            fmt = enc & 0x0f
            if fmt in (0x0b, 0x03):
                v = struct.unpack_from("<i" if fmt == 0x0b else "<I", buf, pos)[0]
            elif fmt in (0x0c, 0x04, 0x00):
                v = struct.unpack_from("<q" if fmt == 0x0c else "<Q", buf, pos)[0]
            else:
                v = struct.unpack_from("<i", buf, pos)[0]
            if enc & 0x70 == 0x10:
                v += field
            out.append((v & 0xffffffffffffffff, addr + r.out_off))
        out.sort()
        return out


class _OutputPlace:
    """The output .eh_frame as the place of a dynamic relocation (the interface of an InputSection
    placed at offset 0 of it)."""
    out_off = 0

    def __init__(self, eh):
        self.out = eh

    @property
    def addr(self):
        return self.out.addr


def _target_key(obj, idx):
    if idx < obj.first_global:
        e = obj.esyms[idx]
        return (id(obj.local_section(idx)), e[4])
    return id(obj.syms[idx])


class EhFrameHdr(Chunk):
    def __init__(self, eh: EhFrameSection):
        super().__init__(".eh_frame_hdr", SHT_PROGBITS, SHF_ALLOC, 4)
        self.eh = eh

    def update_size(self, ctx) -> None:
        self.size = 12 + 8 * self.eh.fde_count

    def write(self, ctx, buf) -> None:
        pass   # done in post_write, after .eh_frame is relocated

    def post_write(self, ctx, buf) -> None:
        eh = self.eh
        table = eh.fde_table(ctx, buf)
        o = self.offset
        hdr = self.addr
        eh_ptr = (eh.addr - (hdr + 4)) if eh.size else 0
        struct.pack_into("<BBBBiI", buf, o, 1, 0x1b, 0x03, 0x3b, eh_ptr, len(table))
        p = o + 12
        for loc, fde in table:
            struct.pack_into("<ii", buf, p, loc - hdr, fde - hdr)
            p += 8
