"""Lazy PLT (.plt, with .iplt stubs for IFUNCs), .plt.got, and bfd's IBT PLT (.plt + .plt.sec)."""
from __future__ import annotations

import struct

from ..elf import SHT_PROGBITS, SHF_ALLOC, SHF_EXECINSTR
from ..sections import Chunk


class Plt(Chunk):
    def __init__(self, has_header: bool):
        super().__init__(".plt", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 16, 16)
        self.syms: list = []
        self.isyms: list = []
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
        self.arch = None            # aarch64: its back end writes PLT0 (32 bytes) and the entries
        self.hdr = 16
        self.tramp_size = 16

    def set_arch(self, arch) -> None:
        self.arch = arch
        self.hdr = arch.PLT0_SIZE
        self.tramp_size = arch.TLSDESC_TRAMP_SIZE

    def header_size(self) -> int:
        return self.hdr if self.has_header and (self.syms or self.tlsdesc_plt0 or (self.ibt and self.isyms)) else 0

    def sec_active(self) -> bool:
        return self.ibt and self.sec is not None and self.header_size() > 0

    def call_addr(self, i: int) -> int:
        return self.sec.addr + 16 * i if self.sec_active() else self.entry_addr(i)

    def icall_addr(self, i: int) -> int:
        return self.sec.addr + 16 * (len(self.syms) + i) if self.sec_active() else self.iplt_addr(i)

    def slot_init(self, i: int) -> int:
        """The initial value of PLT entry i's GOT slot: where the lazy path starts."""
        if self.arch is not None:
            return self.addr        # aarch64: PLT0
        return self.entry_addr(i) + (0 if self.ibt else 6)

    def islot_init(self, i: int) -> int:
        if self.arch is not None:
            return self.addr if self.header_size() else 0
        return self.iplt_addr(i) + (0 if self.ibt else 6)

    def tramp_addr(self) -> int:
        return self.addr + self.header_size() + 16 * (len(self.syms) + len(self.isyms))

    def entry_addr(self, i: int) -> int:
        return self.addr + self.header_size() + 16 * i

    def iplt_addr(self, i: int) -> int:
        return self.addr + self.header_size() + 16 * len(self.syms) + 16 * i

    def update_size(self, ctx) -> None:
        self.size = self.header_size() + 16 * (len(self.syms) + len(self.isyms)) + self.tramp_size * self.tlsdesc_tramp
        if not self.has_header:
            self.entsize = 0        # as bfd: a static link's .plt holds only IFUNC stubs (its .iplt)

    def write(self, ctx, buf) -> None:
        gotplt = ctx.syn.gotplt
        o = self.offset
        a = self.addr
        if self.arch is not None:
            self._write_arch(ctx, buf)
            return
        if self.header_size():
            g = gotplt.addr
            struct.pack_into("<2sI2sI4s", buf, o, b"\xff\x35", (g + 8 - (a + 6)) & 0xffffffff,
                             b"\xff\x25", (g + 16 - (a + 12)) & 0xffffffff, b"\x0f\x1f\x40\x00")
        if self.ibt:
            self._write_ibt(ctx, buf)
        else:
            self._write_lazy(ctx, buf)
        if self.tlsdesc_tramp:
            # endbr64; push GOT+8 (the link map, as PLT0 does); jmp *DT_TLSDESC_GOT (ld.so's resolver)
            ea = self.tramp_addr()
            got = ctx.syn.got
            struct.pack_into("<4s2sI2sI", buf, o + (ea - a), b"\xf3\x0f\x1e\xfa",
                             b"\xff\x35", (gotplt.addr + 8 - (ea + 10)) & 0xffffffff,
                             b"\xff\x25", (got.slot_addr(got.tlsdesc_got_idx) - (ea + 16)) & 0xffffffff)

    def _write_arch(self, ctx, buf) -> None:
        arch = self.arch
        gotplt = ctx.syn.gotplt
        o, a = self.offset, self.addr
        if self.header_size():
            arch.write_plt0(buf, o, a, gotplt.addr)
        for i in range(len(self.syms)):
            ea = self.entry_addr(i)
            arch.write_plt_entry(buf, o + (ea - a), ea, gotplt.plt_slot(i))
        for i in range(len(self.isyms)):
            ea = self.iplt_addr(i)
            arch.write_plt_entry(buf, o + (ea - a), ea, gotplt.iplt_slot(i))
        if self.tlsdesc_tramp:
            got = ctx.syn.got
            ea = self.tramp_addr()
            arch.write_tlsdesc_tramp(buf, o + (ea - a), ea, got.slot_addr(got.tlsdesc_got_idx), gotplt.addr)

    def _write_ibt(self, ctx, buf) -> None:
        from ..arch.x86_64 import write_ibt_plt_entry, write_ibt_jmp_entry
        gotplt = ctx.syn.gotplt
        o, a = self.offset, self.addr
        n = len(self.syms)
        for i in range(n):
            ea = self.entry_addr(i)
            write_ibt_plt_entry(buf, o + (ea - a), ea, i, a)
        header = self.header_size() > 0
        for i in range(len(self.isyms)):
            ea = self.iplt_addr(i)
            if header:       # .rela.plt: the IRELATIVEs follow the JUMP_SLOTs
                write_ibt_plt_entry(buf, o + (ea - a), ea, n + i, a)
            else:
                write_ibt_jmp_entry(buf, o + (ea - a), ea, gotplt.iplt_slot(i))

    def _write_lazy(self, ctx, buf) -> None:
        gotplt = ctx.syn.gotplt
        o = self.offset
        a = self.addr
        for i in range(len(self.syms)):
            ea = self.entry_addr(i)
            eo = o + (ea - a)
            slot = gotplt.plt_slot(i)
            struct.pack_into("<2sIBIBi", buf, eo, b"\xff\x25", (slot - (ea + 6)) & 0xffffffff, 0x68, i, 0xe9,
                             a - (ea + 16))
        for i in range(len(self.isyms)):
            ea = self.iplt_addr(i)
            eo = o + (ea - a)
            slot = gotplt.iplt_slot(i)
            # jmp *slot(%rip); 10-byte nop padding
            struct.pack_into("<2sI10s", buf, eo, b"\xff\x25", (slot - (ea + 6)) & 0xffffffff,
                             b"\x66\x0f\x1f\x84\x00\x00\x00\x00\x00\x90")


class PltSec(Chunk):
    """The IBT PLT's second half: one `endbr64; jmp *slot` per PLT entry (then per IFUNC entry), where
    calls and function addresses of PLT symbols point."""

    def __init__(self, plt: Plt):
        super().__init__(".plt.sec", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 16, 16)
        self.plt = plt
        plt.sec = self

    def update_size(self, ctx) -> None:
        p = self.plt
        self.size = 16 * (len(p.syms) + len(p.isyms)) if p.sec_active() else 0

    def write(self, ctx, buf) -> None:
        from ..arch.x86_64 import write_ibt_jmp_entry
        gotplt = ctx.syn.gotplt
        n = len(self.plt.syms)
        for i in range(n + len(self.plt.isyms)):
            slot = gotplt.plt_slot(i) if i < n else gotplt.iplt_slot(i - n)
            write_ibt_jmp_entry(buf, self.offset + 16 * i, self.addr + 16 * i, slot)


class PltGot(Chunk):
    """8-byte stubs jumping through a symbol's .got GLOB_DAT slot (function both called and GOT-loaded)."""

    def __init__(self):
        super().__init__(".plt.got", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 8, 8)
        self.syms: list = []
        self.ibt = False

    def set_ibt(self) -> None:
        """IBT PLT: 16-byte `endbr64; jmp *slot` entries."""
        self.ibt = True
        self.align = self.entsize = 16

    def entry_addr(self, i: int) -> int:
        return self.addr + self.entsize * i

    def update_size(self, ctx) -> None:
        self.size = self.entsize * len(self.syms)

    def write(self, ctx, buf) -> None:
        got = ctx.syn.got
        if self.ibt:
            from ..arch.x86_64 import write_ibt_jmp_entry
            for i, s in enumerate(self.syms):
                write_ibt_jmp_entry(buf, self.offset + 16 * i, self.entry_addr(i), got.slot_addr(s.got_idx))
            return
        for i, s in enumerate(self.syms):
            ea = self.entry_addr(i)
            slot = got.slot_addr(s.got_idx)
            struct.pack_into("<2sI2s", buf, self.offset + 8 * i, b"\xff\x25", (slot - (ea + 6)) & 0xffffffff,
                             b"\x66\x90")
