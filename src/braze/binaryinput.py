"""`-b binary` / `--format=binary` inputs: a file's bytes as an object with one `.data` section and
bfd's three symbols `_binary_<name>_start`, `_end` (in the section) and `_size` (absolute), where
<name> is the file name as given with every character other than a letter or digit made `_`.
Built as ELF bytes and read by the ordinary object reader, so -r and final links treat it alike."""
from __future__ import annotations

from .elf import (EHDR, SHDR, SYM, ET_REL, SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHF_ALLOC,
                  SHF_WRITE, SHN_ABS, STB_LOCAL, STB_GLOBAL, STT_SECTION, STT_NOTYPE)
from .inputs.object import ObjectFile


def mangle(path: str) -> str:
    return "".join(c if c.isascii() and c.isalnum() else "_" for c in path)


def binary_object(path: str, view, order: int, target) -> ObjectFile:
    """The object for FILE's bytes, for `target` (its e_machine)."""
    data = bytes(view)
    n = len(data)
    base = "_binary_" + mangle(path)
    strtab = bytearray(b"\0")
    names = []
    for suffix in ("_start", "_size", "_end"):
        names.append(len(strtab))
        strtab += (base + suffix).encode("utf-8", "surrogateescape") + b"\0"
    shstr = b"\0.data\0.symtab\0.strtab\0.shstrtab\0"
    syms = [(0, 0, 0, 0, 0, 0), (0, (STB_LOCAL << 4) | STT_SECTION, 0, 1, 0, 0),
            (names[0], (STB_GLOBAL << 4) | STT_NOTYPE, 0, 1, 0, 0),
            (names[1], (STB_GLOBAL << 4) | STT_NOTYPE, 0, SHN_ABS, n, 0),
            (names[2], (STB_GLOBAL << 4) | STT_NOTYPE, 0, 1, n, 0)]
    symdata = b"".join(SYM.pack(*s) for s in syms)
    off_data = EHDR.size
    off_sym = (off_data + n + 7) & -8
    off_str = off_sym + len(symdata)
    off_shstr = off_str + len(strtab)
    shoff = (off_shstr + len(shstr) + 7) & -8
    buf = bytearray(shoff + 5 * SHDR.size)
    buf[off_data:off_data + n] = data
    buf[off_sym:off_sym + len(symdata)] = symdata
    buf[off_str:off_str + len(strtab)] = strtab
    buf[off_shstr:off_shstr + len(shstr)] = shstr
    heads = [(0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
             (1, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 0, off_data, n, 0, 0, 1, 0),
             (7, SHT_SYMTAB, 0, 0, off_sym, len(symdata), 3, 2, 8, 24),
             (15, SHT_STRTAB, 0, 0, off_str, len(strtab), 0, 0, 1, 0),
             (23, SHT_STRTAB, 0, 0, off_shstr, len(shstr), 0, 0, 1, 0)]
    for i, h in enumerate(heads):
        SHDR.pack_into(buf, shoff + i * SHDR.size, *h)
    EHDR.pack_into(buf, 0, b"\x7fELF\x02\x01\x01" + bytes(9), ET_REL, target.e_machine, 1, 0, 0, shoff, 0,
                   EHDR.size, 0, 0, SHDR.size, 5, 4)
    obj = ObjectFile(path, memoryview(bytes(buf)), order=order, target=target)
    obj.is_binary = True
    return obj
