"""Scan and apply helpers every Target shares: what they decide is the same under each psABI (which
symbols need GOT/PLT/copy entries, bfd's text-relocation diagnostics, what discarded debug references read)."""
from __future__ import annotations

from .. import diag
from ..elf import STV_DEFAULT, STT_FUNC, STT_GNU_IFUNC, SHF_WRITE, STB_LOCAL
from ..symbols import Symbol
from ..symbols import NEEDS_PLT, NEEDS_CPLT, NEEDS_COPY, NEEDS_DYNSYM


def _need(ctx, s: Symbol, bit: int) -> None:
    if not s.needs:
        ctx.needs_syms.append(s)
    s.needs |= bit


_VIS_WORD = {STV_DEFAULT: "", 1: "internal ", 2: "hidden ", 3: "protected "}


def _copy_or_cplt(ctx, s: Symbol) -> None:
    """An executable's non-PIC reference to a library symbol: a canonical PLT entry for a function,
    a copy relocation for data."""
    if s.type in (STT_FUNC, STT_GNU_IFUNC):
        _need(ctx, s, NEEDS_PLT | NEEDS_CPLT | NEEDS_DYNSYM)
    else:
        _need(ctx, s, NEEDS_COPY | NEEDS_DYNSYM)


def _textrel(ctx, sec, obj, s):
    """A dynamic relocation in section `sec`: a text relocation when it is read-only.  The first one
    against a local symbol and the first against a global are kept for textrel_notes' warning."""
    if not sec.flags & SHF_WRITE:
        ctx.textrel = True
        if s.bind == STB_LOCAL:
            if ctx.textrel_local is None:
                ctx.textrel_local = (obj, sec)
        elif ctx.textrel_global is None:
            ctx.textrel_global = (obj, sec, s)


def textrel_notes(ctx) -> None:
    """After the scan and allocation, as bfd's size_dynamic_sections: when text relocations warn (or
    -z text refuses them), a warning for the first against a local symbol ("relocation in read-only
    section", on targets whose bfd reports those; then none for a global), else for the first against
    a global; then its
    warning for an output in which an IFUNC defined here has dynamic relocations of its own (a data
    pointer's; not its GOT/PLT ones), even under -z notext; then -z text's error, or "creating
    DT_TEXTREL"."""
    if not ctx.textrel:
        return
    cfg = ctx.config
    warn = cfg.textrel_warn or cfg.textrel_warn is None and ctx.target.textrel_warn
    if cfg.z_text or warn:
        loc, glob = ctx.textrel_local, ctx.textrel_global
        if loc is not None:         # (then bfd looks no further: no global's warning)
            if ctx.target.textrel_warns_locals:
                diag.warn(f"{loc[0].name}: warning: relocation in read-only section `{loc[1].name}'",
                          located=True)
        elif glob is not None:
            obj, sec, s = glob
            diag.warn(f"{obj.name}: warning: relocation against `{diag.demangle(s.name)}' in read-only section "
                      f"`{sec.name}'", located=True)        # (bfd's form: the file first)
    if ctx.ifunc_dynrel:
        diag.warn("GNU indirect functions with DT_TEXTREL may result in a segfault at runtime; recompile with "
                  + ("-fPIC" if cfg.shared else "-fPIE"))
    if cfg.z_text:
        diag.error("read-only segment has dynamic relocations")
        diag.check_errors()
    if warn:
        diag.warn("creating DT_TEXTREL in a " + ("shared object" if cfg.shared else
                                                 "PIE" if cfg.pic else "PDE"))


def _discarded_value(sec) -> int:
    """What a debug reference to discarded code reads, as bfd writes it (_bfd_clear_contents): 0, but 1
    in .debug_ranges, where a (0, 0) pair would end the list early.  Not in .debug_loc: bfd 2.40
    writes 0 there (a gc'd function's location list then reads as ended)."""
    return 1 if sec.name == ".debug_ranges" else 0
