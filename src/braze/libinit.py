"""The library-init entry and --lib-main (braze's own feature, see README "Library initialisation").

Go's linker, when it makes a shared library, points an .init_array slot at `_rt0_<arch>_<os>_lib` so
the dynamic loader starts the Go runtime as soon as the library is loaded. braze does the same for
any -shared link: the slot is FIRST in .init_array (before prioritized and plain constructors),
because the entry initialises a runtime the constructors may already rely on.

Both pieces are built as small relocatable objects generated here (ELF bytes parsed by the ordinary
ObjectFile reader), so binning, relocation scanning (an absolute pointer becomes RELATIVE in a PIC
output, calls go through the PLT) and --gc-sections treat them like any compiler output.
"""
from __future__ import annotations

import _struct as struct
import sys

from . import diag
from .diag import LinkError
from .elf import (EHDR, SHDR, SYM, SHT_PROGBITS, SHT_NOBITS, SHT_RELA, SHT_SYMTAB, SHT_STRTAB,
                  SHT_INIT_ARRAY, SHF_ALLOC, SHF_WRITE, SHF_EXECINSTR, SHF_INFO_LINK, STB_LOCAL,
                  STB_GLOBAL, STT_FUNC, STT_GNU_IFUNC, STT_NOTYPE, STT_SECTION, SHN_UNDEF, SHN_ABS,
                  SHN_COMMON)
from .config import TARGET_INIT_ENTRY
from .inputs.object import ObjectFile
from .symbols import Symbol, COMMON, SHARED, STRONG


# Names shown in diagnostics and -Map for the generated objects.
ENTRY_OBJ = "<braze: library-init entry>"
LIB_MAIN_OBJ = "<braze: --lib-main>"


# ------------------------------------------------------------------ a minimal ELF object writer

def _strtab(names):
    data = bytearray(b"\0")
    offs = {}
    for n in names:
        if n and n not in offs:
            offs[n] = len(data)
            data += n.encode() + b"\0"
    return bytes(data), offs


def build_object(sections, local_syms, global_syms, e_machine: int) -> bytes:
    """sections: [(name, type, flags, align, data_or_size, relocs)] where relocs are
    (offset, type, symbol index, addend); symbols: (name, info, shndx, value, size), indices counted
    from 1 in local_syms + global_syms order. Section n of the list has section index n + 1."""
    shdrs = [(0,) * 10]
    names = [s[0] for s in sections]
    rela_names = [".rela" + s[0] for s in sections if s[5]]
    shstr, shoff = _strtab(names + rela_names + [".symtab", ".strtab", ".shstrtab", ".note.GNU-stack"])
    strtab, stroff = _strtab([s[0] for s in local_syms + global_syms])
    body = bytearray()
    pos = EHDR.size

    def place(data, align):
        nonlocal body
        pad = (-(pos + len(body))) % align
        body += b"\0" * pad
        off = pos + len(body)
        body += data
        return off

    nsec = len(sections)
    symtab_idx = 1 + nsec + sum(1 for s in sections if s[5]) + 1    # after .note.GNU-stack
    for name, typ, flags, align, data, _r in sections:
        if typ == SHT_NOBITS:
            shdrs.append((shoff[name], typ, flags, 0, pos + len(body), data, 0, 0, align, 0))
        else:
            shdrs.append((shoff[name], typ, flags, 0, place(data, align), len(data), 0, 0, align, 0))
    for i, (name, _t, _f, _a, _d, relocs) in enumerate(sections, 1):
        if relocs:
            blob = b"".join(struct.pack("<QQq", off, (sym << 32) | t, add) for off, t, sym, add in relocs)
            shdrs.append((shoff[".rela" + name], SHT_RELA, SHF_INFO_LINK, 0, place(blob, 8), len(blob),
                          symtab_idx, i, 8, 24))
    shdrs.append((shoff[".note.GNU-stack"], SHT_PROGBITS, 0, 0, pos + len(body), 0, 0, 0, 1, 0))
    syms = [SYM.pack(0, 0, 0, 0, 0, 0)]
    for name, info, shndx, value, size in local_syms + global_syms:
        syms.append(SYM.pack(stroff.get(name, 0), info, 0, shndx, value, size))
    blob = b"".join(syms)
    shdrs.append((shoff[".symtab"], SHT_SYMTAB, 0, 0, place(blob, 8), len(blob), symtab_idx + 1,
                  1 + len(local_syms), 8, 24))
    shdrs.append((shoff[".strtab"], SHT_STRTAB, 0, 0, place(strtab, 1), len(strtab), 0, 0, 1, 0))
    shdrs.append((shoff[".shstrtab"], SHT_STRTAB, 0, 0, place(shstr, 1), len(shstr), 0, 0, 1, 0))
    e_shoff = place(b"", 8)
    ident = b"\x7fELF\x02\x01\x01" + b"\0" * 9
    head = EHDR.pack(ident, 1, e_machine, 1, 0, 0, e_shoff, 0, EHDR.size, 0, 0, SHDR.size, len(shdrs),
                     len(shdrs) - 1)
    return head + bytes(body) + b"".join(SHDR.pack(*h) for h in shdrs)


def _synthetic(name: str, image: bytes, order: int) -> ObjectFile:
    obj = ObjectFile(name, memoryview(image), order=order)
    obj.synthetic = True
    return obj


# ------------------------------------------------------------------ --lib-main

def lib_main_object(ctx, order: int) -> ObjectFile:
    """The object that defines the library-init entry (ctx.target.lib_init_symbol) for --lib-main=SYM: at load it saves argc/argv/
    envp, starts a detached thread running SYM(argc, argv, envp) and returns at once."""
    cfg = ctx.config
    main_sym = cfg.lib_main
    entry = ctx.target.lib_init_symbol
    msg = (f"{entry}: cannot create the thread for {main_sym} (pthread_create failed); "
           f"the library stays loaded without it\n").encode()
    code, rel, entry_size, start = ctx.target.lib_main_code(len(msg))
    sections = [(".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 16, code, rel),
                (".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, 8, 24, []),
                (".rodata", SHT_PROGBITS, SHF_ALLOC, 1, msg, [])]
    locals_ = [("", STT_SECTION, 2, 0, 0),                      # 1: .bss
               ("", STT_SECTION, 3, 0, 0),                      # 2: .rodata
               (entry, STT_FUNC, 1, 0, entry_size),             # 3
               ("_rt0_lib_main_thread", STT_FUNC, 1, start, len(code) - start)]  # 4
    globals_ = [("pthread_create", STB_GLOBAL << 4, SHN_UNDEF, 0, 0),   # 5
                ("pthread_detach", STB_GLOBAL << 4, SHN_UNDEF, 0, 0),   # 6
                (main_sym, STB_GLOBAL << 4, SHN_UNDEF, 0, 0)]           # 7
    return _synthetic(LIB_MAIN_OBJ, build_object(sections, locals_, globals_, ctx.target.e_machine), order)


# ------------------------------------------------------------------ the init entry

def _definitions(ctx, name):
    """(global Symbol or None, [(obj, local index)]) for `name` among the regular objects."""
    s = ctx.symtab.get(name)
    glob = s if s is not None and s.rank >= COMMON and s.file is not None and not s.file.is_shared else None
    locs = []
    for obj in ctx.objs:
        names = obj.sym_names
        for i in range(1, obj.first_global):
            if names[i] == name:
                sh = obj.sym_shndx(i)
                if sh != SHN_UNDEF and obj.esyms[i][1] & 0xf != STT_SECTION and \
                        (sh in (SHN_ABS, SHN_COMMON) or (sh < len(obj.sections) and obj.sections[sh] is not None)):
                    locs.append((obj, i))
    return glob, locs


def _note(ctx, msg):
    if ctx.config.verbose:
        sys.stderr.write(f"braze: note: {msg}\n")


def prepare(ctx) -> None:
    """Run after symbol resolution: checks --lib-main and adds the init-entry object for -shared."""
    cfg = ctx.config
    if cfg.lib_main:
        entry = ctx.target.lib_init_symbol
        glob, locs = _definitions(ctx, entry)
        others = [o.name for o, _i in locs if not getattr(o, "synthetic", False)]
        if glob is not None:
            others.insert(0, glob.file.name)
        if others:
            raise LinkError(f"--lib-main={cfg.lib_main}: {entry} is also defined in "
                            f"{', '.join(others)} (braze supplies it with --lib-main)")
        m = ctx.symtab.get(cfg.lib_main)
        if m is None or not (m.rank >= SHARED or m.linker_defined):
            raise LinkError(f"--lib-main={cfg.lib_main}: undefined symbol: {diag.demangle(cfg.lib_main)}")
        p = ctx.symtab.get("pthread_create")
        if p is None or p.rank < SHARED:
            raise LinkError(f"--lib-main={cfg.lib_main}: pthread_create is not defined by any input "
                            f"(link with -lc, or -lpthread on glibc before 2.34)")
    name = cfg.init_entry
    if name == TARGET_INIT_ENTRY:
        name = ctx.target.lib_init_symbol
    if name is None or (not cfg.shared and not cfg.verbose):
        return          # (finding local definitions reads every object's symbol names: only for a note)
    glob, locs = _definitions(ctx, name)
    if glob is None and not locs:
        if getattr(cfg, "init_entry_explicit", False) and cfg.shared:
            raise LinkError(f"--init-entry={name}: undefined symbol: {diag.demangle(name)}")
        return
    if not cfg.shared:
        _note(ctx, f"{name} is defined but this is not a -shared link: no init entry added")
        return
    if _go_shared_runtime(ctx):
        _note(ctx, f"a Go -buildmode=shared library (.note.go.abihash): no init entry for {name}")
        return
    _check_callable(ctx, name, glob, locs)
    if glob is not None:
        # bind the slot to this library's own definition (a RELATIVE relocation): through the
        # symbol, a second library exporting the same entry name would be initialised twice
        target = Symbol(name)
        target.file, target.section, target.value = glob.file, glob.section, glob.value
        target.type, target.size, target.is_abs = glob.type, glob.size, glob.is_abs
        target.bind, target.rank = STB_LOCAL, STRONG
    else:
        if len(locs) > 1:
            raise LinkError(f"library-init entry {name} is defined locally in several objects: "
                            + ", ".join(o.name for o, _i in locs) + " (use --init-entry=SYM or --no-init-entry)")
        from .address import local_sym
        obj, i = locs[0]
        target = obj.syms[i] or local_sym(obj, i)
    if _already_in_init_array(ctx, target):
        _note(ctx, f"an input .init_array already calls {name}: no init entry added")
        return
    sections = [(".init_array", SHT_INIT_ARRAY, SHF_ALLOC | SHF_WRITE, 8, b"\0" * 8, [(0, ctx.target.R_ABS64, 1, 0)])]
    image = build_object(sections, [], [(name, STB_GLOBAL << 4, SHN_UNDEF, 0, 0)], ctx.target.e_machine)
    obj = _synthetic(ENTRY_OBJ, image, order=-1)
    obj.init_first = True
    obj.syms = [None, target]       # the reference is bound here, not through the symbol table
    ctx.objs.append(obj)
    ctx.lib_init_added = True
    _note(ctx, f"added {name} as the first .init_array entry")


def _go_shared_runtime(ctx) -> bool:
    """Is this Go's -buildmode=shared link (libstd.so and friends for -linkshared programs)? Its
    go.o carries .note.go.abihash; the Go runtime in it is started by the executable, and Go puts
    no _rt0_*_lib in .init_array: run at load time, it starts a second runtime in the process
    (crashes with `morestack on g0`, `bad stack bounds`, `malloc deadlock`)."""
    for obj in ctx.objs:
        for sec in getattr(obj, "sections", ()):
            if sec is not None and sec.name == ".note.go.abihash":
                return True
    return False


def _check_callable(ctx, name, glob, locs) -> None:
    """The loader will call the entry: it must be code in this library, not data, a COMMON block or
    an absolute value (any of which would crash the process that loads the library)."""
    if glob is not None:
        sec, typ, where = glob.section, glob.type, glob.file.name
        bad_kind = glob.rank == COMMON or glob.is_abs
    else:
        obj, i = locs[0]
        sh = obj.sym_shndx(i)
        typ, where = obj.esyms[i][1] & 0xf, obj.name
        bad_kind = sh in (SHN_ABS, SHN_COMMON)
        sec = None if bad_kind else obj.sections[sh]
    code = sec is not None and bool(getattr(sec, "flags", 0) & SHF_EXECINSTR)
    if bad_kind or not code or typ not in (STT_FUNC, STT_GNU_IFUNC, STT_NOTYPE):
        raise LinkError(f"library-init entry {diag.demangle(name)} (in {where}) is not a function: "
                        f"the dynamic loader would call it (use --init-entry=SYM or --no-init-entry)")


def _already_in_init_array(ctx, target) -> bool:
    """Does an input .init_array slot already point at `target` (Go's go.o when Go links externally)?"""
    want_sec, want_val = target.section, target.value
    abs64 = ctx.target.R_ABS64
    for obj in ctx.objs:
        for sec in obj.sections:
            if sec is None or not sec.rel_size or not (sec.name == ".init_array" or
                                                       sec.name.startswith(".init_array.")):
                continue
            for _off, info, addend in sec.relocs:
                if info & 0xffffffff != abs64:
                    continue
                idx = info >> 32
                if idx >= obj.first_global:
                    s = obj.syms[idx]
                    if s is target or (s is not None and s.section is want_sec and s.value + addend == want_val
                                       and want_sec is not None):
                        return True
                    continue
                e = obj.esyms[idx]
                sh = obj.sym_shndx(idx)
                if sh >= len(obj.sections) or obj.sections[sh] is not want_sec or want_sec is None:
                    continue
                if e[4] + addend == want_val:
                    return True
    return False
