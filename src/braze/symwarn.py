"""`.gnu.warning.SYM` sections: GNU ld prints their text when the link references SYM.

glibc's libc.a uses them for calls that do not work in static programs (dlopen, getpwnam, …),
libc.so.6 for dangerous ones (gets, tmpnam, mktemp); users put them next to deprecated functions.
bfd reports each warned symbol once, while the inputs are read (resolve.Reader._symbol_warnings):
when the file with the section is read if SYM is referenced by then, else at the first reference.
The place shown is the first relocation against SYM in each section of the referencing file, in
the same `FILE: in function `F':` / `SRC:(SECTION+0xOFF): warning: TEXT` format as bfd's other
located messages; the test suite compares the output with bfd's, so the format is kept exactly.
"""
from __future__ import annotations

from . import diag


_last_func = None       # (object, file, function) of the last located message, as bfd's %C keeps it


def _place(obj, sec, off, src):
    """(file name or None, `FILE:LINE` or `SRC:(SECTION+0xOFF)`): with line information when the
    object has a DWARF line table covering the place (gcc -g), as bfd prints it."""
    from .dwarfline import lookup
    hit = lookup(obj, sec, off)
    if hit is not None:
        return hit[0], f"{hit[0]}:{hit[1]}"
    if src is None:
        return None, f"({sec.name}+0x{off:x})"      # (bfd: a function found, but no STT_FILE before it)
    return src, f"{src or obj.name}:({sec.name}+0x{off:x})"


def where(obj, sec, off) -> str:
    """bfd's `%C` for a place in an input section: `FILE: in function `F':` (only when the function
    or source file differs from the previous located message's) and the place; without an
    enclosing function, `FILE:(SECTION+0xOFF)`."""
    global _last_func
    fn, src = locate(obj, sec, off)
    fn = _dwarf_function(obj, sec, off, fn)
    if fn is None:
        _last_func = None
        return f"{obj.name}:({sec.name}+0x{off:x})"
    fname, loc = _place(obj, sec, off, src)
    if _last_func == (obj, fname, fn):
        return loc
    _last_func = (obj, fname, fn)
    return f"{obj.name}: in function `{diag.demangle(fn)}':\n{loc}"


def _dwarf_function(obj, sec, off, fn):
    """bfd asks the DWARF first: the innermost function (an inlined one too) with a linkage name
    (a plain DW_AT_name in C) is the one named; without one, the symbol table's `fn`, else the
    DWARF name."""
    if getattr(obj, "is_shared", False):
        return fn
    from .dwarffunc import lookup
    hit = lookup(obj, sec, off)
    if hit is not None and (hit[1] or fn is None):
        return hit[0]
    return fn


def where_no_function(obj, sec, off) -> str:
    """bfd's `%D`: `FILE:` and the place, no function; the next `%C` names its function again."""
    global _last_func
    _last_func = None
    src = locate(obj, sec, off)[1]
    fname, loc = _place(obj, sec, off, src)
    if fname is None:
        return f"{obj.name}:({sec.name}+0x{off:x})"
    return f"{obj.name}:{loc}"


def references(obj, name: str) -> list:
    """[(section, offset)] of the first relocation in `obj` against a symbol called `name` (bfd's
    search for where to show a .gnu.warning), or []."""
    names = obj.sym_names
    idxs = {i for i in range(obj.first_global, len(obj.esyms)) if names[i] == name}
    if not idxs:
        return []
    out = []
    for sec in obj.sections:
        if sec is None or not sec.rel_size:
            continue
        for off, info, _a in sec.relocs:
            if info >> 32 in idxs:
                return [(sec, off)]
    return out


def report_symbol_warning(ctx, first, warner, name: str, text: str) -> None:
    """Print a .gnu.warning.SYM text as bfd does: at the references in `first` (the file that
    referenced SYM first, or its definer), else in the first input that references SYM, else
    naming `first`."""
    seen = set()
    for obj in [first, *ctx.objs]:
        if obj is None or obj.is_shared or id(obj) in seen or getattr(obj, "is_ir", False):
            continue            # (an LTO IR file has no relocations)
        seen.add(id(obj))
        refs = references(obj, name)
        for sec, off in refs:
            diag.warn(f"{where(obj, sec, off)}: warning: {text}", located=True)
        if refs:
            return
    diag.warn(f"{(first or warner).name}: warning: {text}", located=True)


FUNC_TYPES = (0, 2, 10)            # what bfd's "in function" considers: NOTYPE FUNC GNU_IFUNC


def locate(obj, sec, off, types=FUNC_TYPES) -> tuple[str | None, str | None]:
    """The function symbol containing sec+off and the STT_FILE name in force before it."""
    # As bfd's _bfd_elf_find_function with its maybe_function_sym hook: a hidden local NOTYPE symbol
    # of size 0 (annobin's) is no function, nor a target's local mapping symbol (aarch64's $x/$d,
    # at the start of every code section: bfd names the function there); of symbols at one
    # address the larger wins (size 0 counting as 1), else the first.
    target = getattr(obj, "target", None)
    special = target.special_local_name if target is not None else None
    best = None
    src = None
    for i, e in enumerate(obj.esyms):
        t = e[1] & 0xf
        if t == 4:                                    # STT_FILE
            src = obj.sym_names[i]
            continue
        if t not in types:
            continue
        if obj.sym_shndx(i) != sec.shndx:
            continue
        v, sz = e[4], e[5]
        name = obj.sym_names[i]
        if e[1] >> 4 == 0 and (t == 0 and sz == 0 and e[2] & 3 == 2 or special is not None and special(name)):
            continue
        if v <= off and (off < v + sz or sz == 0) and name:
            if best is None or v > best[0] or v == best[0] and max(sz, 1) > best[3]:
                best = (v, name, src, max(sz, 1))
    if best is None:
        return None, None
    return best[1], best[2]


def dso_warning_texts(so) -> list[tuple[str, str]]:
    """(SYM, text) of a shared library's `.gnu.warning.SYM` sections, in section order (glibc's
    libc.so.6 has them for gets, tmpnam, mktemp…)."""
    from .elf import ET_DYN
    from .inputs.elfhdr import read_headers
    v = so.view
    _e, shdrs, shstrndx = read_headers(v, so.error, ET_DYN)
    if not 0 < shstrndx < len(shdrs):
        return []
    st = shdrs[shstrndx]
    names = bytes(v[st[4]:st[4] + st[5]])
    if b".gnu.warning." not in names:
        return []
    out = []
    for sh in shdrs:
        end = names.find(b"\0", sh[0])
        name = names[sh[0]:end]
        if name.startswith(b".gnu.warning.") and sh[1] != 8 and sh[4] + sh[5] <= len(v):   # not NOBITS
            text = bytes(v[sh[4]:sh[4] + sh[5]]).split(b"\0")[0]
            out.append((name[13:].decode("utf-8", "replace"), text.decode("utf-8", "replace")))
    return out
