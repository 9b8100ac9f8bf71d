"""The SECTIONS command of a linker script given with `-r` (as kbuild's scripts/module.lds for Linux
modules), read by the one script parser (inputs/ldscript.py) and reduced to what a relocatable link
lays out: output sections in order, each a list of input-section patterns (`*(NAME GLOB ...)`,
`SORT(...)`/`SORT_BY_NAME(...)`, `KEEP(...)`) and data commands of constant value (`BYTE(0)`, as
the arm64 module.lds reserves its `.plt` sections with), an optional numeric address (sh_addr: bfd
sets the addresses with -r too) and `ALIGN(N)`; `/DISCARD/` drops what it matches. Anything else is refused with an
error naming file:line:col, never ignored."""
from __future__ import annotations

from .diag import LinkError


class OutStatement:
    def __init__(self, name: str):
        self.name = name
        self.align = 1
        self.patterns: list = []      # in body order: (globs, sort), or (None, (size, value)) for data
        self.pos = 0
        self.addr = None              # its address, when the statement gives one


def _refuse(where, what):
    return LinkError(f"{where}: {what} in SECTIONS is not supported by braze with -r (output sections of "
                     "input-section patterns only)")


def _num(e, where, what):
    if e.op != "num":
        raise _refuse(where, what)
    return e.a


def parse_relocatable(text: str, path: str, search=()):
    """A -r script with SECTIONS: a script.ScriptResult whose `sections` are OutStatements."""
    from .inputs.ldscript import parse_full, OutSecStmt, InputDesc, DataCmd
    from .scriptlayout import _const, _SPECIAL_REFUSED
    from .inputs.script import ScriptResult
    full = parse_full(text, path, search)
    res = ScriptResult()
    res.items, res.search_dirs, res.entry = full.items, full.search_dirs, full.entry
    res.version_text, res.output, res.startup = full.version_text, full.output, full.startup
    for what, there in (("MEMORY", full.memory), ("PHDRS", full.phdrs), ("NOCROSSREFS", full.nocrossrefs),
                        ("EXTERN", full.externs)):
        if there:
            raise LinkError(f"{path}: {what} in a -r script is not supported by braze")
    if full.insert is not None:
        raise LinkError(f"{full.insert[2]}: INSERT in a -r script is not supported by braze")
    for c in full.top:
        # (bfd writes assigned symbols into the relocatable output; braze's -r does not, as --defsym)
        raise LinkError(f"{c.where}: symbol assignments and ASSERT in a linker script are not supported by "
                        "braze with -r")
    out = []
    for stmt in full.sections or ():
        if not isinstance(stmt, OutSecStmt):
            raise _refuse(stmt.where, "a symbol assignment or ASSERT")
        w = stmt.where
        if stmt.lma is not None or stmt.region or stmt.lma_region or stmt.fill is not None or \
                stmt.subalign is not None or stmt.constraint or stmt.phdrs or stmt.type or stmt.overlay:
            raise _refuse(w, f"output section {stmt.name}: AT, regions, fill, SUBALIGN, ONLY_IF, phdrs, "
                             "a type or OVERLAY")
        st = OutStatement(stmt.name)
        if stmt.addr is not None:
            st.addr = _num(stmt.addr, w, f"output section {stmt.name}: an address expression")
        if stmt.align is not None:
            st.align = _num(stmt.align, w, f"output section {stmt.name}: an ALIGN expression")
        for b in stmt.body:
            if isinstance(b, DataCmd) and stmt.name != "/DISCARD/":
                if stmt.name in _SPECIAL_REFUSED or stmt.name.startswith((".rel", ".stab")):
                    raise _refuse(b.where, f"output section {stmt.name}: a data command in a section bfd "
                                           "types by its name")
                v = _const(b.expr)
                if v is None:
                    # (bfd writes a relocation for a symbol's value in a -r output: not modelled)
                    raise _refuse(b.where, f"output section {stmt.name}: a data command of non-constant value")
                st.patterns.append((None, (b.size, v & ((1 << (8 * b.size)) - 1))))
                continue
            if not isinstance(b, InputDesc):
                raise _refuse(getattr(b, "where", w), f"output section {stmt.name}: a command other than "
                                                      "input section descriptions")
            if b.file != "*" or b.file_excl or b.flags is not None or b.sort_files:
                raise _refuse(b.where, "a file pattern other than `*', EXCLUDE_FILE or INPUT_SECTION_FLAGS")
            if any(ex or sort not in (None, "name") for ex, _p, sort in b.pats):
                raise _refuse(b.where, "EXCLUDE_FILE or a sort other than SORT/SORT_BY_NAME")
            sorts = {sort for _e, _p, sort in b.pats}
            if len(sorts) > 1:
                # (bfd orders such a mix through its sort tree: not modelled)
                raise _refuse(b.where, "SORT together with unsorted patterns in one input description")
            # one pass over the inputs: in input order, or by name for SORT
            st.patterns.append(([p for _e, p, _s in b.pats], sorts == {"name"}))
        st.pos = len(out)
        out.append(st)
    res.sections = out
    return res
