"""ELF symbol entries written with native byte stores: mypy's runtime library (librt) has a
BytesWriter whose writes compile to plain C stores, where struct.pack_into costs ~1,000 instructions
an entry.  Imported by symtab.SymTab.write for big symbol tables only (librt's import costs ~0.7 ms);
without librt (no mypy installed) HAVE_WRITER is False and SymTab.write packs each entry itself.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final
from ._ints import i16, i32, i64

try:
    from librt.strings import BytesWriter, write_i16_le, write_i32_le, write_i64_le
    HAVE_WRITER = True
except ImportError:
    HAVE_WRITER = False

# rows per piece: 64 KiB copies reuse the heap's pages (bigger ones are fresh mappings, page-faulted
# in each time)
_PIECE: Final = 2730


def put(buf: Any, off: int, rows: list[tuple[int, int, int, int, int, int]]) -> None:
    """Elf64_Sym entries (st_name, st_info, st_other, st_shndx, st_value, st_size) at buf[off:]."""
    n = len(rows)
    lo = 0
    hi: int
    i: int
    name: int
    info: int
    other: int
    shndx: int
    value: int
    size: int
    while lo < n:
        hi = min(n, lo + _PIECE)
        w = BytesWriter()
        for i in range(lo, hi):
            name, info, other, shndx, value, size = rows[i]
            write_i32_le(w, i32(name if name < 0x80000000 else name - 0x100000000))
            w.append(info)
            w.append(other)
            write_i16_le(w, i16(shndx if shndx < 0x8000 else shndx - 0x10000))
            write_i64_le(w, _signed64(value))
            write_i64_le(w, _signed64(size))
        buf[off + lo * 24:off + hi * 24] = w.getvalue()
        lo = hi


def _signed64(x: int) -> i64:
    """A 64-bit field's value as the i64 with the same bytes."""
    if x <= 0x3fffffffffffffff:     # (mypyc: a short int, compared inline)
        return x
    return x if x < 0x8000000000000000 else x - 0x10000000000000000
