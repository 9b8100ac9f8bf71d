"""--gc-sections: mark sections reachable from the roots through relocations; drop the rest.

Roots: the entry point, -u symbols, exported and DSO-referenced symbols, init/fini arrays, .init/.fini,
notes, SHF_GNU_RETAIN sections and C-identifier sections named by a referenced __start_/__stop_ symbol.
.eh_frame is not a root, but a live function keeps the LSDA/personality its FDE points at."""
from __future__ import annotations

from .elf import (SHF_ALLOC, SHF_GNU_RETAIN, SHT_NOTE, SHT_INIT_ARRAY, SHT_FINI_ARRAY, SHT_PREINIT_ARRAY,
                  SHT_PROGBITS)
from .inputs.object import InputSection
from .sections import is_c_identifier
from .symbols import NONE

_KEEP_PREFIX = (".init", ".fini", ".ctors", ".dtors", ".preinit_array", ".init_array", ".fini_array", ".jcr",
                ".note", ".gnu.linkonce.", ".interp")


def gc_sections(ctx) -> None:
    from .ehframe import split_eh_frame
    cfg = ctx.config
    work: list[InputSection] = []

    def mark(sec):
        if sec is not None and type(sec) is InputSection and not sec.gc_mark:
            sec.gc_mark = True
            work.append(sec)

    startstop = set()
    for name, s in () if cfg.start_stop_gc else ctx.symtab.items():   # -z start-stop-gc: plain references
        if s.rank == NONE and (name.startswith("__start_") or name.startswith("__stop_")):
            startstop.add(name[8:] if name.startswith("__start_") else name[7:])
    fde_refs: dict[int, list] = {}
    eh_types = (SHT_PROGBITS, ctx.target.unwind_section_type)
    for obj in ctx.objs:
        for sec in obj.sections:
            if sec is None:
                continue
            if sec.name == ".eh_frame" and sec.type in eh_types:
                sec.gc_mark = True
                for r in split_eh_frame(sec):
                    if r.is_cie or not r.relocs:
                        continue
                    first = r.relocs[0]
                    tgt = _target_section(obj, first[1] >> 32)
                    if tgt is not None:
                        fde_refs.setdefault(id(tgt), []).append((obj, r.relocs[1:] + r.cie.relocs))
                continue
            if not sec.flags & SHF_ALLOC:
                sec.gc_mark = True
                continue
            n = sec.name
            if (n.startswith(_KEEP_PREFIX) or sec.type in (SHT_NOTE, SHT_INIT_ARRAY, SHT_FINI_ARRAY,
                                                          SHT_PREINIT_ARRAY)
                    or sec.flags & SHF_GNU_RETAIN or (n in startstop and is_c_identifier(n))):
                mark(sec)
    names = [cfg.entry or ctx.script_entry or "_start", cfg.init, cfg.fini] + list(cfg.undefined)
    for n in names:
        s = ctx.symtab.get(n)
        if s is not None:
            mark(s.section)
    for s in ctx.symtab.values():
        if s.section is not None and (s.export or s.ref_dynamic or s.keep):
            mark(s.section)
    while work:
        sec = work.pop()
        obj = sec.file
        for _off, info, _a in sec.relocs:
            mark(_target_section(obj, info >> 32))
        extra = fde_refs.get(id(sec))
        if extra:
            for o, rels in extra:
                for _off, info, _a in rels:
                    mark(_target_section(o, info >> 32))
    printed = cfg.print_gc_sections
    for obj in ctx.objs:
        for sec in obj.sections:
            if sec is not None and not sec.gc_mark and sec.flags & SHF_ALLOC:
                sec.alive = False
                if printed:
                    import sys
                    sys.stderr.write(f"braze: removing unused section '{sec.name}' in file '{obj.name}'\n")
    if cfg.start_stop_gc:
        _check_start_stop_gc(ctx)


def _check_start_stop_gc(ctx) -> None:
    """-z start-stop-gc: a kept reference to __start_X/__stop_X whose X sections were all collected.
    ld.bfd 2.40 crashes on that (an assertion, then SIGSEGV); refused rather than guessed at."""
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
                                f"referenced (not supported; ld.bfd 2.40 crashes here)")


def _target_section(obj, idx):
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
