"""The per-symbol loops of reading inputs, compiled with mypyc (tools/build_mypyc.py): binding an
object's global symbols to the symbol table (resolve.Reader.add_object) and finding the archive
members the index says are needed (resolve.Reader.scan_archive).

They run once per symbol of every object and once per archive index entry on every (re)scan, and
touch the compiled Symbol's attributes on every step: from interpreted code each such access goes
through a descriptor, here it is a native field.  The rare paths (symbol versions, --wrap, TLS
mismatches, common-symbol diagnostics, duplicates) stay plain calls into the same code as before.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # (no `typing` at run time: see symbols.py)
    from typing import Any, Final

from . import diag
from .symbols import Symbol, NONE, SHARED, COMMON, WEAK, STRONG, NEEDS_DYNSYM

SHN_UNDEF: Final = 0
SHN_LORESERVE: Final = 0xff00
SHN_ABS: Final = 0xfff1
SHN_COMMON: Final = 0xfff2
SHN_XINDEX: Final = 0xffff
STB_LOCAL: Final = 0
STB_WEAK: Final = 2
STB_GNU_UNIQUE: Final = 10
STT_FUNC: Final = 2
STT_TLS: Final = 6
STT_GNU_IFUNC: Final = 10
STV_INTERNAL: Final = 1
STV_HIDDEN: Final = 2
MAX_ALIGN: Final = 1 << 32        # (inputs/object.py: larger is corruption)
MAX_SIZE: Final = 1 << 47


def bind_globals(r: Any, obj: Any, symtab: dict[str, Symbol], no_export: bool) -> list[Symbol | None]:
    """Enter obj's global symbols into `symtab` with GNU ld's precedence (see resolve.Reader.add_object,
    which handles COMDAT groups and warnings around it); returns obj.syms (None for locals).
    `r` is the Reader: its wraps, library definitions not yet interned (dso_defs) and its count of
    new undefined symbols (undefs_seq)."""
    esyms: list[tuple[int, int, int, int, int, int]] = obj.esyms
    names: list[str] = obj.sym_names
    secs: list[Any] = obj.sections
    nsecs = len(secs)
    n = len(esyms)
    fg: int = obj.first_global
    syms: list[Symbol | None] = [None] * n
    wraps: set[str] = r.wraps
    lazy: dict[str, Any] = r.dso_defs
    dso_undefs: set[str] = r.ctx.dso_undefs
    cfg: Any = r.cfg
    lcommon: int = r.ctx.target.large_common_shndx    # (0: the target has no large commons)
    sto_mask: int = r.ctx.target.sto_flags_mask
    large = False
    new_undefs = 0
    is_ir = bool(getattr(obj, "is_ir", False))
    excluded: tuple = getattr(obj, "excluded_alloc", ())
    i = fg
    while i < n:
        e = esyms[i]
        info: int = e[1]
        bind = info >> 4
        if bind == STB_LOCAL:
            i += 1
            continue
        other: int = e[2]
        shndx: int = e[3]
        value: int = e[4]
        size: int = e[5]
        name = names[i]
        if excluded and _in_excluded(excluded, shndx):
            shndx = SHN_UNDEF       # (bfd: a definition in a dropped SHF_EXCLUDE section is undefined)
        if wraps:
            if shndx == SHN_UNDEF and name in wraps:
                name = "__wrap_" + name
            elif shndx == SHN_UNDEF and name.startswith("__real_") and name[7:] in wraps:
                name = name[7:]
        ver: Any = None
        if "@" in name:
            name, ver = split_symver(name, shndx != SHN_UNDEF, cfg.relocatable)
            r.ctx.has_symver = True
        s = symtab.get(name)
        if s is None:
            s = Symbol(name)
            symtab[name] = s
            if ver is None and "@" in name:
                r.versioned_ref(s)
            elif lazy:
                d = lazy.get(name)
                if d is not None:
                    so = d[0]
                    define_shared(s, so, so.row(d[1]))
            if name in dso_undefs:
                s.ref_dynamic = True
        syms[i] = s
        if ((info & 0xf) == STT_TLS) != (s.type == STT_TLS) and (s.rank != NONE or s.ref_file is not None) \
                and not _ir_involved(s, obj):
            _tls_mismatch(s, obj, shndx != SHN_UNDEF, secs, shndx)
        vis = other & 3
        if other & sto_mask:
            s.sto_flags |= other & sto_mask     # (bfd: whatever occurrence has them, a reference too)
        if no_export and shndx != SHN_UNDEF and vis != STV_INTERNAL and \
                not (shndx < nsecs and secs[shndx] is None and shndx < SHN_LORESERVE):
            vis = STV_HIDDEN     # --exclude-libs: bfd hides what the member defines (not a discarded copy)
        if vis:
            s.visibility = vis_merge(s.visibility, vis)
            if other & 3 == STV_HIDDEN or other & 3 == STV_INTERNAL:
                s.obj_hidden = True
        i += 1
        if shndx == SHN_UNDEF:
            s.ref_ir_only = is_ir and (s.ref_ir_only or not s.ref_regular)
            s.ref_regular = True
            if bind != STB_WEAK:
                if not s.ref_strong and s.rank == NONE and not s.ref_dynamic:
                    new_undefs += 1         # new to bfd's list of undefined symbols
                s.ref_strong = True
            if s.ref_file is None:
                s.ref_file = obj
            if s.rank == NONE and not s.type:
                s.type = info & 0xf
            continue
        sec: Any = None
        if shndx == SHN_COMMON or (shndx == lcommon and lcommon):
            rank = COMMON
            large = shndx != SHN_COMMON
            if large:
                r.ctx.large_common_seen = True
            if value > MAX_ALIGN or size > MAX_SIZE:
                raise obj.error(f"common symbol {name}: size 0x{size:x} or alignment 0x{value:x} "
                                f"is too large")
        elif shndx == SHN_ABS:
            rank = WEAK if bind == STB_WEAK else STRONG
        elif SHN_LORESERVE <= shndx <= 0xffff:     # (extended indices are resolved by the reader)
            if shndx == SHN_XINDEX:
                raise obj.error(f"symbol {diag.demangle(name)} has st_shndx SHN_XINDEX but the object "
                                "has no SHT_SYMTAB_SHNDX section")
            continue
        else:
            if shndx >= nsecs:
                raise obj.error(f"symbol {diag.demangle(name)} has bad section index {shndx}")
            sec = secs[shndx]
            if sec is None:
                # defined in a discarded COMDAT member: acts as a reference to the kept copy
                s.ref_regular = True
                if s.ref_file is None:
                    s.ref_file = obj
                continue
            rank = WEAK if bind == STB_WEAK else STRONG
        s.ref_regular = True
        cur = s.rank
        if rank > cur or (cur == SHARED and rank >= COMMON):
            if cur == COMMON and rank == WEAK:
                continue
            if cur == SHARED and rank == COMMON and library_beats_common(s.file, (None, s.value, s.size, s.type,
                                                                                 s.bind), True):
                continue
            if cur == SHARED:
                lib = (s.type, s.size, s.verneed, s.bind)
                lib_file: Any = s.file
                lib_value: int = s.value
                if lib[2] is not None and types_conflict(info & 0xf, lib[0]):
                    r.library_def_ignored(s)    # (bfd undoes the versioned library's dynamic state)
                else:
                    s.def_dynamic = True
                    if not s.obj_hidden:
                        s.dyn_tried = True
            if cur == COMMON:
                _common_overridden(cfg, s, obj, sec, value, size)
            define(s, obj, sec, value, size, info, bind, shndx, rank)
            s.dyn_version = ver
            if cur == SHARED and rank != COMMON:
                _after_library_def(s, obj, lib)
            if rank == COMMON:
                s.common_align = value
                s.large_common = large
                if cur == SHARED:
                    common_meets_library(s, lib_file, (None, lib_value, lib[1], lib[0], lib[3]), True)
        elif rank == cur:
            if rank == STRONG:
                if bind == STB_GNU_UNIQUE or s.bind == STB_GNU_UNIQUE or cfg.z_muldefs:
                    continue
                if (obj.just_syms or getattr(s.file, "just_syms", False)) and \
                        not cfg.disable_multiple_abs_defs:
                    continue        # bfd: no multiple definition with a --just-symbols one
                if s.file is obj and (ver is None) == (s.dyn_version is None) and \
                        (ver is None or s.section is sec and s.value == value):
                    continue        # (one name twice in an object; plain foo beside its own foo@@V
                    #                  is bfd's "multiple definition of foo" even at one place)
                diag.error(f"duplicate symbol: {diag.demangle(name)}\n>>> defined at {s.file.name}\n"
                           f">>> defined at {obj.name}")
            elif rank == COMMON:
                if _ir_common_dropped(s, obj):
                    # bfd (plugin_notice): a regular object's common declaration drops an IR one, so
                    # this one is the symbol's whole (the plugin is told so: RESOLVED_EXEC); the
                    # IR's was a normal common, which made a large one normal first
                    define(s, obj, sec, value, size, info, bind, shndx, rank)
                    s.dyn_version = ver
                    s.common_align = value
                    s.large_common = False
                    continue
                if cfg.warn_common:
                    _multiple_common(s, obj, size)
                if size > s.size:
                    s.size = size
                    s.file = obj
                if value > s.common_align:
                    s.common_align = value
                if not large:
                    s.large_common = False     # (bfd: a normal common declaration makes it one)
        elif rank == COMMON and cur == WEAK and s.file is not None and not s.file.is_shared:
            # bfd: a common symbol takes the place of a weak definition, whichever comes first
            define(s, obj, sec, value, size, info, bind, shndx, rank)
            s.dyn_version = ver
            s.common_align = value
            s.large_common = large
        elif rank == COMMON and cur == STRONG and s.file is not None and not s.file.is_shared:
            _common_ignored(cfg, s, obj, value)
    if new_undefs:
        r.undefs_seq += new_undefs
    return syms


def scan_index(r: Any, ar: Any, symtab: dict[str, Symbol], sdef: set[str]) -> bool:
    """resolve.Reader.scan_archive: load the members whose index entries name a symbol that is
    referenced (non-weakly) and undefined at that point, or only COMMON so far and really defined by
    the member; again while a pass loaded anything.  True if any member was loaded.

    Each pass walks the index in order: a name no object mentions costs one dict look-up, and an
    entry whose member is loaded is done with for good (its name becomes None), so the passes a big
    archive needs (openssl's libcrypto: most of its members) do not look up what is already in.  The
    offset stays a boxed int: unboxing it only to box it again (for `loaded`) cost more than the
    look-up."""
    names: list[str | None] = ar.names
    offsets: tuple = ar.offsets
    loaded: dict[object, Any] = ar.loaded
    n = len(names)
    loaded_any = False
    # a linked library's non-weak unversioned reference that nothing defines yet loads a member too:
    # bfd enters a library's undefined symbols in its hash table (a versioned one as name@V)
    dso_refs: set[str] = r.dso_plain_refs
    lazy: dict[str, Any] = r.dso_defs
    while True:
        progress = False
        for i in range(n):
            name = names[i]
            if name is None:
                continue
            s = symtab.get(name)
            if s is None:
                if not dso_refs or name not in dso_refs or name in lazy or name in sdef:
                    continue
                s = Symbol(name)
                symtab[name] = s
                s.ref_dynamic = True
            off = offsets[i]
            if off in loaded:
                names[i] = None
                continue
            if s.linker_defined or name in sdef:
                continue
            rank = s.rank
            if (rank == NONE and (s.ref_strong or (s.ref_dynamic and name in dso_refs))) or \
                    (rank == COMMON and r._member_defines(ar, off, name)):
                r.load_member(ar, off, s)
                progress = True
        if not progress:
            return loaded_any
        loaded_any = True


def bind_shared(so: Any, symtab: dict[str, Symbol], lazy: dict[str, Any]) -> list[Symbol]:
    """resolve.Reader.add_shared's walk over a library's definitions (libc.so.6: ~3000 on every
    dynamic link): a name the link has a symbol for binds now, the others wait in `lazy` (the
    reader's dso_defs) as (library, row), the first library's definition of a name winning.
    Returns the regular definitions whose type conflicts with the library's (merge_library_def)."""
    names: list[str] = so.def_names
    hidden: bytes = so.def_hidden
    ignored: list[Symbol] = []
    i = -1
    for name in names:
        i += 1
        if hidden[i]:         # VERSYM_HIDDEN: a non-default version binds no plain name
            continue
        s = symtab.get(name)
        if s is None:
            if name not in lazy:
                lazy[name] = (so, i)
            continue
        rank = s.rank
        if rank < SHARED:
            define_shared(s, so, so.row(i))
        elif rank > SHARED:
            if rank == COMMON and library_beats_common(so, so.row(i), False):
                define_shared(s, so, so.row(i))
                continue
            if not merge_library_def(s, so.row(i)):
                ignored.append(s)
                continue
            if rank == COMMON:
                common_meets_library(s, so, so.row(i), False)
            s.def_dynamic = True
            if not s.obj_hidden:
                s.dyn_tried = True
            elif so.is_alive:
                s.dso_def_after = True
    return ignored


def types_conflict(a: int, b: int) -> bool:
    """bfd (_bfd_elf_merge_symbol): two definitions whose types differ, neither untyped, not both
    functions (STT_FUNC/STT_GNU_IFUNC), e.g. a program's `int index;` and libc's index()."""
    return a != b and a != 0 and b != 0 and not ((a == 2 or a == 10) and (b == 2 or b == 10))


def merge_library_def(s: Symbol, d: Any) -> bool:
    """A library's definition `d` (a SharedFile row) met the regular definition `s` read before it;
    False if bfd ignores it: when the types conflict: `s` then is not exported for it (a program's data object
    named like a libc function must not preempt the function for the other libraries). Otherwise a
    library that is not versioned fills what the object left unsaid: an untyped definition takes its
    type (IFUNC as FUNC), one of size 0 its size (musl's crti.o `_init`: FUNC 1 from libc.so's), as
    in bfd, when `s` has default visibility and is not common."""
    t: int = d[3]
    if types_conflict(s.type, t):
        return False
    if d[6] is None and s.visibility == 0 and s.rank != COMMON:
        if s.type == 0 and t != STT_TLS:
            s.type = 2 if t == 10 else t
        if s.size == 0:
            s.size = d[2]
    return True


def library_beats_common(so: Any, d: Any, lib_first: bool) -> bool:
    """Does a library's definition `d` (a row: value, size, type, binding) take the place of a regular
    object's common symbol? bfd: yes for a data definition that is not itself a common symbol the
    library allocated (in initialised data, or of size 0): a common symbol is only a tentative
    definition (the generic linker's "common overridden by definition"), and the program then
    imports the library's (a copy relocation). Not a function's, and not a weak one read after the
    common (read before it, bfd keeps even a weak one)."""
    t: int = d[3]
    if t == STT_FUNC or t == STT_GNU_IFUNC or (d[4] == STB_WEAK and not lib_first):
        return False
    return not (d[2] > 0 and so.nobits_align(d[1]))


def common_meets_library(s: Symbol, so: Any, d: Any, lib_first: bool) -> None:
    """A common symbol `s` of a regular object and a library's definition `d` (a row: value, size,
    type, binding) that looks like a common symbol the library allocated: in an allocated NOBITS
    section, of non-zero size, not a function (and, read after the common, not weak). bfd keeps the
    symbol common with the larger of the two sizes and alignments (the library's section's), so the
    program's copy is as large as the library expects (_bfd_elf_merge_symbol)."""
    t: int = d[3]
    if d[2] <= 0 or t == STT_FUNC or t == STT_GNU_IFUNC or (not lib_first and d[4] == STB_WEAK):
        return
    align: int = so.nobits_align(d[1])
    if not align:
        return
    if d[2] > s.size:
        s.size = d[2]
    if align > s.common_align:
        s.common_align = align


def _after_library_def(s: Symbol, obj: Any, lib: tuple) -> None:
    """An object's definition replaced a library's (lib: its type, size, version, binding). bfd keeps
    an unversioned library's type for an untyped definition and its size for one of size 0 (not when
    the symbol has a non-default visibility: bfd then drops what the library said), and warns about
    a conflicting type unless the library's definition was weak."""
    ltype: int = lib[0]
    if lib[2] is not None or s.visibility != 0:
        return
    if s.type == 0:
        if ltype != STT_TLS:
            s.type = 2 if ltype == 10 else ltype
    elif types_conflict(s.type, ltype) and lib[3] != STB_WEAK:
        diag.warn(f"type of symbol `{s.name}' changed from {2 if ltype == 10 else ltype} to {s.type} "
                  f"in {obj.name}", from_bfd=True)
    if s.size == 0:
        s.size = lib[1]


def first_needed(so: Any, symtab: dict[str, Symbol], cmdline_refs: Any = None, objs: Any = None) -> Any:
    """resolve.Reader.try_as_needed: the (symbol, definition) of the first definition of an
    --as-needed library that a regular object needs, or None (the library is then dropped).
    cmdline_refs: the names -u/--undefined/--require-defined/EXTERN reference; such a reference does
    not make a library needed in bfd (its undefined symbol has no regular reference), only an
    object's non-weak one does (checked in objs)."""
    names: list[str] = so.def_names
    hidden: bytes = so.def_hidden
    i = -1
    for name in names:
        i += 1
        if hidden[i]:
            continue
        s = symtab.get(name)
        if s is not None and s.rank == NONE and s.ref_strong and s.ref_regular:
            if cmdline_refs and name in cmdline_refs and not _object_strong_ref(s, objs):
                continue
            if s.ref_ir_only and so.columns()[5][i] & 0x7fff > 1:
                # bfd: references made only by the plugin's IR do not make a library needed for a
                # versioned definition (libstdc++'s __gxx_personality_v0@@CXXABI_1.3, which the
                # compiled code may no longer use); the rescan after LTO decides on the objects' own
                continue
            return s, so.row(i)
    return None


def _object_strong_ref(s: Symbol, objs: list[Any]) -> bool:
    """Does a regular object make a non-weak undefined reference to s?"""
    if s.ref_file is None:
        return False
    for o in objs:
        syms: list = o.syms
        esyms: list = o.esyms
        i = o.first_global
        n = min(len(syms), len(esyms))
        while i < n:
            if syms[i] is s:
                e = esyms[i]
                if e[3] == SHN_UNDEF and e[1] >> 4 != STB_WEAK:
                    return True
            i += 1
    return False


def library_defs(libs: list[Any], names: set[str]) -> dict[str, list[tuple]]:
    """dsocheck.check_shlib_undefined: {name: [(version, hidden, library), ...]} of the libraries'
    definitions of `names`, in library order (a walk over every definition of libc.so.6 and the
    others on each dynamic link)."""
    found: dict[str, list[tuple]] = {}
    for so in libs:
        dnames: list[str] = so.def_names
        i = -1
        for name in dnames:
            i += 1
            if name in names:
                d = so.row(i)
                lst = found.get(name)
                if lst is None:
                    lst = found[name] = []
                lst.append((d[6], d[7], so))
    return found


def vis_merge(a: int, b: int) -> int:
    """The more constraining visibility (internal < hidden < protected < default)."""
    if a == 0:
        return b
    if b == 0:
        return a
    return min(a, b)


def _in_excluded(excluded: tuple, shndx: int) -> bool:
    for k, _name in excluded:
        if k == shndx:
            return True
    return False


def split_symver(name: str, defined: bool, relocatable: bool = False) -> tuple[str, Any]:
    """A .symver name from an object: a default-version definition `foo@@V` (or `foo@@@V`) is the
    definition of plain `foo`; a hidden one `foo@V` stays a symbol of its own, and so does any versioned
    reference (it binds only to that version). In a -r link bfd makes no default-version alias:
    `foo@@V` stays a name of its own, which references to `foo@V` reach and plain `foo` does not (it
    is keyed `foo@V` and written back as `foo@@V`). Returns (symbol table key, (version, hidden) or
    None)."""
    base, _, ver = name.partition("@")
    default = ver.startswith("@")
    ver = ver.lstrip("@")
    if not defined:
        return base + "@" + ver, None
    if default:
        if relocatable:
            return base + "@" + ver, (ver, False)
        return base, (ver, False)
    return name, (ver, True)


def define_shared(s: Symbol, so: Any, d: Any) -> None:
    """Make `s` the library definition `d` (a SharedFile.defs entry)."""
    define(s, so, None, d[1], d[2], d[3], d[4], d[5], SHARED)
    s.verneed = d[6]
    s.sto_flags |= d[9]


def _ir_common_dropped(s: Symbol, obj: Any) -> bool:
    """Does regular object obj's common declaration take symbol s over from an IR common?"""
    return bool(getattr(s.file, "is_ir", False)) and not getattr(obj, "is_ir", False)


def define(s: Symbol, file: Any, sec: Any, value: int, size: int, info: int, bind: int, shndx: int,
           rank: int) -> None:
    """Make `s` the definition in `file` (an object, or a library with rank SHARED)."""
    s.rank = rank
    s.file = file
    s.section = sec
    s.value = value
    s.size = size
    t = info & 0xf
    s.type = t
    s.bind = bind
    s.is_abs = shndx == SHN_ABS
    s.verneed = None


def _multiple_common(s: Symbol, obj: Any, size: int) -> None:
    """--warn-common, two common symbols (bfd's wording for each case)."""
    name = diag.demangle(s.name)
    if size == s.size:
        diag.warn(f"{obj.name} and {s.file.name}: warning: multiple common of `{name}'", located=True)
    elif size > s.size:
        diag.warn(f"{obj.name}: warning: common of `{name}' overriding smaller common from {s.file.name}",
                  located=True)
    else:
        diag.warn(f"{obj.name}: warning: common of `{name}' overridden by larger common from {s.file.name}",
                  located=True)


def _def_align(sec: Any, value: int) -> int:
    """The alignment bfd credits a definition with: its section's, or less if its offset says so."""
    a: int = sec.align if sec is not None else 1 << 62
    if value:
        a = min(a, value & -value)
    return a


def _common_overridden(cfg: Any, s: Symbol, obj: Any, sec: Any, value: int, size: int) -> None:
    """A definition in `obj` replaces the common symbol `s`: --warn-common's warning, and bfd's
    unconditional ones when the definition is less aligned or of another size than the common."""
    name = diag.demangle(s.name)
    if cfg.warn_common:
        diag.warn(f"{obj.name}: warning: definition of `{name}' overriding common from {s.file.name}",
                  located=True)
    if sec is not None:
        a = _def_align(sec, value)
        if a < s.common_align:
            diag.warn(f"alignment {a} of symbol `{name}' in {obj.name} is smaller than {s.common_align} in "
                      f"{s.file.name}", from_bfd=True)
    if size and s.size and size != s.size:
        diag.warn(f"size of symbol `{name}' changed from {s.size} in {s.file.name} to {size} in {obj.name}",
                  from_bfd=True)


def _common_ignored(cfg: Any, s: Symbol, obj: Any, align: int) -> None:
    """A common symbol in `obj` after the definition `s`: the definition stays."""
    name = diag.demangle(s.name)
    if cfg.warn_common:
        diag.warn(f"{obj.name}: warning: common of `{name}' overridden by definition from {s.file.name}",
                  located=True)
    if s.section is not None:
        a = _def_align(s.section, s.value)
        if a < align:
            diag.warn(f"alignment {a} of symbol `{name}' in {s.file.name} is smaller than {align} in {obj.name}",
                      from_bfd=True)


def _ir_involved(s: Symbol, obj: Any) -> bool:
    """An LTO IR file's symbols carry no type: no TLS mismatch can be judged against them."""
    return bool(getattr(obj, "is_ir", False) or getattr(s.file if s.rank != NONE else s.ref_file, "is_ir", False))


def _tls_mismatch(s: Symbol, obj: Any, is_def: bool, secs: list[Any], shndx: int) -> None:
    """bfd refuses a symbol that one input uses as thread-local and another as ordinary data."""
    new_sec = secs[shndx] if is_def and 0 < shndx < len(secs) else None
    new = _where(obj, is_def, new_sec)
    if s.rank != NONE:
        old = _where(s.file, True, s.section if s.rank != SHARED else None)
    else:
        old = _where(s.ref_file, False, None)
    tls, other = (new, old) if s.type != STT_TLS else (old, new)
    diag.error(f"{diag.demangle(s.name)}: TLS {tls} mismatches non-TLS {other}")


def _where(file: Any, defined: bool, sec: Any) -> str:
    what = "definition" if defined else "reference"
    return f"{what} in {file.name}" + (f" section {sec.name}" if sec is not None else "")


def mark_exports(symtab: dict[str, Symbol], everything: bool) -> None:
    """passes.mark_exports' walk over every symbol (compiled: the cheap tests first, the defining
    file's kind, an interpreted object's attribute, read only for the candidates).  `everything`:
    -shared or --export-dynamic."""
    s: Symbol
    for s in symtab.values():
        if s.rank < COMMON:
            continue
        # bfd: a regular definition is dynamic when a shared library refers to the name or
        # defines it too (so the library's own references bind to ours: interposition,
        # STB_GNU_UNIQUE objects, template instances also present in libstdc++.so)
        if not (everything or s.ref_dynamic or s.def_dynamic):
            continue
        if s.visibility == STV_HIDDEN or s.visibility == STV_INTERNAL:
            continue
        f = s.file
        if f is None or f.is_shared:
            continue
        s.export = True


def undefined_and_bounds(symtab: dict[str, Symbol]) -> tuple[list[tuple[str, Symbol]], list[Symbol]]:
    """passes.resolve_symbols' walk: (the undefined symbols with their names, the library-defined
    __start_/__stop_ symbols the objects refer to) out of every symbol of the link (compiled: the
    interpreted loop read each symbol's rank; few are undefined)."""
    undef: list[tuple[str, Symbol]] = []
    bounds: list[Symbol] = []
    s: Symbol
    for name, s in symtab.items():
        r = s.rank
        if r == NONE:
            undef.append((name, s))
        elif r == SHARED and s.ref_regular and (name.startswith("__start_") or name.startswith("__stop_")):
            bounds.append(s)
    return undef, bounds


def dynsym_choice(needs_syms: list[Symbol], symtab: dict[str, Symbol], gc: bool,
                  shared: bool, static_pie: bool, export_dynamic: bool, exported: set[str]) -> list[Symbol]:
    """passes.finalize_dynamic's choice of .dynsym's symbols, in order: those the scan needs there,
    then (in symbol table order) imports the objects use, exported definitions, a shared object's
    undefined references, referenced __start_/__stop_ bounds, and the default script's exported
    symbols under --export-dynamic.  (Compiled: it walks every symbol of the link.)"""
    chosen: list[Symbol] = []
    seen: set[Symbol] = set()
    s: Symbol
    for s in needs_syms:
        if s.needs & NEEDS_DYNSYM and s.bind != STB_LOCAL and s not in seen:
            seen.add(s)
            chosen.append(s)
    for s in symtab.values():
        if s in seen:
            continue
        r = s.rank
        if r == SHARED and s.ref_regular and (s.used_in_reloc or not gc):
            pass
        elif s.export and r >= COMMON:
            pass
        elif (r == NONE and s.ref_regular and not s.linker_defined and shared and not static_pie
              and s.visibility == 0 and s.ref_file is not None
              and (s.used_in_reloc or not gc)):      # (ref_file None: only a -u name)
            pass
        elif s.linker_defined and (s.name.startswith("__start_") or s.name.startswith("__stop_")) and \
                not s.hidden_local and (shared or (s.ref_dynamic or export_dynamic or s.export) and s.visibility != STV_HIDDEN
                 and s.visibility != STV_INTERNAL):
            pass        # (s.export: named by an executable's --dynamic-list, version.apply_dynamic_list;
                        # an executable's hidden one stays local also when a library exports the name)
        elif s.linker_defined and s.name in exported and (export_dynamic or s.export) and not shared \
                and not s.hidden_local and s.visibility != STV_HIDDEN and s.visibility != STV_INTERNAL:
            pass        # (not one an object refers to as hidden: bfd keeps that local)
        elif s.linker_defined and s.name in exported and s.ref_dynamic and not s.hidden_local:
            pass        # (a library's definition that bfd's default script redefined: passes._own_script_syms)
        elif shared and s.linker_defined and s.export and not s.hidden_local:
            pass        # (the -shared script's PROVIDEd symbols the library refers to)
        else:
            continue
        seen.add(s)
        chosen.append(s)
    return chosen
