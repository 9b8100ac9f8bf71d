"""Lazy PLT (.plt, with .iplt stubs for IFUNCs) and .plt.got."""
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

    def header_size(self) -> int:
        return 16 if self.has_header and (self.syms or self.tlsdesc_plt0) else 0

    def tramp_addr(self) -> int:
        return self.addr + self.header_size() + 16 * (len(self.syms) + len(self.isyms))

    def entry_addr(self, i: int) -> int:
        return self.addr + self.header_size() + 16 * i

    def iplt_addr(self, i: int) -> int:
        return self.addr + self.header_size() + 16 * len(self.syms) + 16 * i

    def update_size(self, ctx) -> None:
        self.size = self.header_size() + 16 * (len(self.syms) + len(self.isyms) + self.tlsdesc_tramp)

    def write(self, ctx, buf) -> None:
        gotplt = ctx.syn.gotplt
        o = self.offset
        a = self.addr
        if self.header_size():
            g = gotplt.addr
            struct.pack_into("<2sI2sI4s", buf, o, b"\xff\x35", (g + 8 - (a + 6)) & 0xffffffff,
                             b"\xff\x25", (g + 16 - (a + 12)) & 0xffffffff, b"\x0f\x1f\x40\x00")
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
        if self.tlsdesc_tramp:
            # endbr64; push GOT+8 (the link map, as PLT0 does); jmp *DT_TLSDESC_GOT (ld.so's resolver)
            ea = self.tramp_addr()
            got = ctx.syn.got
            struct.pack_into("<4s2sI2sI", buf, o + (ea - a), b"\xf3\x0f\x1e\xfa",
                             b"\xff\x35", (gotplt.addr + 8 - (ea + 10)) & 0xffffffff,
                             b"\xff\x25", (got.slot_addr(got.tlsdesc_got_idx) - (ea + 16)) & 0xffffffff)


class PltGot(Chunk):
    """8-byte stubs jumping through a symbol's .got GLOB_DAT slot (function both called and GOT-loaded)."""

    def __init__(self):
        super().__init__(".plt.got", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 8, 8)
        self.syms: list = []

    def entry_addr(self, i: int) -> int:
        return self.addr + 8 * i

    def update_size(self, ctx) -> None:
        self.size = 8 * len(self.syms)

    def write(self, ctx, buf) -> None:
        got = ctx.syn.got
        for i, s in enumerate(self.syms):
            ea = self.entry_addr(i)
            slot = got.slot_addr(s.got_idx)
            struct.pack_into("<2sI2s", buf, self.offset + 8 * i, b"\xff\x25", (slot - (ea + 6)) & 0xffffffff,
                             b"\x66\x90")
