"""--gc-sections: mark sections reachable from the roots through relocations; drop the rest.

Roots: the entry point, -u symbols, exported and DSO-referenced symbols, init/fini arrays, .init/.fini,
notes (non-alloc ones too, outside groups), SHF_GNU_RETAIN sections.  A live reference to a linker-defined __start_X/__stop_X keeps every
section X (unless -z start-stop-gc), an exported one the first section X, as bfd's marking does.
.eh_frame is not a root, but a live function keeps the LSDA/personality its FDE points at."""
from __future__ import annotations

from .elf import (SHF_ALLOC, SHF_GNU_RETAIN, SHF_LINK_ORDER, SHT_NOTE, SHT_INIT_ARRAY, SHT_FINI_ARRAY,
                  SHT_PREINIT_ARRAY, SHT_PROGBITS, STV_DEFAULT, STV_PROTECTED, STV_HIDDEN, STV_INTERNAL, SHN_UNDEF, SHN_LORESERVE)
from .ehbuild import Record
from .inputs.object import InputSection
from .sections import is_c_identifier, linked_section
from .symbols import NONE, SHARED, Symbol

TYPE_CHECKING = False
if TYPE_CHECKING:     # (no `typing` at run time: see symbols.py)
    from typing import Any

_KEEP_PREFIX = (".init", ".fini", ".ctors", ".dtors", ".preinit_array", ".init_array", ".fini_array", ".jcr",
                ".note", ".gnu.linkonce.", ".interp")
_KEEP_SECOND = frozenset(p[1] for p in _KEEP_PREFIX)     # most names (.text.*, .rodata.*) fail on it


class _Marker:
    """Marks a section live and queues it (its relocations are followed later).  A class, not a
    function nested in gc_sections: mypyc makes a closure two classes of its own, created at start-up,
    and calls it generically."""

    def __init__(self, work: list[Any], why: dict[int, Any] | None,
                 groups: dict[tuple[int, Any], list[Any]] | None) -> None:
        self.work = work
        # linker-defined __start_X/__stop_X -> the input sections X, which a live reference keeps
        self.bounds: dict[Symbol, list[Any]] = {}
        self.why = why                  # --why-live: section id -> what marked it
        self.groups = groups            # -r: (file id, group signature) -> the group's sections

    def mark(self, sec: Any, reason: Any = None) -> None:
        if sec is not None and type(sec) is InputSection and not sec.gc_mark:
            sec.gc_mark = True
            self.work.append(sec)
            why = self.why
            if why is not None:
                why[id(sec)] = reason
            groups = self.groups
            if groups is not None and sec.group is not None:
                for m in groups.get((id(sec.file), sec.group), ()):
                    self.mark(m, reason)

    def mark_bounded(self, s: Symbol, reason: Any = None) -> None:
        """A live relocation against `s`, which has no section: if it is __start_X/__stop_X, every X."""
        lst = self.bounds.get(s)
        if lst is not None:
            for m in lst:
                self.mark(m, reason)


def gc_sections(ctx: Any, roots: Any = None) -> None:
    """roots: the root symbol names (-r: only -e and -u); None for a final link's.  (Compiled: its
    loops visit every input section and symbol of the link.)"""
    from .ehframe import split_eh_frame
    cfg = ctx.config
    work: list[Any] = []
    # --why-live: why each section was marked (explain.print_why_live); None keeps the plain loop
    why: dict[int, Any] | None = {} if cfg.why_live else None
    sym_ref: dict[int, Any] = {}
    sym_root: dict[int, Any] = {}
    # bfd keeps a COMDAT group whole when one of its sections is kept
    groups: dict[tuple[int, Any], list[Any]] = {}
    for obj in ctx.objs:
        secs = obj.sections
        for sig, members in obj.comdat_groups:
            groups[(id(obj), sig)] = [secs[m] for m in members if m < len(secs) and secs[m] is not None]
    marker = _Marker(work, why, groups if groups else None)
    # a link without dynamic sections (static, not -static-pie) exports nothing: bfd's -E,
    # --export-dynamic-symbol and --dynamic-list keep no section there
    exports: bool = bool(ctx.dynamic)

    symtab: dict[str, Symbol] = ctx.symtab
    s: Symbol
    # the sections X of the linker-defined __start_X/__stop_X (passes.resolve_symbols chose them);
    # with -z start-stop-gc a reference to them keeps nothing
    startstop: dict[str, list[Any]] = {}
    bound_syms: list[tuple[Symbol, str]] = []
    for name, s in symtab.items():
        if s.rank == NONE and s.linker_defined and (name.startswith("__start_") or name.startswith("__stop_")):
            x = name[8:] if name.startswith("__start_") else name[7:]
            startstop[x] = []
            bound_syms.append((s, x))
    # input section -> its FDEs' (object, relocations): keyed by the section itself, hashed by identity
    # (an id() key is a new boxed int each time, ~200 instructions a look-up more; rust-bin marks ~20,000)
    fde_refs: dict[Any, list[Any]] = {}
    unwind = ctx.target.unwind_section_type      # (None when the target has no such type)
    # the constants as native locals: read from the interpreted elf module they are boxed, and every
    # test below on each section of the link would box its operand
    uw: int = -1 if unwind is None else unwind
    progbits: int = SHT_PROGBITS
    alloc: int = SHF_ALLOC
    retain: int = SHF_GNU_RETAIN
    link_order: int = SHF_LINK_ORDER
    note: int = SHT_NOTE
    init_array: int = SHT_INIT_ARRAY
    # a SECTIONS script keeps .eh_frame under --gc-sections only where it says KEEP, as bfd (whose
    # default script does); a dropped one still keeps what its live functions' FDEs point at
    script_keep: Any = ctx.lscript.keep if ctx.lscript is not None else None
    fini_array: int = SHT_FINI_ARRAY
    preinit_array: int = SHT_PREINIT_ARRAY
    any_startstop = bool(startstop)
    flags: int
    t: int
    isec: InputSection | None      # (typed: native field reads; ctx.objs holds no IR file by now)
    for obj in ctx.objs:
        for isec in obj.sections:
            if isec is None:
                continue
            flags = isec.flags
            n: str = isec.name
            t = isec.type
            if any_startstop:
                lst = startstop.get(n)
                if lst is not None:
                    lst.append(isec)
            if n == ".eh_frame" and (t == progbits or t == uw):
                isec.gc_mark = script_keep is None or id(isec) in script_keep
                recs: list[Record] = split_eh_frame(isec)     # (ehbuild's native records)
                for r in recs:
                    if r.is_cie:
                        continue
                    rrels = r.relocs
                    if not rrels:
                        continue
                    tgt = _target_section(obj, rrels[0][1] >> 32)
                    if tgt is not None:
                        cie = r.cie
                        fde_refs.setdefault(tgt, []).append((obj, rrels[1:] + (cie.relocs if cie is not None
                                                                                  else [])))
                continue
            if not flags & alloc:
                # bfd roots a note outside any group and not SHF_LINK_ORDER, alloc or not, and follows
                # its relocations: .note.stapsdt keeps .stapsdt.base and each probe's function (the
                # other non-allocated sections: _keep_unreached)
                if t == note and isec.group is None and not (flags & link_order and isec.link):
                    marker.mark(isec, None if why is None else ("root", "reserved"))
                continue
            if (n[1:2] in _KEEP_SECOND and n.startswith(_KEEP_PREFIX) or t == note or t == init_array
                    or t == fini_array or t == preinit_array
                    or flags & retain):
                marker.mark(isec, None if why is None else ("root", "retained" if flags & retain else "reserved"))
    if bound_syms and not cfg.start_stop_gc:
        for s, x in bound_syms:
            lst = startstop[x]
            marker.bounds[s] = lst
            # bfd defines the symbol in the first section X: when it is exported (a shared library,
            # --export-dynamic, or a library refers to it) that section is a root
            if lst and (s.ref_dynamic or cfg.shared or exports and (cfg.export_dynamic or s.export)) \
                    and s.visibility != STV_HIDDEN \
                    and s.visibility != STV_INTERNAL:
                if why is not None:
                    sym_root.setdefault(id(s), "exported")
                marker.mark(lst[0], None if why is None else ("sym", s))
    if ctx.lscript is not None:       # KEEP(...) and sections defining symbols the script uses
        from .scriptlayout import gc_roots
        for sec in gc_roots(ctx):
            marker.mark(sec, None if why is None else ("root", "KEEP in the linker script"))
    names: list[Any]
    descs: list[str]
    if roots is not None:       # -r: only -e and -u
        names, descs = list(roots), ["-e/-u"] * len(roots)
    else:
        names = [cfg.entry or ctx.script_entry or ("_start" if ctx.lscript is None else "start"), cfg.init,
                 cfg.fini] + list(cfg.undefined)
        descs = ["entry point", "initializer function", "finalizer function"] + ["-u"] * len(cfg.undefined)
    for nm, desc in zip(names, descs):
        sy = symtab.get(nm)
        if sy is not None:
            if why is not None:
                sym_root.setdefault(id(sy), desc)
            marker.mark(sy.section, ("sym", sy))
            if desc == "-u" and sy.rank == SHARED:
                sy.used_in_reloc = True     # bfd keeps a -u name a library defines imported
    # --gc-keep-exported (executables; what -shared does anyway): every global definition that is not
    # hidden or internal is a root, exported or not
    keep_exported: bool = bool(cfg.gc_keep_exported and roots is None)
    # bfd also keeps, in an executable, the section of a definition an object had hidden when a
    # linked shared library read after it defined the name too (Rust's compiler_builtins' hidden
    # __udivti3 before -lgcc_s); not when the library came first or the name was still visible
    dso_after: bool = not cfg.shared and roots is None
    data_only: set = ctx.data_only_exports if exports and not cfg.export_dynamic else set()
    for s in symtab.values():
        if s.section is not None and (exports and s.export and id(s) not in data_only or s.ref_dynamic or s.keep or keep_exported and s.visibility
                                      in (STV_DEFAULT, STV_PROTECTED) and not s.hidden_local
                                      or dso_after and s.dso_def_after):
            if why is None:
                marker.mark(s.section)
                continue
            sym_root.setdefault(id(s), "exported" if exports and s.export else "referenced by a shared library"
                                if s.ref_dynamic else "kept" if s.keep else "defined by a shared library too"
                                if s.dso_def_after and dso_after else "--gc-keep-exported")
            marker.mark(s.section, ("sym", s))
    _follow(work, marker, fde_refs, sym_ref, why)
    # SHF_LINK_ORDER sections live and die with the section they are linked to
    while _mark_linked(ctx.objs, marker):
        _follow(work, marker, fde_refs, sym_ref, why)
    _keep_unreached(ctx.objs, groups)
    for obj in ctx.objs:
        for isec in obj.sections:
            if isec is not None and not isec.gc_mark:
                isec.alive = False
    for s in symtab.values() if data_only else ():
        # (bfd's elf_gc_sweep_symbol hides a definition whose section went)
        if id(s) in data_only and s.section is not None and not s.section.alive:
            s.export = False
    if cfg.print_gc_sections:
        _print_removed(ctx)
    if cfg.start_stop_gc:
        _check_start_stop_gc(ctx)
    for s, x in bound_syms:
        # bfd's lang_undef_start_stop: no section X left, so no __start_X/__stop_X (only dead code
        # referred to them: they vanish)
        if not any(sec.alive for sec in startstop[x]):
            s.linker_defined = False
            s.visibility = STV_DEFAULT
    if why is not None:
        from .explain import print_why_live
        print_why_live(ctx, why, sym_ref, sym_root)


def _follow(work: list[Any], marker: _Marker, fde_refs: dict[Any, list[Any]], sym_ref: dict[int, Any],
            why: dict[int, Any] | None) -> None:
    """The marking loop: the sections the relocations of each marked section refer to (and of its
    FDEs: the LSDA and personality), until nothing new is marked."""
    if why is not None:
        _mark_why(work, marker, fde_refs, sym_ref)
        return
    while work:
        sec = work.pop()
        _mark_targets(sec.file, sec.relocs, marker)
        extra = fde_refs.get(sec)
        if extra:
            for o, rels in extra:
                _mark_targets(o, rels, marker)


def _mark_linked(objs: list[Any], marker: _Marker) -> bool:
    """Marks each unmarked SHF_LINK_ORDER section whose linked-to section is marked (bfd keeps such
    metadata, allocated or not, exactly when its function is kept); True if any was."""
    link_order: int = SHF_LINK_ORDER
    isec: InputSection | None
    any_marked = False
    for obj in objs:
        secs: list[Any] = obj.sections
        for isec in secs:
            if isec is None or isec.gc_mark or not isec.flags & link_order:
                continue
            to = linked_section(isec)
            if to is not None and to.gc_mark:
                marker.mark(isec)
                any_marked = True
    return any_marked


_DEBUG_PREFIX = (".debug", ".zdebug", ".gnu.debuglto_.debug_", ".gnu.linkonce.wi.", ".line", ".stab")


def _debug_or_special(sec: InputSection) -> bool:
    """bfd's debugging sections (known by name) and its "special" ones: not allocated and without
    relocations (.comment, a custom metadata section)."""
    if sec.flags & SHF_ALLOC:
        return False
    n = sec.name
    return n.startswith(_DEBUG_PREFIX) or n == ".gdb_index" or not sec.rel_size


def _keep_unreached(objs: list[Any], groups: dict[tuple[int, Any], list[Any]]) -> None:
    """What no relocation reaches but bfd keeps: a file's debugging and special sections outside
    groups and not SHF_LINK_ORDER, and its groups made only of such sections, when some allocated
    section of the file other than a note is kept.  The rest goes: a file whose code all went takes
    its debugging information along (else it would describe functions at address 0), and a
    non-allocated section with relocations that nothing refers to is dropped."""
    isec: InputSection | None
    alloc: int = SHF_ALLOC
    link_order: int = SHF_LINK_ORDER
    note: int = SHT_NOTE
    for obj in objs:
        secs: list[Any] = obj.sections
        kept = False
        for isec in secs:
            if isec is not None and isec.gc_mark and isec.flags & alloc and isec.type != note:
                kept = True
                break
        if not kept:
            continue
        for isec in secs:
            if isec is not None and not isec.gc_mark and isec.group is None \
                    and not (isec.flags & link_order and isec.link) and _debug_or_special(isec):
                isec.gc_mark = True
        for sig, _members in obj.comdat_groups:
            lst = groups.get((id(obj), sig))
            if lst and not any(m.gc_mark for m in lst) and all(_debug_or_special(m) for m in lst):
                for m in lst:
                    m.gc_mark = True


def _print_removed(ctx) -> None:
    """--print-gc-sections as bfd's sweep prints it, file by file in section order: each removed
    section with contents, named `NAME[GROUP]` when it belongs to a section group; the SHT_GROUP
    section itself (`.group`) when its first member goes; and the members of COMDAT groups dropped
    as duplicates (bfd sweeps those copies too)."""
    from . import diag
    from .elf import SHT_REL, SHT_RELA
    for obj in ctx.objs:
        secs = obj.sections
        gone = getattr(obj, "discarded_secs", None) or {}
        rows = {}
        for i, sec in enumerate(secs):
            if sec is not None and not sec.gc_mark and sec.size:
                rows[i] = f"{sec.name}[{sec.group}]" if sec.group else sec.name
        for (sig, members), (gi, gsize) in zip(obj.comdat_groups, getattr(obj, "group_headers", ())):
            if not members:
                continue
            dropped = members[0] in gone
            if dropped:
                for m in members:
                    d = gone.get(m)
                    if d is not None and d.size and d.type not in (SHT_REL, SHT_RELA):
                        rows[m] = f"{d.name}[{sig}]"
            first = secs[members[0]]
            if gsize and (dropped or (first is not None and not first.gc_mark)):
                rows[gi] = ".group"
        for i in sorted(rows):
            diag.info(f"removing unused section '{rows[i]}' in file '{obj.name}'")


def _mark_why(work, marker: _Marker, fde_refs, sym_ref) -> None:
    """The marking loop of gc_sections, recording for --why-live which section's relocation (and
    through which symbol) marked each section, and the first live section referring to each symbol."""
    while work:
        sec = work.pop()
        obj = sec.file
        syms = obj.syms
        first = obj.first_global
        for _off, info, _a in sec.relocs:
            idx = info >> 32
            s = syms[idx] if first <= idx < len(syms) else None
            if s is not None and id(s) not in sym_ref:
                sym_ref[id(s)] = sec
            tgt = _target_section(obj, idx)
            if tgt is not None and not tgt.gc_mark:
                marker.mark(tgt, ("sym", s) if s is not None and s.section is tgt else ("ref", sec))
            elif tgt is None and s is not None and s.section is None:
                marker.mark_bounded(s, ("ref", sec))
        extra = fde_refs.get(sec)
        if extra:
            for o, rels in extra:
                for _off, info, _a in rels:
                    marker.mark(_target_section(o, info >> 32), ("ref", sec))


def _check_start_stop_gc(ctx) -> None:
    """-z start-stop-gc: a kept reference to __start_X/__stop_X whose X sections were all collected.
    ld.bfd 2.40 crashes on some of these links (an assertion, then SIGSEGV) and on others keeps the
    first input section X (measured: when the referencing file has an X section of its own); refused
    rather than guessed at."""
    from .diag import LinkError
    had, live = set(), set()
    for obj in ctx.objs:
        for sec in obj.sections:
            if sec is not None and sec.flags & SHF_ALLOC:
                had.add(sec.name)
                if sec.alive:
                    live.add(sec.name)
    for name, s in ctx.symtab.items():
        if s.rank == NONE and s.used_in_reloc and name.startswith(("__start_", "__stop_")):
            n = name[8:] if name.startswith("__start_") else name[7:]
            if n in had and n not in live and is_c_identifier(n):
                raise LinkError(f"-z start-stop-gc: every section {n} was garbage-collected but {name} is "
                                f"referenced (not supported)")


def _mark_targets(obj: Any, rels: list[Any], marker: _Marker) -> None:
    """Mark each input section the relocations `rels` of `obj` refer to that is not marked yet
    (_target_section with the object's tables read once, for the mark loop's thousands of calls)."""
    first: int = obj.first_global
    esyms: list[tuple[int, ...]] = obj.esyms     # (items read natively: see symtab.build_symtab)
    syms: list[Symbol | None] = obj.syms
    secs: list[Any] = obj.sections
    nes = len(esyms)
    nsyms = len(syms)
    nsecs = len(secs)
    lores: int = SHN_LORESERVE
    idx: int
    sh: int
    rel: tuple[int, ...]
    for rel in rels:
        idx = rel[1] >> 32
        if idx < first:
            if idx >= nes:
                continue
            sh = esyms[idx][3]
            if sh == SHN_UNDEF or lores <= sh <= 0xffff:
                continue
            if sh >= nsecs:
                obj.local_section(idx)      # (raises its error)
            tgt = secs[sh]
        else:
            if idx >= nsyms:
                continue
            s = syms[idx]
            if s is None:
                continue
            s.used_in_reloc = True      # (bfd hides the imports and undefined symbols no kept section uses)
            tgt = s.section
            if tgt is None:
                marker.mark_bounded(s)
                continue
        if tgt is not None and type(tgt) is InputSection and not tgt.gc_mark:
            marker.mark(tgt)


def _target_section(obj: Any, idx: int) -> Any:
    if idx < obj.first_global:
        if idx >= len(obj.esyms):
            return None
        return obj.local_section(idx)
    s = obj.syms[idx] if idx < len(obj.syms) else None
    if s is None:
        return None
    s.used_in_reloc = True      # (bfd hides the imports and undefined symbols no kept section uses)
    sec = s.section
    return sec if type(sec) is InputSection else None
