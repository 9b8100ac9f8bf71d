"""Scan and apply helpers every Target shares: what they decide is the same under each psABI (which
symbols need GOT/PLT/copy entries, which text relocations bfd reports, what discarded debug references read)."""
from __future__ import annotations

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
    against a local symbol and the first against a global are kept for passes.textrel_notes' warning."""
    if not sec.flags & SHF_WRITE:
        ctx.textrel = True
        if s.bind == STB_LOCAL:
            if ctx.textrel_local is None:
                ctx.textrel_local = (obj, sec)
        elif ctx.textrel_global is None:
            ctx.textrel_global = (obj, sec, s)


def _discarded_value(sec) -> int:
    """What a debug reference to discarded code reads, as bfd writes it (_bfd_clear_contents): 0, but 1
    in .debug_ranges, where a (0, 0) pair would end the list early.  Not in .debug_loc: bfd 2.40
    writes 0 there (a gc'd function's location list then reads as ended)."""
    return 1 if sec.name == ".debug_ranges" else 0
