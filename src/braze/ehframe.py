""".eh_frame: split input sections into CIEs and FDEs, drop FDEs of discarded code, merge identical CIEs,
and build the sorted .eh_frame_hdr search table that unwinders (C++ exceptions, backtrace) use."""
from __future__ import annotations

import struct

from . import ehparse as _ep
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

    def __init__(self, sec, off, size, is_cie, relocs=None):
        self.sec = sec
        self.off = off
        self.size = size
        self.is_cie = is_cie
        self.relocs = [] if relocs is None else relocs


def _parse(sec, data: bytes):
    """ehparse.split of a section, its errors reported as LinkErrors naming the file."""
    rels = sec.relocs
    if type(rels) is not list:
        rels = list(rels)
    try:
        parts = _ep.split(data, rels)
    except _ep.EhParseError as e:
        what, pos, cpos = e.args
        name = sec.file.name
        if what == "64":
            raise LinkError(f"{name}: .eh_frame: 64-bit records are not supported") from None
        if what == "past":
            raise LinkError(f"{name}: .eh_frame: record at offset 0x{pos:x} extends past the section end") from None
        if what == "cie":
            raise LinkError(f"{name}: .eh_frame: CIE at offset 0x{pos:x} is truncated or corrupt") from None
        raise LinkError(f"{name}: .eh_frame: FDE at 0x{pos:x} points to no CIE (0x{cpos:x})") from None
    if rels:
        nsyms = len(sec.file.esyms)
        if _ep.max_sym(rels) >= nsyms:
            bad = next(rel for rel in rels if rel[1] >> 32 >= nsyms)
            raise LinkError(f"{sec.file.name}:(.eh_frame+0x{bad[0]:x}): relocation refers to symbol index "
                            f"{bad[1] >> 32} beyond the symbol table ({nsyms} entries)")
    return parts


def split_eh_frame(sec, data: bytes | None = None) -> list[Record]:
    if data is None:
        data = bytes(sec.data)
    offs, sizes, cie_of, encs, per = _parse(sec, data)
    recs: list[Record] = []
    for i in range(len(offs)):
        c = cie_of[i]
        r = Record(sec, offs[i], sizes[i], c < 0)
        if c < 0:
            r.fde_enc = encs[i]
        else:
            r.cie = recs[c]
        r.relocs = per[i]
        recs.append(r)
    return recs


def _uleb(data, pos):
    """(value, next pos). Not ehparse.uleb: that one takes bytes only (compiled), and dwarfline.py
    and relocatable.py pass memoryviews and bytearrays."""
    result = shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7f) << shift
        shift += 7
        if b < 0x80:
            return result, pos


_cie_insns = _ep.cie_insns       # (relocatable.py's -r .eh_frame editing uses these too)
_enc_size = _ep.enc_size


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
        cie_insns, fde_size, enc_size = _ep.cie_insns, _ep.fde_size, _ep.enc_size
        for sec in inputs:
            data = bytes(sec.data)
            offs, sizes, cie_of, encs, per = _parse(sec, data)
            obj = sec.file
            cies: dict[int, Record] = {}
            for i, c in enumerate(cie_of):
                off = offs[i]
                if c < 0:
                    r = Record(sec, off, sizes[i], True, per[i])
                    r.fde_enc = encs[i]
                    cies[i] = r
                    key = (data[off:off + r.size],
                           tuple((rel[0] - off, rel[1] & 0xffffffff, _target_key(obj, rel[1] >> 32), rel[2])
                                 for rel in r.relocs))
                    first = cie_map.get(key)
                    if first is not None:
                        r.dup_of = first
                        continue
                    cie_map[key] = r
                    r.insns, r.aug_z = cie_insns(data, off)
                    r.size = _ep.trim(data, off, r.size, r.insns)
                    out.append(r)
                else:
                    rels = per[i]
                    if not _fde_alive(obj, rels, off):
                        continue
                    cie = cies[c]
                    if cie.insns == 0:
                        cie.insns, cie.aug_z = cie_insns(data, cie.off)
                    # -1: no code covered (gcc leaves these for an emptied cold part): bfd drops it, and
                    # in .eh_frame_hdr it could hide the real FDE that starts at the same address
                    size = fde_size(data, off, sizes[i], enc_size(cie.fde_enc), cie.aug_z)
                    if size < 0:
                        continue
                    r = Record(sec, off, size, False, rels)
                    r.cie = cie
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
        recs = self.records
        if recs:
            # one pass over the records: the per-record arguments of ehparse.eh_frame and, per input
            # section, its relocations moved to the records' output places (one apply_relocs each)
            datas: dict[int, bytes] = {}
            ds, offs, sizes, pads, outs, cies = [], [], [], [], [], []
            groups: list = []
            linker_made = []
            sec = None
            rels: list = []
            for r in recs:
                rs = r.sec
                if rs is not sec:
                    if rels:
                        groups.append((sec, rels))
                    sec, rels = rs, []
                    d = datas.get(id(rs))
                    if d is None:
                        d = rs.data
                        if type(d) is not bytes:
                            d = bytes(d)
                        datas[id(rs)] = d
                ds.append(d)
                offs.append(r.off)
                sizes.append(r.size)
                pads.append(r.pad)
                out_off = r.out_off
                outs.append(out_off)
                if r.is_cie:
                    cies.append(-1)
                else:
                    c = r.cie
                    while c.dup_of is not None:
                        c = c.dup_of
                    cies.append(c.out_off)
                if r.target is not None:
                    linker_made.append(r)
                if r.relocs:
                    delta = out_off - r.off
                    rels += [(rel[0] + delta, rel[1], rel[2]) for rel in r.relocs]
            if rels:
                groups.append((sec, rels))
            last = recs[-1]
            total = last.out_off + last.size + last.pad
            buf[base:base + total] = _ep.eh_frame(ds, offs, sizes, pads, outs, cies, total)
            for r in linker_made:           # linker-made FDEs: the address range they cover
                o = base + r.out_off
                _i32.pack_into(buf, o + 8, r.target.addr - (self.addr + r.out_off + 8))
                _u32.pack_into(buf, o + 12, r.target.size)
            for sec, rels in groups:
                apply_relocs(ctx, sec.file, sec, rels, buf, self.offset, self.addr)

    def fde_list(self) -> tuple[list[int], list[int]]:
        """The FDEs' output offsets and pointer encodings, for the .eh_frame_hdr table."""
        fdes = [r for r in self.records if not r.is_cie]
        return ([r.out_off for r in fdes],
                [(r.cie if r.cie.dup_of is None else _cie_of(r)).fde_enc for r in fdes])


def _fde_alive(obj, rels, off: int) -> bool:
    """Whether the code an FDE (at off, with relocations rels) covers is kept."""
    off += 8
    for rel in rels:
        if rel[0] == off:
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


def _trim(data: bytes, r: Record, insns: int) -> int:
    """bfd drops a record's trailing DW_CFA_nop padding (keeping 4-byte sizes) and pads only where an
    input section ends; matching it keeps .eh_frame the same size as bfd's."""
    return _ep.trim(data, r.off, r.size, insns)


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
        """The sorted search table, read back from the relocated output .eh_frame."""
        eh = self.eh
        eh_ptr = (eh.addr - (self.addr + 4)) if eh.size else 0
        offs, encs = eh.fde_list()
        src = bytes(buf[eh.offset:eh.offset + eh.size]) if eh.size else b""
        data = _ep.eh_frame_hdr(src, eh.addr, self.addr, eh_ptr, offs, encs)
        buf[self.offset:self.offset + len(data)] = data
