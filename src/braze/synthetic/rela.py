"""Dynamic relocation sections (.rela.dyn, .rela.plt)."""
from __future__ import annotations

import _struct as struct

from ..elf import SHT_RELA, SHF_ALLOC, SHF_INFO_LINK, RELA, STT_GNU_IFUNC
from ..address import sym_addr, target_addr
from ..sections import Chunk
from . import relapack as _rp

_Q = struct.Struct("<Q")


class DynReloc:
    """A dynamic relocation (`type`: the target's number). `place` is (section-like, offset); the addend
    is computed after layout: RELATIVE/IRELATIVE/ABS64: address of `target` + addend; TPOFF64/DTPOFF64/
    TLSDESC without a symbol: the TLS offset."""
    __slots__ = ("type", "place", "poff", "sym", "target", "addend")

    def __init__(self, type_, place, poff, sym=None, target=None, addend=0):
        self.type = type_
        self.place = place
        self.poff = poff
        self.sym = sym
        self.target = target
        self.addend = addend

    def offset(self) -> int:
        return self.place.addr + self.poff

    def values(self, ctx) -> tuple[int, int, int]:
        t = self.type
        symidx = self.sym.dynsym_idx if self.sym is not None else 0
        a = self.addend
        if self.target is not None:
            T = ctx.target
            if t == T.R_RELATIVE or t == T.R_IRELATIVE or t == T.R_ABS64:
                a = target_addr(ctx, self.target, a)
            elif t == T.R_TPOFF64:
                a += sym_addr(ctx, self.target) - ctx.tp if not ctx.config.shared else \
                    sym_addr(ctx, self.target) - ctx.tls_start
            elif t == T.R_DTPOFF64 or t == T.R_TLSDESC:
                a += sym_addr(ctx, self.target) - ctx.tls_start
        return self.offset(), (symidx << 32) | t, a


class NoneReloc:
    """An all-zero entry (R_*_NONE at offset 0): one bfd reserved and never wrote (Plt: the unused
    PLT entry of a relaxed __tls_get_addr call)."""
    __slots__ = ()
    type = 0
    place = None
    poff = 0
    sym = None
    target = None
    addend = 0

    def offset(self) -> int:
        return 0

    def values(self, ctx) -> tuple[int, int, int]:
        return 0, 0, 0


class RelativeReloc(tuple):
    """(place, poff, target, addend) of a RELATIVE relocation: PIE and shared outputs have one per
    pointer, so this is a tuple subclass (no Python-level __init__) with DynReloc's interface, except
    `type`: its number is ctx.target.R_RELATIVE (see is_relative)."""
    __slots__ = ()
    type = None
    sym = None
    place = property(lambda self: self[0])
    poff = property(lambda self: self[1])
    target = property(lambda self: self[2])
    addend = property(lambda self: self[3])

    def offset(self) -> int:
        return self[0].addr + self[1]

    def values(self, ctx) -> tuple[int, int, int]:
        place, poff, target, a = self
        return place.addr + poff, ctx.target.R_RELATIVE, target_addr(ctx, target, a)


class AssignedReloc:
    """A pointer, in PIC output, to a symbol an assignment (linker script, --defsym) defines and this
    output binds: bfd reserves its dynamic relocation while scanning, before it knows whether the
    symbol ends up in a section, and then writes R_*_RELATIVE for one in a section and leaves an
    all-zero R_*_NONE entry for an absolute one (whose word keeps the plain value): the ones the
    symbol tables list as SHN_ABS once laid out."""
    __slots__ = ("place", "poff", "target", "addend", "rel", "dynsym_relative")
    sym = None

    def __init__(self, place, poff, target, addend, rel, dynsym_relative=False):
        self.place = place
        self.poff = poff
        self.target = target
        self.addend = addend
        self.rel = rel      # the target's R_*_RELATIVE
        # (a target whose bfd writes RELATIVE for a symbol with a .dynsym entry, even an absolute one)
        self.dynsym_relative = dynsym_relative

    def absolute(self) -> bool:
        s = self.target
        return self.stays_absolute(s.script_abs or s.section is None)

    def stays_absolute(self, sym_abs: bool) -> bool:
        """Whether the entry is R_*_NONE, given whether the symbol is absolute (sym_abs): always
        RELATIVE for a symbol in .dynsym when the target says so (dynsym_relative)."""
        return sym_abs and not (self.dynsym_relative and self.target.dynsym_idx >= 0)

    @property
    def type(self) -> int:
        return 0 if self.absolute() else self.rel

    def offset(self) -> int:
        return self.place.addr + self.poff

    def values(self, ctx) -> tuple[int, int, int]:
        if self.absolute():
            return 0, 0, 0
        return self.offset(), self.rel, target_addr(ctx, self.target, self.addend)


def is_relative(r, rel_type: int) -> bool:
    """Is dynamic relocation `r` a RELATIVE one (`rel_type`: ctx.target.R_RELATIVE)?"""
    return type(r) is RelativeReloc or r.type == rel_type


class NoneReloc:
    """An all-zero R_*_NONE entry (type 0 in every psABI): what bfd leaves in a slot it reserved for a
    non-PIE data pointer to an undefined weak symbol and then did not need."""
    __slots__ = ()
    type = 0
    sym = None
    place = None
    target = None

    def values(self, ctx) -> tuple[int, int, int]:
        return 0, 0, 0


def bfd_input_names(ctx, relocs) -> dict:
    """-z nocombreloc: the input section bfd makes each dynamic relocation in (.rela.got for the GOT,
    .rela.bss/.rela.data.rel.ro for copies, .rela.ifunc for IRELATIVE data, else `.rela` + the name of
    the section relocated) -> how many; None for one braze cannot name (bfd's reserved R_*_NONE, an
    IRELATIVE GOT slot)."""
    syn = ctx.syn
    T = ctx.target
    names: dict = {}
    for r in relocs:
        place = r.place
        if place is None:
            return None
        if place is syn.got:
            if r.type == T.R_IRELATIVE:
                return None
            n = ".rela.got"
        elif place is syn.dynbss:
            n = ".rela.bss"
        elif place is syn.dynrelro:
            n = ".rela.data.rel.ro"
        elif type(r) is not RelativeReloc and r.type == T.R_IRELATIVE:
            n = ".rela.ifunc"
        elif getattr(place, "file", None) is not None and place.name:
            n = ".rela" + place.name
        else:
            return None
        names[n] = names.get(n, 0) + 1
    return names


class RelaDyn(Chunk):
    def __init__(self, name=".rela.dyn"):
        super().__init__(name, SHT_RELA, SHF_ALLOC, 8, 24)
        self.relocs: list[DynReloc] = []
        self.relative_count = 0
        self.emptied = False    # every relocation went to .relr.dyn

    def update_size(self, ctx) -> None:
        self.size = 24 * len(self.relocs)

    def write(self, ctx, buf) -> None:
        pass    # in post_write: RELATIVE addends are read back from the relocated sections

    def post_write(self, ctx, buf) -> None:
        R_RELATIVE = ctx.target.R_RELATIVE
        # bfd sorts (RELATIVE first, DT_RELACOUNT) only an output section named .rela.dyn: a script's
        # other name (gnu-efi's .rela) keeps the relocations in the order they were made
        combine = self.name == ".rela.dyn" and ctx.config.z_combreloc
        # RelativeReloc: apply_relocs already wrote S + A into the place, and that word is the addend
        keys, others = _rp.split_relative(self.relocs, RelativeReloc)
        extra = []
        other = []
        for r in others:
            v = r.values(ctx)
            if combine and v[1] & 0xffffffff == R_RELATIVE:
                extra.append((v[0], v[2]))
            else:
                other.append(v)
                if combine:
                    other[-1] = (_sort_class(ctx, r, v[1]), *v)      # type: ignore[assignment]
        if combine:
            # addresses are distinct (one relocation per word), so sorting on them alone gives the
            # order of the (offset, info, addend) triples
            keys.sort()
            extra.sort()
            other = _bfd_order(other)
        self.relative_count = len(keys) + len(extra)
        _rp.pack(buf, self.offset, _rp.entries(buf, keys, extra, other, R_RELATIVE))
        _keep_symbolic_words(ctx, buf, others)


def _sort_class(ctx, r, info: int) -> int:
    """bfd's reloc_type_class of a .rela.dyn entry other than RELATIVE: normal (0), COPY (2), and on a
    target with an IFUNC class, IRELATIVE and relocations against an IFUNC symbol (3)."""
    T = ctx.target
    t = info & 0xffffffff
    if t == T.R_COPY:
        return 2
    if T.ifunc_reloc_class and (t == T.R_IRELATIVE or r.sym is not None and r.sym.type == STT_GNU_IFUNC):
        return 3
    return 0


def _bfd_order(rows: list) -> list:
    """bfd's -z combreloc order of the relocations after the RELATIVE ones (elf_link_sort_relocs): by
    class, then a symbol's relocations together, the symbols in the order of their lowest address,
    then by address.  rows: (class, offset, info, addend); returns the (offset, info, addend)."""
    first: dict[int, int] = {}
    for _c, off, info, _a in rows:
        k = info >> 32
        if off < first.get(k, off + 1):
            first[k] = off
    rows.sort(key=lambda row: (row[0], first[row[2] >> 32], row[1]))
    return [row[1:] for row in rows]


def _keep_symbolic_words(ctx, buf, relocs) -> None:
    """A word that gets a symbolic dynamic relocation (a 64-bit pointer, or on some targets a
    PC-relative word, against a symbol: Target.symbolic_dyn_widths), or an IRELATIVE, holds the input's
    bytes in bfd's output, not the link-time value: the loader computes it from the relocation alone."""
    from ..inputs.object import InputSection
    widths = ctx.target.symbolic_dyn_widths
    irel = ctx.target.R_IRELATIVE
    for r in relocs:
        m = r.place
        # (an IRELATIVE's word too: bfd puts the resolver's address in the addend only)
        n = widths.get(r.type, 0) if r.sym is not None else 8 if r.type == irel else 0
        if n and type(m) is InputSection and m.out is not None:
            p = r.poff
            o = m.out.offset + m.out_off + p
            buf[o:o + n] = m.data[p:p + n]


class RelaPlt(Chunk):
    def __init__(self):
        super().__init__(".rela.plt", SHT_RELA, SHF_ALLOC | SHF_INFO_LINK, 8, 24)
        self.relocs: list[DynReloc] = []
        self.iplt_start = 0

    def update_size(self, ctx) -> None:
        self.size = 24 * len(self.relocs)

    def write(self, ctx, buf) -> None:
        o = self.offset
        for r in self.relocs:
            off, info, a = r.values(ctx)
            RELA.pack_into(buf, o, off, info, a)
            o += 24


SHT_RELR = 19


def _place_parity(place, poff, outs) -> int:
    """Low bit of the relocated address, known before layout: output sections start aligned, so
    only a place inside a byte-aligned input section needs its output offset (computed once)."""
    if getattr(place, "align", 8) >= 2:
        return poff & 1
    out = place.out
    if id(out) not in outs:
        outs[id(out)] = out
        out.update_size(None)
    return (out.align < 2) | ((place.out_off + poff) & 1)


def relr_encode(addrs: list[int]) -> list[int]:
    """DT_RELR words for sorted, even addresses: an address entry relocates its word and starts a run;
    each following bitmap word (low bit 1) covers the next 63 words after the run's base."""
    out = []
    n = len(addrs)
    i = 0
    while i < n:
        a = addrs[i]
        out.append(a)
        base = a + 8
        i += 1
        while True:
            bits = 0
            while i < n:
                d = addrs[i] - base
                if d < 0 or d >= 63 * 8 or d & 7:
                    break
                bits |= 1 << (d >> 3)
                i += 1
            if not bits:
                break
            out.append((bits << 1) | 1)
            base += 63 * 8
    return out


class RelrDyn(Chunk):
    """.relr.dyn for -z pack-relative-relocs: bfd moves every RELATIVE relocation at an even address
    here (odd ones stay in .rela.dyn); the addend is the word already written at the place. Its size
    depends on the final addresses, so layout() re-assigns addresses until it settles."""

    def __init__(self):
        super().__init__(".relr.dyn", SHT_RELR, SHF_ALLOC, 8, 8)
        self.relocs: list = []
        self.words: list[int] = []

    def take(self, ctx) -> bool:
        """Move the eligible relocations out of .rela.dyn; True when there are any."""
        rd = ctx.syn.rela_dyn
        keep = []
        mine = self.relocs
        outs = {}
        rel = ctx.target.R_RELATIVE
        for r in rd.relocs:
            if (type(r) is RelativeReloc or r.type == rel) and not _place_parity(r.place, r.poff, outs):
                mine.append(r)
            else:
                keep.append(r)
        if mine and not keep:
            # bfd sized .rela.dyn before packing: it stays, empty, with its tags (DT_RELA 0)
            rd.emptied = rd.keep_empty = True
        rd.relocs = keep
        return bool(mine)

    def regroup_assigned(self, ctx, sym_abs) -> None:
        """For a script layout's pass: the AssignedReloc entries whose symbol is now in a section
        (not sym_abs(symbol)) at an even address come here, the others go back to .rela.dyn, whose
        size follows. bfd sizes its relative relocations after the layout the same way, so a
        section-relative one leaves no slot behind in .rela.dyn."""
        rd = ctx.syn.rela_dyn
        moved = [r for r in rd.relocs if type(r) is not RelativeReloc and isinstance(r, AssignedReloc)]
        moved += [r for r in self.relocs if type(r) is not RelativeReloc and isinstance(r, AssignedReloc)]
        if not moved:
            return
        ids = {id(r) for r in moved}
        keep = [r for r in rd.relocs if id(r) not in ids]
        mine = [r for r in self.relocs if id(r) not in ids]
        for r in moved:
            if r.stays_absolute(sym_abs(r.target)) or r.offset() & 1:
                keep.append(r)
            else:
                mine.append(r)
        rd.relocs = keep
        self.relocs = mine
        rd.update_size(ctx)
        rd.syn_size = rd.size

    def encode(self) -> bool:
        """Encode from the current addresses; True when the size changed."""
        self.words = relr_encode(sorted(r.offset() for r in self.relocs))
        size = 8 * len(self.words)
        changed = size != self.size
        self.size = size
        return changed

    def update_size(self, ctx) -> None:
        self.size = 8 * len(self.words) if self.words else 8 * len(self.relocs)

    def write(self, ctx, buf) -> None:
        struct.pack_into(f"<{len(self.words)}Q", buf, self.offset, *self.words)

    def post_write(self, ctx, buf) -> None:
        # a RELATIVE made by the linker (a GOT slot) has its addend only in the relocation: put it in
        # the word, where DT_RELR takes it from
        for r in self.relocs:
            if type(r) is RelativeReloc:
                continue
            place = r.place
            out = getattr(place, "out", None)
            off = (out.offset + place.out_off if out is not None else place.offset) + r.poff
            _Q.pack_into(buf, off, r.values(ctx)[2] & 0xffffffffffffffff)
