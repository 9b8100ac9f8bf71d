"""`--just-symbols=FILE` / `-R FILE`: FILE's global symbols as absolute definitions at their addresses
in FILE, none of its sections (bfd's "just syms" input: a ROM image's entry points, an executable
another image calls into).

As bfd 2.40 does it: only defined global and weak symbols (its locals, undefined and common symbols
are not read, TLS ones are dropped), each keeping its type, size, binding and visibility; the
value is the symbol's address (st_value, plus the section address in a relocatable object).  A shared
object is bfd's error.  A definition that another input (or another just-symbols file) also makes is
no multiple definition: the first one stays (bfd's multiple_definition callback ignores a symbol in an
absolute output section), unless --disable-multiple-abs-defs.  Built as ELF bytes (SHN_ABS globals)
and read by the ordinary object reader."""
from __future__ import annotations

from .diag import LinkError
from .elf import (EHDR, SHDR, SYM, ET_REL, ET_EXEC, ET_DYN, SHT_SYMTAB, SHT_STRTAB, SHN_UNDEF, SHN_ABS,
                  SHN_COMMON, SHN_LORESERVE, SHN_XINDEX, STB_LOCAL, STT_SECTION, STT_FILE, STT_TLS)
from .inputs.elfhdr import read_headers
from .inputs.object import ObjectFile


def just_symbols_object(path: str, view, order: int, target, skip=(), undefined=False) -> ObjectFile:
    """The object standing for FILE's symbols; `skip`: names the link's script assigns for good (bfd's
    default script sets _edata, __bss_start and _end unconditionally, over FILE's); `undefined`: FILE's
    undefined globals are references too (bfd lists them in a -r output)."""
    def error(msg):
        return LinkError(f"{path}: {msg}")
    if len(view) < EHDR.size or bytes(view[:4]) != b"\x7fELF":
        raise LinkError(f"{path}: --just-symbols: file format not recognized (an ELF file is needed)")
    e_type = EHDR.unpack_from(view, 0)[1]
    if e_type == ET_DYN:
        raise LinkError(f"{path}: --just-symbols may not be used on DSO")
    if e_type not in (ET_REL, ET_EXEC):
        raise error(f"--just-symbols: unexpected ELF type {e_type}")
    _e, shdrs, _x = read_headers(view, error, e_type, target)
    tab = next((sh for sh in shdrs if sh[1] == SHT_SYMTAB), None)
    out = [(0, 0, 0, 0, 0, 0)]
    strtab = bytearray(b"\0")
    if tab is not None:
        if tab[6] >= len(shdrs) or shdrs[tab[6]][1] != SHT_STRTAB:
            raise error("corrupt .symtab: sh_link is not a string table")
        st = shdrs[tab[6]]
        names = bytes(view[st[4]:st[4] + st[5]])
        data = bytes(view[tab[4]:tab[4] + tab[5] - tab[5] % SYM.size])
        for i, (nm, info, other, shndx, value, size) in enumerate(SYM.iter_unpack(data)):
            if i < tab[7] or info >> 4 == STB_LOCAL or info & 0xf in (STT_SECTION, STT_FILE, STT_TLS):
                continue
            if shndx == SHN_UNDEF and undefined:
                pass
            elif shndx in (SHN_UNDEF, SHN_COMMON) or shndx == SHN_XINDEX:
                continue
            if shndx != SHN_ABS and SHN_LORESERVE <= shndx:
                continue
            if e_type == ET_REL and shndx not in (SHN_ABS, SHN_UNDEF):
                if shndx >= len(shdrs):
                    raise error(f"symbol {i} has bad section index {shndx}")
                value += shdrs[shndx][3]
            end = names.find(b"\0", nm)
            if nm >= len(names) or end < 0:
                raise error(f"corrupt .symtab: symbol {i}'s name is outside .strtab")
            if names[nm:end].decode("utf-8", "surrogateescape") in skip:
                continue
            out.append((len(strtab), info, other, SHN_ABS if shndx else SHN_UNDEF, value if shndx else 0,
                        size if shndx else 0))
            strtab += names[nm:end + 1]
    shstr = b"\0.symtab\0.strtab\0.shstrtab\0"
    symdata = b"".join(SYM.pack(*s) for s in out)
    off_sym = EHDR.size
    off_str = off_sym + len(symdata)
    off_shstr = off_str + len(strtab)
    shoff = (off_shstr + len(shstr) + 7) & -8
    buf = bytearray(shoff + 4 * SHDR.size)
    buf[off_sym:off_str] = symdata
    buf[off_str:off_shstr] = strtab
    buf[off_shstr:off_shstr + len(shstr)] = shstr
    heads = [(0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
             (1, SHT_SYMTAB, 0, 0, off_sym, len(symdata), 2, 1, 8, 24),
             (9, SHT_STRTAB, 0, 0, off_str, len(strtab), 0, 0, 1, 0),
             (17, SHT_STRTAB, 0, 0, off_shstr, len(shstr), 0, 0, 1, 0)]
    for i, h in enumerate(heads):
        SHDR.pack_into(buf, shoff + i * SHDR.size, *h)
    EHDR.pack_into(buf, 0, b"\x7fELF\x02\x01\x01" + bytes(9), ET_REL, target.e_machine, 1, 0, 0, shoff, 0,
                   EHDR.size, 0, 0, SHDR.size, 4, 3)
    obj = ObjectFile(path, memoryview(bytes(buf)), order=order, target=target)
    obj.just_syms = True
    obj.synthetic = True            # no part in .note.gnu.property merging, as in bfd
    obj.has_gnu_stack = True        # nor in the executable-stack check
    return obj
