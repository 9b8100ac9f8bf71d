"""GOT (.got) and the PLT's GOT (.got.plt)."""
from __future__ import annotations

import _struct as struct

from ..elf import SHT_PROGBITS, SHF_ALLOC, SHF_WRITE
from ..sections import Chunk

# GOT entry kinds
GOT_ADDR, GOT_TPOFF, GOT_TLSGD, GOT_TLSLD = range(4)
_SLOTS = {GOT_ADDR: 1, GOT_TPOFF: 1, GOT_TLSGD: 2, GOT_TLSLD: 2}
# What a word the link fills in (no dynamic relocation) holds: Got.static_words' (kind, symbol)
WORD_DYNAMIC, WORD_ONE, WORD_ADDR, WORD_PLT, WORD_TPOFF, WORD_DTPOFF = range(6)


class Got(Chunk):
    def __init__(self):
        super().__init__(".got", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 8, 8)
        self.entries: list[tuple[int, object, int]] = []    # (kind, sym, slot index)
        self.nslots = 0
        self.static_words: dict[int, tuple] = {}            # slot -> (WORD_* kind, symbol or None)
        self.tlsld_idx = -1
        self.tlsdesc_got_idx = -1      # lazy TLSDESC: the word ld.so fills with its resolver (DT_TLSDESC_GOT)

    def add(self, kind: int, sym) -> int:
        idx = self.nslots
        self.entries.append((kind, sym, idx))
        self.nslots += _SLOTS[kind]
        return idx

    def slot_addr(self, idx: int) -> int:
        return self.addr + 8 * idx

    def update_size(self, ctx) -> None:
        self.size = 8 * self.nslots

    def write(self, ctx, buf) -> None:
        o = self.offset
        for slot, (kind, s) in self.static_words.items():
            struct.pack_into("<Q", buf, o + 8 * slot, _word(ctx, kind, s) & 0xffffffffffffffff)


def _word(ctx, kind: int, s) -> int:
    from ..address import plt_addr, sym_addr
    if kind == WORD_DYNAMIC:
        return ctx.syn.dynamic.addr
    if kind == WORD_ONE:        # a static link's module ID (its only module)
        return 1
    if kind == WORD_PLT:
        return plt_addr(ctx, s)
    v = sym_addr(ctx, s)
    if kind == WORD_TPOFF:
        return v - ctx.tp
    if kind == WORD_DTPOFF:
        return v - ctx.tls_start
    return v


class GotPlt(Chunk):
    """Three reserved words (the first is _DYNAMIC), then one slot per PLT entry, then IFUNC slots, then
    the two-word TLS descriptors: bfd keeps them with the PLT's slots because, like those, they are
    resolved lazily through .rela.plt (DT_JMPREL) unless binding is immediate."""

    def __init__(self, dynamic: bool):
        super().__init__(".got.plt", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 8, 8)
        self.header = 3
        self.dynamic = dynamic
        self.nplt = 0
        self.niplt = 0
        self.tlsdesc: list = []
        self.merged_got = None      # with -z now, the .got this section's words precede in one .got
        self.own_size = 0
        self.dynamic_word = True    # .got.plt[0] holds _DYNAMIC (aarch64: 0; its .got[0] holds it)

    def update_size(self, ctx) -> None:
        self.size = self.own_size = 8 * (self.header + self.nplt + self.niplt + 2 * len(self.tlsdesc))
        if self.merged_got is not None:
            self.merged_got.update_size(ctx)
            self.size += self.merged_got.size

    def tlsdesc_off(self, i: int) -> int:
        return 8 * (self.header + self.nplt + self.niplt + 2 * i)

    def tlsdesc_slot(self, i: int) -> int:
        return self.addr + self.tlsdesc_off(i)

    def plt_slot(self, i: int) -> int:
        return self.addr + 8 * (self.header + i)

    def iplt_slot(self, i: int) -> int:
        return self.addr + 8 * (self.header + self.nplt + i)

    def write(self, ctx, buf) -> None:
        o = self.offset
        syn = ctx.syn
        if self.dynamic and syn.dynamic is not None and self.dynamic_word:
            struct.pack_into("<Q", buf, o, syn.dynamic.addr)
        plt = syn.plt
        for i in range(self.nplt):
            struct.pack_into("<Q", buf, o + 8 * (self.header + i), plt.slot_init(i))
        for i in range(self.niplt):
            struct.pack_into("<Q", buf, o + 8 * (self.header + self.nplt + i), plt.islot_init(i))
        if self.merged_got is not None:
            self.merged_got.write(ctx, buf)
