"""What every target's relocation loops share: Elf64_Rela entries read straight from their bytes, and
each object's relocation value table (RelocValues), which tells the apply loops, per symbol index, the
address a relocation uses (S) without a per-relocation decision where none is needed.

The targets' apply_relocs take a short path through it for their common relocation types and send the
rest (IFUNC, canonical PLT entries, GOT, TLS, values out of range) to their general path.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # `typing` costs ~10 ms of start-up; annotations are never evaluated
    from typing import Any, Final
    from mypy_extensions import i64     # (mypyc: native 64-bit arithmetic where annotated)

from .elf import SHF_ALLOC, STB_LOCAL, STT_SECTION, STT_GNU_IFUNC
from .inputs.object import InputSection
from .address import local_sym, sym_addr, plt_addr, has_plt
from .sections import merged_offset
from .symbols import Symbol

# ---------------------------------------------------------------- Elf64_Rela straight from the bytes
# The scan and apply loops read a section's relocations from its raw Elf64_Rela bytes, field by field
# (native byte indexing when compiled): parsing them into a list of tuples first cost ~260 ns each.

def u32(b: bytes, p: int) -> int:
    x: i64 = b[p + 3]       # (an i64: native shifts when compiled)
    x = x << 8 | b[p + 2]
    x = x << 8 | b[p + 1]
    x = x << 8 | b[p]
    return int(x)


def u64(b: bytes, p: int) -> int:
    hi = u32(b, p + 4)
    return u32(b, p) if hi == 0 else u32(b, p) | hi << 32


def s64(b: bytes, p: int) -> int:
    hi = u32(b, p + 4)
    if hi == 0:
        return u32(b, p)
    if hi == 0xffffffff:
        return u32(b, p) - 0x100000000
    return int.from_bytes(b[p:p + 8], "little", signed=True)


def rela_bytes(sec: InputSection) -> bytes:
    """The raw Elf64_Rela entries of input section `sec` (a multiple of 24 bytes).  (`sec` typed: its
    fields are then native reads, where each was a generic attribute lookup.)"""
    o: int = sec.rel_off
    return bytes(sec.file.view[o:o + sec.rel_size])


class RawRelas:
    """Raw Elf64_Rela bytes seen as a sequence of (r_offset, r_info, r_addend): what the rare paths
    (TLS relaxations, errors, the targets' general paths) index, one entry at a time."""

    def __init__(self, b: bytes) -> None:
        self.b = b

    def __len__(self) -> int:
        return len(self.b) // 24

    def __getitem__(self, i: int) -> tuple[int, int, int]:
        if i < 0 or i >= len(self.b) // 24:
            raise IndexError(i)
        p = i * 24
        return u64(self.b, p), u64(self.b, p + 8), s64(self.b, p + 16)


def rela_source(sec: InputSection, rels: list[tuple[int, int, int]] | None
                 ) -> tuple[list[tuple[int, int, int]] | None, bytes, int]:
    """What scan and apply read: `rels`; else the section's own list when it is set (reverse_ctors
    moved its offsets); else its Elf64_Rela bytes (no tuple per relocation). (list or None, bytes, count)"""
    if rels is None:
        rels = sec._relocs
    if rels is None:
        raw = rela_bytes(sec)
        return None, raw, len(raw) // 24
    return rels, b"", len(rels)


def many_relocations(jobs: list[tuple[Any, int, int]]) -> bool:
    """Whether writer.py's jobs hold enough relocations for a target's BytesWriter loop (arch/*_fast.py)
    to pay for librt's import (~0.7 ms; a hello-world link has 400-600 relocations)."""
    nrel: int = 0
    for m, _o, _a in jobs:
        nrel += m.rel_size
    return nrel >= _FAST_MIN_RELA_BYTES


_FAST_MIN_RELA_BYTES: Final = 24 * 5000


# RelocValues.kind: what the common relocation types do with each symbol index of an object (low 3 bits)
K_NEW: Final = 0       # not looked at yet
K_VAL: Final = 1       # sv holds S (an address that needs no per-relocation decision)
K_GEN: Final = 2       # everything goes to _apply_general (IFUNC, canonical PLT, ...)
K_DISC: Final = 3      # the symbol's section was discarded (COMDAT loser, --gc-sections)
K_MERGE: Final = 4     # a merged section's section symbol: the piece at value + A (sv: the MergedSection's
                        # address, pv: the value; mstarts/mouts: the pieces)
K_PLT: Final = 8       # bit: pv holds what a call uses (the PLT entry, else S)


_NO_INTS: Final[list[int]] = []


class RelocValues:
    """One object's relocation value table (obj.svals), filled per symbol index on first use: native
    fields, so the apply loop reads a byte and an int per relocation instead of boxed values and dicts."""

    def __init__(self, obj: Any, shared: dict[Symbol, tuple[int, int, int]]) -> None:
        n = len(obj.syms)
        self.syms: list[Symbol | None] = obj.syms     # (read natively per symbol, not off the object)
        self.esyms: list[tuple[int, int, int, int, int, int]] = obj.esyms
        self.sections: list[Any] = obj.sections
        # per section index: its output address when it is a plain placed input section, -1 when not,
        # -2 not looked at yet (so a section's attributes are read once, not once per symbol)
        self.secbase: list[int] = [-2] * len(obj.sections)
        self.kind: list[int] = [0] * n      # (a list: bytearray indexing is generic in mypyc)
        self.sv: list[int] = [0] * n
        self.pv: list[int] = [0] * n
        # merged-section symbols: sv = the MergedSection's address, pv = the symbol's value, and the
        # pieces' input starts and output offsets
        self.mstarts: list[list[int]] = [_NO_INTS] * n
        self.mouts: list[list[int]] = [_NO_INTS] * n
        # the link's global symbols, (kind, sv, pv) computed once for all objects referring to them
        self.shared = shared


def fill_values(ctx, obj, idx: int, rv: RelocValues) -> int:
    """Decide what the targets' common relocation types (calls, PC-relative and absolute words) use as
    S for symbol `idx` of `obj` (rv.kind[idx]): merged-section symbols, IFUNC, canonical PLT and
    discarded sections depend on the addend or on the section being relocated.  Returns the kind."""
    s: Symbol | None = rv.syms[idx]
    v: int
    if s is None:
        if idx < len(rv.esyms):
            _n, info, _o, sh, value, _z = rv.esyms[idx]
            if 0 < sh < 0xff00 and info & 0xf != STT_GNU_IFUNC and sh < len(rv.secbase):
                v = _sec_base(rv, sh)   # the common local: an address in a plain input section
                if v >= 0:
                    v += value
                    rv.sv[idx] = rv.pv[idx] = v
                    rv.kind[idx] = K_VAL | K_PLT
                    return K_VAL | K_PLT
                sec = rv.sections[sh]
                if sec is not None and type(sec) is InputSection and sec.merge is not None:
                    # a local in a merged section (string literals): no Symbol needed either
                    m = sec.merge
                    if info & 0xf == STT_SECTION:       # the piece at value + A
                        rv.mstarts[idx] = m[1] if type(m[1]) is list else list(m[1])
                        rv.mouts[idx] = m[2]
                        rv.sv[idx] = m[0].addr
                        rv.pv[idx] = value
                        rv.kind[idx] = K_MERGE
                        return K_MERGE
                    v = m[0].addr + merged_offset(m, value)     # (sym_addr's)
                    rv.sv[idx] = rv.pv[idx] = v
                    rv.kind[idx] = K_VAL | K_PLT
                    return K_VAL | K_PLT
        s = local_sym(obj, idx)
    elif s.bind == STB_LOCAL:
        # a local the scan made a Symbol for: the same table, once its section is the entry's
        sec = s.section
        if sec is not None and s.type != STT_GNU_IFUNC and not s.canonical_plt and idx < len(rv.esyms):
            sh = rv.esyms[idx][3]
            if 0 < sh < 0xff00 and sh < len(rv.secbase) and rv.sections[sh] is sec:
                v = _sec_base(rv, sh)
                if v >= 0:
                    v += s.value
                    rv.sv[idx] = v
                    rv.pv[idx] = plt_addr(ctx, s) if has_plt(s) else v
                    rv.kind[idx] = K_VAL | K_PLT
                    return K_VAL | K_PLT
    else:
        got = rv.shared.get(s)
        if got is not None:
            k, rv.sv[idx], rv.pv[idx] = got
            rv.kind[idx] = k
            return k
        k = _fill_symbol(ctx, obj, idx, rv, s)
        if k & 7 != K_MERGE:       # (only section symbols have per-object merged data)
            rv.shared[s] = (k, rv.sv[idx], rv.pv[idx])
        return k
    return _fill_symbol(ctx, obj, idx, rv, s)


def _sec_base(rv: RelocValues, sh: int) -> int:
    """The output address of the object's section `sh` when it is a plain placed input section (what
    sym_addr adds a value to), else -1."""
    b = rv.secbase[sh]
    if b == -2:
        b = -1
        sec = rv.sections[sh]
        if sec is not None and type(sec) is InputSection and sec.merge is None and sec.out is not None:
            b = sec.out.addr + sec.out_off
        rv.secbase[sh] = b
    return b


def _fill_symbol(ctx, obj, idx: int, rv: RelocValues, s: Symbol) -> int:
    """fill_values for a Symbol (a global one depends on the symbol alone, not on `obj`)."""
    sec = s.section
    k: int
    if s.type == STT_GNU_IFUNC or s.canonical_plt or (
            sec is not None and type(sec) is InputSection and (
                (s.type == STT_SECTION and sec.merge is not None) or (sec.merge is None and sec.out is None))):
        k = K_GEN
        if s.type != STT_GNU_IFUNC and not s.canonical_plt:
            # absolute references (debug info above all) to merged strings or discarded code
            if has_plt(s):
                pass        # (a section symbol has none)
            elif sec.merge is not None:
                m = sec.merge
                rv.mstarts[idx] = m[1] if type(m[1]) is list else list(m[1])   # (fixed-size pieces: a range)
                rv.mouts[idx] = m[2]
                rv.sv[idx] = m[0].addr
                rv.pv[idx] = s.value
                rv.kind[idx] = K_MERGE
                return K_MERGE
            else:
                k = K_DISC
        if has_plt(s):      # calls: the PLT entry (iplt for IFUNC)
            rv.pv[idx] = plt_addr(ctx, s)
            k |= K_PLT
    else:
        v = sym_addr(ctx, s)
        rv.sv[idx] = v
        rv.pv[idx] = plt_addr(ctx, s) if has_plt(s) else v
        k = K_VAL | K_PLT
    rv.kind[idx] = k
    return k


def reloc_values(ctx, obj) -> RelocValues:
    rv = obj.svals
    if rv is None:
        shared = getattr(ctx, "reloc_symvals", None)
        if shared is None:
            shared = ctx.reloc_symvals = {}
        rv = obj.svals = RelocValues(obj, shared)
    return rv


def merged_addr(maddr: int, starts: list[int], outs: list[int], x: int) -> int:
    """The output address of input offset x of a merged section (merged_offset's bisection, native)."""
    lo: i64 = 0
    hi: i64 = len(starts)
    mid: i64
    while lo < hi:
        mid = (lo + hi) >> 1
        if x < starts[mid]:
            hi = mid
        else:
            lo = mid + 1
    if lo == 0:
        return maddr + x
    return maddr + outs[lo - 1] + (x - starts[lo - 1])



def scan_objects(ctx: Any, objs: list[Any], scan_section: Any) -> None:
    """passes.scan_relocations' walk: every kept allocated input section with relocations, except
    .eh_frame (scanned by its records), goes to the target's scan_section.  (Compiled: synth-16x
    has ~40 000 input sections, and the interpreted loop read five of their fields each.)"""
    isec: InputSection | None
    alloc: int = SHF_ALLOC      # (a native local: the elf module's names are boxed globals)
    for obj in objs:
        for isec in obj.sections:
            if isec is None or not isec.alive or not isec.rel_size or not isec.flags & alloc \
                    or isec.is_eh_frame:
                continue
            scan_section(ctx, isec)


def reloc_jobs(chunks: list[Any], out_cls: Any, nobits: int) -> list[tuple[Any, int, int]]:
    """writer.py's jobs: (input section, file offset, address) for every input section with
    relocations to apply, in the output sections (of class out_cls) that have file contents."""
    jobs: list[tuple[Any, int, int]] = []
    isec: InputSection
    for c in chunks:
        if not isinstance(c, out_cls) or c.type == nobits:
            continue
        off: int = c.offset
        addr: int = c.addr
        for m in c.members:
            if type(m) is InputSection:
                isec = m
                if isec.rel_size and isec.file is not None:
                    o = isec.out_off
                    jobs.append((isec, off + o, addr + o))
            elif getattr(m, "rel_size", 0) and m.file is not None:
                jobs.append((m, off + m.out_off, addr + m.out_off))
    return jobs

