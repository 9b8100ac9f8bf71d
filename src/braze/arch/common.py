"""Scan and apply helpers every Target shares: what they decide is the same under each psABI (which
symbols need GOT/PLT/copy entries, bfd's text-relocation diagnostics, what discarded debug references read)."""
from __future__ import annotations

from .. import diag
from ..elf import STV_DEFAULT, STT_FUNC, STT_GNU_IFUNC, SHF_WRITE
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
    if not sec.flags & SHF_WRITE:
        if not ctx.textrel:
            ctx.textrel = True
            name = diag.demangle(s.name) if s.name else sec.name
            if ctx.config.z_text:
                diag.error(f"{obj.name}:({sec.name}): relocation against `{name}' in read-only section; "
                           f"-z text forbids text relocations")
            elif ctx.config.textrel_warn or ctx.config.textrel_warn is None and ctx.target.textrel_warn:
                diag.warn(f"{obj.name}: warning: relocation against `{name}' in read-only section `{sec.name}'",
                          located=True)      # (bfd's form: the file first)
                ctx.textrel_note = True     # ("creating DT_TEXTREL": textrel_notes, after the scan)


def textrel_notes(ctx) -> None:
    """After the scan and allocation, as bfd: its warning for a text-relocated output in which an IFUNC
    defined here has dynamic relocations of its own (a data pointer's; not its GOT/PLT ones), even
    under -z notext, then "creating DT_TEXTREL"."""
    if not ctx.textrel or ctx.config.z_text:
        return
    if ctx.ifunc_dynrel:
        diag.warn("GNU indirect functions with DT_TEXTREL may result in a segfault at runtime; recompile with "
                  + ("-fPIC" if ctx.config.shared else "-fPIE"))
    if ctx.textrel_note:
        diag.warn("creating DT_TEXTREL in a " + ("shared object" if ctx.config.shared else
                                                 "PIE" if ctx.config.pic else "PDE"))


def _discarded_value(sec) -> int:
    """What a debug reference to discarded code reads, as bfd writes it (_bfd_clear_contents): 0, but 1
    in .debug_ranges, where a (0, 0) pair would end the list early.  Not in .debug_loc: bfd 2.40
    writes 0 there (a gc'd function's location list then reads as ended)."""
    return 1 if sec.name == ".debug_ranges" else 0
