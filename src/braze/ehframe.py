""".eh_frame: split input sections into CIEs and FDEs, drop FDEs of discarded code, merge identical CIEs,
and build the sorted .eh_frame_hdr search table that unwinders (C++ exceptions, backtrace) use."""
from __future__ import annotations

import _struct as struct
from _bisect import bisect_right

from . import ehparse as _ep
from . import ehbuild as _eb
from .ehbuild import Record
from .diag import LinkError
from .elf import SHT_PROGBITS, SHF_ALLOC
from .sections import Chunk

_u32 = struct.Struct("<I")
_i32 = struct.Struct("<i")


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


def _terminated(data: bytes, parts) -> bool:
    """Whether a zero length word follows the section's last record."""
    offs, sizes = parts[0], parts[1]
    end = offs[-1] + sizes[-1] if offs else 0
    return data[end:end + 4] == b"\0\0\0\0"


def split_eh_frame(sec, data: bytes | None = None) -> list[Record]:
    if data is None:
        data = bytes(sec.data)
    return _eb.split_records(sec, _parse(sec, data))


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
        self.terminator = True
        self.rec_offs: dict = {}        # id(input section) -> its records' input offsets
        self.merged: list[Record] = []  # CIEs merged into an earlier identical one
        self._kept_by_sec: dict | None = None
        self._made_pre: tuple = (None, [])    # (first object, sizes of bfd's linker-made sections)
        self._pre: dict[int, int] | None = None     # _pre_offs' answer, made once

    def build(self, ctx, inputs) -> None:
        self.inputs = inputs
        self._pre = None
        cie_map: dict = {}
        datas = [bytes(sec.data) for sec in inputs]
        parsed = [_parse(sec, data) for sec, data in zip(inputs, datas)]
        # bfd writes the input's zero terminator (crtend.o's __FRAME_END__) and adds none of its own:
        # a link without one (-nostdlib, freestanding) has no terminator
        self.terminator = any(_terminated(d, p) for d, p in zip(datas, parsed))
        self.rec_offs = {id(sec): p[0] for sec, p in zip(inputs, parsed)}
        self.merged = []
        self._kept_by_sec = None
        # bfd keeps a CIE only for a kept FDE (elf-eh-frame.c: find_merged_cie, run per kept FDE,
        # revives or merges it): lazy registration drops the others and merges into live ones only
        out, nfde = _eb.build(inputs, datas, parsed, cie_map, self.merged, ctx.target.drop_unused_cies)
        self.records = out
        self.fde_count = nfde
        self.cie_map = cie_map
        self._place()

    def _place(self) -> None:
        """Output offsets. Like bfd, each input section's records start at its alignment: the last
        record before the gap grows by DW_CFA_nop padding (its length field covers it).
        Symbols in input .eh_frame sections: crtbeginT.o's __EH_FRAME_BEGIN__ (what a static
        program hands to __register_frame_info) and crtend.o's __FRAME_END__. Each input section
        sits where its first kept record went, or where the next section's records begin."""
        self.size = _eb.place(self.records, self.inputs, self, self.terminator)

    def symbol_offset(self, sec, value: int) -> int:
        """Where a local NOTYPE/OBJECT symbol at `value` in input .eh_frame `sec` goes in the output
        (a target's mapping symbol at each record), as bfd's offset_adjust moves it: with its record if kept;
        to the CIE a merged CIE merged into; from a dropped record to the next kept one of its
        section, or that section's end (the offset into the record carried along each time)."""
        offs = self.rec_offs.get(id(sec))
        if not offs:
            return sec.out_off + value
        kept = self._kept_by_sec
        if kept is None:
            kept = self._kept_by_sec = {}
            for r in self.records:
                kept.setdefault(id(r.sec), {})[r.off] = r
            for r in self.merged:
                kept.setdefault(id(r.sec), {}).setdefault(r.off, r)
        mine = kept.get(id(sec), {})
        k = max(bisect_right(offs, value) - 1, 0)     # (the record holding `value`; offs ascend)
        delta = value - offs[k]
        r = mine.get(offs[k])
        if r is not None and r.dup_of is not None:
            root = r.dup_of
            while root.dup_of is not None:
                root = root.dup_of
            if kept.get(id(root.sec), {}).get(root.off) is root:
                if root.sec is sec:
                    return root.out_off + delta
                # bfd's offset_adjust measures the move between the two sections with the output
                # offsets they had when it edited .eh_frame: before any record went (each input at
                # its full size). So the symbol lands that far off from the CIE it names (crtbeginT's
                # __EH_FRAME_BEGIN__ in an aarch64 -static link: 0x10 before .eh_frame, as crt1.o's
                # duplicate CIE went)
                pre = self._pre_offs()
                if type(root.sec) is _LinkerMade:
                    rsec_pre, root_new = pre[id(_LinkerMade)], 0     # (its CIE heads its section)
                else:
                    rsec_pre, root_new = pre[id(root.sec)], root.out_off - root.sec.out_off
                return sec.out_off - pre[id(sec)] + rsec_pre + root_new + delta
            r = None
        if r is not None:
            return r.out_off + delta
        for o in offs[k + 1:]:
            n = mine.get(o)
            if n is not None and n.dup_of is None:
                return n.out_off + delta
        last = None
        for o in offs[:k]:
            n = mine.get(o)
            if n is not None and n.dup_of is None:
                last = n
        end = sec.out_off if last is None else last.out_off + last.size + last.pad
        return end + delta

    def _pre_offs(self) -> dict[int, int]:
        """id(input section) -> its offset in the output .eh_frame were no record dropped or merged
        (bfd's offsets when it edits .eh_frame); id(_LinkerMade): that of bfd's first linker-made
        .eh_frame section (x86-64's PLT unwind info: a CIE and an FDE each, after the first object's
        own .eh_frame sections), whose CIE is the linker-made one.  Made once: every aarch64 object's
        `$d` sits on its CIE, merged into the first one."""
        if self._pre is not None:
            return self._pre
        first, made = self._made_pre
        entries: list[tuple[int, int, int]] = []        # (key, size, alignment)
        done = not made
        for sec in self.inputs:
            if not done and getattr(sec, "file", None) is not first:
                entries.extend((id(_LinkerMade) if k == 0 else -1, size, 8) for k, size in enumerate(made))
                done = True
            entries.append((id(sec), sec.size, sec.align))
        if not done:
            entries.extend((id(_LinkerMade) if k == 0 else -1, size, 8) for k, size in enumerate(made))
        pre: dict[int, int] = {}
        off = 0
        for key, size, align in entries:
            if align > 1:
                off += -off & (align - 1)
            pre[key] = off
            off += size
        self._pre = pre
        return pre

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
        if plt.sec_active() and (plt.syms or plt.isyms):
            # .plt.sec: jumps only, as .plt.got; none when it is empty (only PLT0 and the TLSDESC
            # trampoline in .plt: bfd writes no FDE for a zero-size .plt.sec)
            fdes.append((ctx.syn.pltsec, T.pltgot_fde))
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
            r = Record(_LinkerMade(data), 0, _linker_fde_size(T.plt_cie, data), False)
            r.cie = cie
            r.target = target
            new.append(r)
        self.records[at:at] = new
        self._made_pre = (first, [len(T.plt_cie) + r.size for r in new if not r.is_cie])
        self._pre = None
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

    def reloc_groups(self) -> list:
        """(input section, relocations of its kept records) for the relocation scan."""
        return _eb.reloc_groups(self.records)

    def write(self, ctx, buf) -> None:
        recs = self.records
        if not recs:
            return
        apply_relocs = ctx.target.apply_relocs
        base = self.offset
        data, groups, linker_made = _eb.image(recs)
        buf[base:base + len(data)] = data
        for r in linker_made:           # linker-made FDEs: the address range they cover
            o = base + r.out_off
            # (bfd's PLT FDEs start at the PLT's output section, also where a script put data or
            # padding ahead of the PLT in it: scriptlayout's embedded PLT)
            t = r.target.embedded_in or r.target
            _i32.pack_into(buf, o + 8, t.addr - (self.addr + r.out_off + 8))
            _u32.pack_into(buf, o + 12, r.target.size)
        for sec, rels in groups:
            apply_relocs(ctx, sec.file, sec, rels, buf, self.offset, self.addr)

    def fde_list(self) -> tuple[list[int], list[int]]:
        """The FDEs' output offsets and pointer encodings, for the .eh_frame_hdr table."""
        return _eb.fde_list(self.records)


def _trim(data: bytes, r: Record, insns: int) -> int:
    """bfd drops a record's trailing DW_CFA_nop padding (keeping 4-byte sizes) and pads only where an
    input section ends; matching it keeps .eh_frame the same size as bfd's."""
    return _ep.trim(data, r.off, r.size, insns)


def _linker_fde_size(cie: bytes, fde: bytes) -> int:
    """A linker-made FDE's size as bfd writes it: its trailing DW_CFA_nop padding dropped as in an
    input record's, the padding to the next input section's alignment then added back (place()).
    The .plt.got FDE is 20 bytes before crtend's 4-aligned terminator, 24 before an 8-aligned .eh_frame."""
    _insns, has_z = _ep.cie_insns(cie, 0)
    w = _ep.enc_size(_ep.cie_fde_encoding(cie, 0, len(cie)))
    p = 8 + 2 * w
    if has_z:
        n, p = _ep.uleb(fde, p)
        p += n
    return _ep.trim(fde, 0, len(fde), p)


_cie_of = _eb.root_cie


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
        # (bfd's eh_frame_ptr is the output .eh_frame's start, also where a script put data ahead
        # of the records: scriptlayout's embedded .eh_frame)
        start = eh.embedded_in.addr if eh.embedded_in is not None else eh.addr
        eh_ptr = (start - (self.addr + 4)) if eh.size else 0
        offs, encs = eh.fde_list()
        src = bytes(buf[eh.offset:eh.offset + eh.size]) if eh.size else b""
        data = _ep.eh_frame_hdr(src, eh.addr, self.addr, eh_ptr, offs, encs)
        buf[self.offset:self.offset + len(data)] = data
