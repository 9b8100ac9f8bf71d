"""`.gnu.warning.SYM` sections: GNU ld prints their text when the link references SYM.

glibc's libc.a uses them for calls that do not work in static programs (dlopen, getpwnam, …);
users put them next to deprecated functions.  bfd reports each warned symbol once, at the first
relocation against it in link order (input files, then their sections in order), in the same
`FILE: in function `F':` / `SRC:(SECTION+0xOFF): warning: TEXT` format as its undefined-reference
errors; the output is compared with bfd's by the test suite, so the format is kept exactly.
"""
from __future__ import annotations

from . import diag
from .elf import SHF_ALLOC


def report(ctx) -> None:
    texts: dict[int, str] = {}
    for obj in ctx.objs:
        for name, text in obj.warnings.items():
            s = ctx.symtab.get(name)
            if s is not None and id(s) not in texts:
                texts[id(s)] = text
    if not texts:
        return
    for obj in ctx.objs:
        syms = obj.syms
        first = obj.first_global
        if not any(s is not None and id(s) in texts for s in syms[first:]):
            continue
        for sec in obj.sections:
            if sec is None or not sec.alive or not sec.rel_size or not sec.flags & SHF_ALLOC:
                continue
            for off, info, _a in sec.relocs:
                idx = info >> 32
                if idx < first or idx >= len(syms):
                    continue
                s = syms[idx]
                if s is None or id(s) not in texts:
                    continue
                diag.warn(f"{where(obj, sec, off)}: warning: {texts.pop(id(s))}", located=True)
                if not texts:
                    return


_last_func = None       # (object, function) named by the last located message, as bfd's %C keeps it


def where(obj, sec, off) -> str:
    """bfd's `%C` for a place in an input section: `FILE: in function `F':` (only when the function
    differs from the previous located message's) and `SRC:(SECTION+0xOFF)`; without an enclosing
    function, `FILE:(SECTION+0xOFF)`."""
    global _last_func
    fn, src = locate(obj, sec, off)
    if fn is None:
        _last_func = None
        return f"{obj.name}:({sec.name}+0x{off:x})"
    loc = f"{src or obj.name}:({sec.name}+0x{off:x})"
    if _last_func == (obj, fn):
        return loc
    _last_func = (obj, fn)
    return f"{obj.name}: in function `{diag.demangle(fn)}':\n{loc}"


def forget_function() -> None:
    """A message that names no function (bfd's `%D`): the next located one names its function again."""
    global _last_func
    _last_func = None


def first_reference(obj, name: str):
    """(section, offset) of the first relocation in `obj` against a global symbol called `name`
    (bfd's search for the place to show with a library's .gnu.warning), or None."""
    syms = obj.syms
    first = obj.first_global
    idxs = {i for i in range(first, len(syms)) if syms[i] is not None and obj.sym_names[i].split("@")[0] == name}
    if not idxs:
        return None
    for sec in obj.sections:
        if sec is None or not sec.rel_size:
            continue
        for off, info, _a in sec.relocs:
            if info >> 32 in idxs:
                return sec, off
    return None


FUNC_TYPES = (0, 2, 10)            # what bfd's "in function" considers: NOTYPE FUNC GNU_IFUNC


def locate(obj, sec, off, types=FUNC_TYPES) -> tuple[str | None, str | None]:
    """The function symbol containing sec+off and the STT_FILE name in force before it."""
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
        if v <= off and (off < v + sz or sz == 0) and obj.sym_names[i]:
            if best is None or v > best[0]:
                best = (v, obj.sym_names[i], src)
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


def report_dso(ctx, so, s, text) -> None:
    """bfd, reading a library with `.gnu.warning.SYM` while SYM is still undefined: the warning at the
    first relocation against SYM in the file that referenced it first (else in any input that
    references it), or naming only that file."""
    first = s.ref_file
    cands = ([first] if first is not None and not first.is_shared else []) + \
        [o for o in ctx.objs if o is not first]
    for obj in cands:
        hit = first_reference(obj, s.name)
        if hit is not None:
            diag.warn(f"{where(obj, hit[0], hit[1])}: warning: {text}", located=True)
            return
    diag.warn(f"{(first or so).name}: warning: {text}", located=True)
