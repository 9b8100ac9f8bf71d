"""`INSERT AFTER/BEFORE output_section` (GNU ld's process_insert_statements, checked against ld.bfd 2.40).

A script whose SECTIONS ends with INSERT does not replace the main script: its statements are moved
into the main script (a -T script without INSERT, else bfd's built-in default script for the link's
options) at the named output section. braze's default layout is not a script (layout.py), so such a
link is laid out by the SECTIONS engine (scriptlayout.py) from the SECTIONS of bfd's default script
for this link's options, exactly as `ld.bfd --verbose` prints it (defaultscript.py)."""
from __future__ import annotations

from .diag import LinkError
from .inputs.ldscript import Assign, AssertCmd, OutSecStmt

_PATH = "<default linker script>"


def base_script(ctx):
    """The script INSERT scripts go into: the -T script without INSERT, else bfd's default one."""
    if ctx.pending_lscript is not None:
        return ctx.pending_lscript
    from .defaultscript import sections_text
    from .inputs.ldscript import parse_full
    ctx.script_entry = "_start"      # (its ENTRY, read after the others, is the one that counts in bfd)
    script = parse_full(sections_text(ctx.config), _PATH)
    script._default = True
    return script


def apply_inserts(ctx) -> None:
    """Move each INSERT script's statements into the main script, in the order the scripts were read
    (bfd's statement-list order), and make the result the link's SECTIONS script."""
    base = base_script(ctx)
    stmts = base.sections
    own = {id(s) for s in stmts}             # (an INSERT never names another INSERT script's section)
    main = ctx.pending_lscript is not None and not getattr(base, "_default", False)
    for k, ins in enumerate(ctx.insert_scripts):
        before, name, where, ntop = ins.insert
        if main and k >= ctx.inserts_before_main:
            # bfd: every output section read before an INSERT is hidden from it (it is to be moved)
            raise LinkError(f"{where}: {name} not found for insert")
        if len(ins.top) > ntop:
            raise LinkError(f"{ins.top[ntop].where}: a statement after INSERT is not supported by braze")
        if ins.phdrs is not None:
            raise LinkError(f"{ins.path}: PHDRS in a script with INSERT is not supported by braze")
        oss = [s for s in stmts if isinstance(s, OutSecStmt) and id(s) in own]
        target = next((s for s in oss if s.name == name), None)
        if target is not None and before:
            k = oss.index(target)
            target = oss[k - 1] if k else None
        if target is None:
            raise LinkError(f"{where}: {name} not found for insert")
        block = list(ins.top[:ntop]) + list(ins.sections)
        at = _after(stmts, stmts.index(target))
        stmts[at:at] = block
        for k, v in ins.memory.items():
            if k in base.memory and base.memory[k] is not v:
                raise LinkError(f"{ins.path}: redefinition of memory region `{k}'")
            base.memory[k] = v
        base.nocrossrefs.extend(ins.nocrossrefs)
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
