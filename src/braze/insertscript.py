"""`INSERT AFTER/BEFORE output_section` (GNU ld's process_insert_statements, checked against ld.bfd 2.40).

A script whose SECTIONS ends with INSERT does not replace the main script: its statements are moved
into the main script (a -T script without INSERT, else bfd's built-in default script for the link's
options) at the named output section. braze's default layout is not a script (layout.py), so such a
link is laid out by the SECTIONS engine (scriptlayout.py) from the SECTIONS of bfd's default script
for this link's options, exactly as `ld.bfd --verbose` prints it (defaultscript.py)."""
from __future__ import annotations

from .diag import LinkError
from .inputs.ldscript import Assign, AssertCmd, InputDesc, OutSecStmt

_PATH = "<default linker script>"


def base_script(ctx):
    """The main script: the -T script without INSERT, else bfd's default one (for INSERT scripts and
    scripts given as input files)."""
    if ctx.pending_lscript is not None:
        return ctx.pending_lscript
    from .defaultscript import sections_text
    from .inputs.ldscript import parse_full
    ctx.script_entry = "_start"      # (its ENTRY, read after the others, is the one that counts in bfd)
    script = parse_full(sections_text(ctx.config), _PATH)
    script._default = True
    return script


def defsym_assigns(name: str, expr: str) -> list:
    """--defsym NAME=EXPR as the script statement bfd makes of it."""
    from .inputs.ldscript import parse_full
    return parse_full(f"{name} = {expr};", "--defsym").top


def defsyms_to_script(ctx) -> None:
    """--defsym with an expression beyond NUMBER or SYMBOL[+-NUMBER] (ABSOLUTE(x), x * 2, SIZEOF(.s)
    ...): the link is laid out by the SECTIONS engine from the main script, the --defsym assignments
    ahead of its statements, where bfd has them.  (bfd's `a=_end` reads an earlier layout pass's
    _end, 0x2000 higher in the cases seen; braze's reads the final one.)"""
    stmts = []
    for name, expr in ctx.config.defsyms:
        stmts += defsym_assigns(name, expr)
    _default_as_pending(ctx).sections[0:0] = stmts
    ctx.defsyms_in_script = True


def unpaged_to_script(ctx) -> None:
    """-N/-n: checked for what braze lays out; without a SECTIONS script the link is laid out by the
    SECTIONS engine from bfd's -N or -n default script (defaultscript.py picks it), as it is for
    --defsym expressions."""
    from .scriptlayout import check_unpaged
    check_unpaged(ctx)
    if ctx.pending_lscript is None:
        _default_as_pending(ctx)


def section_starts_to_script(ctx) -> None:
    """--section-start/-Ttext/-Tdata/-Tbss without a SECTIONS script: laid out by the SECTIONS engine
    from bfd's default script, with bfd's address statements ahead of it (scriptlayout.setup)."""
    _default_as_pending(ctx)


def _default_as_pending(ctx):
    """bfd's default script (flattened) as the link's SECTIONS script, for the engine to lay out."""
    from .scriptmerge import make_flat
    base = base_script(ctx)
    make_flat(base)
    ctx.pending_lscript = base
    return base


def sort_section_to_script(ctx) -> None:
    """--sort-section=name|alignment: bfd's update_wild_statements on the main script (bfd's default
    one, laid out by the SECTIONS engine, unless -T gave one): every section pattern but `.init` and
    `.fini` (plain names too, but not a file name alone) gets SORT_BY_NAME or SORT_BY_ALIGNMENT; one
    sorted the other way already gets both, its own sort first; any other sort stays as it is."""
    cfg = ctx.config
    if ctx.pending_lscript is None:
        _default_as_pending(ctx)
    _sort_descs(ctx.pending_lscript.sections, cfg.sort_section)


def _sort_descs(stmts, kind: str) -> None:
    other = "align" if kind == "name" else "name"
    for st in stmts:
        if isinstance(st, OutSecStmt):
            _sort_descs(st.body, kind)
        elif isinstance(st, InputDesc) and not st.bare:
            pats = []
            for excl, pat, sort in st.pats:
                if pat not in (".init", ".fini"):
                    if sort is None:
                        sort = kind
                    elif sort == other:
                        sort = other + "+" + kind
                pats.append((excl, pat, sort))
            st.pats = pats


def apply_inserts(ctx) -> None:
    """One statement list, as bfd's: the main script, then the other -T scripts with SECTIONS, then
    the scripts given as input files (scriptmerge.py); each INSERT script's statements moved in at
    their section, in the order the scripts were read (bfd's process_insert_statements)."""
    from .scriptmerge import merge_into, insert_chunks, make_flat
    if ctx.insert_scripts and ctx.more_scripts:
        raise LinkError(f"{ctx.insert_scripts[0].path}: INSERT together with several -T scripts with SECTIONS "
                        "is not supported by braze")
    if ctx.insert_scripts and getattr(ctx, "ignored_dscript", None) is not None:
        # (bfd reads -dT in place of its default script when the -T scripts all end in INSERT)
        raise LinkError(f"{ctx.ignored_dscript}: -dT together with -T scripts ending in INSERT is not "
                        "supported by braze")
    base = base_script(ctx)
    make_flat(base)
    for extra in ctx.more_scripts:
        merge_into(base, extra, "a second -T script")
    for extra in ctx.implicit_scripts:
        merge_into(base, extra, "a script given as an input file")
    stmts = base.sections
    # the sections an INSERT may name: not those of the statements being moved (bfd hides them while
    # it scans up to the INSERT), but those an earlier INSERT moved in (bfd 2.40, checked)
    own = {id(s) for s in stmts}
    main = ctx.pending_lscript is not None and not getattr(base, "_default", False)
    seen_insert = False
    carry = []          # statements after an INSERT: they go with the next INSERT's (bfd snips from the start)
    for k, ins in enumerate(ctx.insert_scripts):
        if main and k >= ctx.inserts_before_main:
            # bfd: every output section read before an INSERT is hidden from it (it is to be moved)
            raise LinkError(f"{ins.insert[2]}: {ins.insert[1]} not found for insert")
        if ins.phdrs is not None:
            raise LinkError(f"{ins.path}: PHDRS in a script with INSERT is not supported by braze")
        chunks, trailing = insert_chunks(ins)
        for (before, name, where, _ntop, _nsec), chunk in chunks:
            oss = [s for s in stmts if isinstance(s, OutSecStmt) and id(s) in own]
            target = next((s for s in oss if s.name == name), None)
            if target is not None and before:
                i = oss.index(target)
                target = oss[i - 1] if i else None
            if target is None:
                raise LinkError(f"{where}: {name} not found for insert")
            block = carry + chunk
            carry = []
            if not block and (k or seen_insert):
                # (bfd's process_insert_statements then splices its list onto itself: it fails or
                # loses statements)
                raise LinkError(f"{where}: an INSERT with no statement since the previous INSERT is not "
                                "supported by braze")
            seen_insert = True
            at = _after(stmts, stmts.index(target))
            stmts[at:at] = block
            own.update(id(s) for s in block if isinstance(s, OutSecStmt))
        carry = trailing
        for m, v in ins.memory.items():
            if m in base.memory and base.memory[m] is not v:
                raise LinkError(f"{ins.path}: redefinition of memory region `{m}'")
            base.memory[m] = v
        base.nocrossrefs.extend(ins.nocrossrefs)
        if ins.sane_expr:           # (bfd: LD_FEATURE is for the whole link, wherever read)
            base.sane_expr = True
    if carry:
        # after the last INSERT: they stay where the script was read, ahead of the main script
        sec = next((s for s in carry if isinstance(s, OutSecStmt)), None)
        if sec is not None:
            raise LinkError(f"{sec.where}: an output section after the last INSERT is not supported by braze "
                            "(bfd places it ahead of the main script's statements)")
        stmts[0:0] = carry
    ctx.pending_lscript = base


def _after(stmts, i) -> int:
    """bfd's insert_os_after: just before the next output section, or before the first `. = …`
    between the two (other assignments stay before the inserted statements)."""
    assign = None
    for j in range(i + 1, len(stmts)):
        s = stmts[j]
        if isinstance(s, OutSecStmt):
            return j if assign is None else assign
        if isinstance(s, Assign) and s.name == "." and assign is None:
            assign = j
        elif not isinstance(s, (Assign, AssertCmd)):
            assign = None
    return len(stmts)
