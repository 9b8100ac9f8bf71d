"""GNU ld's checks of shared libraries' references (--no-allow-shlib-undefined, the default for
executables): a non-weak reference in a linked library that nothing defines is an error, as the
program would fail at load time; and a regular object may not use a symbol that only a library
reached through another library's DT_NEEDED defines ("DSO missing from command line").

As in bfd 2.40, the check applies whether or not the library's own DT_NEEDED libraries were found,
skips names that a regular object references (those are reported, or ignored, as the object's
undefined symbols), and matches versions: a reference to foo@V is satisfied only by a definition of
foo in version V (hidden or default), or by a regular definition of foo."""
from __future__ import annotations

from . import diag
from .diag import LinkError
from .elf import STV_HIDDEN, STV_INTERNAL
from .symbols import NONE, COMMON, LINKER_SYMS
from .bindsyms import library_defs


def shlib_checked(cfg) -> bool:
    """bfd also reads indirect libraries (DT_NEEDED of linked ones) only in this case.
    (--unresolved-symbols sets allow_shlib_undefined too.)"""
    if cfg.allow_shlib_undefined is not None:
        return not cfg.allow_shlib_undefined
    return not cfg.shared


def _linker_provided(name: str, cfg) -> bool:
    return (name in LINKER_SYMS or name.startswith(("__start_", "__stop_"))
            or any(n == name for n, _e in cfg.defsyms))


def check_dso_missing(ctx, ind) -> None:
    """`ind` is an indirect library: the first symbol it defines that a regular object needs and
    nothing on the command line defines stops the link, as bfd's loading of that library does."""
    cfg = ctx.config
    symtab = ctx.symtab
    for d in ind.defs:
        name, ver, hidden = d[0], d[6], d[7]
        s = None if hidden else symtab.get(name)
        shown = name if ver is None else f"{name}@@{ver}"
        if (s is None or s.rank != NONE) and ver is not None and ctx.has_symver:
            s = symtab.get(f"{name}@{ver}")          # an object's .symver reference foo@V
            shown = f"{name}@{ver}"
        if s is None or s.rank != NONE or not s.ref_strong or not s.ref_regular or _linker_provided(name, cfg):
            continue
        who = f"{s.ref_file.name}: " if s.ref_file is not None else ""
        diag.error(f"{who}undefined reference to symbol '{diag.demangle(name)}{shown[len(name):]}'")
        raise LinkError(f"{ind.name}: error adding symbols: DSO missing from command line")


def check_hidden_referenced(ctx, libs) -> None:
    """bfd refuses an executable whose hidden (or internal) definition a library needs (non-weakly):
    the library could not bind to it at run time. Not for -shared, and whatever
    --allow-shlib-undefined says."""
    if ctx.config.shared:
        return
    symtab = ctx.symtab
    seen = set()
    for so in libs:
        for name, vidx in so.strong_undefs:
            if (vidx > 1 and vidx in so.verneed_names) or name in seen:
                continue
            s = symtab.get(name)
            if (s is None or s.rank < COMMON or s.file is None or s.file.is_shared
                    or s.visibility not in (STV_HIDDEN, STV_INTERNAL)):
                continue
            seen.add(name)
            what = "hidden" if s.visibility == STV_HIDDEN else "internal"
            diag.error(f"{ctx.config.output}: {what} symbol `{diag.demangle(name)}' in {s.file.name} "
                       f"is referenced by DSO")
    if seen:
        diag.error("final link failed: bad value")


def check_shlib_undefined(ctx) -> None:
    cfg = ctx.config
    direct = [so for so in ctx.dsos if so.is_alive and not getattr(so, "dt_needed", False)]
    indirect = ctx.indirect_dsos
    libs = direct + indirect
    check_hidden_referenced(ctx, libs)
    if not shlib_checked(cfg):
        return
    symtab = ctx.symtab
    # the references that only a library definition can satisfy, first referencing library first
    wanted: dict[str, tuple] = {}
    for so in libs:
        for name, vidx in so.strong_undefs:
            ver = so.verneed_names.get(vidx) if vidx > 1 else None
            key = name if ver is None else f"{name}@{ver}"
            if key in wanted:
                continue
            if _regular(symtab, name, ver) or _linker_provided(name, cfg) or key in cfg.ignore_unresolved:
                continue
            wanted[key] = (so, name, ver)
    if not wanted:
        return
    defs = library_defs(libs, {w[1] for w in wanted.values()})
    indirect_ids = {id(so) for so in indirect}
    for key, (so, name, ver) in wanted.items():
        cands = defs.get(name, ())
        if ver is not None:
            if any(v == ver for v, _h, _so in cands):
                continue
        elif any(not h for _v, h, _so in cands):
            continue
        elif id(so) in indirect_ids and any(h and _base_or_first(o, v) for v, h, o in cands if o is not so):
            # bfd: a library that came in through DT_NEEDED may use another's hidden definition in its
            # base or first version
            continue
        shown = diag.demangle(name) + ("" if ver is None else f"@{ver}")
        if cfg.error_handling_script is not None:
            _run_script(ctx, key)
        if cfg.warn_unresolved:     # bfd's wording: the library, then "warning:"
            diag.warn(f"{so.name}: warning: undefined reference to `{shown}'", located=True)
        else:
            diag.error(f"{so.name}: undefined reference to `{shown}'")


def _run_script(ctx, key: str) -> None:
    """--error-handling-script before a library's undefined reference. bfd reports these after the
    objects' own undefined references (braze before them, and it stops here on errors): refused when
    an object may have one too, since the script would then run in another order."""
    cfg = ctx.config
    report = cfg.undef_objects == "report" or (cfg.undef_objects is None and not cfg.shared)
    if cfg.undef_objects != "ignore" and any(
            s.rank == NONE and s.ref_regular and s.ref_strong and not s.linker_defined
            and (report or s.visibility) and s.name not in cfg.ignore_unresolved for s in ctx.symtab.values()):
        raise LinkError(f"--error-handling-script with undefined references both in objects and in a "
                        f"shared library (`{diag.demangle(key)}') is not supported")
    from .errscript import run
    run(cfg.error_handling_script, "undefined-symbol", key)


def _regular(symtab, name: str, ver) -> bool:
    """Is the reference defined by a regular object, or referenced by one too (then it is that
    object's undefined symbol)? A versioned reference foo@V needs a regular foo@@V or foo@V (.symver):
    a plain regular foo does not satisfy it."""
    if ver is None:
        s = symtab.get(name)
        return s is not None and (s.rank >= COMMON or s.linker_defined or (s.rank == NONE and s.ref_regular))
    s = symtab.get(name)
    if s is not None and s.rank >= COMMON and s.dyn_version == (ver, False):
        return True
    s = symtab.get(f"{name}@{ver}")
    return s is not None and (s.rank >= COMMON or s.ref_regular)


def _base_or_first(so, ver) -> bool:
    if ver is None:
        return True
    return any(n == ver and idx <= 2 for idx, n in so.versions.items())
