"""--emit-relocs (-q): the final output keeps, for each output section that had input relocations, a
`.rela<section>` (SHF_INFO_LINK, linked to .symtab, numbered right after its section) with what bfd
writes there (elf_link_input_bfd's emit_relocs path):

* r_offset is the final address of the place (the offset in the section for non-allocated ones);
* a relocation against a global symbol names its .symtab entry; against a local symbol, its entry;
  against a section symbol, the output section's symbol (.symtab then starts with one per output
  section, value its address) with the input section's offset (or merged-string place) in the addend;
* relaxed GOTPCRELX loads name the type bfd rewrites them to (arch: emitted_reloc); TLS sequences keep
  their types;
* .eh_frame's relocations follow its records to their new places; those of dropped records (FDEs of
  discarded code, duplicate CIEs) become NONE relocations at the previous one's offset, and so do
  relocations against discarded (COMDAT duplicate) sections."""
from __future__ import annotations

import bisect

from .elf import SHT_RELA, SHT_NOBITS, SHF_ALLOC, SHF_INFO_LINK, STT_SECTION, SHN_UNDEF, SHN_LORESERVE, RELA
from .sections import Chunk, OutputSection


def check_options(cfg) -> None:
    """Combinations the emitted relocations are not made for yet: refused, not silently wrong."""
    from .diag import LinkError
    bad = [o for o, on in (("-s", cfg.strip_all), ("--compress-debug-sections", cfg.compress_debug_sections != "none"),
                           ("--section-start/-T<section>", bool(cfg.section_starts)), ("--unique", bool(cfg.unique)),
                           ("--retain-symbols-file", cfg.retain_symbols is not None))
           if on]
    if bad:
        raise LinkError(f"option {bad[0]} is not supported with --emit-relocs")


class EmitRela(Chunk):
    """.rela<name> of one output section."""

    def __init__(self, target, count: int):
        super().__init__(".rela" + target.name, SHT_RELA, SHF_INFO_LINK, 8, 24)
        self.target = target
        self.info = target
        self.size = 24 * count
        self.count = count

    def update_size(self, ctx) -> None:
        self.size = 24 * self.count


def _inputs(c) -> list:
    """The input sections of output chunk c that carry relocations."""
    if isinstance(c, OutputSection):
        return [m for m in c.members if getattr(m, "rel_size", 0) and getattr(m, "file", None) is not None
                and m.type != SHT_NOBITS]
    ins = getattr(c, "inputs", None)            # .eh_frame
    if ins and hasattr(c, "records"):
        return [m for m in ins if getattr(m, "rel_size", 0)]
    return []


def add_chunks(ctx, chunks: list) -> list:
    """The output chunks with a .rela<name> after each section that has input relocations."""
    out = []
    for c in chunks:
        out.append(c)
        ins = _inputs(c)
        if ins:
            r = EmitRela(c, sum(m.rel_size // 24 for m in ins))
            out.append(r)
    ctx.emit_relas = [c for c in out if isinstance(c, EmitRela)]
    return out


def needed_locals(ctx) -> set:
    """(id(obj), index) of the local, non-section symbols emitted relocations name: .symtab keeps them
    even where a discard rule would drop them (bfd writes such a symbol when a relocation needs it)."""
    need = set()
    for r in getattr(ctx, "emit_relas", ()):
        for m in _inputs(r.target):
            obj = m.file
            fg = obj.first_global
            esyms = obj.esyms
            for _off, info, _a in m.relocs:
                si = info >> 32
                if 0 < si < fg and esyms[si][1] & 0xf != STT_SECTION:
                    need.add((id(obj), si))
    return need


def referenced(ctx, chunks) -> tuple[set, set]:
    """(id()s of the output sections whose section symbol an emitted relocation names, id()s of the
    global symbols emitted relocations name): bfd keeps both in the output even when it would drop
    them otherwise (an empty section, an undefined weak symbol)."""
    secs, glob = set(), set()
    for c in chunks:
        for m in _inputs(c):
            obj = m.file
            fg = obj.first_global
            esyms = obj.esyms
            osecs = obj.sections
            syms = obj.syms
            for _off, info, _a in m.relocs:
                si = info >> 32
                if si >= fg:
                    s = syms[si]
                    if s is not None:
                        glob.add(id(s))
                elif si and esyms[si][1] & 0xf == STT_SECTION:
                    sh = esyms[si][3]
                    ts = osecs[sh] if 0 < sh < len(osecs) else None
                    if ts is not None and ts.out is not None:
                        secs.add(id(ts.out))
    return secs, glob


def write(ctx, buf) -> None:
    emitted_reloc = ctx.target.emitted_reloc
    _RELAXABLE = ctx.target.emit_relaxable
    r_none = ctx.target.R_NONE
    from .sections import merged_offset
    st = next(c for c in ctx.chunks if c.name == ".symtab")
    secsym = {}
    local_idx = {}
    for i, ent in enumerate(st.locals, 1):
        if ent[0] == 3 and ent[2] == STT_SECTION:
            secsym[id(ent[3])] = i
        elif ent[0] == 1:
            local_idx[(id(ent[2]), ent[3])] = i
    base = 1 + len(st.locals)
    global_idx = {id(s): base + k for k, (_n, s) in enumerate(st.globals)}
    for i, ent in enumerate(st.locals, 1):
        if ent[0] == 2:                 # a global made local (hidden in a library)
            global_idx[id(ent[2])] = i
    pack = RELA.pack_into
    for r in ctx.emit_relas:
        c = r.target
        ents = []
        eh = hasattr(c, "records")
        if eh:
            place = {}
            for rec in c.records:
                place[(id(rec.sec), rec.off)] = rec
        for m in _inputs(c):
            obj = m.file
            esyms = obj.esyms
            fg = obj.first_global
            syms = obj.syms
            secs = obj.sections
            if eh:
                starts = []
                recs = []
                for off0 in sorted({k[1] for k in place if k[0] == id(m)}):
                    starts.append(off0)
                    recs.append(place[(id(m), off0)])
                # (bfd's last_offset starts at the input section's output offset: where its first
                # kept record went, or the next input's)
                last = c.addr + m.out_off
            else:
                base_addr = c.addr + m.out_off
                data = m.data
                last = base_addr
            for off, info, addend in m.relocs:
                si = info >> 32
                t = info & 0xffffffff
                if eh:
                    k = bisect.bisect_right(starts, off) - 1
                    rec = recs[k] if k >= 0 else None
                    if rec is None or not rec.off <= off < rec.off + rec.size:
                        ents.append((last, 0, 0))
                        continue
                    where = c.addr + rec.out_off + (off - rec.off)
                else:
                    where = base_addr + off
                    if t in _RELAXABLE:
                        t, addend, d = emitted_reloc(t, addend, data, buf, off, c.offset + m.out_off + off)
                        where += d
                        if t == r_none:         # (a relaxation removed the place's instruction)
                            last = where
                            ents.append((where, 0, 0))
                            continue
                last = where
                if si == 0:
                    ents.append((where, t, addend))
                    continue
                if si >= fg:
                    s = syms[si]
                    k = global_idx.get(id(s), 0) if s is not None else 0
                    ents.append((where, (k << 32) | t, addend))
                    continue
                e = esyms[si]
                sh = e[3]
                if e[1] & 0xf == STT_SECTION:
                    ts = secs[sh] if 0 < sh < len(secs) and not SHN_LORESERVE <= sh <= 0xffff else None
                    if ts is None or not ts.alive:
                        ents.append((where, 0, 0))
                        continue
                    if ts.merge is not None:
                        ms = ts.merge[0]
                        out = ms.out
                        addend = merged_offset(ts.merge, addend) + (ms.addr - out.addr)
                    else:
                        out = ts.out
                        if out is None or not hasattr(out, "shndx"):
                            ents.append((where, 0, 0))
                            continue
                        addend += ts.out_off        # (.eh_frame inputs: where their records went)
                    k = secsym.get(id(out), 0)
                    ents.append((where, (k << 32) | t, addend))
                    continue
                if sh != SHN_UNDEF and not SHN_LORESERVE <= sh <= 0xffff:
                    ts = secs[sh] if sh < len(secs) else None
                    if ts is None or not ts.alive:
                        ents.append((where, 0, 0))
                        continue
                k = local_idx.get((id(obj), si), 0)
                ents.append((where, (k << 32) | t, addend))
        ents.sort(key=_first)
        o = r.offset
        for e in ents[:r.count]:
            pack(buf, o, *e)
            o += 24


def _first(e):
    return e[0]


def file_order(ctx, chunks) -> list:
    """The non-allocated chunks in the order of their file offsets: bfd places the relocation
    sections after every other section but .shstrtab (assign_file_positions_for_relocs), whatever
    their place in the section header table."""
    rest = [c for c in chunks if not c.flags & SHF_ALLOC]
    relas = [c for c in rest if isinstance(c, EmitRela)]
    if not relas:
        return rest
    shstr = getattr(ctx, "shstrtab", None)
    others = [c for c in rest if not isinstance(c, EmitRela) and c is not shstr]
    return others + relas + ([shstr] if shstr is not None and any(c is shstr for c in rest) else [])


def section_symbols(chunks) -> list:
    """bfd's section symbols of a final link with --emit-relocs: one per output section."""
    return [(3, 0, STT_SECTION, c) for c in chunks if not isinstance(c, EmitRela)]


