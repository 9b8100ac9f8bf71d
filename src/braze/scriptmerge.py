"""One statement list from several SECTIONS scripts, as bfd's lang_statement list holds them (checked
against ld.bfd 2.40).

bfd keeps one list of statements. A -T script is parsed while the options are read, so its statements
come in command-line order; the main script (-dT, else the built-in default one) is parsed after the
options, unless a -T script without INSERT took its place; a script given as an input file is read
while the inputs are opened, and when it makes output sections its statements are added at the END of
the list ("… contains output sections; did you forget -T?"), after the main script's last statement.
Several SECTIONS commands in one file, or an INCLUDEd one, just continue the list.

Where those statements land in the layout follows from bfd's two walks (see scriptlayout._walk):
a section without an address starts at the default region's current address, which only allocated
sections and top-level assignments move; after the default script that is past the removed
`.lrodata`/`.ldata` statements' addresses (bfd evaluates them even for removed sections)."""
from __future__ import annotations

from .diag import LinkError
from .inputs.ldscript import OutSecStmt


def flat(script) -> list:
    """The script's top-level commands (assignments, ASSERT) and SECTIONS statements in file order."""
    secs = list(script.sections or ())
    at = getattr(script, "top_at", None)
    if at is None or len(at) != len(script.top):     # (a script made elsewhere: before/after SECTIONS)
        at = [len(secs) if after else 0 for after in script.top_order]
    out = []
    k = 0
    for c, n in zip(script.top, at):
        n = max(n, 0)
        out.extend(secs[k:n])
        k = max(k, n)
        out.append(c)
    out.extend(secs[k:])
    return out


def make_flat(script) -> None:
    """Keep the file order in `sections` alone (the engine reads top-level commands from there too)."""
    if script.top:
        script.sections = flat(script)
        script.top = []
        script.top_order = []
        script.top_at = []


def insert_chunks(script):
    """An INSERT script cut as bfd's process_insert_statements cuts the list: per INSERT, the
    statements before it (since the previous INSERT); then the statements after the last one."""
    stmts = flat(script)
    out = []
    k = 0
    for ins in script.inserts:
        n = ins[3] + ins[4]
        out.append((ins, stmts[k:n]))
        k = n
    return out, stmts[k:]


def merge_into(base, other, what: str) -> None:
    """Append `other`'s statements to `base` (bfd: the list goes on), with its MEMORY regions and
    NOCROSSREFS; a second PHDRS is not merged."""
    if other.phdrs is not None:
        raise LinkError(f"{other.path}: PHDRS in {what} is not supported by braze")
    make_flat(base)
    if base.sections is None:
        base.sections = []
    base.sections.extend(flat(other))
    for k, v in other.memory.items():
        if k in base.memory and base.memory[k] is not v:
            raise LinkError(f"{other.path}: redefinition of memory region `{k}'")
        base.memory[k] = v
    base.nocrossrefs.extend(other.nocrossrefs)
    if getattr(other, "sane_expr", False):
        base.sane_expr = True


def has_output_sections(script) -> bool:
    return any(isinstance(s, OutSecStmt) for s in script.sections or ())
