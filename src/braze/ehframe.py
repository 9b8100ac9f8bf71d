""".eh_frame: split input sections into CIEs and FDEs, drop FDEs of discarded code, merge identical CIEs,
and build the sorted .eh_frame_hdr search table that unwinders (C++ exceptions, backtrace) use."""
from __future__ import annotations

import bisect
import struct

from .diag import LinkError
from .elf import SHT_PROGBITS, SHF_ALLOC
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
    target = None        # linker-made FDEs: the chunk they cover
    pad = 0
    insns = 0            # CIEs: where the initial instructions start
    aug_z = False

    def __init__(self, sec, off, size, is_cie):
        self.sec = sec
        self.off = off
        self.size = size
        self.is_cie = is_cie
        self.relocs = []


def split_eh_frame(sec, data: bytes | None = None) -> list[Record]:
    if data is None:
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


def _cie_insns(data, pos: int) -> tuple[int, bool]:
    """Where a CIE's initial instructions start, and whether it has augmentation data ("z")."""
    p = pos + 8
    version = data[p]
    e = bytes(data[p + 1:p + 64]).index(b"\0") + p + 1
    has_z = data[p + 1] == 0x7a
    p = e + 1
    _, p = _uleb(data, p)
    _, p = _uleb(data, p)
    if version == 1:
        p += 1
    else:
        _, p = _uleb(data, p)
    if has_z:
        n, p = _uleb(data, p)
        p += n
    return p, has_z


# operand kinds of the DW_CFA opcodes with a zero high-bits field: u = uleb128, s = sleb128 (same skipping),
# b = uleb128 length + block, digits = fixed size
_CFA_OPERANDS = {0x00: "", 0x02: "1", 0x03: "2", 0x04: "4", 0x05: "uu", 0x06: "u", 0x07: "u", 0x08: "u",
                 0x09: "uu", 0x0a: "", 0x0b: "", 0x0c: "uu", 0x0d: "u", 0x0e: "u", 0x0f: "b", 0x10: "ub",
                 0x11: "uu", 0x12: "uu", 0x13: "u", 0x14: "uu", 0x15: "uu", 0x16: "ub", 0x1d: "8",
                 0x2d: "", 0x2e: "u", 0x2f: "uu"}


def _insns_end(data, p: int, end: int) -> int:
    """End of the last CFA instruction that is not DW_CFA_nop padding (end itself when unsure).
    The usual opcodes (advance_loc, offset, restore, def_cfa_offset) are decoded inline."""
    last = p
    kinds_of = _CFA_OPERANDS.get
    try:
        while p < end:
            op = data[p]
            p += 1
            hi = op & 0xc0
            if hi:
                if hi == 0x80:                      # DW_CFA_offset: one uleb128
                    while data[p] & 0x80:
                        p += 1
                    p += 1
                last = p
                continue
            if op == 0:
                continue
            kinds = kinds_of(op)
            if kinds is None:
                return end
            for k in kinds:
                if k == "u":
                    while data[p] & 0x80:
                        p += 1
                    p += 1
                elif k == "b":
                    n, p = _uleb(data, p)
                    p += n
                else:
                    p += int(k)
            last = p
    except IndexError:
        return end
    return last if last <= end else end


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
        nfde = 0
        for sec in inputs:
            data = bytes(sec.data)
            recs = split_eh_frame(sec, data)
            obj = sec.file
            for r in recs:
                if r.is_cie:
                    key = (bytes(data[r.off:r.off + r.size]),
                           tuple((rel[0] - r.off, rel[1] & 0xffffffff, _target_key(obj, rel[1] >> 32), rel[2])
                                 for rel in r.relocs))
                    first = cie_map.get(key)
                    if first is not None:
                        r.dup_of = first
                        continue
                    cie_map[key] = r
                    r.insns, r.aug_z = _cie_insns(data, r.off)
                    r.size = _trim(data, r, r.insns)
                    out.append(r)
                else:
                    if not self._fde_alive(obj, r):
                        continue
                    cie = r.cie
                    if cie.insns == 0:
                        cie.insns, cie.aug_z = _cie_insns(data, cie.off)
                    w = _enc_size(cie.fde_enc)
                    if not any(data[r.off + 8 + w:r.off + 8 + 2 * w]):
                        # no code covered (gcc leaves these for an emptied cold part): bfd drops it, and
                        # in .eh_frame_hdr it could hide the real FDE that starts at the same address
                        continue
                    p = r.off + 8 + 2 * w
                    if cie.aug_z:
                        n, p = _uleb(data, p)
                        p += n
                    r.size = _trim(data, r, p)
                    out.append(r)
                    nfde += 1
        if ctx.target.drop_unused_cies:
            # bfd drops a CIE none of whose FDEs is kept (seen on aarch64, where an input's CIE for a
            # dropped empty FDE does not merge with another); x86-64 outputs keep braze's behaviour
            used = {id(_cie_of(r)) for r in out if not r.is_cie}
            out = [r for r in out if not r.is_cie or id(r) in used]
        self.records = out
        self.fde_count = nfde
        self.cie_map = cie_map
        self._place()

    def _place(self) -> None:
        """Output offsets. Like bfd, each input section's records start at its alignment: the last
        record before the gap grows by DW_CFA_nop padding (its length field covers it)."""
        off = 0
        prev = None
        for r in self.records:
            if prev is not None:
                if r.sec is not prev.sec:
                    prev.pad = -off & (r.sec.align - 1)
                    off += prev.pad
                else:
                    prev.pad = 0
            r.out_off = off
            off += r.size
            prev = r
        if prev is not None:
            prev.pad = 0
        self.size = off + 4 if self.records else 0     # zero terminator
        # Symbols in input .eh_frame sections: crtbeginT.o's __EH_FRAME_BEGIN__ (what a static
        # program hands to __register_frame_info) and crtend.o's __FRAME_END__. Each input section
        # sits where its first kept record went, or where the next section's records begin.
        first = {}
        for r in self.records:
            first.setdefault(r.sec, r.out_off)
        nxt = off
        for sec in reversed(self.inputs):
            nxt = first.get(sec, nxt)
            sec.out = self
            sec.out_off = nxt

    def add_plt_unwind(self, ctx) -> None:
        """Unwind info for the linker-made PLTs (ld's --ld-generated-unwind-info), so that backtraces,
        profilers and debuggers can step out of a PLT stub. Like bfd, the records go right after the
        first input object's own .eh_frame contents; their CIE is the one gcc emits for every C
        function, so it merges with an identical CIE wherever that comes first."""
        plt, pltgot = ctx.syn.plt, ctx.syn.pltgot
        T = ctx.target
        fdes = []
        if plt.header_size():
            fdes.append((plt, T.ibt_plt_fde if plt.ibt else T.lazy_plt_fde))   # all of .plt, IFUNC stubs too
        if pltgot.syms:
            fdes.append((pltgot, T.pltgot_fde))
        if plt.sec_active():
            fdes.append((ctx.syn.pltsec, T.pltgot_fde))     # .plt.sec: jumps only, as .plt.got
        if not fdes or not self.records:
            return
        first = ctx.objs[0] if ctx.objs else None
        at = 0
        while at < len(self.records) and self.records[at].sec.file is first:
            at += 1
        cie = Record(_LinkerMade(T.plt_cie), 0, len(T.plt_cie), True)
        new = []
        key = (T.plt_cie, ())
        keeper = self.cie_map.get(key)
        if keeper is not None and self.records.index(keeper) < at:
            cie = keeper
        else:
            if keeper is not None:          # a later identical CIE now merges into this one
                keeper.dup_of = cie
                self.records.remove(keeper)
            self.cie_map[key] = cie
            new.append(cie)
        for target, data in fdes:
            r = Record(_LinkerMade(data), 0, len(data), False)
            r.cie = cie
            r.target = target
            new.append(r)
        self.records[at:at] = new
        self.fde_count += len(fdes)
        self._place()

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

    def move_dynamic_relocs(self, relocs, start: int, end: int) -> None:
        """Dynamic relocations for absolute pointers in .eh_frame records (DW_EH_PE_absptr personality
        or LSDA pointers in a PIC link) were made against the input section: move them to where the
        records are in the output .eh_frame."""
        if start == end:
            return
        from .synthetic.rela import RelativeReloc
        where = {}
        for r in self.records:
            where.setdefault(id(r.sec), []).append(r)
        place = _OutputPlace(self)
        for k in range(start, end):
            d = relocs[k]
            recs = where.get(id(d.place))
            if recs is None:
                continue
            r = next((x for x in recs if x.off <= d.poff < x.off + x.size), None)
            if r is None:           # only a corrupt input puts a relocation in a record's dropped tail
                raise LinkError(f"{d.place.file.name}: .eh_frame: relocation at offset 0x{d.poff:x} "
                                f"is outside every record")
            poff = r.out_off + d.poff - r.off
            if type(d) is RelativeReloc:
                relocs[k] = RelativeReloc((place, poff, d.target, d.addend))
            else:
                d.place = place
                d.poff = poff

    def live_fde_targets(self):
        return self.records

    def write(self, ctx, buf) -> None:
        apply_relocs = ctx.target.apply_relocs
        base = self.offset
        for r in self.records:
            src = r.sec.data
            o = base + r.out_off
            buf[o:o + r.size] = src[r.off:r.off + r.size]
            _u32.pack_into(buf, o, r.size + r.pad - 4)
            if r.pad:
                buf[o + r.size:o + r.size + r.pad] = bytes(r.pad)     # DW_CFA_nop
            if not r.is_cie:
                # CIE pointer: distance from this field to the CIE
                _u32.pack_into(buf, o + 4, (r.out_off + 4) - _cie_of(r).out_off)
                if r.target is not None:
                    _i32.pack_into(buf, o + 8, r.target.addr - (self.addr + r.out_off + 8))
                    _u32.pack_into(buf, o + 12, r.target.size)
        # one apply_relocs call per input section, with offsets moved to the records' output places
        sec = None
        rels: list = []
        for r in self.records:
            if r.sec is not sec:
                if rels:
                    apply_relocs(ctx, sec.file, sec, rels, buf, self.offset, self.addr)
                sec, rels = r.sec, []
            if r.relocs:
                delta = r.out_off - r.off
                rels += [(rel[0] + delta, rel[1], rel[2]) for rel in r.relocs]
        if rels:
            apply_relocs(ctx, sec.file, sec, rels, buf, self.offset, self.addr)

    def fde_table(self, ctx, buf) -> list[tuple[int, int]]:
        """(initial location, FDE address) pairs read back from the relocated output."""
        out = []
        base = self.offset
        addr = self.addr
        i32 = _i32.unpack_from
        for r in self.records:
            if r.is_cie:
                continue
            enc = _cie_of(r).fde_enc
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


def _trim(data, r: Record, insns: int) -> int:
    """bfd drops a record's trailing DW_CFA_nop padding (keeping 4-byte sizes) and pads only where an
    input section ends; matching it keeps .eh_frame the same size as bfd's."""
    end = r.off + r.size
    if data[end - 4:end] != b"\0\0\0\0":
        return r.size       # fewer than 4 nops cannot shrink a 4-byte-multiple size: skip the decode
    return (_insns_end(data, insns, end) - r.off + 3) & -4


def _cie_of(fde: Record) -> Record:
    cie = fde.cie
    while cie.dup_of is not None:
        cie = cie.dup_of
    return cie


class _LinkerMade:
    """Stands in for the input section of a record the linker writes itself."""
    file = None
    relocs = ()
    align = 8

    def __init__(self, data: bytes):
        self.data = data


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
