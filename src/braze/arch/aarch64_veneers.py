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

import _struct as struct

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


class Erratum:
    """An erratum 843419 veneer: the load/store at `insn_off` of `sec` moved here, then a branch back
    (bfd writes it even when the ADRP at `adrp_off` could become an ADR, and then gives it no symbol)."""
    __slots__ = ("sec", "adrp_off", "insn_off", "name", "off", "use")

    def __init__(self, sec, adrp_off, insn_off, name):
        self.sec, self.adrp_off, self.insn_off, self.name = sec, adrp_off, insn_off, name
        self.off = 0
        self.use = False        # True: the veneer is used (the ADRP's page is beyond ADR's reach)


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
        n = sum(8 if type(v) is Erratum else _LONG_SIZE for v in self.veneers.values())
        self.size = (8 + n + 0xfff) & ~0xfff

    @property
    def addr(self) -> int:
        return self.out.addr + self.out_off

    def finish(self) -> None:
        """Final form and offset of each veneer (bfd: ADRP form when the destination's page is in reach)."""
        off = 8
        base = self.addr
        for v in self.veneers.values():
            v.off = off
            if type(v) is Erratum:
                off += 8
                continue
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
                if type(v) is Erratum:
                    continue            # (written with the relocated input section: fix_errata)
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


def group_params(cfg) -> tuple[int, bool]:
    """--stub-group-size=N as bfd reads it: (group size, whether stubs only serve the sections before
    them, as a negative N asks); 1 or -1 is the default size."""
    n = 1 if cfg.stub_group_size is None else cfg.stub_group_size
    size = -n if n < 0 else n
    return (GROUP_SIZE if size == 1 else size), n < 0


def _groups(secs, size: int = GROUP_SIZE, after_only: bool = False) -> list:
    """bfd's grouping, as its output shows it: a group is the longest run of sections spanning less
    than `size`; its stub section follows its last section, and (unless after_only) the sections after
    that whose end is less than `size` past the stub section use it too. Returns each section's
    group's last section index."""
    link = [0] * len(secs)
    n = len(secs)
    i = 0
    while i < n:
        start = secs[i].out_off
        j = i
        while j + 1 < n and secs[j + 1].out_off + secs[j + 1].size - start < size:
            j += 1
        end = secs[j].out_off + secs[j].size
        for k in range(i, j + 1):
            link[k] = j
        k = j + 1
        while not after_only and k < n and secs[k].out_off + secs[k].size - end < size:
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
        size, after_only = group_params(ctx.config)
        for c in ctx.chunks:
            members = getattr(c, "members", None)
            if not members or not c.flags & SHF_EXECINSTR or c.type == SHT_NOBITS:
                continue
            secs = [m for m in members if type(m) is InputSection and m.flags & SHF_EXECINSTR]
            for m, k in zip(secs, _groups(secs, size, after_only)):
                self.group[id(m)] = (c, secs[k])
            self.code.append((c, [m for m in secs if m.rel_size and m.file is not None]))
        self.errata = {}        # id(input section) -> [Erratum]
        self.branches_scanned = False
        self.may_need_branches = False

    def _stub(self, ctx, m, own=False):
        """The stub section of m's group; own: the one right after m itself (bfd puts erratum
        veneers there)."""
        out, last = self.group[id(m)]
        if own:
            last = m
        st = self.stubs.get(id(last))
        if st is None:
            st = self.stubs[id(last)] = StubSection(ctx, out, last)
            out.members.insert(out.members.index(last) + 1, st)
        return st

    def scan_errata(self, ctx) -> set:
        """bfd's erratum 843419 scan (once, on the layout before any stub): in the code spans of each
        code input section (between its $x and $d mapping symbols), an ADRP at an address ending in
        0xff8 or 0xffc, then a load/store (not a load pair), then, directly or one instruction later,
        an unsigned-offset load/store based on the ADRP's register. Each gets an 8-byte veneer, in a stub
        section right after the input section holding it (not its group's); with
        --fix-cortex-a53-843419=adr none (bfd makes no stub: the ADRP must become an ADR)."""
        adr_only = ctx.config.fix_843419_mode == "adr"
        new = set()
        for c, _secs in self.code:
            for m in c.members:
                if type(m) is not InputSection or not m.flags & SHF_EXECINSTR or m.type != SHT_PROGBITS:
                    continue
                for adrp_off, insn_off in _erratum_sites(m, c.addr + m.out_off):
                    if not m.rel_size:
                        raise LinkError(f"{m.file.name}:({m.name}+0x{adrp_off:x}): a Cortex-A53 erratum "
                                        "843419 sequence in a section without relocations is not "
                                        "supported by braze")
                    e = Erratum(m, adrp_off, insn_off, "")
                    self.errata.setdefault(id(m), []).append(e)
                    if adr_only:
                        continue
                    st = self._stub(ctx, m, own=True)
                    e.name = f"e843419@{len(self.errata_all()) - 1:04x}_{m.shndx:08x}_{insn_off:x}"
                    st.veneers[("e843419", id(m), insn_off)] = e
                    new.add(st)
        return new

    def errata_all(self) -> list:
        return [e for es in self.errata.values() for e in es]

    def scan(self, ctx) -> bool:
        """Add a veneer for every CALL26/JUMP26 out of range at the current addresses (the erratum
        scan first, as bfd: its stubs are placed before branches are looked at)."""
        if not self.branches_scanned:
            self.branches_scanned = True
            if ctx.config.fix_cortex_a53_843419:
                new = self.scan_errata(ctx)
                if new:
                    return self._grow(ctx, new)
        if not self.may_need_branches:
            return False
        return self._grow(ctx, self.scan_branches(ctx))

    def _grow(self, ctx, new) -> bool:
        for st in new:
            st.resize()
        for out in {id(st.out): st.out for st in new}.values():
            out.update_size(ctx)
        return bool(new)

    def scan_branches(self, ctx) -> set:
        from .aarch64 import _stub_name, _wrap
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
                    v = _wrap(_dest(ctx, s) + A - (base + off))
                    if -0x8000000 <= v < 0x8000000:
                        continue
                    st = self._stub(ctx, m)
                    if (s, A) not in st.veneers:
                        st.veneers[(s, A)] = Veneer(s, A, _stub_name(ctx, s))
                        new.add(st)
        return new

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
                if type(v) is Erratum:
                    if v.use:
                        yield v.name, STT_FUNC, st.out, a, 8
                        yield "$x", 0, st.out, a, 0
                    continue
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
        branches = may_need(ctx)
        if not branches and not ctx.config.fix_cortex_a53_843419:
            return False
        v = ctx.a64_veneers = Veneers(ctx)
        v.may_need_branches = branches
    elif not v.may_need_branches:
        v.may_need_branches = may_need(ctx)
    return v.scan(ctx)


def finish_thunks(ctx) -> None:
    v = ctx.a64_veneers
    for st in v.stubs.values():
        st.finish()
    mode = ctx.config.fix_843419_mode
    for e in v.errata_all():
        # full: the veneer where ADR does not reach; adrp: always; adr: never (fix_errata refuses)
        e.use = mode != "adr" and _adrp_page_delta(ctx, e) is not None \
            and (mode == "adrp" or not _adr_reaches(ctx, e))
    from ..symtab import add_linker_locals
    add_linker_locals(ctx, list(v.symbols()))


# ---------------------------------------------------------------- erratum 843419

def _ldst_ok(insn: int) -> bool:
    """bfd's test of the second instruction: a load or store (in its decoder's classes), not a load
    pair."""
    if insn & 0x0a000000 != 0x08000000:
        return False
    if insn & 0x3f000000 == 0x08000000:                 # exclusive / ordered: a pair when bit 21
        return not (insn >> 21 & 1 and insn >> 22 & 1)
    if insn & 0x3a000000 == 0x28000000:                 # LDP/STP (all addressing forms)
        return not insn >> 22 & 1
    if insn & 0x3b000000 in (0x18000000, 0x39000000):  # literal, unsigned offset
        return True
    if insn & 0x3b000000 == 0x38000000:                 # unscaled/post/unprivileged/pre, register offset
        return insn & 0x200000 == 0 or insn & 0xc00 == 0x800
    if insn & 0xbfbf0000 == 0x0c000000 or insn & 0xbfa00000 == 0x0c800000:   # SIMD multiple structures
        return (insn >> 12) & 0xf in (0, 2, 4, 6, 7, 8, 10)
    return insn & 0xbf9f0000 == 0x0d000000 or insn & 0xbf800000 == 0x0d800000  # SIMD single structure


def _seq(i1: int, i2: int, i3: int) -> bool:
    return _ldst_ok(i2) and i3 & 0x3b000000 == 0x39000000 and (i3 >> 5) & 0x1f == i1 & 0x1f


def _spans(m):
    """The code spans of input section m from its mapping symbols ($x, $d, $x.<name>), as bfd
    sorts and bounds them (the last span ends at the first symbol's offset plus the size)."""
    obj = m.file
    maps = getattr(obj, "_a64_maps", None)
    if maps is None:
        maps = {}
        names = obj.sym_names
        esyms = obj.esyms
        for i in range(1, obj.first_global):
            n = names[i]
            if n[:1] == "$" and n[1:2] in ("x", "d") and (len(n) == 2 or n[2] == "."):
                maps.setdefault(esyms[i][3], []).append((esyms[i][4], n[1]))
        for v in maps.values():
            v.sort()
        obj._a64_maps = maps
    ms = maps.get(m.shndx)
    if not ms:
        return
    for k, (start, typ) in enumerate(ms):
        end = ms[k + 1][0] if k + 1 < len(ms) else ms[0][0] + m.size
        if typ == "x":
            yield start, min(end, m.size)


def _erratum_sites(m, addr):
    """(ADRP offset, offset of the load/store to move) of each sequence in m at output address addr."""
    size = m.size
    if size < 12:
        return
    data = None
    # only the words at page offsets 0xff8 and 0xffc can start a sequence
    first = (0xff8 - addr) & 0xfff
    cand = []
    for o in (first, first + 4):
        while o + 8 < size:
            cand.append(o)
            o += 0x1000
    if not cand:
        return
    data = m.data
    words = [(o, struct.unpack_from("<I", data, o)[0]) for o in sorted(cand)]
    words = [(o, w) for o, w in words if w & 0x9f000000 == 0x90000000]
    if not words:
        return
    spans = list(_spans(m))
    for o, w in words:
        for start, end in spans:
            if start <= o and (o - start) % 4 == 0 and o + 8 < end:
                i2, i3 = struct.unpack_from("<2I", data, o + 4)
                if _seq(w, i2, i3):
                    yield o, o + 8
                elif o + 16 <= end and _seq(w, i2, struct.unpack_from("<I", data, o + 12)[0]):
                    yield o, o + 12
                break


def _adrp_page_delta(ctx, e):
    """The ADRP at e.adrp_off once relocated: (its page offset in bytes, its address); None when the
    relocation made it another instruction (a TLS relaxation)."""
    from .aarch64 import _apply_one
    m = e.sec
    o = e.adrp_off
    rels = [r for r in m.relocs if r[0] == o]
    buf = bytearray(m.data[o:o + 4])
    P = m.out.addr + m.out_off + o
    if rels:
        _apply_one(ctx, m.file, m, rels, 0, buf, -o, P - o)
    w = struct.unpack_from("<I", buf)[0]
    if w & 0x9f000000 != 0x90000000:
        return None
    imm = ((w >> 5) & 0x7ffff) << 2 | (w >> 29) & 3
    return _sext(imm, 21) << 12, P


def _sext(v, bits):
    return v - (1 << bits) if v & (1 << (bits - 1)) else v


def _adr_reaches(ctx, e) -> bool:
    delta, P = _adrp_page_delta(ctx, e)
    return -0x100000 <= delta - (P & 0xfff) < 0x100000


def fix_errata(ctx, sec, buf, base_off, base_addr) -> None:
    """After sec's relocations: each erratum site's ADRP becomes an ADR of the same page when that
    reaches (bfd's first choice), else the load/store moves to its veneer and a branch replaces it;
    the veneer gets the relocated load/store and a branch back either way (as bfd writes it)."""
    v = ctx.a64_veneers
    mode = ctx.config.fix_843419_mode
    for e in v.errata[id(sec)]:
        if mode == "adr":
            _to_adr(sec, buf, base_off + e.adrp_off, base_addr + e.adrp_off, e.adrp_off, mode)
            continue
        st = v.stubs[id(sec)]
        vaddr = st.addr + e.off
        voff = st.out.offset + st.out_off + e.off
        loc = base_off + e.insn_off
        insn = struct.unpack_from("<I", buf, loc)[0]
        back = base_addr + e.insn_off + 4
        struct.pack_into("<2I", buf, voff, insn, _B | (((back - (vaddr + 4)) >> 2) & 0x3ffffff))
        if e.use:
            struct.pack_into("<I", buf, loc, _B | (((vaddr - (base_addr + e.insn_off)) >> 2) & 0x3ffffff))
            continue
        if mode != "adrp":
            _to_adr(sec, buf, base_off + e.adrp_off, base_addr + e.adrp_off, e.adrp_off, mode)


def _to_adr(sec, buf, a: int, P: int, adrp_off: int, mode: str) -> None:
    """The ADRP at buf[a] (address P) as an ADR of the same page (bfd's ADR workaround); one out of
    ADR's reach is an error (bfd's, with =adr; otherwise an internal one: the layout made it a veneer)."""
    w = struct.unpack_from("<I", buf, a)[0]
    if w & 0x9f000000 != 0x90000000:
        return                          # (relaxed to another instruction: no ADRP left)
    imm = (_sext(((w >> 5) & 0x7ffff) << 2 | (w >> 29) & 3, 21) << 12) - (P & 0xfff)
    if not -0x100000 <= imm < 0x100000:
        if mode == "adr":
            raise LinkError(f"{sec.file.name}: erratum 843419 immediate {imm & 0xffffffffffffffff:#x} out of "
                            "range for ADR (input file too large) and --fix-cortex-a53-843419=adr used; run "
                            "the linker with --fix-cortex-a53-843419=full instead")
        _needs_veneer(sec, adrp_off)
    imm &= 0x1fffff
    struct.pack_into("<I", buf, a, 0x10000000 | (w & 0x1f) | (imm & 3) << 29 | (imm >> 2) << 5)


def _needs_veneer(sec, adrp_off: int) -> None:
    raise LinkError(f"{sec.file.name}:({sec.name}+0x{adrp_off:x}): this instruction sequence needs "
                    "a Cortex-A53 erratum 843419 veneer, which braze did not make for it")
