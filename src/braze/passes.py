"""The middle passes: symbol checks, --gc-sections, binning input sections into output sections,
synthetic sections, relocation scanning and the dynamic symbol table."""
from __future__ import annotations
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

from _operator import itemgetter     # the builtin module: operator.py costs ~0.3 ms to import

from . import diag
from .diag import LinkError
from .elf import (GNU_PROPERTY_STACK_SIZE, SHF_ALLOC, SHF_WRITE, SHF_EXECINSTR, SHF_TLS, SHF_GNU_RETAIN, SHT_NOBITS, SHT_PROGBITS, SHT_NOTE,
                  STT_FUNC, STB_GLOBAL, STB_WEAK, STT_OBJECT, STT_COMMON, STT_NOTYPE, STT_GNU_IFUNC, STT_TLS,
                  STV_DEFAULT, STV_HIDDEN, STV_PROTECTED)
from .chunks import Blob, Synthetic  # noqa: F401  (scriptlayout takes Blob from here)
from .inputs.objparse import InputSection
from .sections import (OutputSection, MergedSection, is_c_identifier, common_symbols, bin_inputs,
                       mergeable_entsize)
from .symbols import (LINKER_SYMS, EXPORTED_LINKER_SYMS, LOCAL_LINKER_SYMS, SCRIPT_EXPORTABLE, SHARED_LINKER_SYMS,
                      ScriptDefs,  # noqa: F401
                      NONE, SHARED, COMMON, STRONG, NEEDS_GOT, NEEDS_PLT, NEEDS_GOTTP, NEEDS_TLSGD,
                      NEEDS_TLSDESC, NEEDS_COPY, NEEDS_CPLT, NEEDS_DYNSYM)


# ------------------------------------------------------------------ resolve

def _section_names_present(ctx, wanted: set[str]) -> set[str]:
    """The names in WANTED that some input section has (a walk over the inputs' sections that stops
    once every name is found: a static glibc link has ~9,000 sections)."""
    left = set(wanted)
    sec: InputSection | None
    for obj in ctx.objs:
        for sec in obj.sections:
            if sec is not None and sec.name in left:
                left.discard(sec.name)
                if not left:
                    return wanted
    return wanted - left


def resolve_symbols(ctx) -> None:
    cfg = ctx.config
    ctx.dynamic = cfg.shared or cfg.pie or bool(ctx.dsos)
    ctx.is_static = not ctx.dynamic
    # -static-pie (gcc passes -pie --no-dynamic-linker): dynamic sections for the self-relocation
    # only; nothing is imported, so undefined weak symbols resolve to 0 as in a static link.
    ctx.static_pie = cfg.pie and cfg.no_dynamic_linker and not ctx.dsos
    ctx.needed_dsos = [d for d in ctx.dsos if d.is_alive]
    for so in ctx.needed_dsos:
        so.is_needed = True
    symtab = ctx.symtab
    linker_syms: Any = LINKER_SYMS
    extra = ctx.target.extra_linker_syms      # the target's default script defines more
    provided = ctx.target.provided_syms       # ... and PROVIDEs more (when referenced)
    if any(not _assign_re().match(e) for _n, e in cfg.defsyms) and not cfg.relocatable:
        from .insertscript import defsyms_to_script
        defsyms_to_script(ctx)
    if ctx.insert_scripts or ctx.more_scripts or ctx.implicit_scripts:
        from .insertscript import apply_inserts
        apply_inserts(ctx)
    if not cfg.paged and not cfg.relocatable:
        from .insertscript import unpaged_to_script
        unpaged_to_script(ctx)
    if cfg.sort_section is not None:
        from .insertscript import sort_section_to_script
        sort_section_to_script(ctx)
    if cfg.section_starts and cfg.paged and not cfg.relocatable and ctx.pending_lscript is None:
        from .insertscript import section_starts_to_script
        section_starts_to_script(ctx)
    if ctx.pending_lscript is not None:
        # a SECTIONS script replaces bfd's default one, and with it the symbols that script defines
        from . import scriptlayout
        scriptlayout.setup(ctx, ctx.pending_lscript)
        scriptlayout.define_script_symbols(ctx)
        linker_syms = scriptlayout.SCRIPT_LINKER_SYMS if cfg.output_kind == "elf" else ()
        extra = provided = ()
    if not cfg.shared and ctx.lscript is None:
        for name in EXPORTED_LINKER_SYMS + extra:     # bfd's default script defines these unconditionally
            ctx.sym(name).ref_regular = True
    elif cfg.shared and ctx.lscript is None and ctx.pending_lscript is None:
        linker_syms = SHARED_LINKER_SYMS
    for _name, expr, _where, _kind in _assignments(ctx):
        m = _assign_re().match(expr)        # a linker-defined operand of --defsym/script is referenced
        if m and m.group(1) in LINKER_SYMS:
            ctx.sym(m.group(1)).ref_regular = True
    # linker-defined symbols that are referenced
    from .bindsyms import undefined_and_bounds
    undefined, dso_bounds = undefined_and_bounds(symtab)
    if ctx.dsos and not cfg.relocatable:
        _library_only_bounds(ctx, undefined, dso_bounds)
    # bfd (lang_init_start_stop) defines __start_X/__stop_X only when an input section X exists;
    # without one the reference stays undefined (an error in an executable, an import in a shared
    # library).  The sections are searched for the names wanted only, until all are found.
    wanted: set[str] = set()
    for name, s in undefined:
        if name.startswith("__start_") or name.startswith("__stop_"):
            x = name[8 if name.startswith("__start_") else 7:]
            if is_c_identifier(x):
                wanted.add(x)
    present = _section_names_present(ctx, wanted) if wanted else wanted
    for name, s in undefined:
        bound = False
        if name.startswith("__start_") or name.startswith("__stop_"):
            bound = name[8 if name.startswith("__start_") else 7:] in present
        if name in linker_syms or name in extra or name in provided or bound:
            if name == "_DYNAMIC" and not ctx.dynamic:
                continue
            if name in ("__rela_iplt_start", "__rela_iplt_end") and cfg.pic:
                continue
            s.linker_defined = True
            s.rank = NONE
            if name in LOCAL_LINKER_SYMS:
                s.visibility = STV_HIDDEN
            elif name.startswith(("__start_", "__stop_")):
                ctx.bound_syms.append(s)
                # the more constraining of -z start-stop-visibility and the references' (bfd merges
                # them: a `hidden` extern declaration, as LLVM's profile runtime's __start___llvm_prf_*,
                # gives a HIDDEN symbol, not a PROTECTED one)
                v: int = cfg.start_stop_visibility
                s.visibility = min(v, s.visibility) if v and s.visibility else (v or s.visibility)
            elif cfg.shared and s.visibility in (STV_DEFAULT, STV_PROTECTED) and \
                    (linker_syms is SHARED_LINKER_SYMS or name in provided):
                # the -shared script's PROVIDEs define ordinary globals: a library exports them,
                # and its own references may be preempted (libgc's _end is the program's)
                s.export = True
    if dso_bounds:
        _own_bounds(ctx, dso_bounds)
    if ctx.lscript is None and ctx.pending_lscript is None and not cfg.relocatable:
        _own_script_syms(ctx, EXPORTED_LINKER_SYMS + tuple(extra))
    _define_defsyms(ctx)
    if (cfg.undef_objects == "ignore" or cfg.warn_unresolved) and not cfg.shared:
        # bfd: an executable's ignored undefined symbols bind locally, to 0 (no .dynsym entry, no PLT,
        # no dynamic relocation), as undefined weak symbols do under -z nodynamic-undefined-weak; and
        # so do those --warn-unresolved-symbols only warns about (braze imported them: the loader
        # then refused to start a program whose data referred to one). Static ones too: none is in
        # .symtab (symtab.py)
        ctx.weak_zero.update(id(s) for s in symtab.values()
                             if s.rank == NONE and s.ref_strong and s.ref_regular and not s.linker_defined)
    elif cfg.ignore_unresolved and not cfg.shared and not cfg.pie:
        # --ignore-unresolved-symbol in a non-PIE executable (a PIE is refused in _ignored_undefined):
        # bfd binds those to 0 the same way, and leaves them out of .symtab
        for name in cfg.ignore_unresolved:
            s = symtab.get(name)
            if s is not None and s.rank == NONE and s.ref_strong and s.ref_regular and not s.linker_defined:
                ctx.weak_zero.add(id(s))
    for name in cfg.require_defined:      # --require-defined: -u, and an error unless something defines it
        s = symtab.get(name) or ctx.symver_alias_of.get(name)
        if s is None or not (s.rank >= SHARED or s.linker_defined):     # (a library's definition counts)
            diag.error(f"required symbol `{diag.demangle(name)}' not defined")


def default_imported_versions(ctx) -> None:
    """--default-imported-symver: a symbol bound to a library that has no .gnu.version is imported
    with a version named after the library's DT_NEEDED name (bfd invents that version for such a
    library: .gnu.version_r names it, .dynsym and .symtab show `foo@libfoo.so`)."""
    unversioned: dict[int, bool] = {}
    for s in ctx.symtab.values():
        so = s.file
        if s.rank != SHARED or s.verneed is not None or so is None:
            continue
        k = id(so)
        u = unversioned.get(k)
        if u is None:
            u = unversioned[k] = not so.has_versym()
        if u:
            s.verneed = so.soname


def undefine_commons(ctx) -> None:
    """--no-define-common (only with -shared): no common symbol is allocated; each stays an undefined
    symbol of its type (an object or TLS, size 0) that the library imports, as bfd leaves it."""
    commons = [s for s in ctx.symtab.values() if s.rank == COMMON]
    if not commons:
        return
    names = {s.name for s in commons}
    for so in ctx.dsos:
        hit = names.intersection(so.def_names)
        if hit:
            raise LinkError(f"--no-define-common: common symbol `{diag.demangle(min(hit))}' is also "
                            f"defined in {so.name} (not supported)")
    for s in commons:
        if s.ref_file is None:
            s.ref_file = s.file         # (a reference of that object's: .dynsym lists it)
        s.rank = NONE
        s.file = s.section = None
        s.value = s.size = 0
        if s.type == STT_COMMON:
            s.type = STT_OBJECT
        s.ref_regular = s.ref_strong = True


def check_library_references(ctx) -> None:
    """Shared libraries' undefined references (--no-allow-shlib-undefined, dsocheck.py); the link
    ends here on any error so far."""
    if ctx.dsos:        # (no library, nothing to check: a static link does not import dsocheck)
        from .dsocheck import check_shlib_undefined
        check_shlib_undefined(ctx)
    diag.check_errors()


def mark_exports(ctx) -> None:
    """Which regular definitions go to .dynsym (before dynamic lists and version scripts refine it)."""
    from .bindsyms import mark_exports as walk      # (compiled: every symbol of the link)
    cfg = ctx.config
    walk(ctx.symtab, bool(cfg.shared or cfg.export_dynamic))


def apply_versions(ctx) -> None:
    """Dynamic lists, then version scripts / .symver / --default-symver (version.py)."""
    cfg = ctx.config
    if cfg.dynamic_list or cfg.dynamic_list_exports or cfg.dynamic_list_data or cfg.dynamic_list_builtin:
        from .version import apply_dynamic_list
        apply_dynamic_list(ctx)
    if ctx.version_texts or cfg.version_scripts or cfg.default_symver or ctx.has_symver:
        from .version import assign_versions
        assign_versions(ctx)
        if not cfg.shared and ctx.dsos:
            _check_local_referenced(ctx)


def _check_local_referenced(ctx) -> None:
    """bfd refuses an executable whose definition a version script made local (`local:`) when a
    library needs it (non-weakly): the library could not bind to it at run time.  bfd stops at the
    first such symbol."""
    symtab = ctx.symtab
    libs = [so for so in ctx.dsos if so.is_alive and not getattr(so, "dt_needed", False)] + \
        list(getattr(ctx, "indirect_dsos", ()))
    for so in libs:
        for name, vidx in so.strong_undefs:
            if vidx > 1 and vidx in so.verneed_names:
                continue
            s = symtab.get(name)
            if s is not None and s.hidden_local and s.rank >= COMMON and s.file is not None \
                    and not s.file.is_shared:
                diag.error(f"{ctx.config.output}: local symbol `{diag.demangle(name)}' in {s.file.name} "
                           f"is referenced by DSO")
                raise LinkError("final link failed: bad value")


_ASSIGN_EXPR: Any = None       # (typed: compiled, a global first None is None-typed)


def _assign_re():
    global _ASSIGN_EXPR
    if _ASSIGN_EXPR is None:
        import re
        # (a number is any of ld's forms: 0x/$ hex, 0 octal, h/o/b/d radix suffixes, K/M: _ld_number)
        _ASSIGN_EXPR = re.compile(r"^\s*(\$[0-9A-Fa-f]+|[A-Za-z_.$][\w.$@]*|\d[0-9A-Za-z]*)\s*"
                                  r"(?:([+-])\s*(\$[0-9A-Fa-f]+|\d[0-9A-Za-z]*))?\s*$")
    return _ASSIGN_EXPR


def _is_number(word: str) -> bool:
    return word[0].isdigit() or (word[0] == "$" and len(word) > 1 and all(c in _HEXDIGITS for c in word[1:]))


_HEXDIGITS = frozenset("0123456789abcdefABCDEF")


def _ld_number(word: str):
    """ld's integer forms (inputs/ldscript.py's reader), or None."""
    from .inputs.ldscript import _number
    return _number(word)


def _assignments(ctx) -> list:
    """(symbol, expression, where, PROVIDE/HIDDEN kind) of --defsym, then of the scripts."""
    defsyms = [] if getattr(ctx, "defsyms_in_script", False) else ctx.config.defsyms
    return [(n, e, "--defsym", "") for n, e in defsyms] + getattr(ctx, "script_assigns", [])


def wrapped_ref(wraps, name: str) -> str:
    """The symbol an expression's `name` refers to: bfd looks it up as --wrap renames references."""
    if name in wraps:
        return "__wrap_" + name
    if name.startswith("__real_") and name[7:] in wraps:
        return name[7:]
    return name


def _define_defsyms(ctx) -> None:
    """--defsym SYM=EXPR and a script's `SYM = EXPR;` (also PROVIDE/HIDDEN/PROVIDE_HIDDEN): EXPR is
    a number, a symbol, or symbol +/- number. As in bfd, `SYM = other` is in other's section with
    its type and size 0; a number, or a symbol plus/minus a number, is listed as absolute (SHN_ABS)
    -- braze still relocates the latter with the section, so its address stays right in a PIE."""
    ctx.defsym_exprs = []
    items = _assignments(ctx)
    if not items:
        return
    files: dict[str, ScriptDefs] = {}
    early = getattr(ctx, "early_provides", ())     # PROVIDEs that defined their symbol while reading
    wraps = set(ctx.config.wraps)
    for name, expr, where, kind in items:
        m = _assign_re().match(expr)
        if not m or name == ".":
            what = f"--defsym {name}={expr}" if where == "--defsym" else f"{where}: {name} = {expr}"
            raise LinkError(f"{what}: unsupported expression (use NUMBER or SYMBOL[+-NUMBER])")
        base, sign, num = m.groups()
        numeric = _is_number(base)
        base_value = _ld_number(base) if numeric else 0
        delta = _ld_number(num) if num else 0
        if base_value is None or delta is None:
            what = f"--defsym {name}={expr}" if where == "--defsym" else f"{where}: {name} = {expr}"
            raise LinkError(f"{what}: invalid number")
        if sign == "-":
            delta = -delta
        s = ctx.sym(name)
        if kind.startswith("PROVIDE") and name not in early and \
                not (s.rank == NONE and s.ref_regular and not s.linker_defined):
            continue            # PROVIDE: only for a symbol the objects use and do not define
        ref = None
        if not numeric:
            if wraps:
                base = wrapped_ref(wraps, base)
            ref = ctx.symtab.get(base) or ctx.symver_alias_of.get(base)
            if ref is None or (ref.rank == NONE and not ref.linker_defined) or ref.rank == SHARED:
                in_dso = ref is not None and ref.rank == SHARED or base in getattr(ctx.reader, "dso_defs", ())
                why = "unresolvable" if in_dso else "undefined"
                diag.error(f"{where}: {why} symbol `{base}' referenced in expression")
                continue
            ref.ref_regular = True
            if ref is s and not delta:
                continue            # `x = x` (as --wrap may make it): bfd leaves x as it is
        f = files.get(where)
        if f is None:
            f = files[where] = ScriptDefs(where)
        # bfd changes only the value and section of a symbol an object defined: its size stays, and
        # its type unless `SYM = other` copies other's
        was_defined = s.rank >= COMMON and not s.linker_defined and not isinstance(s.file, ScriptDefs)
        s.rank = STRONG
        s.file = f
        s.linker_defined = False
        s.section = None
        if not was_defined:
            s.size = 0
        if ref is not None and not sign:
            s.type = ref.type
        elif not was_defined:
            s.type = ref.type if ref is not None else STT_NOTYPE
        s.bind = STB_GLOBAL
        s.is_abs = True
        s.script_abs = ref is None or bool(sign)
        s.dyn_version = s.verneed = None
        s.ref_regular = True
        s.keep = True
        if kind.endswith("HIDDEN"):
            s.visibility = STV_HIDDEN
            ctx.script_hidden.add(id(s))
        if ref is not None and ref.visibility:
            # bfd (bfd_copy_link_hash_symbol_type -> elf_merge_st_other): the one symbol the expression
            # reads lends its visibility, --exclude-libs' hiding included: `alias = hidden_fn` is local
            s.visibility = min(s.visibility or 4, ref.visibility)
        if ref is None:
            s.value = base_value + delta
        elif ref.rank >= COMMON and ref.section is not None:
            # in the section of `ref`, so it relocates with it (PIE, -shared)
            s.section, s.value, s.is_abs = ref.section, ref.value + delta, False
        else:
            ctx.defsym_exprs.append((s, ref, delta))    # COMMON or linker-defined: placed later


def _library_only_bounds(ctx, undefined: list, dso_bounds: list) -> None:
    """__start_X/__stop_X that only the linked libraries name, while this link has sections X: bfd
    (bfd_elf_define_start_stop, for every such X) defines them here too, whether a library merely
    references one (braze left it to the loader, which found none: "symbol lookup error") or a
    library defines one (braze bound the other libraries' references to that library's X). Adds
    them to `undefined` (defined as linker symbols next) and `dso_bounds` (_own_bounds)."""
    r = getattr(ctx, "reader", None)
    lazy: dict = getattr(r, "dso_defs", None) or {}
    symtab = ctx.symtab
    names: list[str] = []
    for name in ctx.dso_undefs:
        if name[:2] == "__" and name not in symtab and name.startswith(("__start_", "__stop_")):
            names.append(name)
    for name in lazy:
        if name[:2] == "__" and name not in symtab and name.startswith(("__start_", "__stop_")):
            names.append(name)
    if not names:
        return
    wanted: set[str] = set()
    for name in names:
        x = name[8:] if name.startswith("__start_") else name[7:]
        if is_c_identifier(x):
            wanted.add(x)
    present = _section_names_present(ctx, wanted) if wanted else wanted
    for name in names:
        if (name[8:] if name.startswith("__start_") else name[7:]) not in present or name in symtab:
            continue
        s = ctx.sym(name)               # (a library's definition binds now: its rank is SHARED)
        if s.rank == SHARED:
            dso_bounds.append(s)
        else:
            s.ref_dynamic = True
            undefined.append((name, s))


def _own_bounds(ctx, syms) -> None:
    """__start_X/__stop_X that a library exports while this link has sections named X: bfd defines
    them here (bfd_elf_define_start_stop redefines a dynamic definition), so each module walks its own
    X. braze bound the references to the library's, and the program walked the library's section."""
    names = {sec.name for obj in ctx.objs for sec in obj.sections if sec is not None}
    for s in syms:
        x = s.name[8:] if s.name.startswith("__start_") else s.name[7:]
        if x not in names or not is_c_identifier(x):
            continue
        _redefine_dynamic(s)
        ctx.bound_syms.append(s)
        # the more constraining of -z start-stop-visibility and the references' (as for the others
        # in define_linker_syms): gdc's hidden __start_minfo reference in a program linked against a
        # D library that exports its own gives bfd a local symbol, not an exported PROTECTED one
        v: int = ctx.config.start_stop_visibility
        s.visibility = min(v, s.visibility) if v and s.visibility else (v or s.visibility)


def _redefine_dynamic(s) -> None:
    """A library's definition that the link's own assignment replaces: linker-defined now, and in
    .dynsym still (bfd's was_dynamic)."""
    s.rank = NONE
    s.file = s.section = s.verneed = s.dyn_version = None
    s.value = s.size = s.type = 0
    s.version = 1
    s.def_dynamic = False
    s.ref_dynamic = True
    s.linker_defined = True


def _own_script_syms(ctx, names) -> None:
    """_edata, _end, __bss_start (and the target's extra ones) that a library exports: bfd's default
    script assigns them unconditionally, and an assignment redefines a dynamic definition, which
    then stays in .dynsym (an executable's and a shared library's: CPython's _tkinter, linked
    against a libtk8.6.so exporting them).  braze bound them to the library's definition."""
    lazy = getattr(getattr(ctx, "reader", None), "dso_defs", None) or {}
    for name in names:
        s = ctx.symtab.get(name)
        if s is None and name in lazy:
            s = ctx.sym(name)       # (a library's definition nothing referenced: bound now)
        if s is None or s.rank != SHARED:
            continue
        _redefine_dynamic(s)
        s.ref_regular = True        # (and in .symtab)


def _place_defsyms(ctx) -> None:
    """Deferred `SYM = other[+-N]` whose `other` is COMMON: in .bss now, so in its section too."""
    left = []
    for s, ref, delta in getattr(ctx, "defsym_exprs", ()):
        if ref.rank >= COMMON and ref.section is not None:
            s.section, s.value, s.is_abs = ref.section, ref.value + delta, False
        else:
            left.append((s, ref, delta))
    ctx.defsym_exprs = left


def _check_undefined(ctx) -> None:
    """Report undefined symbols as bfd does: while relocating, so only a symbol that a relocation
    in a kept section uses is an error (a bare `.globl foo`, or a reference in a section
    --gc-sections removed, is not). The same pass tells the symbol tables which undefined symbols
    are still used (Symbol.used_in_reloc): an executable lists only those, and so does a library
    after --gc-sections (bfd hides the others)."""
    cfg = ctx.config
    if cfg.shared and ctx.has_symver:
        # a library's reference to `foo@V` that no input defines: it cannot name the version without a
        # library to take it from (bfd's error; braze wrote plain `foo`, so the default version bound)
        for s in ctx.symtab.values():
            if s.rank == NONE and s.verneed is None and s.ref_regular and not s.linker_defined and "@" in s.name:
                diag.error(f"{cfg.output}: no symbol version section for versioned symbol "
                           f"`{diag.demangle(s.name)}'")
    ignore = cfg.undef_objects == "ignore"
    # a library may leave symbols undefined, but not a hidden/protected/internal one: nothing
    # outside it can define that (bfd: "hidden symbol `x' isn't defined")
    report = cfg.undef_objects == "report" or (cfg.undef_objects is None and not cfg.shared)
    # In an executable every general/local-dynamic TLS sequence is relaxed, and the call to
    # __tls_get_addr with it: static libc.a does not define the function and bfd does not ask for it.
    tls_call_relaxed = not cfg.shared and cfg.output_kind == "elf"     # (a raw image: nothing is relaxed)
    gc_shared = cfg.shared and cfg.gc_sections
    cands = [s for s in ctx.symtab.values()
             if s.rank == NONE and s.ref_regular and not s.linker_defined
             and (gc_shared or (s.ref_strong and (not cfg.shared or report or s.visibility != STV_DEFAULT)))]
    if not cands:
        return
    refs = _undefined_uses(ctx, cands, tls_call_relaxed)
    for s in cands:
        s.used_in_reloc = id(s) in refs
    if ignore:
        if ctx.static_pie:
            # nothing is imported, so an ignored symbol would become the load address (bfd fails
            # this link with a dynamic-relocation error): refused rather than linked wrong
            bad = [s.name for s in cands if s.used_in_reloc and s.ref_strong]
            if bad:
                opt = "-z undefs" if cfg.unresolved_symbols == "report-all" else f"--unresolved-symbols={cfg.unresolved_symbols}"
                raise LinkError(f"{opt} with -static-pie: undefined "
                                f"symbol `{diag.demangle(bad[0])}' cannot be resolved (not supported)")
        return
    undef = [s for s in cands if s.used_in_reloc and s.ref_strong
             and (report or s.visibility != STV_DEFAULT)
             and not (tls_call_relaxed and s.name == "__tls_get_addr" and not refs[id(s)])]
    if cfg.ignore_unresolved and undef:
        undef = _ignored_undefined(ctx, undef)
    if not undef:
        return
    diag.demangle_many([s.name for s in undef])
    script = cfg.error_handling_script
    if cfg.warn_unresolved or script is not None:
        # bfd's located warning at each reference, except for a non-default visibility (an error);
        # --error-handling-script runs before each reference bfd reports (errors too)
        warned = {id(s) for s in undef if s.visibility == STV_DEFAULT} if cfg.warn_unresolved else set()
        _warn_undefined(ctx, {id(s) for s in undef} if script is not None else warned, warned, script)
    hints: dict = {}        # explain.undefined_hints' per-link cache
    from .explain import undefined_hints
    for s in undef:
        if cfg.warn_unresolved and s.visibility == STV_DEFAULT:
            continue
        lines = [f"undefined symbol: {diag.demangle(s.name)}"]
        lst = refs[id(s)]
        ctx.record.undefined.append((s.name, list(lst)))
        for w in lst[:3]:
            lines.append(f">>> referenced by {w}")
        if len(lst) > 3:
            lines.append(">>> referenced by more places")
        lines += undefined_hints(ctx, s, hints)
        diag.error("\n".join(lines))


def _ignored_undefined(ctx, undef: list) -> list:
    """--ignore-unresolved-symbol: those names' references are no error. In a PIE bfd 2.40 then writes
    R_*_NONE into .rela.plt (an output the dynamic loader rejects: "unexpected PLT reloc type"),
    or with -static-pie fails on PC-relative data references: refused rather than imitated."""
    cfg = ctx.config
    ign = cfg.ignore_unresolved
    if cfg.pie:
        bad = sorted(s.name for s in undef if s.name in ign)
        if bad:
            raise LinkError(f"--ignore-unresolved-symbol {bad[0]} in a PIE is not supported "
                            f"(ld.bfd writes an output the dynamic loader rejects)")
    return [s for s in undef if s.name not in ign]


def _undefined_uses(ctx, cands, tls_call_relaxed: bool = False) -> dict:
    """{id(symbol): up to 4 places} for the symbols in `cands` that a relocation of a kept section
    (debug sections too, as bfd relocates them) refers to. Only objects naming a candidate are read.
    With `tls_call_relaxed` (an executable), the __tls_get_addr calls of the TLS sequences its
    relaxation rewrites (the relocation after one of the target's tls_call_marks; bfd consumes it
    with the sequence's, unresolved) count as uses but are no place: an empty list then means only
    such calls, which need no definition (a plain call does: D's druntime has one)."""
    want = {id(s) for s in cands}
    marks = ctx.target.tls_call_marks if tls_call_relaxed else frozenset()
    refs: dict[int, list[str]] = {}
    for obj in ctx.objs:
        syms = obj.syms
        idxs = {i for i, s in enumerate(syms) if s is not None and id(s) in want}
        if not idxs:
            continue
        for sec in obj.sections:
            if sec is None or not sec.alive or not sec.rel_size:
                continue
            prev = -1
            for off, info, _a in sec.relocs:
                idx = info >> 32
                t_prev, prev = prev, info & 0xffffffff
                if idx not in idxs:
                    continue
                lst = refs.setdefault(id(syms[idx]), [])
                if t_prev in marks and syms[idx].name == "__tls_get_addr":
                    continue
                if len(lst) < 4:
                    fn = _enclosing_function(obj, sec, off) if sec.flags & SHF_ALLOC else None
                    where = f"{obj.name}:({diag.demangle(fn)})" if fn else f"{obj.name}:({sec.name}+0x{off:x})"
                    if where not in lst:
                        lst.append(where)
    return refs


def _warn_undefined(ctx, undef_set, warned, script) -> None:
    """bfd's reports of undefined references, at each reference (link order), at most five in a row
    for one symbol, then one `more undefined references to `SYM' follow`; with --warn-once only the
    first reference of each symbol. The symbols in `warned` (--warn-unresolved-symbols) get bfd's
    warning there; the error handling script (if any) runs before each reference's report."""
    from .symwarn import where, where_no_function
    last = None
    count = 0
    once: Any = set() if ctx.config.warn_once else None
    es: Any = None
    if script is not None:
        from . import errscript
        es = errscript
    for obj in ctx.objs:
        syms = obj.syms
        first = obj.first_global
        for sec in obj.sections:
            if sec is None or not sec.alive or not sec.rel_size:    # (debug sections too, as bfd)
                continue
            for off, info, _a in sec.relocs:
                idx = info >> 32
                if idx < first or idx >= len(syms):
                    continue
                s = syms[idx]
                if s is None or id(s) not in undef_set:
                    continue
                if s is last:
                    count += 1
                else:
                    last, count = s, 0
                if once is not None:
                    if id(s) in once:
                        continue
                    once.add(id(s))
                if count < 5 and es is not None:
                    es.run(script, "undefined-symbol", s.name)
                if id(s) not in warned:
                    continue
                name = diag.demangle(s.name)
                if count < 5:
                    diag.warn(f"{where(obj, sec, off)}: warning: undefined reference to `{name}'", located=True)
                elif count == 5:
                    diag.warn(f"{where_no_function(obj, sec, off)}: warning: more undefined references to "
                              f"`{name}' follow", located=True)


def _enclosing_function(obj, sec, off):
    from .symwarn import locate
    return locate(obj, sec, off, (STT_NOTYPE, STT_OBJECT, STT_FUNC, STT_GNU_IFUNC))[0]


# ------------------------------------------------------------------ gc

def gc_sections(ctx) -> None:
    """--gc-sections, then the undefined-symbol check (which judges only the kept sections)."""
    if ctx.lscript is not None:
        from .scriptlayout import match_inputs
        match_inputs(ctx)
    if ctx.config.gc_sections and ctx.config.output_kind == "elf":   # (bfd's generic link ignores it)
        from .gc import gc_sections as run
        run(ctx)
    if any(getattr(o, "excluded_alloc", ()) for o in ctx.objs):
        _check_excluded_refs(ctx)
    _check_undefined(ctx)
    diag.check_errors()


# bfd's elf_action_discarded: these may refer to discarded code without complaint (an FDE of a
# discarded function is dropped; an LSDA's entry for it is dead)
DISCARD_EXEMPT = (".eh_frame", ".gcc_except_table")


def _check_excluded_refs(ctx) -> None:
    """bfd's error for a kept allocated section that refers, through a local or section symbol, to
    an allocated SHF_EXCLUDE section the final link dropped (its globals there are undefined: see
    bindsyms.bind_globals); DISCARD_EXEMPT's sections may."""
    from .elf import STT_SECTION
    for obj in ctx.objs:
        excluded = getattr(obj, "excluded_alloc", ())
        if not excluded:
            continue
        gone = dict(excluded)
        fg = obj.first_global
        esyms = obj.esyms
        for sec in obj.sections:
            if sec is None or not sec.alive or not sec.flags & SHF_ALLOC or not sec.rel_size or \
                    sec.name in DISCARD_EXEMPT:
                continue
            for _off, info, _a in sec.relocs:
                idx = info >> 32
                if idx >= fg or idx >= len(esyms):
                    continue
                sh = obj.sym_shndx(idx)
                if sh not in gone:
                    continue
                name = gone[sh] if esyms[idx][1] & 0xf == STT_SECTION else obj.sym_names[idx]
                diag.error(f"`{name}' referenced in section `{sec.name}' of {obj.name}: defined in "
                           f"discarded section `{gone[sh]}' of {obj.name}")


# ------------------------------------------------------------------ binning

# bfd's default script's order, with its orphan places (ldelf_place_orphan: a read-only orphan after
# .rodata, a writable one after .data, a NOBITS one after .bss, a note after the last note of its
# alignment)
_RANKS = {n: i for i, n in enumerate([
    ".interp", ".note.gnu.property", "NOTE8", ".note.gnu.build-id", ".note.ABI-tag", "NOTE",
    ".hash", ".gnu.hash", ".dynsym", ".dynstr", ".gnu.version", ".gnu.version_d", ".gnu.version_r",
    ".rela.dyn", ".rela.plt", ".relr.dyn", "RO0",
    ".init", ".plt", ".plt.got", ".plt.sec", ".text", "RX", ".fini",
    ".rodata", "RO", ".rodata1", ".eh_frame_hdr", ".eh_frame", ".sframe", ".gcc_except_table", ".gnu_extab",
    ".exception_ranges", ".tdata", ".tbss", ".preinit_array", ".init_array", ".fini_array", ".ctors", ".dtors",
    ".jcr", ".data.rel.ro", "RELRO", ".dynamic", ".got", ".got.plt", ".data", "RW", ".data1", ".bss", "BSS",
    ".lbss", ".lrodata", ".ldata", "NONALLOC", ".symtab", ".shstrtab", ".strtab"])}


def rank_of_name(name: str) -> int:
    return _RANKS[name]


def rank_of(c) -> int:
    r = _RANKS.get(c.name)
    if r is not None:
        if c.name in (".symtab", ".shstrtab", ".strtab") and c.flags & SHF_ALLOC:
            return _RANKS["RO"]
        return r
    f = c.flags
    if not f & SHF_ALLOC:
        return _RANKS["NONALLOC"]
    if c.type == SHT_NOTE:
        return _RANKS["NOTE8" if c.align >= 8 else "NOTE"]
    if f & SHF_TLS:
        return _RANKS[".tbss"] if c.type == SHT_NOBITS else _RANKS[".tdata"]
    if f & SHF_EXECINSTR and not f & SHF_WRITE:     # bfd: a writable code orphan goes with the data
        return _RANKS["RX"]
    if f & SHF_WRITE:
        if c.type == SHT_NOBITS:
            return _RANKS["BSS"]
        if c.name.startswith(".data.rel.ro"):
            return _RANKS["RELRO"]
        return _RANKS["RW"]
    return _RANKS["RO"]


def _drop_input_build_ids(ctx) -> None:
    """A final link discards the inputs' .note.gnu.build-id sections (bfd's ldelf: an `ld -r
    --build-id` object's stale note), with or without --build-id: the output's only note is its own."""
    for o in ctx.objs:
        for i in getattr(o, "build_id_notes", ()):
            sec = o.sections[i]
            if sec is not None:
                sec.alive = False


def bin_sections(ctx) -> None:
    _drop_input_build_ids(ctx)
    if ctx.lscript is not None:
        from .scriptlayout import bin_sections as script_bin
        script_bin(ctx)
        if getattr(ctx, "defsym_exprs", None):
            _place_defsyms(ctx)
        return
    cfg = ctx.config
    outs: dict[str, OutputSection] = {}
    merged: dict[tuple, MergedSection] = {}
    eh_inputs: list = []
    members: dict[str, list] = {}
    unique = _UniqueRule(cfg.unique) if cfg.unique else None
    unwind = ctx.target.unwind_section_type
    bin_inputs(ctx.objs, outs, merged, eh_inputs, members, unique, unwind,
               bool(cfg.strip_debug or cfg.strip_all), _RANKS)
    placed = set()
    for ms in merged.values():
        members.setdefault(ms.key, []).extend(ms.finish())
        placed.add(ms.key)
    first, second = itemgetter(0), itemgetter(1)     # (C-level: ~40 000 members in synth-16x)
    for oname, lst in members.items():
        lst.sort(key=first)
        os_ = outs[oname]
        os_.members = list(map(second, lst))
        for m in os_.members:
            m.out = os_
        _retain_as_first(ctx, oname, os_)
        if oname in placed:
            os_.update_size(ctx)        # member offsets, for the merged pieces' offsets
    for ms in merged.values():
        ms.place()
    ctx.release_input_pages()       # the mergeable strings were read from the inputs' pages
    # COMMON symbols go to the end of .bss; thread-local ones (`.tls_common`, STT_TLS) to the end of
    # .tbss, as bfd's script has `*(.tcommon)` there: each thread needs its own copy
    commons = common_symbols(ctx.symtab)
    if len(commons) > 1:
        from .mapfile import common_allocation_order
        commons = common_allocation_order(ctx, commons, cfg.sort_common)
    # bfd's COMMON section of each input (one per kind: .bss, .tbss, large) starts aligned to the
    # largest alignment of the commons it holds
    group_align: dict[tuple[int, int], int] = {}
    for s in commons:
        gk = (id(s.file), _common_kind(s))
        group_align[gk] = max(group_align.get(gk, 1), s.common_align)
    T = ctx.target
    for s in commons:
        oname, flags = (".tbss", SHF_ALLOC | SHF_WRITE | SHF_TLS) if s.type == STT_TLS else \
            (".bss", SHF_ALLOC | SHF_WRITE)
        large = s.large_common and s.type != STT_TLS
        if large:
            # the target's large commons: bfd's script has `*(LARGE_COMMON)` last in .lbss
            oname, flags = T.large_common_section, T.large_common_flags
        calign: int = max(1, s.common_align)
        galign: int = group_align.pop((id(s.file), _common_kind(s)), 0)
        if galign > calign:
            calign = galign
        b = Blob("LARGE_COMMON" if large else "COMMON", s.size, calign)
        bss = outs.get(oname)
        if bss is None:
            bss = outs[oname] = OutputSection(oname, SHT_NOBITS, flags)
        bss.members.append(b)
        b.out = bss
        s.section = b
        s.value = 0
        if s.type == STT_COMMON:        # allocated, it is an object (bfd); STT_COMMON is for -r -z common
            s.type = STT_OBJECT
    if ctx.large_common_seen:
        # bfd makes a linker-created LARGE_COMMON input section in each object with a large common
        # symbol, which keeps its output section (.lbss) even when empty (the symbols went elsewhere)
        lb = outs.get(T.large_common_section)
        if lb is None:
            lb = outs[T.large_common_section] = OutputSection(T.large_common_section, SHT_NOBITS,
                                                              T.large_common_flags)
        if not lb.members:
            b = Blob("LARGE_COMMON", 0, 1)
            lb.members.append(b)
            b.out = lb
        lb.keep_empty = True
    text = outs.get(".text")
    if text is not None:
        # bfd's lang_process: the output .text is read-only (without -N, which takes a script) even
        # when an input section placed there is writable (the arm64 kernel's "awx" .idmap.text)
        text.flags &= ~SHF_WRITE
    ctx.out_sections = outs
    ctx.merged = merged
    ctx.eh_inputs = eh_inputs
    if getattr(ctx, "defsym_exprs", None):
        _place_defsyms(ctx)


def _common_kind(s) -> int:
    """Which of an input's COMMON sections bfd puts s in: 0 COMMON, 1 thread-local, 2 large."""
    if s.type == STT_TLS:
        return 1
    return 2 if s.large_common else 0


def check_preinit_array(ctx) -> None:
    """bfd refuses a shared library with an output section `.preinit_array`: one error for each
    input section placed in it (an empty one too), then its size pass fails."""
    files = [m.file for os_ in ctx.out_sections.values() if os_.name == ".preinit_array"
             for m in os_.members if getattr(m, "file", None) is not None]
    if not files:
        return
    for f in files:
        diag.error(f"{f.name}: .preinit_array section is not allowed in DSO")
    diag.error("failed to set dynamic section sizes: nonrepresentable section on output")
    diag.check_errors()


def _retain_as_first(ctx, oname: str, os_) -> None:
    """bfd's output section keeps SHF_GNU_RETAIN when its first input section (in placement order,
    an empty one too) has it: Rust std's .init_array.00099, sorted first in .init_array.  In a
    dynamic link bfd's dynobj (the first object) also holds empty linker-made inputs: `.dynbss`, first
    in .bss, and `.data.rel.ro` (-z norelro too), after that object's own .data.rel.ro sections."""
    first = os_.members[0]
    keep = bool(getattr(first, "flags", 0) & SHF_GNU_RETAIN)
    if keep and ctx.dynamic:
        if oname == ".bss":
            keep = False
        elif oname == ".data.rel.ro":
            f = getattr(first, "file", None)
            n = first.name
            local = n.startswith(".data.rel.ro.local") or n.startswith(".gnu.linkonce.d.rel.ro.local.")
            keep = local or (f is not None and bool(ctx.objs) and f is ctx.objs[0])
    if keep:
        os_.flags |= SHF_GNU_RETAIN
    else:
        os_.flags &= ~SHF_GNU_RETAIN


class _UniqueRule:
    """--unique[=GLOB]: input sections that get an output section each. Without a pattern, the orphans
    (sections the default script names nowhere); with patterns, input section names matching one."""

    # sections whose output the link builds around one output section of that name
    _SPECIAL = (".init_array", ".fini_array", ".preinit_array", ".ctors", ".dtors", ".init", ".fini",
                ".tdata", ".tbss", ".interp", ".dynamic", ".got", ".got.plt", ".plt", ".note.gnu.property")

    def __init__(self, patterns: list):
        import fnmatch
        import re
        self.orphans = None in patterns
        self.globs = [re.compile(fnmatch.translate(p)) for p in patterns if p is not None]
        self.count = 0

    def matches(self, name: str, oname: str, sec) -> bool:
        if self.globs and any(g.match(name) for g in self.globs):
            pass
        elif not (self.orphans and oname == name and name not in _RANKS and sec.flags & SHF_ALLOC):
            return False
        if oname in self._SPECIAL or name in self._SPECIAL or sec.flags & SHF_TLS:
            raise LinkError(f"--unique: {sec.file.name}: section {name} cannot be made an output section of "
                            "its own (not supported)")
        return True

    def key(self, name: str) -> str:
        self.count += 1
        return f"{name}\0{self.count}"



# ------------------------------------------------------------------ synthetic



def _any_property_note(ctx) -> bool:
    from .properties import has_note
    return any(has_note(o) for o in ctx.objs if not getattr(o, "synthetic", False))


def create_synthetic(ctx) -> None:
    from .synthetic.strtab import StrTab
    from .synthetic.notes import Interp, BuildId, PropertyNote, PackageNote
    from .synthetic.rela import RelaDyn, RelaPlt
    from .synthetic.got import Got, GotPlt
    from .synthetic.plt import Plt, PltGot, PltSec
    from .ehframe import EhFrameSection, EhFrameHdr
    cfg = ctx.config
    syn = ctx.syn = Synthetic()
    ctx.needs_syms = []
    ctx.need_tlsld = False
    dyn = ctx.dynamic
    if dyn and not cfg.shared and not cfg.no_dynamic_linker:
        syn.interp = Interp(cfg.dynamic_linker or ctx.target.interpreter)
    raw = cfg.output_kind != "elf"          # (--oformat binary: bfd's generic link makes none of these)
    bid_in = ctx.lscript.build_id_input if ctx.lscript is not None else None
    if bid_in is not None:
        # (a script statement takes the note with other input: an input section, scriptlayout)
        syn.build_id_in = (BuildId(cfg.build_id), bid_in[1])
    elif cfg.build_id and not raw:
        syn.build_id = BuildId(cfg.build_id)
    props = ctx.target.merge_properties(ctx)
    if raw:                                 # (each input's note is a section of its own there)
        props = None
    if cfg.stack_size and not raw and (props or _any_property_note(ctx)):
        # bfd records -z stack-size in the output's property note too, when it has one -- also when
        # an input's note merged to nothing (aarch64 BTI objects with crt files without BTI)
        props = [(GNU_PROPERTY_STACK_SIZE, cfg.stack_size)] + (props or [])
    if props:
        syn.property = PropertyNote(props)
    if cfg.package_metadata is not None and not raw:
        syn.package = PackageNote(cfg.package_metadata)
    if dyn:     # (a static link imports neither module: ~1 M instructions of classes made for nothing)
        from .synthetic.dynsym import DynSym, GnuHash, SysvHash
        from .synthetic.dynamic import Dynamic
        syn.dynstr = StrTab(".dynstr", True, tail_merge=True)
        syn.dynsym = DynSym(syn.dynstr)
        if cfg.hash_style in ("gnu", "both"):
            syn.gnu_hash = GnuHash(syn.dynsym)
        if cfg.hash_style in ("sysv", "both"):
            syn.hash = SysvHash(syn.dynsym)
        syn.dynamic = Dynamic()
        syn.dynamic.link = syn.dynstr
        if ctx.verdefs:
            from .synthetic.dynsym import VerDef
            syn.verdef = VerDef(syn.dynstr, ctx.verdefs, cfg.default_symver)
    syn.rela_dyn = RelaDyn()
    syn.rela_plt = RelaPlt()
    syn.relr_dyn = None
    if cfg.pack_relative_relocs and (cfg.shared or cfg.pie):
        from .synthetic.rela import RelrDyn
        syn.relr_dyn = RelrDyn()
    syn.got = Got()
    if not dyn:
        syn.got.entsize = ctx.target.static_got_entsize
    syn.gotplt = GotPlt(dyn)
    syn.gotplt.dynamic_word = not ctx.target.got_header
    if not dyn:
        syn.gotplt.header = 3
    syn.plt = Plt(dyn, ctx.target)
    syn.plt.set_code(ctx.target.plt_code(ctx))
    syn.pltgot = PltGot(ctx.target)
    if ctx.target.use_ibt_plt(ctx):
        syn.plt.ibt = True
        syn.pltgot.set_ibt()
        if dyn:
            syn.pltsec = PltSec(syn.plt)
    if ctx.eh_inputs:
        syn.eh_frame = EhFrameSection()
        syn.eh_frame.build(ctx, ctx.eh_inputs)
        # bfd's script KEEPs the input .eh_frame sections: the output section stays, empty, when no
        # record is left (an empty input section, or every FDE's function removed by --gc-sections)
        syn.eh_frame.keep_empty = True
        if not syn.eh_frame.size:   # (then the inputs' alignment, and x86-64's PLT one's: 8)
            syn.eh_frame.align = max([sec.align for sec in ctx.eh_inputs] +
                                     [8 if dyn and cfg.plt_unwind and not raw else 1])
        # bfd strips .eh_frame_hdr (and PT_GNU_EH_FRAME) when no input .eh_frame holds a CIE or FDE
        # (_bfd_elf_eh_frame_present): e.g. a -shared link of objects without unwind tables
        if cfg.eh_frame_hdr and syn.eh_frame.records:
            syn.eh_frame_hdr = EhFrameHdr(syn.eh_frame)
    elif dyn and cfg.plt_unwind and not raw:       # (no input .eh_frame)
        # x86-64 bfd makes its PLT unwind section (.eh_frame) with the dynamic sections and leaves it
        # empty when no input has .eh_frame; the empty output section stays (it is linker-made, see
        # ldlang.c strip_excluded_output_sections), so it is placed, and with -z separate-code it
        # opens a read-only PT_LOAD of its own. --no-ld-generated-unwind-info (and aarch64): none.
        syn.eh_frame = EhFrameSection()
        syn.eh_frame.build(ctx, [])
        syn.eh_frame.keep_empty = True
    # copy relocations live at the start of .bss
    if ctx.lscript is not None:
        syn.dynbss = ctx.lscript.dynbss         # (placed by the script: scriptlayout._copy_areas)
        syn.dynrelro = ctx.lscript.dynrelro
        return
    bss = ctx.out_sections.get(".bss")
    if bss is None:
        bss = ctx.out_sections[".bss"] = OutputSection(".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE)
    syn.dynbss = Blob(".dynbss", 0, 1)
    syn.dynbss.out = bss
    bss.members.insert(0, syn.dynbss)




# ------------------------------------------------------------------ scan

def scan_relocations(ctx) -> None:
    from .relvalues import scan_objects
    scan_section = ctx.target.scan_section
    scan_objects(ctx, ctx.objs, scan_section)   # (compiled: the walk over every input section)
    eh = ctx.syn.eh_frame
    if eh is not None:
        # the kept records' relocations, one scan per input section
        first_dyn = len(ctx.syn.rela_dyn.relocs)
        for sec, rels in eh.reloc_groups():
            scan_section(ctx, sec, rels)
        ctx.eh_dyn = (first_dyn, len(ctx.syn.rela_dyn.relocs))    # the .eh_frame scan's dynamic relocs
    diag.check_errors()


def init_entry(ctx) -> None:
    """--lib-main's object and the -shared library-init entry (libinit.py)."""
    cfg = ctx.config
    if cfg.lib_main or cfg.shared or cfg.verbose:   # else prepare() has nothing to do: skip its import
        from . import libinit
        libinit.prepare(ctx)
    diag.check_errors()


def finish_weak_undefined(ctx) -> None:
    """The executable's undefined weak references, decided after the whole scan (the target's rules)."""
    if ctx.weak_refs:
        ctx.target.finish_weak_undefined(ctx)


def allocate_got_plt(ctx) -> None:
    """GOT/PLT entries, copy and dynamic relocations from the scan's needs; then the PLT's unwind
    records, and the .eh_frame scan's dynamic relocations moved to the records' output places."""
    _allocate(ctx)
    eh = ctx.syn.eh_frame
    if eh is not None:
        if ctx.config.plt_unwind:
            eh.add_plt_unwind(ctx)      # (moves the records: before the next line reads their places)
        eh.move_dynamic_relocs(ctx.syn.rela_dyn.relocs, *ctx.eh_dyn)
    ctx.target.finish_scan(ctx)
    textrel_notes(ctx)


def _allocate(ctx) -> None:
    """Turn the needs found by scanning into GOT/PLT entries, copy relocations and dynamic relocations."""
    from .address import is_preemptible, has_plt, ifunc_got_binds_here
    from .synthetic.got import (GOT_ADDR, GOT_TPOFF, GOT_TLSGD, GOT_TLSLD, WORD_ADDR, WORD_DTPOFF, WORD_DYNAMIC,
                                WORD_ONE, WORD_PLT, WORD_TPOFF)
    from .synthetic.rela import DynReloc, NoneReloc
    T = ctx.target
    R_COPY, R_GLOB_DAT, R_JUMP_SLOT, R_RELATIVE, R_IRELATIVE = (T.R_COPY, T.R_GLOB_DAT, T.R_JUMP_SLOT,
                                                                T.R_RELATIVE, T.R_IRELATIVE)
    R_DTPMOD64, R_DTPOFF64, R_TPOFF64, R_TLSDESC = T.R_DTPMOD64, T.R_DTPOFF64, T.R_TPOFF64, T.R_TLSDESC
    cfg = ctx.config
    syn = ctx.syn
    got, plt, pltgot, gotplt = syn.got, syn.plt, syn.pltgot, syn.gotplt
    rela_dyn, rela_plt = syn.rela_dyn, syn.rela_plt
    dyn = ctx.dynamic
    pic = cfg.pic
    iplt_rel: list = []
    plt_undef: list = []
    ifunc_data = {id(s) for _sec, _off, s, _a in ctx.ifunc_data_relocs}
    dynbss = syn.dynbss
    if T.got_header and not got.nslots:
        got.add(GOT_ADDR, None)         # bfd's aarch64 .got starts with a word for _DYNAMIC (0 if static)
        if dyn:
            got.static_words[0] = (WORD_DYNAMIC, None)
    for s in ctx.needs_syms:
        nd = s.needs
        pre = is_preemptible(ctx, s)
        if nd & NEEDS_COPY and s.rank == SHARED and not s.copyrel:
            _refuse_protected(ctx, s, "copy relocation against non-copyable protected symbol")
            if ctx.nocopyreloc:       # (a target whose scan does not handle -z nocopyreloc yet)
                why = "-z nocopyreloc" if cfg.z_nocopyreloc else \
                    "an input's GNU_PROPERTY_1_NEEDED (indirect external access) forbids copy relocations;"
                raise LinkError(f"{why}: `{diag.demangle(s.name)}' would need a copy relocation "
                                f"(not supported for {ctx.target.name})")
            so = s.file
            dso_value = s.value
            al = _copy_align(s)
            area = dynbss
            if so.is_readonly(dso_value):
                area = _dynrelro(ctx)
            elif area is None:
                raise LinkError(f"{ctx.lscript.script.path}: a copy relocation into an output section the "
                                "script discards is not supported by braze")
            area.align = max(area.align, al)
            off = (area.size + al - 1) & -al
            area.size = off + max(s.size, 1)
            s.copyrel = True
            s.section = area
            s.value = off
            # the other names of the copied data, as bfd's weakdef pass makes them dynamic; the copy
            # relocation names the global definition when it is one of them
            symtab = ctx.symtab
            strong, names = so.copy_names(dso_value, symtab, s.name)
            target = ctx.sym(strong) if strong in names else s
            if target.rank != SHARED or target.file is not so:
                target = s
            rela_dyn.relocs.append(DynReloc(R_COPY, area, off, target))
            s.needs |= NEEDS_DYNSYM
            for alias in so.aliases(dso_value, s.name):
                a = ctx.sym(alias) if alias in names else symtab.get(alias)
                if a is not None and a is not s and a.rank == SHARED and a.file is so and not a.copyrel:
                    a.copyrel = True
                    a.section = area
                    a.value = off
                    if not a.needs:
                        ctx.needs_syms.append(a)
                    a.needs |= NEEDS_DYNSYM
            pre = False
        if nd & NEEDS_GOT and s.got_idx < 0 and not (
                T.ifunc_got_via_gotplt and s.type == STT_GNU_IFUNC and s.rank >= COMMON and not pre
                and nd & NEEDS_PLT and (not pic and not (nd & NEEDS_CPLT or id(s) in ifunc_data)
                                        or T.ifunc_got_via_gotplt_pic and pic
                                        and (not cfg.shared or not s.export))):
            # (bfd: an IFUNC with a PLT entry is loaded from its .got.plt word, which holds the resolved
            # address, unless its address must compare equal in a non-PIE or it is a library's export)
            s.got_idx = got.add(GOT_ADDR, s)
            slot = 8 * s.got_idx
            if s.type == STT_GNU_IFUNC and s.rank >= COMMON and (
                    not pre or not nd & NEEDS_PLT and ifunc_got_binds_here(ctx, s)):
                # (bfd: a library's IFUNC that stays preemptible under -Bsymbolic(-functions) or a
                # dynamic list not naming it, but has no PLT entry: its GOT slot binds here)
                if not pic and nd & NEEDS_PLT and (nd & NEEDS_CPLT or id(s) in ifunc_data):
                    # bfd: an executable's IFUNC whose address must compare equal (data pointers get
                    # its PLT entry) has that entry's address in its GOT slot too
                    got.static_words[s.got_idx] = (WORD_PLT, s)
                else:
                    r = DynReloc(R_IRELATIVE, got, slot, None, s, 0)
                    (rela_dyn.relocs if dyn else iplt_rel).append(r)
            elif pre and not s.copyrel:
                rela_dyn.relocs.append(DynReloc(R_GLOB_DAT, got, slot, s))
            elif s.copyrel and dyn:
                rela_dyn.relocs.append(DynReloc(R_GLOB_DAT, got, slot, s))
            elif T.glob_dat_exported_got and dyn and not pic and s.export and s.rank >= COMMON:
                # bfd (aarch64): a non-PIE's GOT slot of a symbol it exports is filled by ld.so
                rela_dyn.relocs.append(DynReloc(R_GLOB_DAT, got, slot, s))
            elif pic and (not s.is_abs or s.script_abs or T.pic_got_abs_relative) and \
                    not (s.rank == NONE and not s.linker_defined):
                # (bfd: an assignment's symbol, --defsym included, moves with the image in PIC output)
                rela_dyn.relocs.append(DynReloc(R_RELATIVE, got, slot, None, s, 0))
                # bfd also writes the link-time address in the slot (the loader uses the addend)
                got.static_words[s.got_idx] = (WORD_ADDR, s)
            else:
                got.static_words[s.got_idx] = (WORD_ADDR, s)
                if ctx.dead_tls_got and s.name == "__tls_get_addr" and s.rank == NONE:
                    # bfd (x86-64 PIE): the GOT slot of the relaxed TLS calls' undefined
                    # __tls_get_addr has a .rela.dyn entry it never writes (R_*_NONE)
                    rela_dyn.relocs.append(NoneReloc())
        if nd & NEEDS_PLT:
            if s.type == STT_GNU_IFUNC and s.rank >= COMMON and not pre:
                if s.iplt_idx < 0:
                    s.iplt_idx = len(plt.isyms)
                    plt.isyms.append(s)
            elif s.got_idx >= 0 and pre and T.pltgot_stubs and not (s.type == STT_GNU_IFUNC and s.rank >= COMMON) \
                    and not (nd & NEEDS_CPLT and not cfg.shared and s.rank == SHARED):
                # (bfd: a library's own preemptible IFUNC gets a lazy PLT entry, never a .plt.got stub;
                # nor does a canonical PLT entry: its GOT slot's GLOB_DAT binds to the executable's
                # own address for the symbol, that entry, which would then jump to itself)
                if s.pltgot_idx < 0:
                    s.pltgot_idx = len(pltgot.syms)
                    pltgot.syms.append(s)
            elif pre and s.plt_idx < 0:
                s.plt_idx = len(plt.syms)
                plt.syms.append(s)
            elif ctx.static_pie and T.pltgot_stubs and s.rank == NONE and not s.linker_defined \
                    and s.pltgot_idx < 0 and s.iplt_idx < 0:
                # bfd (-static-pie): a called undefined (weak) symbol with a GOT slot (0, no relocation)
                # gets a .plt.got stub (PltGot.static_undef); without one, a .plt entry whose .got.plt
                # slot is 0 (Plt.undef_syms, after the IFUNCs' entries)
                if s.got_idx >= 0:
                    s.pltgot_idx = len(pltgot.syms)
                    pltgot.syms.append(s)
                    pltgot.static_undef.add(id(s))
                else:
                    if plt.ibt:
                        raise LinkError(f"-static-pie with the IBT PLT: a call to the undefined symbol "
                                        f"`{diag.demangle(s.name)}' is not supported")
                    plt_undef.append(s)
            if nd & NEEDS_CPLT and not cfg.shared and s.rank == SHARED:
                # (a PIE's only from a PC-relative word in writable data, x86-64: bfd's as a non-PIE's)
                if T.protected_cplt_error:
                    _refuse_protected(ctx, s, "non-canonical reference to canonical protected function")
                s.canonical_plt = True
        # bfd names an exported TLS symbol in its dynamic TLS relocations even when it binds locally
        # (-Bsymbolic): the loader then resolves it to this module's own definition
        # (and an executable's, when the target keeps its IE access: Target.exe_dynamic_tls_ie)
        tls_sym = pre or ((cfg.shared or T.exe_dynamic_tls_ie) and s.export and s.rank >= COMMON)
        if nd & NEEDS_GOTTP and s.gottp_idx < 0:
            s.gottp_idx = got.add(GOT_TPOFF, s)
            slot = 8 * s.gottp_idx
            if tls_sym:
                rela_dyn.relocs.append(DynReloc(R_TPOFF64, got, slot, s))
            elif cfg.shared:
                rela_dyn.relocs.append(DynReloc(R_TPOFF64, got, slot, None, s, 0))
            else:
                got.static_words[s.gottp_idx] = (WORD_TPOFF, s)
        if nd & NEEDS_TLSGD and s.tlsgd_idx < 0:
            s.tlsgd_idx = got.add(GOT_TLSGD, s)
            slot = 8 * s.tlsgd_idx
            if tls_sym:
                rela_dyn.relocs.append(DynReloc(R_DTPMOD64, got, slot, s))
                rela_dyn.relocs.append(DynReloc(R_DTPOFF64, got, slot + 8, s))
            elif dyn:
                rela_dyn.relocs.append(DynReloc(R_DTPMOD64, got, slot, None))
                got.static_words[s.tlsgd_idx + 1] = (WORD_DTPOFF, s)
            else:
                got.static_words[s.tlsgd_idx] = (WORD_ONE, None)
                got.static_words[s.tlsgd_idx + 1] = (WORD_DTPOFF, s)
        if nd & NEEDS_TLSDESC and s.tlsdesc_idx < 0:     # descriptors live in .got.plt (see GotPlt)
            s.tlsdesc_idx = len(gotplt.tlsdesc)
            gotplt.tlsdesc.append(s)
    if ctx.need_tlsld:
        got.tlsld_idx = got.add(GOT_TLSLD, None)
        if dyn:
            rela_dyn.relocs.append(DynReloc(R_DTPMOD64, got, 8 * got.tlsld_idx, None))
        else:
            got.static_words[got.tlsld_idx] = (WORD_ONE, None)
    # PLT slots and their relocations
    if not pic and not cfg.shared and T.R_ABS64 is not None:
        # bfd: a data pointer to a function that ended up with a canonical PLT entry is that entry's
        # address, and one to data that ended up copied is the copy's, written in place (the scan
        # chose a dynamic relocation for a writable section before it knew)
        rels = rela_dyn.relocs
        if any(r.type == T.R_ABS64 and r.sym is not None and (r.sym.canonical_plt or r.sym.copyrel)
               for r in rels):
            keep: list = []
            eh = getattr(ctx, "eh_dyn", None)       # (the .eh_frame scan's range: indices move)
            marks = {}
            for i, r in enumerate(rels):
                marks[i] = len(keep)
                if not (r.type == T.R_ABS64 and r.sym is not None and (r.sym.canonical_plt or r.sym.copyrel)):
                    keep.append(r)
            marks[len(rels)] = len(keep)
            if eh is not None:
                ctx.eh_dyn = (marks[eh[0]], marks[eh[1]])
            rela_dyn.relocs = keep
    tga = ctx.symtab.get("__tls_get_addr") if ctx.dead_tls_plt and ctx.static_pie else None
    if tga is not None and tga.got_idx >= 0 and T.pltgot_stubs and tga.pltgot_idx < 0:
        # bfd (-static-pie): when -fno-plt's relaxed calls gave it a GOT slot too, that dead call's
        # entry is a .plt.got stub instead (after the others), one bfd never writes (zeros)
        tga.pltgot_idx = len(pltgot.syms)
        pltgot.syms.append(tga)
        pltgot.dead.add(id(tga))
    elif ctx.dead_tls_plt:
        # bfd (x86-64 PIE): the relaxed TLS sequences' call to an __tls_get_addr nothing defines still
        # made a PLT entry, a .got.plt slot and a .rela.plt entry that it never writes (zeros, and
        # R_*_NONE): kept here as an unnamed lazy entry (None) after the others
        plt.syms.append(None)
    plt.nifunc = len(plt.isyms)
    for s in plt_undef:
        s.iplt_idx = len(plt.isyms)
        plt.isyms.append(s)
    gotplt.nplt = len(plt.syms)
    gotplt.niplt = len(plt.isyms)
    # an executable's data pointer to its own IFUNC without a PLT entry: an IRELATIVE of its own
    # (bfd's relocate_section emits these first: ahead of the PLT's in a static link's .rela.plt)
    data_irel = [DynReloc(R_IRELATIVE, sec, off, None, s, a) for sec, off, s, a in ctx.ifunc_data_relocs
                 if not has_plt(s) and sec.out is not None]
    if dyn:
        rela_dyn.relocs.extend(data_irel)
        if data_irel:
            ctx.ifunc_dynrel = True
    else:
        rela_plt.relocs.extend(data_irel)
    for i, s in enumerate(plt.syms):
        rela_plt.relocs.append(DynReloc(R_JUMP_SLOT, gotplt, 8 * (gotplt.header + i), s) if s is not None
                               else NoneReloc())
    for i, s in enumerate(plt.isyms[:plt.nifunc]):
        rela_plt.relocs.append(DynReloc(R_IRELATIVE, gotplt, 8 * (gotplt.header + gotplt.nplt + i), None, s, 0))
    rela_plt.relocs.extend(iplt_rel)
    rela_plt.iplt_start = len(plt.syms)
    for i, s in enumerate(gotplt.tlsdesc):
        # a symbol ld.so resolves, or (sym 0) the variable's offset in this module's TLS block as addend
        tls_sym = is_preemptible(ctx, s) or (cfg.shared and s.export and s.rank >= COMMON)
        rela_plt.relocs.append(DynReloc(R_TLSDESC, gotplt, gotplt.tlsdesc_off(i), s if tls_sym else None,
                                        None if tls_sym else s, 0))
    # bfd reserves PLT0 for the first symbol given any PLT, a .plt.got one too (elfxx-x86's
    # allocate_dynrelocs), so a dynamic output with only .plt.got entries still has a PLT0-only .plt
    # TLSDESC alone: PLT0 for the lazy trampoline; with -z now x86-64 bfd makes none, aarch64's still does
    plt.tlsdesc_plt0 = bool(gotplt.tlsdesc and (not cfg.now or T.tlsdesc_now_plt0)) or \
        bool(ctx.dynamic and plt.has_header and ctx.syn.pltgot.syms)
    if gotplt.tlsdesc and not cfg.now:
        # bfd's lazy TLSDESC: a .got word for ld.so's resolver, reserved after every other .got entry
        got.tlsdesc_got_idx = got.add(GOT_ADDR, None)
        plt.tlsdesc_tramp = True
    if T.got_header and got.nslots == 1 and got.tlsld_idx < 0 and not _got_symbol_used(ctx) and \
            not (dyn and T.dyn_got_header_kept):
        got.nslots = 0                  # (only the reserved word: no .got, as bfd)
        got.entries.clear()
        got.static_words.clear()


def _got_symbol_used(ctx) -> bool:
    s = ctx.symtab.get("_GLOBAL_OFFSET_TABLE_")
    return s is not None and s.linker_defined and s.used_in_reloc


def _dynrelro(ctx):
    """The copy area for read-only data of shared libraries, at the end of .data.rel.ro (made on first use)."""
    syn = ctx.syn
    if syn.dynrelro is None:
        if ctx.lscript is not None:
            raise LinkError(f"{ctx.lscript.script.path}: a copy relocation into an output section the script "
                            "discards is not supported by braze")
        ro = ctx.out_sections.get(".data.rel.ro")
        if ro is None:
            ro = ctx.out_sections[".data.rel.ro"] = OutputSection(".data.rel.ro", SHT_PROGBITS,
                                                                  SHF_ALLOC | SHF_WRITE)
        b = syn.dynrelro = Blob(".data.rel.ro", 0, 1)
        b.type = SHT_PROGBITS
        b.out = ro
        # bfd's copy area is a .data.rel.ro input section of its first input object: matched by the
        # script's `*(.data.rel.ro .data.rel.ro.* .gnu.linkonce.d.rel.ro.*)` after that file's own
        # sections, so ahead of the other files' ones (after every `.data.rel.ro.local*` section)
        first = ctx.objs[0] if ctx.objs else None
        at = len(ro.members)
        for i, m in enumerate(ro.members):
            n = getattr(m, "name", "")
            if n.startswith((".data.rel.ro.local", ".gnu.linkonce.d.rel.ro.local.")) or \
                    getattr(m, "file", None) is first:
                continue
            at = i
            break
        ro.members.insert(at, b)
    return syn.dynrelro


def _refuse_protected(ctx, s, what: str) -> None:
    """bfd 2.40 (x86): a library's protected symbol is its own: the program may neither copy it nor
    make its PLT entry the function's address (the library would go on using another one)."""
    so = s.file
    names = ctx.protected_defs.get(id(so))
    if names is None:       # (one pass over a library's definitions: usually none is protected)
        names = ctx.protected_defs[id(so)] = {so.def_names[i] for i, v in enumerate(so.def_cols[3])
                                              if v & 3 == STV_PROTECTED}
    if s.name not in names or (id(s), what) in ctx.protected_refused:
        return
    ctx.protected_refused.add((id(s), what))       # (aarch64 asks once per ADRP relocation)
    for d in so.defs:
        if d[0] == s.name and d[8] == STV_PROTECTED and (s.verneed is None or d[6] == s.verneed):
            name = s.name if d[6] is None else f"{s.name}{'@' if d[7] else '@@'}{d[6]}"
            ref = next((o.name for o in ctx.objs if any(x is s for x in o.syms)), None)
            where = ctx.target.protected_copy_error.format(lib=so.name)
            diag.error(f"{ref + ': ' if ref else ''}{what} `{diag.demangle(name)}'{where}")
            return


def common_sort_pass(s, order: str) -> int:
    """Which of bfd's lang_common hash-table walks allocates common s under --sort-common=ORDER (lower
    first): descending walks take alignments >= 16, 8, 4, 2, then the rest; ascending ones <= 1, 2, 4,
    8, 16, then the rest (so 32 and 16 share a walk: hash order, not alignment, orders them)."""
    power = max(1, s.common_align).bit_length() - 1
    return 4 - min(power, 4) if order == "descending" else min(power, 5)


def _copy_align(s) -> int:
    """Alignment of a copy: the library's section alignment as far as the address honours it
    (bfd 2.40; not capped by the size: a 4-byte int at a 64-aligned address gets 64)."""
    return s.file.copy_align(s.value)



# ------------------------------------------------------------------ dynamic symbols

def finalize_dynamic(ctx) -> None:
    cfg = ctx.config
    syn = ctx.syn
    if not ctx.dynamic:
        return
    extra = ctx.target.extra_linker_syms + ctx.target.provided_syms
    ds = syn.dynsym
    from .bindsyms import dynsym_choice
    chosen = dynsym_choice(ctx.needs_syms, ctx.symtab, bool(cfg.gc_sections), bool(cfg.shared),
                           bool(ctx.static_pie), bool(cfg.export_dynamic), set(SCRIPT_EXPORTABLE) | set(extra))
    chosen.extend(_weakdef_imports(ctx, chosen))
    chosen.extend(ctx.version_syms)
    ds.syms = chosen
    ds.finalize(ctx, _nbuckets)
    relr_ver = syn.relr_dyn is not None and syn.relr_dyn.take(ctx) and _relr_version(ctx)
    from .synthetic.dynsym import versioned_import
    if any(versioned_import(s) for s in chosen):
        from .synthetic.dynsym import VerSym, VerNeed
        syn.versym = VerSym(ds)
        syn.verneed = VerNeed(syn.dynstr)
        first = 2 + (len(syn.verdef.defs) - 1 if syn.verdef is not None else 0)
        syn.verneed.build(ctx, ds, first)
        if relr_ver and any(so == relr_ver.soname for so, _ in syn.verneed.files):
            syn.verneed.add_extra(relr_ver.soname, "GLIBC_ABI_DT_RELR")
    elif syn.verdef is not None:
        from .synthetic.dynsym import VerSym
        syn.versym = VerSym(ds)
    ctx.out_by_name = dict(ctx.out_sections)
    syn.dynamic.build(ctx)


def _weakdef_imports(ctx, chosen: list) -> list:
    """bfd's weakdef pairing also for imported data that is not copied: a library's weak data
    definition in .dynsym brings the global definition at its address (libc's `environ` brings
    `__environ`), and that one each weak alias the pairing's walk reaches (as for copy
    relocations: SharedFile.copy_names). The names joining are imported unreferenced, with the
    library's binding (ctx.weakdef_imports); the global definition paired with a weak alias the
    objects reference also goes to .symtab, bound as that reference (ctx.weakdef_symtab)."""
    have = set(map(id, chosen))
    extra: list = []
    for s in chosen:
        if s.rank != SHARED or s.copyrel or s.type not in (0, 1) or s.file is None:   # NOTYPE, OBJECT
            continue
        so = s.file
        if not so.is_shared or getattr(so, "dt_needed", False):
            continue
        strong, names = so.copy_names(s.value, ctx.symtab, s.name)
        for n in names:
            if n == s.name:
                continue
            a = ctx.sym(n)
            if a.rank == SHARED and a.file is so and id(a) not in have:
                have.add(id(a))
                extra.append(a)
                ctx.weakdef_imports.add(id(a))
                if n == strong and s.ref_regular:
                    ctx.weakdef_symtab[id(a)] = STB_GLOBAL if s.ref_strong else STB_WEAK
    return extra


def _relr_version(ctx):
    """bfd (2.38+) makes a DT_RELR output need GLIBC_ABI_DT_RELR from a libc.so.6 that defines it,
    so an older glibc refuses it instead of misrelocating; only beside other versions it needs from
    libc.so.6 (an output needing none of them gets no Verneed entry for it)."""
    for so in ctx.needed_dsos:
        if so.soname == "libc.so.6" and "GLIBC_ABI_DT_RELR" in so.versions.values():
            return so
    return None


def _nbuckets(n: int) -> int:
    """.gnu.hash buckets for N hashed symbols, as bfd without -O: its prime table (at least 2)."""
    if n == 0:
        return 1
    from .synthetic.dynsym import _sysv_buckets
    return max(2, _sysv_buckets(n))


_mergeable_entsize = mergeable_entsize       # (scriptlayout imports it from here)


def textrel_notes(ctx) -> None:
    """After the scan and allocation, as bfd's size_dynamic_sections: when text relocations warn (or
    -z text refuses them), a warning for the first against a local symbol ("relocation in read-only
    section", on targets whose bfd reports those; then none for a global), else for the first against
    a global; then bfd's warning for an output in which an IFUNC defined here has dynamic relocations
    of its own (a data pointer's; not its GOT/PLT ones), even under -z notext; then -z text's error,
    or "creating DT_TEXTREL"."""
    if not ctx.textrel:
        return
    cfg = ctx.config
    warn = cfg.textrel_warn or cfg.textrel_warn is None and ctx.target.textrel_warn
    if cfg.z_text or warn:
        loc, glob = ctx.textrel_local, ctx.textrel_global
        if loc is not None:         # (then bfd looks no further: no global's warning)
            if ctx.target.textrel_warns_locals:
                diag.warn(f"{loc[0].name}: warning: relocation in read-only section `{loc[1].name}'",
                          located=True)
        elif glob is not None:
            obj, sec, s = glob
            diag.warn(f"{obj.name}: warning: relocation against `{diag.demangle(s.name)}' in read-only section "
                      f"`{sec.name}'", located=True)        # (bfd's form: the file first)
    if ctx.ifunc_dynrel:
        diag.warn("GNU indirect functions with DT_TEXTREL may result in a segfault at runtime; recompile with "
                  + ("-fPIC" if cfg.shared else "-fPIE"))
    if cfg.z_text:
        diag.error("read-only segment has dynamic relocations")
        diag.check_errors()
    if warn:
        diag.warn("creating DT_TEXTREL in a " + ("shared object" if cfg.shared else
                                                 "PIE" if cfg.pic else "PDE"))
