"""aarch64 range-extension veneers (bfd's "long branch stubs") for CALL26/JUMP26 beyond +-128 MiB.

bfd groups the code input sections of each output section (at most 127 MiB per group, formed from
the start, a group also serving the sections up to 127 MiB after it) and puts one stub section
after each group's last input section; a branch out of range goes to
the veneer of its group for (symbol, addend). A stub section starts with a branch over itself and a
nop, holds one veneer per destination (sized 24 bytes each, the long form) and is rounded up to
4 KiB so that adding stubs rarely moves code again. Layout repeats while stub sections grow
(Target.add_thunks); then the veneers take their final form: ADRP/ADD/BR x16 when the destination
is within +-4 GiB, else the PC-relative literal form. Each gets bfd's local symbol `__<sym>_veneer`
and mapping symbols.
"""
from __future__ import annotations

import struct

from ..diag import LinkError
from ..elf import SHF_ALLOC, SHF_EXECINSTR, SHT_PROGBITS, SHT_NOBITS, STT_FUNC
from ..inputs.object import InputSection
from ..address import sym_addr, plt_addr, has_plt
from ..symbols import NONE, SHARED

GROUP_SIZE = 127 << 20          # bfd's default stub group size (the branch range less 1 MiB)
_LONG_SIZE = 24                 # what bfd reserves per veneer while sizing
_ADRP_SIZE = 12                 # adrp x16, X; add x16, x16, :lo12:X; br x16 (placed 8-aligned)
_CALLS = (282, 283)             # R_AARCH64_JUMP26, R_AARCH64_CALL26
_ADRP_X16, _ADD_X16, _BR_X16 = 0x90000010, 0x91000210, 0xd61f0200
_LDR_X16_LIT, _ADR_X17, _ADD_X16_X17 = 0x58000090, 0x10000011, 0x8b110210
_NOP, _B = 0xd503201f, 0x14000000


class Veneer:
    __slots__ = ("sym", "addend", "name", "off", "long")

    def __init__(self, sym, addend, name):
        self.sym, self.addend, self.name = sym, addend, name
        self.off = 0
        self.long = False


class StubSection:
    """A linker-made input section of a code output section (bfd: `<last section of the group>.stub`)."""
    file = None
    rel_size = 0
    type = SHT_PROGBITS
    flags = SHF_ALLOC | SHF_EXECINSTR
    alive = True
    merge = None

    def __init__(self, ctx, out, last):
        self.ctx = ctx
        self.out = out
        self.name = last.name + ".stub"
        self.align = 8
        self.size = 0
        self.out_off = 0
        self.veneers: dict = {}
        self._data = None

    def resize(self) -> None:
        self.size = (8 + _LONG_SIZE * len(self.veneers) + 0xfff) & ~0xfff

    @property
    def addr(self) -> int:
        return self.out.addr + self.out_off

    def finish(self) -> None:
        """Final form and offset of each veneer (bfd: ADRP form when the destination's page is in reach)."""
        off = 8
        base = self.addr
        for v in self.veneers.values():
            v.off = off
            d = _dest(self.ctx, v.sym) + v.addend
            pd = ((d & ~0xfff) - ((base + off) & ~0xfff)) >> 12
            v.long = not -0x100000 <= pd < 0x100000
            off += _LONG_SIZE if v.long else (_ADRP_SIZE + 7) & ~7

    @property
    def data(self):
        if self._data is None:
            from .aarch64 import set_adr_imm, set_imm12
            buf = bytearray(self.size)
            struct.pack_into("<2I", buf, 0, _B | (self.size >> 2), _NOP)
            base = self.addr
            for v in self.veneers.values():
                p = base + v.off
                d = (_dest(self.ctx, v.sym) + v.addend) & 0xffffffffffffffff
                if v.long:
                    struct.pack_into("<4IQ", buf, v.off, _LDR_X16_LIT, _ADR_X17, _ADD_X16_X17, _BR_X16,
                                     (d - (p + 16) + 12) & 0xffffffffffffffff)
                else:
                    struct.pack_into("<3I", buf, v.off,
                                     set_adr_imm(_ADRP_X16, ((d & ~0xfff) - (p & ~0xfff)) >> 12),
                                     set_imm12(_ADD_X16, d & 0xfff), _BR_X16)
            self._data = bytes(buf)
        return self._data


def _dest(ctx, s) -> int:
    """Where a branch to s goes (its PLT entry when it has one), without the addend."""
    return plt_addr(ctx, s) if has_plt(s) else sym_addr(ctx, s)


def _groups(secs) -> list:
    """bfd's grouping, as its output shows it: a group is the longest run of sections spanning less
    than GROUP_SIZE; its stub section follows its last section, and the sections after that whose end
    is less than GROUP_SIZE past the stub section use it too. Returns each section's group's last
    section index."""
    link = [0] * len(secs)
    n = len(secs)
    i = 0
    while i < n:
        start = secs[i].out_off
        j = i
        while j + 1 < n and secs[j + 1].out_off + secs[j + 1].size - start < GROUP_SIZE:
            j += 1
        end = secs[j].out_off + secs[j].size
        for k in range(i, j + 1):
            link[k] = j
        k = j + 1
        while k < n and secs[k].out_off + secs[k].size - end < GROUP_SIZE:
            link[k] = j
            k += 1
        i = k
    return link


class Veneers:
    """The link's stub sections: {id(input section): (output section, its group's last section)}."""

    def __init__(self, ctx):
        self.group = {}
        self.stubs = {}         # id(group's last section) -> StubSection, in creation order
        self.code = []          # (output section, [code input sections with relocations])
        for c in ctx.chunks:
            members = getattr(c, "members", None)
            if not members or not c.flags & SHF_EXECINSTR or c.type == SHT_NOBITS:
                continue
            secs = [m for m in members if type(m) is InputSection and m.flags & SHF_EXECINSTR]
            for m, k in zip(secs, _groups(secs)):
                self.group[id(m)] = (c, secs[k])
            self.code.append((c, [m for m in secs if m.rel_size and m.file is not None]))

    def scan(self, ctx) -> bool:
        """Add a veneer for every CALL26/JUMP26 out of range at the current addresses."""
        from .aarch64 import _stub_name
        from ..address import local_sym
        new = set()
        for c, secs in self.code:
            for m in secs:
                obj = m.file
                syms = obj.syms
                base = c.addr + m.out_off
                for off, info, A in m.relocs:
                    if info & 0xffffffff not in _CALLS:
                        continue
                    idx = info >> 32
                    s = syms[idx]
                    if s is None:
                        s = local_sym(obj, idx)
                    if not has_plt(s) and (s.rank == NONE and not s.linker_defined or s.rank == SHARED):
                        continue        # (a call to an undefined weak symbol becomes a nop)
                    v = _dest(ctx, s) + A - (base + off)
                    if -0x8000000 <= v < 0x8000000:
                        continue
                    out, last = self.group[id(m)]
                    st = self.stubs.get(id(last))
                    if st is None:
                        st = self.stubs[id(last)] = StubSection(ctx, out, last)
                        out.members.insert(out.members.index(last) + 1, st)
                    if (s, A) not in st.veneers:
                        st.veneers[(s, A)] = Veneer(s, A, _stub_name(ctx, s))
                        new.add(st)
        for st in new:
            st.resize()
        for out in {id(st.out): st.out for st in new}.values():
            out.update_size(ctx)
        return bool(new)

    def lookup(self, sec, s, A):
        g = self.group.get(id(sec))
        if g is None:
            return None
        st = self.stubs.get(id(g[1]))
        v = st.veneers.get((s, A)) if st is not None else None
        return None if v is None else st.addr + v.off

    def symbols(self):
        """bfd's local symbols for the stubs: per stub section `$x` at its start, then per veneer its
        name (FUNC, the template's size), `$x`, and `$d` at the literal of the long form.
        Yields (name, type, output section, value, size)."""
        for st in self.stubs.values():
            base = st.addr
            yield "$x", 0, st.out, base, 0
            for v in st.veneers.values():
                a = base + v.off
                yield v.name, STT_FUNC, st.out, a, _LONG_SIZE if v.long else _ADRP_SIZE
                yield "$x", 0, st.out, a, 0
                if v.long:
                    yield "$d", 0, st.out, a + 16, 0


def may_need(ctx) -> bool:
    """Cheap test before scanning every branch: only a link whose allocated sections span more than
    the branch range, or with a branch to an absolute symbol, can need a veneer."""
    if getattr(ctx, "a64_abs_branch", False):
        return True
    alloc = [c for c in ctx.chunks if c.flags & SHF_ALLOC and c.size]
    if not alloc:
        return False
    return max(c.addr + c.size for c in alloc) - min(c.addr for c in alloc) >= GROUP_SIZE


def add_thunks(ctx) -> bool:
    v = getattr(ctx, "a64_veneers", None)
    if v is None:
        if not may_need(ctx):
            return False
        v = ctx.a64_veneers = Veneers(ctx)
    if len(v.stubs) > 100000:
        raise LinkError("aarch64 veneers: too many stub sections")
    return v.scan(ctx)


def finish_thunks(ctx) -> None:
    v = ctx.a64_veneers
    for st in v.stubs.values():
        st.finish()
    from ..symtab import add_linker_locals
    add_linker_locals(ctx, list(v.symbols()))
