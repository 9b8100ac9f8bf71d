""".rela.dyn's per-entry loops, compiled with mypyc: a PIE or shared library has one RELATIVE relocation
per pointer (16,000 in the openssl bench job), each of whose address, file offset and addend (the word
apply_relocs already wrote at the place) must be read, sorted and packed. rela.py keeps the relocation
classes and the rare kinds (relocations against symbols, TLS, IFUNC).

Places are input sections or linker-made chunks (other modules' classes): typed Any, read only
through their `out`, `out_off`, `addr` and `offset` attributes.
"""
from __future__ import annotations

import _struct as struct
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final

# a RELATIVE relocation's sort key: its address above its file offset (no output file reaches 2**40)
OFF_BITS: Final = 40
OFF_MASK: Final = (1 << 40) - 1
U64: Final = 0xffffffffffffffff


def split_relative(relocs: list[Any], rel_cls: Any) -> tuple[list[int], list[Any]]:
    """The keys (address << OFF_BITS | file offset) of the `rel_cls` (RelativeReloc) entries, in order,
    and the other relocations."""
    keys: list[int] = []
    other: list[Any] = []
    last_out: Any = None
    last_place: Any = None
    base_addr = 0
    base_off = 0
    place_off = 0
    rt: tuple          # (a RelativeReloc is a tuple: its items are read natively)
    for r in relocs:
        if type(r) is rel_cls:
            rt = r
            place: Any = rt[0]
            if place is not last_place:     # (one section's relocations come together)
                last_place = place
                out: Any = place.out
                if out is not last_out:
                    last_out = out
                    base_addr = out.addr
                    base_off = out.offset
                place_off = place.out_off
            o: int = place_off + rt[1]
            fo = base_off + o
            if fo > OFF_MASK:
                raise OverflowError(fo)
            keys.append(((base_addr + o) << OFF_BITS) | fo)
        else:
            other.append(r)
    return keys, other


def _read64(buf: Any, words: Any, fo: int) -> int:
    if fo & 7 or words is None:
        return int.from_bytes(buf[fo:fo + 8], "little")
    w: int = words[fo >> 3]
    return w


def entries(buf: Any, keys: list[int], extra: list[tuple[int, int]], other: list[tuple[int, int, int]],
            r_relative: int) -> list[int]:
    """The (offset, info, addend) words of every entry: the RELATIVE ones first (`keys` with their
    addends read from buf, merged by address with `extra`: (address, addend) of RELATIVEs that are not
    RelativeReloc; both sorted when extra is not empty), then `other`; addends as unsigned words."""
    native = sys.byteorder == "little"
    mv = memoryview(buf)
    words: Any = mv[:len(mv) & -8].cast("Q") if native else None
    flat: list[int] = []
    try:
        i = 0
        j = 0
        nk = len(keys)
        ne = len(extra)
        while i < nk or j < ne:
            if j >= ne or (i < nk and (keys[i] >> OFF_BITS) < extra[j][0]):
                k = keys[i]
                i += 1
                flat.append(k >> OFF_BITS)
                flat.append(r_relative)
                flat.append(_read64(buf, words, k & OFF_MASK))
            else:
                e = extra[j]
                j += 1
                flat.append(e[0])
                flat.append(r_relative)
                flat.append(e[1] & U64)
    finally:
        if words is not None:
            words.release()
        mv.release()
    for v in other:
        flat.append(v[0])
        flat.append(v[1])
        flat.append(v[2] & U64)
    return flat


def pack(buf: Any, offset: int, flat: list[int]) -> None:
    """Write the words at buf[offset:] (little-endian)."""
    if flat:
        struct.pack_into(f"<{len(flat)}Q", buf, offset, *flat)


def count_relative(relocs: list[Any], rel_cls: Any, rel_type: int) -> int:
    """How many of relocs are RELATIVE (rela.is_relative of each): DT_RELACOUNT, written before
    post_write sorts them."""
    n = 0
    for r in relocs:
        if type(r) is rel_cls:
            n += 1
        else:
            t: Any = r.type
            if t == rel_type:
                n += 1
    return n
