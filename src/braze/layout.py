"""Layout: order output sections, build program headers, assign addresses and file offsets the way
ld.bfd's default script does (-z separate-code, RELRO ending on a page boundary)."""
from __future__ import annotations
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

from . import diag
from .diag import LinkError
from .elf import (SHF_ALLOC, SHF_INFO_LINK, SHF_WRITE, SHF_EXECINSTR, SHF_TLS, SHT_NOBITS, SHT_NOTE, PT_LOAD,
                  PT_PHDR, PT_INTERP, PT_DYNAMIC, PT_NOTE, PT_TLS, PT_GNU_EH_FRAME, PT_GNU_STACK,
                  PT_GNU_RELRO, PT_GNU_PROPERTY, PF_R, PF_W, PF_X, align_up)
from .chunks import Segment  # noqa: F401  (scriptlayout takes it from here)
from .passes import rank_of, rank_of_name
from .sections import link_order




# the non-allocated sections of bfd's default script, in its order (`ld --verbose`); others follow
_NONALLOC_ORDER = {n: i for i, n in enumerate((
    ".stab .stabstr .stab.excl .stab.exclstr .stab.index .stab.indexstr .comment .gnu.build.attributes "
    ".debug .line .debug_srcinfo .debug_sfnames .debug_aranges .debug_pubnames .debug_info .debug_abbrev "
    ".debug_line .debug_frame .debug_str .debug_loc .debug_macinfo .debug_weaknames .debug_funcnames "
    ".debug_typenames .debug_varnames .debug_pubtypes .debug_ranges .debug_addr .debug_line_str "
    ".debug_loclists .debug_macro .debug_names .debug_rnglists .debug_str_offsets .debug_sup "
    ".gnu.attributes").split())}
# bfd places a non-allocated orphan (.note.stapsdt, .gnu_debuglink...) right after .comment, in the
# order they come (ldelf_place_orphan's orphan_nonalloc), so before the debug sections
_NONALLOC_ORPHAN = _NONALLOC_ORDER[".comment"] + 0.5
# ... except a debugging one (bfd's SEC_DEBUGGING names: .debug*, .zdebug*, .line*, .stab*, .gdb_index,
# such as Go's .debug_gdb_scripts): after the last debug section, in the order they come
_DEBUG_ORPHAN = _NONALLOC_ORDER[".gnu.attributes"] - 0.5
_DEBUG_NAMES = (".debug", ".zdebug", ".line", ".stab")


def _nonalloc_key(name: str) -> float:
    k = _NONALLOC_ORDER.get(name)
    if k is not None:
        return k
    if name.startswith(_DEBUG_NAMES) or name == ".gdb_index":
        return _DEBUG_ORPHAN
    return _NONALLOC_ORPHAN


def collect_chunks(ctx) -> list:
    syn = ctx.syn
    chunks = [c for c in ctx.out_sections.values()]
    for c in (syn.interp, syn.build_id, syn.property, syn.package, syn.hash, syn.gnu_hash, syn.dynsym, syn.dynstr,
              syn.versym, syn.verdef, syn.verneed, syn.dynamic, syn.eh_frame, syn.eh_frame_hdr):
        if c is not None:
            chunks.append(c)
    if syn.rela_dyn.relocs or syn.rela_dyn.emptied:
        chunks.append(syn.rela_dyn)
    if syn.rela_plt.relocs:
        if not ctx.dynamic:
            syn.rela_plt.flags = SHF_ALLOC | SHF_INFO_LINK
        chunks.append(syn.rela_plt)
    if syn.relr_dyn is not None and syn.relr_dyn.relocs:
        chunks.append(syn.relr_dyn)
    if syn.plt.syms or syn.plt.isyms or syn.plt.tlsdesc_plt0:
        chunks.append(syn.plt)
    if syn.pltgot.syms:
        chunks.append(syn.pltgot)
    if syn.pltsec is not None and syn.plt.sec_active():
        chunks.append(syn.pltsec)
    if syn.got.nslots or (ctx.symtab.get("_GLOBAL_OFFSET_TABLE_") is not None and
                          ctx.symtab["_GLOBAL_OFFSET_TABLE_"].linker_defined and not ctx.dynamic):
        chunks.append(syn.got)
    # like bfd: no .got.plt when nothing uses a GOT or PLT and no relocation uses _GLOBAL_OFFSET_TABLE_
    # (some targets' bfd makes .got.plt, with its reserved words, whenever it makes .got)
    if (ctx.dynamic and (syn.got.nslots or syn.plt.syms or syn.pltgot.syms or syn.gotplt.tlsdesc)) \
            or syn.plt.isyms or syn.got.nslots \
            or _got_referenced(ctx) \
            or ctx.target.static_gotplt_with_got and syn.got in chunks:
        chunks.append(syn.gotplt)
        if ctx.lscript is None and _relro_now_script(ctx.config) or \
                ctx.lscript is not None and ctx.config.now and _script_gotplt_leads_got(ctx):
            # bfd's -z now script: `.got : { *(.got.plt) *(.igot.plt) *(.got) *(.igot) }`, one section
            # named .got (the PLT's words first, so _GLOBAL_OFFSET_TABLE_ and DT_PLTGOT are its start)
            syn.gotplt.name = ".got"
            if syn.got in chunks:
                chunks.remove(syn.got)
                syn.gotplt.merged_got = syn.got
    return chunks


def _relro_now_script(cfg) -> bool:
    """bfd takes its -z relro -z now script (as defaultscript._features): -z now with -z combreloc,
    and -z relro or -z separate-code (so -z norelro -z now -z noseparate-code keeps a .got.plt)."""
    return cfg.now and cfg.z_combreloc and (cfg.relro or bool(cfg.separate_code))


def _script_gotplt_leads_got(ctx) -> bool:
    """A SECTIONS script (bfd's -z relro -z now default script under INSERT) that puts .got.plt and
    then .got in one output section: laid out as that script without one (a single .got)."""
    from .scriptlayout import gotplt_leads_got
    return gotplt_leads_got(ctx.lscript)


def _got_referenced(ctx) -> bool:
    """bfd's got_referenced: a relocation in a kept allocated section names _GLOBAL_OFFSET_TABLE_.
    A bare symbol-table entry does not count (gas lists the name in objects whose only relocations
    are TLS local-exec ones), nor does a reference from a non-allocated section."""
    s = ctx.symtab.get("_GLOBAL_OFFSET_TABLE_")
    if s is None or not s.linker_defined:
        return False
    for obj in ctx.objs:
        syms = obj.syms
        idxs = {i for i in range(obj.first_global, len(syms)) if syms[i] is s}
        if not idxs:
            continue
        for sec in obj.sections:
            if sec is not None and sec.alive and sec.rel_size and sec.flags & SHF_ALLOC and \
                    any(r[1] >> 32 in idxs for r in sec.relocs):
                return True
    return False



def _chunk_order(c) -> tuple:
    """Output order: by rank, NOBITS after PROGBITS of a rank, non-allocated sections as bfd's script
    lists them (orphans last, a NOBITS one among the others)."""
    return (c.rank, 0 if c.type != SHT_NOBITS or not c.flags & SHF_ALLOC else 1,
            0 if c.flags & SHF_ALLOC else _nonalloc_key(c.name))

def order_sections(ctx) -> None:
    """Output sections sorted as bfd's default script places them; empty ones dropped. With a
    SECTIONS script its own engine (scriptlayout.py) does this pass and the next two at once."""
    if ctx.lscript is not None:
        from .scriptlayout import layout as script_layout
        script_layout(ctx)
        return
    syn = ctx.syn
    if not ctx.config.z_combreloc and syn.rela_dyn is not None and (syn.rela_dyn.relocs or syn.rela_dyn.emptied):
        # bfd's nocombreloc layout (a .rela<section> output section per input relocation section,
        # orphans among them) is not reproduced: refused rather than written as one .rela.dyn
        raise LinkError("option -z nocombreloc is not supported with dynamic relocations outside .rela.plt "
                        "unless a SECTIONS script gathers them into one output section")
    chunks = collect_chunks(ctx)
    for c in chunks:
        c.update_size(ctx)
    for c in chunks:
        c.rank = rank_of(c)
    chunks.sort(key=_chunk_order)
    for c in link_order(chunks):
        c.update_size(ctx)
    # like bfd, no output section for nothing: empty ones made only of empty input sections go away
    # (symbols defined in them, and __start_/__stop_ of their names, move to a section near them)
    keep: Any = ()
    if ctx.config.emit_relocs:          # bfd keeps an empty section whose symbol a relocation names
        from .emitrelocs import referenced
        keep, ctx.emit_globals = referenced(ctx, chunks)
    dropped = [c for c in chunks if not c.size and not c.is_synthetic and id(c) not in keep
               and not c.keep_empty]
    order = chunks
    chunks = [c for c in chunks if c.size or c.is_synthetic and c.keep_empty or c is syn.gotplt
              or not c.is_synthetic and c.members and c not in dropped]
    for c in dropped:
        c.dropped = True
    kept_ids = {id(c) for c in chunks}
    # (symtab: bfd omits _GLOBAL_OFFSET_TABLE_, defined in a GOT section it then strips)
    ctx.got_omitted = id(syn.got) not in kept_ids and id(syn.gotplt) not in kept_ids
    prev = None
    for c in order:
        # the kept allocated sections around each dropped one, in bfd's order (orphans of one kind
        # in the order met): _rehome puts the dropped one's symbols there
        if getattr(c, "dropped", False):
            c.near_prev = prev
        elif id(c) in kept_ids and c.flags & SHF_ALLOC:
            prev = c
    nxt = None
    for i in range(len(order) - 1, -1, -1):      # (an index loop: mypyc's reversed() of an untyped
        c = order[i]                              # list crashes the compiler)
        if getattr(c, "dropped", False):
            c.near_next = nxt
        elif id(c) in kept_ids and c.flags & SHF_ALLOC:
            nxt = c
    # TLS: the first TLS section carries the segment's alignment
    tls = [c for c in chunks if c.flags & SHF_TLS and c.flags & SHF_ALLOC]
    if tls:
        a = max(c.align for c in tls)
        tls[0].align = a
        ctx.tls_align = a
    dynsym_section_syms(ctx, chunks)
    if ctx.config.emit_relocs:          # .rela<section> after each section with input relocations
        from .emitrelocs import add_chunks
        chunks = add_chunks(ctx, chunks)
    # non-alloc symbol/string tables come last
    ctx.layout_chunks, ctx.dropped = chunks, dropped


def dynsym_section_syms(ctx, chunks: list) -> None:
    """The target's STT_SECTION entries of .dynsym name kept output sections: chosen now that
    those are known, before addresses (they size .dynsym and the tables that follow it)."""
    syn = ctx.syn
    ds = syn.dynsym
    if ds is None or not ctx.dynamic:
        return
    from .passes import _nbuckets
    ds.set_section_syms(ctx, chunks, _nbuckets)
    for c in (ds, syn.gnu_hash, syn.hash, syn.versym):
        if c is not None:
            c.update_size(ctx)


def symbol_table(ctx) -> None:
    """.symtab/.strtab (and .symtab_shndx) join the ordered sections; section indices are final."""
    if ctx.lscript is not None:         # (done by scriptlayout.layout in order_sections)
        return
    from .symtab import build_symtab
    chunks = ctx.layout_chunks
    tabs = build_symtab(ctx, chunks)
    chunks.extend(tabs)
    for r in getattr(ctx, "emit_relas", ()):
        r.link = next((t for t in tabs if t.name == ".symtab"), None)
    for i, c in enumerate(chunks, 1):
        c.shndx = i
    ctx.chunks = chunks
    ctx.out_by_name = {c.name: c for c in chunks}


def assign_addresses(ctx) -> None:
    """Segments, addresses and file offsets (repeated while .relr.dyn's size changes); then the
    linker-defined symbols' values."""
    if ctx.lscript is not None:         # (done by scriptlayout.layout in order_sections)
        _check_wrap(ctx)
        return
    syn = ctx.syn
    chunks, dropped = ctx.chunks, ctx.dropped
    if syn.dynamic is not None:
        syn.dynamic.build(ctx)      # now that array sections exist
    _assign(ctx, chunks)
    target = ctx.target
    if target.add_thunks(ctx):
        # branch thunks grow code sections, which moves what the branches reach: again until stable
        for _ in range(32):
            _assign(ctx, chunks)
            if not target.add_thunks(ctx):
                break
        else:
            raise LinkError("branch thunks: layout does not converge")
        target.finish_thunks(ctx)
        _assign(ctx, chunks)        # (.symtab grew)
    relr = syn.relr_dyn
    if relr is not None and relr.relocs:
        # .relr.dyn's size depends on the addresses of what it relocates, which follow it
        for _ in range(16):
            if not relr.encode():
                break
            _assign(ctx, chunks)
        else:
            raise LinkError(".relr.dyn: layout does not converge")
    _rehome(ctx, chunks, dropped)
    _dropped_bounds(ctx, dropped)
    _check_wrap(ctx)


def _check_wrap(ctx) -> None:
    """bfd's lang_check_section_addresses: no allocated section may run past the end of the address
    space (-Ttext/--section-start/-Ttext-segment near 2**64)."""
    for c in ctx.chunks:
        if c.flags & SHF_ALLOC and c.addr + c.size > 1 << 64:
            raise LinkError(f"section {c.name} VMA wraps around address space")


def _rehome(ctx, chunks, dropped) -> None:
    """A dropped section gets the address it would have had (after the kept section before it in
    bfd's order) and the index of the section bfd's _bfd_nearby_section picks for its symbols (e.g.
    crtend's __TMC_END__ of an empty .tm_clone_table): the following section unless that one differs
    from the preceding in allocation/TLS/file contents, writability or code in a way the dropped
    section does not, or starts past the address."""
    for d in dropped:
        prev, nxt = getattr(d, "near_prev", None), getattr(d, "near_next", None)
        if not d.flags & SHF_ALLOC or (prev is None and nxt is None):
            d.shndx = 0
            continue
        if prev is None:
            d.shndx, d.addr, d.offset = nxt.shndx, nxt.addr, nxt.offset  # type: ignore[union-attr]
            continue
        d.addr = align_up(prev.addr + prev.size, d.align)
        d.offset = prev.offset
        wx = SHF_WRITE | SHF_EXECINSTR
        if d.flags & SHF_WRITE and not prev.flags & SHF_WRITE:
            # where bfd's DATA_SEGMENT_ALIGN put `.`: the data segment's first section, when it follows
            if nxt is not None and nxt.flags & SHF_WRITE:
                d.addr, d.offset = nxt.addr, nxt.offset
        elif not d.flags & wx and prev.flags & wx == SHF_EXECINSTR and ctx.config.separate_code:
            # read-only data after code: bfd's script aligns `.` to a page there first
            d.addr = align_up(prev.addr + prev.size, ctx.config.max_page_size)
        d.shndx = nearby(prev, nxt, bfd_flags(d), d.addr).shndx


def nearby(prev, nxt, f_d: int, addr: int):
    """bfd's choice between the kept sections around a removed one (_bfd_nearby_section): the
    following one unless it differs from the preceding in allocation/TLS/file contents, writability
    or code in a way the removed one (bfd_flags f_d; 0 for one made of no input) does not, or starts
    past addr.  None only when both are."""
    if nxt is None or prev is None:
        return prev if nxt is None else nxt
    f_prev, f_next = bfd_flags(prev), bfd_flags(nxt)
    if (f_prev ^ f_next) & (_F_ALLOC | _F_TLS | _F_LOAD):
        if (f_next ^ f_d) & (_F_ALLOC | _F_TLS) or (f_prev & _F_LOAD and not f_next & _F_LOAD):
            return prev
    elif (f_prev ^ f_next) & _F_RO:
        if (f_next ^ f_d) & _F_RO:
            return prev
    elif (f_prev ^ f_next) & _F_CODE:
        if (f_next ^ f_d) & _F_CODE:
            return prev
    elif addr < nxt.addr:
        return prev
    return nxt


def _dropped_bounds(ctx, dropped) -> None:
    """__start_X/__stop_X of an empty section X that was dropped: bfd still defines them, at the
    address X would have had, in the section _rehome chose for X's symbols."""
    for d in dropped:
        if not d.shndx:
            continue
        for pre in ("__start_", "__stop_"):
            s = ctx.symtab.get(pre + d.name)
            if s is not None and s.linker_defined:
                s.section = d
                s.value = 0


_F_ALLOC, _F_TLS, _F_LOAD, _F_RO, _F_CODE = 1, 2, 4, 8, 16


def bfd_flags(c) -> int:
    """The section flags bfd's nearby-section choice compares (SEC_ALLOC, SEC_THREAD_LOCAL,
    SEC_LOAD, SEC_READONLY, SEC_CODE) as bfd derives them from an ELF header: SEC_LOAD only with
    SHF_ALLOC, SEC_READONLY on any section without SHF_WRITE."""
    f = c.flags
    return ((_F_ALLOC | (_F_LOAD if c.type != SHT_NOBITS else 0) if f & SHF_ALLOC else 0)
            | (_F_TLS if f & SHF_TLS else 0) | (0 if f & SHF_WRITE else _F_RO)
            | (_F_CODE if f & SHF_EXECINSTR else 0))


def _segments(ctx, chunks, splits=frozenset()):
    """Build the program header list (contents only; addresses assigned later). `splits`: sections
    that start a PT_LOAD of their own because their alignment leaves a page gap before them."""
    cfg = ctx.config
    syn = ctx.syn
    alloc = [c for c in chunks if c.flags & SHF_ALLOC]
    segs = []
    if syn.interp is not None:
        segs.append(Segment(PT_PHDR, PF_R, 8))
        segs.append(Segment(PT_INTERP, PF_R, 1))
        segs[-1].chunks = [syn.interp]
    loads = []
    cur = None
    prev_kind = None
    seen_exec = False
    large_model = ctx.target.name == "x86-64"      # (.ldata is a section of x86-64's script only)
    for c in alloc:
        if c.flags & SHF_WRITE:
            kind = "rw"
        elif c.flags & SHF_EXECINSTR:
            kind = "rx"
            seen_exec = True
        else:
            kind = "r1" if seen_exec else "r0"
        if not cfg.separate_code and kind in ("r0", "rx", "r1"):
            kind = "rx0"
        if kind != prev_kind or c in splits or (c.name == ".ldata" and kind == "rw" and large_model):
            # (.ldata: bfd's script gives it `ALIGN(MAXPAGESIZE) + (. & (MAXPAGESIZE - 1))` after
            # .bss/.lbss, a page or two above them: a PT_LOAD of its own, see _assign_loads)
            # (-z noseparate-code: as bfd's, the segment is executable when a section in it is code,
            # not e.g. one of large read-only data after the data segment)
            flags = {"r0": PF_R, "rx": PF_R | PF_X, "r1": PF_R, "rw": PF_R | PF_W, "rx0": PF_R}[kind]
            cur = Segment(PT_LOAD, flags, cfg.load_align)
            loads.append(cur)
            prev_kind = kind
        cur.chunks.append(c)
        if kind == "rx0" and c.flags & SHF_EXECINSTR:
            cur.flags |= PF_X
        if kind == "rw" and c.flags & SHF_EXECINSTR:
            cur.flags |= PF_X       # bfd: a writable code section makes its data segment RWX
    if loads and loads[0].flags != PF_R and cfg.separate_code:
        # headers need a read-only segment of their own
        loads.insert(0, Segment(PT_LOAD, PF_R, cfg.load_align))
    for seg in loads:
        # bfd's assign_file_positions_for_load_sections: a section aligned beyond the page size
        # makes that alignment the PT_LOAD's p_align (the loader then maps it so aligned)
        big = max([c.align for c in seg.chunks] + [0])
        if big > seg.align and big >= cfg.max_page_size:
            seg.align = big
    segs.extend(loads)
    if syn.dynamic is not None:
        s = Segment(PT_DYNAMIC, PF_R | PF_W, 8)
        s.chunks = [syn.dynamic]
        segs.append(s)
    notes = [c for c in alloc if c.type == SHT_NOTE]
    i = 0
    while i < len(notes):
        s = Segment(PT_NOTE, PF_R, notes[i].align)
        s.chunks = [notes[i]]
        j = i + 1
        while j < len(notes) and notes[j].align == notes[i].align and \
                alloc.index(notes[j]) == alloc.index(notes[j - 1]) + 1:
            s.chunks.append(notes[j])
            j += 1
        segs.append(s)
        i = j
    tls = [c for c in alloc if c.flags & SHF_TLS]
    if tls:
        s = Segment(PT_TLS, PF_R, ctx.tls_align)
        s.chunks = tls
        segs.append(s)
    if syn.property is not None:
        s = Segment(PT_GNU_PROPERTY, PF_R, 8)
        s.chunks = [syn.property]
        segs.append(s)
    if syn.eh_frame_hdr is not None and syn.eh_frame_hdr in alloc:
        s = Segment(PT_GNU_EH_FRAME, PF_R, 4)
        s.chunks = [syn.eh_frame_hdr]
        segs.append(s)
    stack = _stack_flags(ctx)
    if stack is not None:
        segs.append(Segment(PT_GNU_STACK, stack, 16))
    if cfg.relro and (any(c for c in alloc if _is_relro(ctx, c)) or ctx.empty_relro):
        segs.append(Segment(PT_GNU_RELRO, PF_R, 1))
    return segs


def _bare_name(obj) -> str:
    """bfd's name of an input in its executable-stack warnings (bfd_get_filename): an archive
    member's own name, without the archive's."""
    ar = obj.archive
    if ar is not None and obj.name.startswith(ar.path + "(") and obj.name.endswith(")"):
        return obj.name[len(ar.path) + 1:-1]
    return obj.name


def _stack_flags(ctx):
    cfg = ctx.config
    if cfg.execstack is True:
        if cfg.warn_execstack:
            diag.warn("enabling an executable stack because of -z execstack command line option")
        return PF_R | PF_W | PF_X
    if cfg.execstack is False:
        return PF_R | PF_W
    objs = ctx.objs
    if not objs:
        return PF_R | PF_W
    have = [o for o in objs if o.has_gnu_stack]
    if not have:
        return None
    ex = [o for o in have if o.exec_stack]
    if ex:
        if cfg.warn_execstack is not False:
            diag.warn(f"{_bare_name(ex[0])}: requires executable stack (because the .note.GNU-stack section is "
                      "executable)")
        return PF_R | PF_W | PF_X
    if len(have) != len(objs) and ctx.target.missing_note_execstack:
        missing = [o for o in objs if not o.has_gnu_stack][-1]     # bfd names the last one
        if cfg.warn_execstack is not False:
            diag.warn(f"{_bare_name(missing)}: missing .note.GNU-stack section implies executable stack")
            # (bfd prints this line without "warning:")
            diag.warn("NOTE: This behaviour is deprecated and will be removed in a future version of the linker",
                      located=True)
        return PF_R | PF_W | PF_X
    return PF_R | PF_W


_RELRO_NAMES = {".tdata", ".tbss", ".preinit_array", ".init_array", ".fini_array", ".ctors", ".dtors",
                ".data.rel.ro", ".dynamic", ".got", ".jcr"}


def _relro_patterns_match(ctx) -> bool:
    """bfd's lang_find_relro_sections: -z relro takes effect (the RW segment starts at a page, so
    PT_GNU_RELRO, empty or not, ends on one) also when a live non-empty input section matches a pattern
    of the default script's statements between DATA_SEGMENT_ALIGN and DATA_SEGMENT_RELRO_END, wherever
    it went: `.eh_frame : ONLY_IF_RW { *(.eh_frame) }` matches the read-only .eh_frame of the text
    segment (a static -nostdlib program with unwind tables; scriptlayout.relro_patterns does the same
    for scripts). Only asked when no RELRO section is in the RW segment. (aarch64's fixed
    DATA_SEGMENT_RELRO_END offset of 24 makes bfd end an empty RELRO 24 bytes into .data, with a
    PT_GNU_RELRO: _empty_relro.)"""
    if not ctx.target.relro_offset_from_gotplt:
        return False
    return _relro_patterns_hit(ctx)


def _relro_patterns_hit(ctx) -> bool:
    """Whether a live non-empty input section matches one of those script patterns."""
    for obj in ctx.objs:
        for sec in obj.sections:
            if sec is not None and sec.alive and sec.size and _relro_script_name(sec.name):
                return True
    return False


def _relro_script_name(n: str) -> bool:
    """`*(.eh_frame) *(.eh_frame.*)`, `*(.sframe) *(.sframe.*)`, `*(.gnu_extab)`,
    `*(.gcc_except_table .gcc_except_table.*)`, `*(.exception_ranges*)`."""
    return n in (".eh_frame", ".sframe", ".gnu_extab", ".gcc_except_table") or \
        n.startswith((".eh_frame.", ".sframe.", ".gcc_except_table.", ".exception_ranges"))


def _is_relro(ctx, c) -> bool:
    if c.name in _RELRO_NAMES or c.name.startswith(".data.rel.ro"):
        return True
    if c.flags & SHF_TLS:
        return True
    if c is ctx.syn.gotplt and ctx.config.now:
        return True
    return False


def _assign(ctx, chunks) -> None:
    cfg = ctx.config
    if cfg.text_segment is not None and cfg.text_segment % cfg.max_page_size:
        raise LinkError(f"-Ttext-segment address {cfg.text_segment:#x} is not a multiple of the "
                        "maximum page size: not supported by braze")
    splits: set = set()
    ctx.empty_relro = None
    rounds = 0
    while True:
        # a section aligned beyond the page size that leaves a page gap makes a new PT_LOAD (bfd's
        # segment map), which makes the headers longer, which moves what follows them: lay out again
        # until the splits settle (and until aarch64's section-less PT_GNU_RELRO, counted in the
        # headers, is decided: _empty_relro)
        had = ctx.empty_relro is not None
        new = _assign_loads(ctx, chunks, _segments(ctx, chunks, splits))
        rounds += 1
        if new <= splits and ((ctx.empty_relro is not None) == had or rounds > 3):
            break
        splits |= new
    if cfg.warn_rwx_segments and any(s.type == PT_LOAD and s.flags & (PF_W | PF_X) == PF_W | PF_X
                                     for s in ctx.segments):
        # bfd's own warning (its BFD library prints it: -w does not silence it)
        diag.warn(f"{cfg.output} has a LOAD segment with RWX permissions", from_bfd=True)
    _assign_rest(ctx, chunks)


def _aligned_start(ctx, c, prev_end: int, first_in_seg: bool, new_splits) -> int:
    """A section's address after `prev_end`. bfd's map_sections_to_segments starts a new PT_LOAD
    at a section that would leave a whole page of the segment unused (one aligned beyond the page
    size): noted in `new_splits` and ctx.align_splits (_assign_loads starts that segment there)."""
    a = align_up(prev_end, c.align)
    page = ctx.config.max_page_size
    if not first_in_seg and new_splits is not None and align_up(prev_end, page) < align_up(a, page):
        new_splits.add(c)
        ctx.align_splits.add(c)
    return a


def _start_at(c, addr: int, end_align: int = 1) -> int:
    """An output section whose script statement gives its address (bfd's large-model `.lrodata` and
    `.ldata`): bfd starts it exactly there, unaligned, and aligns its input sections inside it (the
    padding is part of the section); sh_addralign drops to the alignment that address has (elf.c
    elf_fake_sections). Members re-placed from `addr` (idempotent: _assign_loads may run again);
    `end_align`: .ldata's statement ends with `. = ALIGN(. != 0 ? 64 / 8 : 1)`, inside the section."""
    nat = getattr(c, "natural_align", 0) or c.align
    c.natural_align = nat
    off = addr
    for m in c.members:
        off = align_up(off, m.align)
        m.out_off = off - addr
        off += m.size
    c.size = align_up(off, end_align) - addr if c.members else 0
    c.align = nat if not addr & (nat - 1) else addr & -addr
    return addr


def _assign_loads(ctx, chunks, segs) -> set:
    cfg = ctx.config
    page = cfg.max_page_size
    nph = len(segs)
    hdr_size = 64 + 56 * nph
    base = cfg.text_segment if cfg.text_segment is not None else (0 if cfg.pic else ctx.target.image_base)
    ctx.base = base
    ctx.hdr_size = hdr_size
    ctx.segments = segs
    ctx.nph = nph
    new_splits: set = set()
    ctx.relro_end = None
    ctx.dseg_dot = 0
    loads = [s for s in segs if s.type == PT_LOAD]
    hdr_vaddr = base
    ctx.ehdr_addr = hdr_vaddr
    addr = hdr_vaddr + hdr_size
    file_end = hdr_size
    first = True
    for li, seg in enumerate(loads):
        rw = bool(seg.flags & PF_W)
        c0 = seg.chunks[0] if seg.chunks else None
        if first:
            seg.vaddr = hdr_vaddr
            seg.offset = 0
        elif not rw and c0 is not None and c0.name == ".lrodata":
            # bfd's `.lrodata ALIGN(MAXPAGESIZE) + (. & (MAXPAGESIZE - 1))`, after .lbss
            # (after the script's `. = ALIGN(64 / 8)` that follows .lbss)
            addr = align_up(addr, 8)
            addr = _start_at(c0, align_up(addr, page) + (addr & (page - 1)))
            seg.vaddr = addr
            seg.offset = file_end + ((addr - file_end) % page)
        elif rw and c0 is not None and c0.name == ".ldata" and ctx.target.name == "x86-64" and \
                any(s.flags & PF_W for s in loads[:li]):
            # bfd's `.ldata ALIGN(MAXPAGESIZE) + (. & (MAXPAGESIZE - 1))` after .lrodata's same
            # expression, which moves `.` even when there is no .lrodata (from .bss/.lbss, after
            # `. = ALIGN(8)`): gcc -mcmodel=medium's large initialized arrays land two pages up
            if loads[li - 1].chunks and loads[li - 1].chunks[0].name != ".lrodata":
                d = align_up(addr, 8)
                addr = align_up(d, page) + (d & (page - 1))
            addr = _start_at(c0, align_up(addr, page) + (addr & (page - 1)), 8)
            seg.vaddr = addr
            seg.offset = file_end + ((addr - file_end) % page)
        elif c0 is not None and c0 in ctx.align_splits:
            # (a PT_LOAD that a section aligned beyond the page size starts: _aligned_start)
            addr = align_up(addr, c0.align)
            seg.vaddr = addr
            seg.offset = file_end + ((addr - file_end) % seg.align)
        elif not rw:
            # (a first section aligned beyond the page size starts the segment: bfd's p_vaddr is its
            # first section's address)
            addr = align_up(addr, max(page, c0.align if c0 is not None else 1))
            seg.vaddr = addr
            seg.offset = addr - base if seg.align <= page else \
                file_end + ((addr - file_end) % max(page, seg.align))
        else:
            r_end = addr
            if cfg.separate_code and li and loads[li - 1].flags & PF_X and not loads[li - 1].flags & PF_W:
                # bfd's script aligns `.` to a page after the code for the read-only data, which
                # DATA_SEGMENT_ALIGN then starts from even when there is none
                r_end = align_up(addr, page)
            if cfg.relro and (any(_is_relro(ctx, c) for c in seg.chunks) or
                                not any(s.flags & PF_W for s in loads[:li]) and _relro_patterns_match(ctx)):
                # (with nothing RELRO, DATA_SEGMENT_ALIGN is the -z norelro formula below, unless bfd's
                # script patterns count an input section as RELRO: _relro_patterns_match; the
                # DATA_SEGMENT_ALIGN segment is the first RW one, not the large model's .ldata)
                # (from the next page: bfd's DATA_SEGMENT_ALIGN adds the offset in the page, but its
                # base comes from an earlier sizing pass; measured, this start gives bfd's addresses
                # on the bench jobs, the offset a page too many for sqlite)
                start = _relro_base(ctx, seg, align_up(r_end, page), page)
                ctx.dseg_dot = ctx.dseg_dot or start
            elif cfg.relro and not ctx.target.relro_offset_from_gotplt and \
                    not any(s.flags & PF_W for s in loads[:li]) and _relro_patterns_hit(ctx):
                start = _empty_relro(ctx, seg, r_end, page)
            else:
                start = _data_segment_align(ctx, seg, r_end, page, c0.align)  # type: ignore[union-attr]
            seg.vaddr = start
            seg.offset = file_end + ((start - file_end) % page)
            addr = start
        if rw:
            _layout_rw(ctx, seg, seg.vaddr, dry=False, new_splits=new_splits)
            addr = seg.vaddr + seg.memsz
        else:
            a = seg.vaddr + (hdr_size if first else 0)
            for i, c in enumerate(seg.chunks):
                a = _aligned_start(ctx, c, a, i == 0, new_splits)
                c.addr = a
                c.offset = seg.offset + (a - seg.vaddr)
                a += c.size
            seg.filesz = seg.memsz = a - seg.vaddr
            addr = a
        if seg.filesz or any(c.type != SHT_NOBITS for c in seg.chunks):
            # (bfd: a segment with a PROGBITS section has file contents, even when it is empty, as
            # x86-64's empty PLT .eh_frame alone: elf.c no_contents; the segment has the
            # section's file offset, and the file goes on from there)
            file_end = max(file_end, seg.offset + seg.filesz)
        else:
            # bfd: a PT_LOAD with no file bytes (a .bss alone) has the offset of its address in a
            # page, whatever its sections' sh_offset says, and takes no room in the file
            seg.offset = seg.vaddr & (page - 1)
        first = False
    if loads and not any(s.flags & PF_W for s in loads):
        # no data segment: the script's DATA_SEGMENT_ALIGN still moves `.` (to _edata and _end)
        r_end = addr
        if cfg.separate_code and loads[-1].flags & PF_X:
            r_end = align_up(addr, page)
        _data_segment_align(ctx, None, r_end, page, 1)
    ctx.file_end = file_end
    return new_splits


def _assign_rest(ctx, chunks) -> None:
    cfg = ctx.config
    syn = ctx.syn
    segs = ctx.segments
    nph = ctx.nph
    base = ctx.base
    file_end = ctx.file_end
    # non-alloc sections (--emit-relocs: the .rela sections last but .shstrtab, as bfd)
    off = file_end
    nonalloc = chunks
    if cfg.emit_relocs:
        from .emitrelocs import file_order
        nonalloc = file_order(ctx, chunks)
    for c in nonalloc:
        if c.flags & SHF_ALLOC:
            continue
        if c.type == SHT_NOBITS:
            # (bfd never gives a non-allocated NOBITS section a file position: offset 0)
            c.addr = 0
            c.offset = 0
            continue
        off = align_up(off, c.align)
        c.addr = 0
        c.offset = off
        if c.type != SHT_NOBITS:
            off += c.size
    ctx.shoff = align_up(off, 8)
    ctx.file_size = ctx.shoff + 64 * (len(chunks) + 1)
    # TLS
    tls = [c for c in chunks if c.flags & SHF_TLS and c.flags & SHF_ALLOC]
    if tls:
        ctx.tls_start = tls[0].addr
        ctx.tls_end = max(c.addr + c.size for c in tls)
        memsz = ctx.tls_end - ctx.tls_start
        ctx.tp = ctx.target.thread_pointer(ctx.tls_start, memsz, ctx.tls_align)
    # other segments
    for seg in segs:
        if seg.type == PT_LOAD:
            continue
        if seg.type == PT_PHDR:
            seg.vaddr = ctx.ehdr_addr + 64
            seg.offset = 64
            seg.filesz = seg.memsz = 56 * nph
            continue
        if seg.type == PT_GNU_STACK:
            seg.memsz = cfg.stack_size      # -z stack-size=N (0: the loader's default)
            continue
        if seg.type == PT_GNU_RELRO:
            rel = [c for c in chunks if c.flags & SHF_ALLOC and _is_relro(ctx, c)]
            er = ctx.empty_relro
            if not rel and er is not None:
                # (_empty_relro: from the first non-empty section inside the range to its end)
                st = next(c for c in chunks if c.flags & SHF_ALLOC and c.size and er[0] <= c.addr < er[1])
                seg.vaddr = st.addr
                seg.offset = st.offset
                seg.memsz = er[1] - st.addr
                lp = next((p for p in segs if p.type == PT_LOAD and p.vaddr <= st.addr < p.vaddr + p.memsz), None)
                seg.filesz = min(seg.memsz, lp.vaddr + lp.filesz - st.addr) if lp is not None else seg.memsz
                continue
            st = rel[0]
            end = max(c.addr + (c.size if c.type != SHT_NOBITS or not c.flags & SHF_TLS else 0) for c in rel)
            if syn.gotplt in chunks and not cfg.now and syn.gotplt.size >= 24 and \
                    any(c is syn.gotplt for c in chunks):
                end = max(end, syn.gotplt.addr + 24)
            end = ctx.relro_end if getattr(ctx, "relro_end", None) else end
            # bfd: RELRO ends where DATA_SEGMENT_RELRO_END put `.`, on a common page boundary (the
            # backward walk's alignment slack can leave the last RELRO section short of it); its file
            # size stops where the PT_LOAD's file bytes do
            if end & (cfg.common_page_size - 1) and not (syn.gotplt in chunks and not cfg.now and
                                                         end == syn.gotplt.addr + 24):
                end = align_up(end, cfg.common_page_size)
            seg.vaddr = st.addr
            seg.offset = st.offset
            seg.memsz = end - st.addr
            lp = next((p for p in segs if p.type == PT_LOAD and p.vaddr <= st.addr < p.vaddr + p.memsz), None)
            seg.filesz = min(seg.memsz, lp.vaddr + lp.filesz - st.addr) if lp is not None else seg.memsz
            continue
        cs = seg.chunks
        seg.vaddr = cs[0].addr
        seg.offset = cs[0].offset
        endm = max(c.addr + c.size for c in cs)
        endf = max(c.offset + (c.size if c.type != SHT_NOBITS else 0) for c in cs)
        seg.memsz = endm - seg.vaddr
        seg.filesz = endf - seg.offset
    define_symbols(ctx)


def _data_segment_align(ctx, seg, r_end: int, page: int, align: int) -> int:
    """bfd's DATA_SEGMENT_ALIGN without RELRO: ALIGN(MAXPAGESIZE) + (. & (MAXPAGESIZE - 1)), unless
    the segment's head and tail parts of a common page are together no bigger than one and its end
    lies on another common page (ldlang's lang_size_segment): then the page-saving form,
    ALIGN(MAXPAGESIZE) + ((. + COMMONPAGESIZE - 1) & (MAXPAGESIZE - COMMONPAGESIZE)). `seg` None: no
    data segment at all, where `.` still goes (the value of _edata and _end)."""
    common = ctx.config.common_page_size
    base = align_up(r_end, page) + (r_end & (page - 1))
    start = align_up(base, align)     # the segment starts where its first section does
    memsz = 0
    if seg is not None:
        _layout_rw(ctx, seg, start, dry=False)
        memsz = seg.memsz
    end = align_up(start + memsz, 8)        # (DATA_SEGMENT_END after the script's ALIGN(64 / 8))
    if ctx.target.large_common_section and end & (page - 1):
        # the script's .lrodata and .ldata, empty, still move `.` to the same place a page up
        # when bfd sizes them (the value DATA_SEGMENT_END sees), so the end is on another page
        end += page
    first = -base & (common - 1)
    last = end & (common - 1)
    if first and last and (base & -common) != (end & -common) and first + last <= common:
        base = align_up(r_end, page) + ((r_end + common - 1) & (page - common))
        start = align_up(base, align)
    ctx.dseg_dot = ctx.dseg_dot or base      # (the first data segment's: not the large model's .ldata)
    return start


def _empty_relro(ctx, seg, r_end: int, page: int) -> int:
    """aarch64's RW segment start when -z relro holds (_relro_patterns_hit) but no section is RELRO:
    its script's DATA_SEGMENT_RELRO_END(24, .) still ends RELRO 24 bytes after DATA_SEGMENT_ALIGN's
    first-pass base (ALIGN(MAXPAGESIZE) + (. & (MAXPAGESIZE - 1))), on a MAXPAGESIZE boundary (bfd
    2.40's relropagesize), so the segment starts 24 bytes below that boundary. bfd's segment map then
    has a PT_GNU_RELRO over those 24 bytes when the segment's first section starts inside them and
    the segment has file contents (it also covers the head of .data: bfd's layout, kept).
    Sets ctx.empty_relro to the RELRO range, or None when no PT_GNU_RELRO results."""
    base = align_up(r_end, page) + (r_end & (page - 1))
    end = align_up(base + 24, page)
    start = end - 24
    c0 = seg.chunks[0]
    first = align_up(start, c0.align)
    contents = any(c.size and c.type != SHT_NOBITS for c in seg.chunks)
    ctx.empty_relro = (start, end) if first < end and contents else None
    ctx.dseg_dot = ctx.dseg_dot or start     # (`.` after DATA_SEGMENT_RELRO_END: _edata and __bss_start)
    return first


def _relro_base(ctx, seg, start, page) -> int:
    """Where the RW segment starts so that PT_GNU_RELRO ends on a page boundary (bfd 2.40's
    lang_size_relro_segment_1): from the page end (less the part of .got.plt inside RELRO), each
    RELRO section is pushed as high as its alignment lets it end where the next one starts, walking
    backwards; the first one's start is the base (as scriptlayout._dseg_walk for scripts)."""
    places: list = []
    relro_end = _layout_rw(ctx, seg, start, dry=True, places=places)
    if relro_end is None:
        return start
    page_end = align_up(relro_end, page)
    gotplt = ctx.syn.gotplt
    off = 0
    for c, a in places:
        if c is gotplt and relro_end == a + 24:
            off = 24            # (DATA_SEGMENT_RELRO_END's offset: RELRO ends inside .got.plt)
    limit = relro_end - off
    desired = page_end - off
    for i in range(len(places) - 1, -1, -1):     # (an index loop: as in order_sections)
        c, a = places[i]
        if a >= limit:
            continue
        size = 0 if (c.type == SHT_NOBITS and c.flags & SHF_TLS) else c.size
        desired = (desired - size) & -max(c.align, 1)
    if desired < start:
        return start
    again = _layout_rw(ctx, seg, desired, dry=True)
    if again is not None and again > page_end:
        return start            # (alignment padding made it overshoot: bfd keeps the first base)
    return desired


def _layout_rw(ctx, seg, start, dry, new_splits=None, places=None):
    """Lay out the RW segment from `start`; returns the RELRO end address."""
    syn = ctx.syn
    cfg = ctx.config
    a = start
    relro_end = None
    fend = start
    # bfd's DATA_SEGMENT_RELRO_END: where RELRO stops (before .got.plt's 4th word with lazy binding,
    # else before the first writable-after-start-up section) `.` is padded to a page boundary, so the
    # loader's mprotect covers all of it even when alignment kept the slide from landing exactly
    # (not in the dry runs that choose the slide: they measure the unpadded layout)
    in_relro = not dry and cfg.relro and any(_is_relro(ctx, c) for c in seg.chunks)
    page = cfg.common_page_size
    mend = start        # (bfd sizes a PT_LOAD by its sections: a trailing .tbss's alignment is not in it)
    for c in seg.chunks:
        if in_relro and not _is_relro(ctx, c):
            in_relro = False
            off = 24 if c is syn.gotplt and not cfg.now and c.size >= 24 else 0
            a = align_up(a + off, page) - off
        a = _aligned_start(ctx, c, a, c is seg.chunks[0], new_splits)
        if places is not None:
            places.append((c, a))
        if not dry:
            c.addr = a
            # NOBITS sections sit at the file position where the segment's bytes end (as bfd)
            c.offset = seg.offset + ((a if c.type != SHT_NOBITS else fend) - seg.vaddr)
        if _is_relro(ctx, c):
            relro_end = a + (0 if (c.type == SHT_NOBITS and c.flags & SHF_TLS) else c.size)
        if c is syn.gotplt and not cfg.now and c.size >= 24:
            relro_end = a + 24
        if c is syn.gotplt and c.merged_got is not None and not dry:
            c.merged_got.addr = a + c.own_size
            c.merged_got.offset = c.offset + c.own_size
        if c.type == SHT_NOBITS and c.flags & SHF_TLS:
            continue          # .tbss takes no address space in the segment
        if c.name == ".bss" and not dry and c.size:
            # bfd's script ends a non-empty .bss with `. = ALIGN(. != 0 ? 8 : 1)`: its size, _end
            # and the segment's memsz include that padding
            raw = c.__dict__.setdefault("raw_size", c.size)
            c.size = align_up(a + raw, 8) - a
        a += c.size
        mend = a
        if c.type != SHT_NOBITS:
            fend = a
    if not dry:
        seg.memsz = mend - start
        seg.filesz = fend - start
        if relro_end is not None:
            ctx.relro_end = relro_end
    return relro_end


def set_linker_symbol(ctx, name: str, value: int, chunk=None) -> None:
    """A linker-defined symbol's final value: relative to chunk when it is in the output, else absolute."""
    s = ctx.symtab.get(name)
    if s is None or not s.linker_defined:
        return
    if chunk is not None and chunk in ctx.chunks:
        s.section = chunk
        s.value = value - chunk.addr
    else:
        s.section = None
        s.value = value


def _around(alloc, rank: int) -> tuple:
    """The kept allocated sections ranked before and after a default-script statement that is not in
    the output, and `.` at the statement when the one before is in the data segment (its end;
    .tbss's start), else -1."""
    prev = nxt = None
    for c in alloc:
        if c.rank < rank:
            prev = c
        elif c.rank > rank and nxt is None:
            nxt = c
    if prev is None or not prev.flags & (SHF_WRITE | SHF_TLS):
        return prev, nxt, -1
    v = prev.addr if prev.flags & SHF_TLS and prev.type == SHT_NOBITS else prev.addr + prev.size
    return prev, nxt, v


def _chunk_end(c) -> int:
    return c.addr + c.size


def _data_dot(ctx, by) -> int:
    """Where `.` is before bfd's script places .data: past .tbss's start (its alignment moves `.`,
    its size does not), and with RELRO where DATA_SEGMENT_RELRO_END put it (a page boundary)."""
    tbss = by.get(".tbss")
    dot = tbss.addr if tbss is not None and tbss.flags & SHF_ALLOC else 0
    r = getattr(ctx, "relro_end", None)
    if r and ctx.config.relro:
        dot = max(dot, align_up(r, ctx.config.common_page_size))
    return dot


def _before_non_tls(alloc, c):
    """c, or the last allocated non-TLS chunk before it (None when there is none)."""
    i = alloc.index(c) if c is not None and c in alloc else len(alloc) - 1
    while i >= 0 and alloc[i].flags & SHF_TLS:
        i -= 1
    return alloc[i] if i >= 0 else None


def got_symbol_place(ctx, chunks) -> tuple:
    """_GLOBAL_OFFSET_TABLE_'s address and the output section holding it: .got.plt's start, or on a
    target whose bfd puts it at its .got input (aarch64) that one's start, also where -z now made one
    .got of .got.plt's words and then .got's (the symbol after the former, as bfd)."""
    syn = ctx.syn
    gotbase = syn.gotplt.addr if syn.gotplt in chunks else (syn.got.addr if syn.got in chunks else 0)
    gotsec = syn.gotplt if syn.gotplt in chunks else syn.got
    c = syn.gotplt if syn.gotplt in chunks or syn.gotplt.embedded_in is not None else syn.got
    if ctx.target.got_symbol_at_got and (syn.got in chunks or syn.got.embedded_in is not None):
        c = syn.got
    if c.embedded_in is not None:
        # (a script put it among an output section's inputs: the symbol is in that section)
        return c.addr, c.embedded_in
    if ctx.target.got_symbol_at_got:
        if syn.got in chunks:
            gotbase, gotsec = syn.got.addr, syn.got
        elif syn.gotplt in chunks and syn.gotplt.merged_got is not None:
            gotbase = syn.got.addr
    return gotbase, gotsec


def define_symbols(ctx) -> None:
    """Give linker-defined symbols their values now that addresses are known."""
    syn = ctx.syn
    by = ctx.out_by_name
    chunks = ctx.chunks
    alloc = [c for c in chunks if c.flags & SHF_ALLOC]

    gotbase, gotsec = got_symbol_place(ctx, chunks)
    ctx.got_base = gotbase
    set_linker_symbol(ctx, "_GLOBAL_OFFSET_TABLE_", gotbase, gotsec)
    if syn.dynamic is not None:
        set_linker_symbol(ctx, "_DYNAMIC", syn.dynamic.addr, syn.dynamic)
    set_linker_symbol(ctx, "__ehdr_start", ctx.ehdr_addr)
    set_linker_symbol(ctx, "__executable_start", ctx.base)
    rx = [c for c in alloc if c.flags & SHF_EXECINSTR and not c.flags & SHF_WRITE]
    etext = (rx[-1].addr + rx[-1].size) if rx else ctx.base
    for n in ("_etext", "etext", "__etext"):
        # (relative to the code they end, as bfd's `PROVIDE (etext = .)` after .fini, also where
        # .rodata starts at that address)
        set_linker_symbol(ctx, n, etext, rx[-1] if rx else None)
    rw = [c for c in alloc if c.flags & SHF_WRITE]
    # (bfd's script sets _edata after .data1: not past .ldata, which follows .bss and .lbss)
    bss_rank = rank_of_name(".bss")
    progbits_rw = [c for c in rw if c.type != SHT_NOBITS and c.rank < bss_rank]
    edata = max((c.addr + c.size for c in progbits_rw), default=etext)
    # bfd attributes _edata to the data section it ends, and __bss_start to .bss (it is set just
    # before .bss's statement), even where .bss's alignment puts .bss past it
    last_data = max(progbits_rw, key=_chunk_end, default=None)
    floor = max(_data_dot(ctx, by), ctx.dseg_dot)
    if edata < floor:
        # no data after the TLS or RELRO part: `.` stays past it, and bfd's section_for_dot
        # skips TLS sections for the section these symbols are relative to
        edata = floor
        nxt = alloc.index(last_data) + 1 if last_data in alloc else len(alloc)
        last_data = next((c for c in alloc[nxt:] if c.flags & SHF_WRITE and not c.flags & SHF_TLS), None) \
            or _before_non_tls(alloc, last_data)
    for n in ("_edata", "edata"):
        set_linker_symbol(ctx, n, edata, last_data)
    if ctx.target.provided_syms:
        # aarch64's `.data : { PROVIDE (__data_start = .); ...}`: .data's start; without .data, `.`
        # where its statement is (after .got.plt, as _edata's is after .data1)
        data = by.get(".data")
        if data is not None and data in alloc:
            set_linker_symbol(ctx, "__data_start", data.addr, data)
        else:
            data_rank = rank_of_name(".data")
            pre = [c for c in progbits_rw if c.rank < data_rank]
            ends = [c.addr + c.size for c in pre]
            v = max(max(ends, default=etext), floor)
            set_linker_symbol(ctx, "__data_start", v, pre[ends.index(v)] if v in ends else last_data)
    bss = by.get(".bss")
    # bfd's script sets __bss_start = . before .bss: where the data ended, before .bss's alignment
    has_bss = bss is not None and bss.size > 0
    bss_start = bss.addr if has_bss and bss.addr < edata else edata
    bss_chunk = bss if has_bss else last_data
    set_linker_symbol(ctx, "__bss_start", bss_start, bss_chunk)
    end = max((c.addr + c.size for c in alloc if not c.flags & SHF_TLS), default=ctx.base)
    end_chunk = None
    aligned = align_up(max(end, floor), 8)      # (the script's `. = ALIGN(64 / 8)` before `_end = .`)
    if aligned != end:
        end = aligned
        end_chunk = _before_non_tls(alloc, alloc[-1] if alloc else None)
    for n in ("_end", "end"):
        set_linker_symbol(ctx, n, end, end_chunk)
    if ctx.target.extra_linker_syms:
        # aarch64's script: __bss_start__ with __bss_start, _bss_end__/__bss_end__ after .bss,
        # __end__ with _end
        set_linker_symbol(ctx, "__bss_start__", bss_start, bss_chunk)
        bend = bss.addr + bss.size if has_bss else edata
        for n in ("_bss_end__", "__bss_end__"):
            # (relative to .bss, the section before the assignment, as bfd: an orphan NOBITS section
            # after .bss, glibc's __libc_freeres_ptrs, starts at the same address)
            set_linker_symbol(ctx, n, bend, bss if has_bss else None)
        set_linker_symbol(ctx, "__end__", end)
    for arr in ("init_array", "fini_array", "preinit_array"):
        c = by.get("." + arr)
        if c is not None:
            set_linker_symbol(ctx, f"__{arr}_start", c.addr, c)
            set_linker_symbol(ctx, f"__{arr}_end", c.addr + c.size, c)
        else:
            # bfd still defines them (empty) where the section would be; the section removed has no
            # flags (no input section gave it any), which decides where its symbols go
            before, after, at = _around(alloc, rank_of_name("." + arr))
            if at < 0:
                anchor = by.get(".init_array") or by.get(".data") or (rw[0] if rw else None)
                at = anchor.addr if anchor is not None else 0
            home = nearby(before, after, 0, at)
            set_linker_symbol(ctx, f"__{arr}_start", at, home)
            set_linker_symbol(ctx, f"__{arr}_end", at, home)
    rp = syn.rela_plt
    if rp in chunks:
        # (in .rela.plt, where the script defines them: aarch64's .init follows at its end)
        set_linker_symbol(ctx, "__rela_iplt_start", rp.addr + 24 * rp.iplt_start, rp)
        set_linker_symbol(ctx, "__rela_iplt_end", rp.addr + rp.size, rp)
    else:
        set_linker_symbol(ctx, "__rela_iplt_start", 0)
        set_linker_symbol(ctx, "__rela_iplt_end", 0)
    if syn.eh_frame_hdr is not None and syn.eh_frame_hdr in chunks:
        set_linker_symbol(ctx, "__GNU_EH_FRAME_HDR", syn.eh_frame_hdr.addr, syn.eh_frame_hdr)
    td = by.get(".tdata")
    if td is not None:
        set_linker_symbol(ctx, "__tdata_start", td.addr)
    # The TLSDESC local-dynamic base. An executable relaxes its descriptor to LE, where the DTPOFF32
    # offsets that follow become TP offsets (as after a classic LD->LE), so bfd puts the base at TP
    # itself (TPOFF 0); a library keeps the TLS block start. (TLS variant I, aarch64: the DTPREL
    # offsets stay block offsets after the relaxation, and bfd keeps the block start there too.)
    tls_first = next((c for c in chunks if c.flags & SHF_TLS and c.flags & SHF_ALLOC), None)
    set_linker_symbol(ctx, "_TLS_MODULE_BASE_",
                      ctx.tls_start if ctx.config.shared or ctx.target.tls_variant == 1 else ctx.tp, tls_first)
    from .address import sym_addr
    for s, ref, delta in getattr(ctx, "defsym_exprs", ()):
        s.value = sym_addr(ctx, ref) + delta
        if ref.section is not None and ref.rank >= 2:
            s.is_abs = False
    for name, s in ctx.symtab.items():
        if not s.linker_defined:
            continue
        if name.startswith(("__start_", "__stop_")):   # __stop_X is in X, as bfd has it
            start = name.startswith("__start_")
            c = by.get(name[8:] if start else name[7:])
            if c is None:
                set_linker_symbol(ctx, name, 0)
            else:
                set_linker_symbol(ctx, name, c.addr if start else c.addr + c.size, c)
