"""Generic address and symbol helpers shared by every architecture and the synthetic sections.

Where a symbol lives after layout (sym_addr, plt_addr, target_addr), whether references must go
through the dynamic loader (is_preemptible), and the Symbol for a local symbol table entry.
Nothing here depends on the target architecture.
"""
from __future__ import annotations

from .diag import LinkError
from .elf import STB_LOCAL, STT_SECTION, STT_OBJECT, STT_GNU_IFUNC, STV_DEFAULT, SHN_ABS, SHN_UNDEF
from .inputs.object import InputSection
from .sections import merged_offset
from .symbols import Symbol, NONE, COMMON, SHARED, STRONG


def local_sym(obj, idx: int) -> Symbol:
    """A Symbol for a local symbol table entry (created on first use, cached in obj.syms)."""
    if idx >= len(obj.esyms):
        raise LinkError(f"{obj.name}: relocation refers to symbol index {idx}, but the symbol table has "
                        f"{len(obj.esyms)} entries")
    e = obj.esyms[idx]
    s = Symbol(obj.sym_names[idx])
    s.file = obj
    s.bind = STB_LOCAL
    s.type = e[1] & 0xf
    s.value = e[4]
    s.size = e[5]
    s.visibility = e[2] & 3
    s.rank = STRONG
    sh = obj.sym_shndx(idx)
    if sh == SHN_ABS:
        s.is_abs = True
    elif sh == SHN_UNDEF:
        s.rank = NONE
    elif not 0xff00 <= sh <= 0xffff:        # a section (extended indices are above the reserved range)
        s.section = obj.sections[sh] if sh < len(obj.sections) else None
    obj.syms[idx] = s
    return s


def sym_addr(ctx, s: Symbol) -> int:
    sec = s.section
    if sec is not None:
        if type(sec) is InputSection:
            m = sec.merge
            if m is not None:
                base: int = m[0].addr
                return base + merged_offset(m, s.value)
            out = sec.out
            if out is None:
                return 0
            addr: int = out.addr        # (an int first: the sums are then native, not generic)
            return addr + sec.out_off + s.value
        saddr: int = sec.addr
        return saddr + s.value
    if s.canonical_plt:
        return plt_addr(ctx, s)
    if s.rank == SHARED:
        return 0
    return s.value


def target_addr(ctx, s: Symbol, a: int) -> int:
    """S + A, where a section symbol of a merged section locates its piece by value + addend."""
    sec = s.section
    if sec is not None and s.type == STT_SECTION and type(sec) is InputSection and sec.merge is not None:
        m = sec.merge
        return m[0].addr + merged_offset(m, s.value + a)
    return sym_addr(ctx, s) + a


def plt_addr(ctx, s: Symbol) -> int:
    """Where calls to `s` go: its PLT entry (in .plt.sec with the IBT PLT), .plt.got stub or IFUNC stub."""
    syn = ctx.syn
    if s.iplt_idx >= 0:
        return syn.plt.icall_addr(s.iplt_idx)
    if s.pltgot_idx >= 0:
        return syn.pltgot.entry_addr(s.pltgot_idx)
    if s.plt_idx >= 0:
        return syn.plt.call_addr(s.plt_idx)
    return sym_addr_noplt(ctx, s)


def undef_value(ctx, s: Symbol) -> int:
    """An imported symbol's st_value: its canonical PLT entry, which the loader then gives every
    module as the function's address (aarch64 bfd: only when a regular object's reference is not
    weak; see Target.cplt_value_needs_strong_ref), else 0."""
    if not s.canonical_plt or (not s.ref_strong and ctx.target.cplt_value_needs_strong_ref):
        return 0
    return sym_addr(ctx, s)


def pde_ifunc_plt(ctx, s: Symbol) -> bool:
    """Is `s` written to the symbol tables as a FUNC at its PLT entry? (bfd, x86-64: a non-PIE's
    exported IFUNC that has one; see Target.pde_ifunc_export_plt)"""
    return (s.iplt_idx >= 0 and s.dynsym_idx >= 0 and s.type == STT_GNU_IFUNC and s.rank >= COMMON
            and not ctx.config.pic and bool(ctx.target.pde_ifunc_export_plt))


def sym_addr_noplt(ctx, s: Symbol) -> int:
    c = s.canonical_plt
    s.canonical_plt = False
    try:
        return sym_addr(ctx, s)
    finally:
        s.canonical_plt = c


def is_preemptible(ctx, s: Symbol) -> bool:
    """Must references to `s` go through the dynamic loader?"""
    if s.bind == STB_LOCAL:
        return False
    r = s.rank
    if r == SHARED:
        return True
    if r == NONE and not s.linker_defined:
        if not ctx.dynamic or ctx.static_pie or s.visibility != STV_DEFAULT:
            return False    # bfd: an undefined (weak) symbol with non-default visibility is 0 in this module
        cfg = ctx.config
        if cfg.no_dynamic_linker and not cfg.shared and not s.ref_strong:
            return False    # an executable without interpreter (bfd: no PLT/GOT/.dynsym for it): weak is 0
        return not (ctx.weak_zero and id(s) in ctx.weak_zero)   # an executable's weak undefined bfd sets to 0
    if not ctx.config.shared:
        return False
    if s.visibility != STV_DEFAULT or s.hidden_local or s.linker_defined and not s.export:
        return False        # (a library's PROVIDEd _end is exported, preemptible: passes.resolve_symbols)
    if s.type == STT_GNU_IFUNC and ctx.target.ifunc_ignores_symbolic:
        return bool(s.export)
    if s.bind == 10:
        # STB_GNU_UNIQUE (C++ template statics, inline functions' statics): the loader makes one
        # object of all modules' definitions, so -Bsymbolic and dynamic lists never bind it here (bfd)
        return bool(s.export)
    if _symbolic_bind(ctx, s):
        return False
    return s.export


def _symbolic_bind(ctx, s: Symbol) -> bool:
    """bfd's SYMBOLIC_BIND for a library's default-visibility definition: -Bsymbolic, or a dynamic
    list (or -Bsymbolic-functions) that does not name it, binds references to it here."""
    cfg = ctx.config
    if cfg.bsymbolic:
        return True
    return bool(cfg.dynamic_bind) and id(s) not in ctx.dynamic_listed and \
        not (cfg.dynamic_data and s.type in (STT_OBJECT, 5))     # 5: STT_COMMON


def ifunc_got_binds_here(ctx, s: Symbol) -> bool:
    """A library's own IFUNC that is_preemptible keeps preemptible under -Bsymbolic(-functions) or a
    dynamic list (Target.ifunc_ignores_symbolic): does its GOT slot still bind here when the IFUNC has
    no PLT entry? (x86-64 bfd: such a slot gets an IRELATIVE relocation, not a GLOB_DAT)"""
    return bool(ctx.config.shared) and s.type == STT_GNU_IFUNC and s.rank >= COMMON and s.bind != 10 \
        and s.visibility == STV_DEFAULT and not s.hidden_local and not s.linker_defined \
        and bool(s.export) and _symbolic_bind(ctx, s)


def may_be_preemptible(s: Symbol, shared: bool) -> bool:
    """False when is_preemptible(s) is False whatever the link's settings: an executable's own
    definitions.  Scan loops test this first, as is_preemptible reads those settings off
    interpreted objects on every call."""
    return shared or s.rank <= SHARED


def has_plt(s: Symbol) -> bool:
    return s.plt_idx >= 0 or s.pltgot_idx >= 0 or s.iplt_idx >= 0


def target_sym(obj, idx: int) -> Symbol:
    """The Symbol a relocation names (a local one is made on first use)."""
    s = obj.syms[idx]
    if s is None:
        s = local_sym(obj, idx)
    return s
