"""Lazy PLT (.plt, with .iplt stubs for IFUNCs), .plt.got, and bfd's IBT PLT (.plt + .plt.sec)."""
from __future__ import annotations

from ..elf import SHT_PROGBITS, SHF_ALLOC, SHF_EXECINSTR
from ..sections import Chunk


class Plt(Chunk):
    def __init__(self, has_header: bool, target):
        super().__init__(".plt", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 16,
                         target.plt_entry_size if target.plt_sh_entsize < 0 else target.plt_sh_entsize)
        self.target = target
        self.code = target              # writes the PLT and gives its geometry (Target.plt_code)
        self.esize = target.plt_entry_size
        self.hsize = target.plt_header_size
        self.syms: list = []
        # IFUNC entries; after the first nifunc of them, -static-pie's entries for called undefined
        # symbols (bfd: `push $0`, a jmp to the next entry, the .got.plt slot 0 with no relocation)
        self.isyms: list = []
        self.nifunc = -1            # (-1: all of them; set by passes.allocate_got_plt)
        self.has_header = has_header
        # TLSDESC in a library: bfd always makes PLT0 (even with -z now, unused then), and with lazy
        # binding adds its 16-byte trampoline at the end (DT_TLSDESC_PLT)
        self.tlsdesc_plt0 = False
        self.tlsdesc_tramp = False
        # IBT PLT: lazy entries `endbr64; push; jmp PLT0` here, calls go to .plt.sec (self.sec); without
        # PLT0 (static) IFUNC stubs are `endbr64; jmp *slot`. As bfd, a dynamic output's IFUNC stubs
        # then become ordinary lazy entries after PLT0.
        self.ibt = False
        self.sec = None

    def set_code(self, code) -> None:
        """The link's form of the PLT (Target.plt_code), before sizes are computed."""
        self.code = code
        self.esize = code.plt_entry_size
        self.hsize = code.plt_header_size

    def header_size(self) -> int:
        return self.hsize if self.has_header and (self.syms or self.tlsdesc_plt0 or (
            (self.ibt or self.target.dyn_ifunc_plt0) and self.isyms)) else 0

    def sec_active(self) -> bool:
        return self.ibt and self.sec is not None and self.header_size() > 0

    def call_addr(self, i: int) -> int:
        return self.sec.addr + self.esize * i if self.sec_active() else self.entry_addr(i)

    def icall_addr(self, i: int) -> int:
        return self.sec.addr + self.esize * (len(self.syms) + i) if self.sec_active() else self.iplt_addr(i)

    def slot_init(self, i: int) -> int:
        """The initial value of PLT entry i's GOT slot: where the lazy path starts."""
        if self.syms[i] is None:
            return 0
        if self.target.lazy_slot_is_plt0:
            return self.addr
        return self.entry_addr(i) + (0 if self.ibt else self.target.lazy_plt_resume)

    def islot_init(self, i: int) -> int:
        if 0 <= self.nifunc <= i:
            return 0
        if self.target.lazy_slot_is_plt0:
            return self.addr if self.header_size() else 0
        return self.iplt_addr(i) + (0 if self.ibt else self.target.lazy_plt_resume)

    def tramp_addr(self) -> int:
        return self.addr + self.header_size() + self.esize * (len(self.syms) + len(self.isyms))

    def entry_addr(self, i: int) -> int:
        return self.addr + self.header_size() + self.esize * i

    def iplt_addr(self, i: int) -> int:
        return self.addr + self.header_size() + self.esize * (len(self.syms) + i)

    def update_size(self, ctx) -> None:
        small = self.code.static_iplt_entry_size
        if small != self.code.plt_entry_size and not self.has_header and not self.ibt and not self.syms:
            self.esize = self.align = small      # (bfd: a static link's IFUNC stubs are non-lazy entries)
        self.size = self.header_size() + self.esize * (len(self.syms) + len(self.isyms)) + \
            self.code.tlsdesc_tramp_size * self.tlsdesc_tramp
        if not self.has_header:
            self.entsize = 0        # as bfd: a static link's .plt holds only IFUNC stubs (its .iplt)

    def write(self, ctx, buf) -> None:
        gotplt = ctx.syn.gotplt
        t = self.code
        o = self.offset
        a = self.addr
        if self.header_size():
            t.write_plt0(buf, o, a, gotplt.addr)
        if self.ibt:
            self._write_ibt(ctx, buf)
        else:
            self._write_lazy(ctx, buf)
        if self.tlsdesc_tramp:
            ea = self.tramp_addr()
            got = ctx.syn.got
            t.write_tlsdesc_tramp(buf, o + (ea - a), ea, gotplt.addr, got.slot_addr(got.tlsdesc_got_idx))

    def _write_ibt(self, ctx, buf) -> None:
        t = self.target
        gotplt = ctx.syn.gotplt
        o, a = self.offset, self.addr
        n = len(self.syms)
        for i in range(n):
            if self.syms[i] is None:
                continue        # (bfd's unused entry: zeros, see passes.allocate_got_plt)
            ea = self.entry_addr(i)
            t.write_ibt_plt_entry(buf, o + (ea - a), ea, i, a)
        header = self.header_size() > 0
        for i in range(len(self.isyms)):
            ea = self.iplt_addr(i)
            if header:       # .rela.plt: the IRELATIVEs follow the JUMP_SLOTs
                t.write_ibt_plt_entry(buf, o + (ea - a), ea, n + i, a)
            else:
                t.write_ibt_jmp_entry(buf, o + (ea - a), ea, gotplt.iplt_slot(i))

    def _write_lazy(self, ctx, buf) -> None:
        t = self.code
        gotplt = ctx.syn.gotplt
        o = self.offset
        a = self.addr
        for i in range(len(self.syms)):
            if self.syms[i] is None:
                continue        # (bfd's unused entry: zeros, see passes.allocate_got_plt)
            ea = self.entry_addr(i)
            t.write_plt_entry(buf, o + (ea - a), ea, gotplt.plt_slot(i), i, a)
        n = len(self.syms)
        if self.target.dyn_ifunc_plt0 and self.header_size() and self.esize == t.plt_entry_size:
            # bfd: with PLT0 (a dynamic output) the IFUNC entries are lazy ones too, each pushing
            # its IRELATIVE's index in .rela.plt (after the JUMP_SLOTs)
            for i in range(len(self.isyms)):
                ea = self.iplt_addr(i)
                if not 0 <= self.nifunc <= i:
                    t.write_plt_entry(buf, o + (ea - a), ea, gotplt.iplt_slot(i), n + i, a)
                else:
                    t.write_plt_entry(buf, o + (ea - a), ea, gotplt.iplt_slot(i), 0, ea + self.esize)
            return
        write = self.target.write_pltgot_entry if self.esize != t.plt_entry_size else t.write_iplt_entry
        for i in range(len(self.isyms)):
            ea = self.iplt_addr(i)
            write(buf, o + (ea - a), ea, gotplt.iplt_slot(i))


class PltSec(Chunk):
    """The IBT PLT's second half: one `endbr64; jmp *slot` per PLT entry (then per IFUNC entry), where
    calls and function addresses of PLT symbols point."""

    def __init__(self, plt: Plt):
        super().__init__(".plt.sec", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 16, plt.esize)
        self.plt = plt
        plt.sec = self

    def update_size(self, ctx) -> None:
        p = self.plt
        self.size = p.esize * (len(p.syms) + len(p.isyms)) if p.sec_active() else 0

    def write(self, ctx, buf) -> None:
        write = self.plt.target.write_ibt_jmp_entry
        e = self.plt.esize
        gotplt = ctx.syn.gotplt
        n = len(self.plt.syms)
        for i in range(n + len(self.plt.isyms)):
            if i < n and self.plt.syms[i] is None:
                continue
            slot = gotplt.plt_slot(i) if i < n else gotplt.iplt_slot(i - n)
            write(buf, self.offset + e * i, self.addr + e * i, slot)


class PltGot(Chunk):
    """Stubs jumping through a symbol's .got GLOB_DAT slot (function both called and GOT-loaded)."""

    def __init__(self, target):
        super().__init__(".plt.got", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, target.pltgot_entry_size,
                         target.pltgot_entry_size)
        self.target = target
        self.syms: list = []
        self.ibt = False
        # (-static-pie) undefined symbols' stubs: bfd jumps through their GOT slot's address plus 1
        # (its mark that the slot, 0 without a relocation, was written), never taken: the callers
        # test the slot first
        self.static_undef: set[int] = set()
        # (-static-pie) stubs bfd sizes but never writes (zeros): the relaxed TLS calls' __tls_get_addr
        self.dead: set[int] = set()

    def set_ibt(self) -> None:
        """IBT PLT: `endbr64; jmp *slot` entries."""
        self.ibt = True
        self.align = self.entsize = self.target.ibt_pltgot_entry_size

    def entry_addr(self, i: int) -> int:
        return self.addr + self.entsize * i

    def update_size(self, ctx) -> None:
        self.size = self.entsize * len(self.syms)

    def write(self, ctx, buf) -> None:
        got = ctx.syn.got
        write = self.target.write_ibt_jmp_entry if self.ibt else self.target.write_pltgot_entry
        e = self.entsize
        for i, s in enumerate(self.syms):
            if self.dead and id(s) in self.dead:
                continue
            write(buf, self.offset + e * i, self.entry_addr(i),
                  got.slot_addr(s.got_idx) + (id(s) in self.static_undef))
