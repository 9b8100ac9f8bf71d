"""The ELF header and section header table checks every input (object or shared library) needs."""
from __future__ import annotations

import struct

from ..elf import EHDR, SHDR, SHT_NOBITS, SHT_NULL, SHN_XINDEX

_TYPE_NAMES = {1: "a relocatable object", 3: "a shared object"}


def read_headers(v, error, want_type: int, target=None):
    """(ELF header fields, section headers) of the file in `v`, validated: magic, ELF64 little-endian
    of `target`'s machine (not checked without a target: a file already read), e_type, and every header and section inside the file. `error(msg)` makes the LinkError
    (naming the file)."""
    size = len(v)
    if size < EHDR.size:
        raise error(f"file too short for an ELF header ({size} bytes)")
    try:
        ehdr = EHDR.unpack_from(v, 0)
    except struct.error:
        raise error("truncated ELF header") from None
    ident, e_type, e_machine = ehdr[0], ehdr[1], ehdr[2]
    e_shoff, e_shentsize, e_shnum = ehdr[6], ehdr[11], ehdr[12]
    if ident[:4] != b"\x7fELF":
        raise error("not an ELF file")
    if ident[4] != 2 or ident[5] != 1:
        raise error(f"not a 64-bit little-endian ELF file (braze links {_names()} only)")
    if target is not None and e_machine != target.e_machine:
        raise error(f"incompatible machine type {e_machine} (expected {target.name})")
    if e_type != want_type:
        raise error(f"unexpected ELF type {e_type} for {_TYPE_NAMES.get(want_type, 'this input')}")
    if e_shentsize != SHDR.size:
        raise error(f"corrupt section header table: e_shentsize is {e_shentsize}, expected 64")
    if e_shoff == 0 or e_shoff > size:
        raise error(f"corrupt section header table: e_shoff 0x{e_shoff:x} is beyond the end of "
                    f"the file (size 0x{size:x})")
    if e_shnum == 0:            # more than 0xff00 sections: the count is in section 0's sh_size
        if e_shoff + SHDR.size > size:
            raise error("truncated section header table")
        e_shnum = SHDR.unpack_from(v, e_shoff)[5]
    end = e_shoff + e_shnum * SHDR.size
    if end > size:
        raise error(f"corrupt section header table: {e_shnum} headers at offset 0x{e_shoff:x} "
                    f"extend past the end of the file (size 0x{size:x})")
    shdrs = list(SHDR.iter_unpack(v[e_shoff:end]))
    for i, sh in enumerate(shdrs):
        if sh[1] != SHT_NOBITS and sh[1] != SHT_NULL and sh[4] + sh[5] > size:
            raise error(f"section {i} (offset 0x{sh[4]:x}, size 0x{sh[5]:x}) extends past the end "
                        f"of the file (size 0x{size:x})")
    e_shstrndx = ehdr[13]
    if e_shstrndx == SHN_XINDEX and shdrs:
        e_shstrndx = shdrs[0][6]
    return ehdr, shdrs, e_shstrndx


def _names() -> str:
    from ..arch import targets
    return ", ".join(t.name for t in targets())
