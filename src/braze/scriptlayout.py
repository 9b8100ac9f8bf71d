"""The layout engine of a linker script with SECTIONS (GNU ld's lang_* semantics, checked against
ld.bfd): input sections go to the first matching input section description, the rest are orphans
placed as bfd's ELF orphan code places them; the statements are then walked with the location
counter, several times until every address and symbol settles (forward references, SIZEOF of later
sections); program headers are bfd's default segment map; file offsets follow bfd's rules.

The default layout (layout.py) is untouched: this module runs only when a SECTIONS script is given.
Static and dynamic links alike: the linker-made dynamic sections are placed like input sections
named as bfd names them, and the program headers are bfd's for them."""
from __future__ import annotations

import fnmatch
import re

from . import diag
from .diag import LinkError
from .elf import (SHF_ALLOC, SHF_WRITE, SHF_EXECINSTR, SHF_TLS, SHF_MERGE, SHF_STRINGS, SHF_GROUP,
                  SHF_INFO_LINK, SHF_LINK_ORDER, SHF_GNU_RETAIN, SHT_NOBITS, SHT_PROGBITS, SHT_NOTE,
                  PT_LOAD, PT_NOTE, PT_TLS, PT_GNU_STACK, PT_GNU_PROPERTY, PF_R, PF_W, PF_X, PT_PHDR,
                  PT_INTERP, PT_DYNAMIC, PT_GNU_EH_FRAME, PT_GNU_RELRO, SHT_DYNSYM, SHT_STRTAB, SHT_DYNAMIC,
                  SHT_HASH, SHT_GNU_HASH, SHT_RELA, SHT_REL,
                  STT_NOTYPE, STT_OBJECT, STT_COMMON, STT_GNU_IFUNC, STB_GLOBAL, STV_HIDDEN, align_up)
from .inputs.ldscript import Assign, AssertCmd, InputDesc, DataCmd, OutSecStmt, Expr, FillCmd
from .layout import bfd_flags, nearby
from .sections import OutputSection, MergedSection, mergeable_entsize
from .symbols import NONE, COMMON, WEAK, STRONG, ScriptDefs

# linker-made symbols that stay with a SECTIONS script (the rest are defined by bfd's default script)
SCRIPT_LINKER_SYMS = frozenset(("_GLOBAL_OFFSET_TABLE_", "__ehdr_start", "_TLS_MODULE_BASE_", "_DYNAMIC"))


class ScriptState:
    """The SECTIONS script of this link and what the passes learn about it."""

    def __init__(self, script):
        self.script = script
        # OutSecStmt and Assign/AssertCmd at top level, orphans inserted, and _Dropped (an ONLY_IF_*
        # statement whose constraint fails: its body is still evaluated): test a statement's type first
        self.stmts = []
        self.chunk_of = {}               # id(stmt) -> chunk
        self.assign_of = {}              # id(input section) -> (stmt, desc index)
        self.keep = set()                # id(input section) matched by KEEP
        self.values = {}                 # symbol -> (value, section)
        self.dot_home = {}               # symbol -> section its absolute value from `.` moves into
        self.provided = set()            # PROVIDEd names that are defined
        self.defs = None
        self.relro_patterns = None       # bfd's lang_find_relro_sections by patterns (relro_patterns)
        self.section_starts = ()         # the sections --section-start/-Ttext/-Tdata/-Tbss place
        self.build_id = False            # --build-id: the default script's note statement gets the note
        self.interp = False              # the link will have an .interp (attached after the orphans)
        self.addr_stmts = set()          # id() of the statements made for names outside the script
        # bfd's first_orphan_note (lang_insert_orphan): an orphan note met another loaded note
        self.orphan_note_seen = False
        # --build-id whose note a statement takes with other input (the kernel's `.notes : { *(.note.*) }`):
        # (first object, the note as an input section of it); None: the note is an output section
        self.build_id_input = None
        # orphan placement: kind -> the statement the last orphan of that kind went after; a copy of
        # it when the first file's orphans end (bfd's dynobj sections go there); the linker-made
        # sections' future chunks by id(stmt), for the placement by flags before they exist
        self.orphan_after = {}
        self.dynobj_places = None
        self.future_dyn = {}
        # id(stmt) -> (per body description: its members or None, the extra members) as placed
        self.body_members = {}
        # the statement (and its description's index) the first input .eh_frame goes to, or the
        # orphan statement made for it
        self.eh_stmt = None
        self.eh_index = None
        self.eh_orphan = None
        self.lma_regions = None          # (statement count, result) of the cached AT>/MEMORY walk
        self.no_region_told = set()      # sections already reported as fitting no MEMORY region
        self.datamembers = {}            # id(DataCmd) -> the DataMember that holds its bytes


def _glob(pat):
    if not any(c in pat for c in "*?["):
        return pat.__eq__
    return re.compile(fnmatch.translate(pat), re.S).match


class _Matcher:
    """One input section description, compiled."""

    def __init__(self, stmt, desc, index):
        self.stmt = stmt
        self.desc = desc
        self.index = index
        self.file = None if desc.file == "*" else _glob(desc.file)
        self.file_excl = [_glob(x) for x in desc.file_excl]
        self.pats = [([_glob(x) for x in ex], _glob(pat), sort, pat) for ex, pat, sort in desc.pats]

    def file_ok(self, name, fnames):
        if self.file is not None and not any(self.file(n) for n in fnames):
            return False
        return not any(g(n) for g in self.file_excl for n in fnames)

    def match(self, secname, fnames, sflags=0):
        """The matching pattern's sort kind (None: unsorted), or False."""
        fl = self.desc.flags
        if fl is not None and (sflags & fl[0] != fl[0] or sflags & fl[1]):
            return False
        for excl, g, sort, _ in self.pats:
            if g(secname) and not any(e(n) for e in excl for n in fnames):
                return sort or ""
        return False


def _file_names(obj):
    """The names a file pattern is matched against: the path as given, and for an archive member
    `archive:member` and the member name (bfd's `archive:file` syntax)."""
    name = obj.name
    if name.endswith(")") and "(" in name:
        ar, _, mem = name[:-1].partition("(")
        return (f"{ar}:{mem}", mem, ar + ":")
    alias = getattr(obj, "script_name", None)       # loaded for a SECTIONS description naming it
    return (name,) if alias is None or alias == name else (name, alias)


def setup(ctx, script) -> None:
    """Called once the inputs are read: check the link is one this engine lays out."""
    cfg = ctx.config
    if not ctx.target.sections_scripts:
        raise LinkError(f"{script.path}: SECTIONS scripts (with -T, INSERT, or given as input files) are not "
                        f"supported by braze for {ctx.target.name} yet")
    # (a raw image laid out by bfd's default script: the address options apply to it as below)
    # (bfd's default script with address options: passes.py routes a paged link with --section-start
    # here; -Ttext-segment then only sets its SEGMENT_START("text-segment"))
    default = getattr(script, "_default", False)
    raw_default = cfg.output_kind != "elf" and default
    if (cfg.text_segment is not None and not (raw_default or default and cfg.section_starts) or
            cfg.section_starts and cfg.paged and not default):
        raise LinkError(f"{script.path}: --section-start/-Ttext/-Tdata/-Tbss/-Ttext-segment together with a "
                        "SECTIONS script are not supported by braze")
    if cfg.section_starts:
        # (-N/-n, or a raw image by bfd's default script) bfd's lang_address_statement: the named
        # output section's address expression is replaced by the option's address; `.` goes on from there
        from .scriptmerge import flat as _flat
        stmts = [s for s in _flat(script) if isinstance(s, OutSecStmt)]
        appended: list = []
        for name, addr in cfg.section_starts.items():
            s = next((s for s in stmts if s.name == name), None)
            if s is None and getattr(script, "_default", False) and script.sections:
                # a name outside bfd's default script: bfd makes its output section statement when it
                # meets the address statement, after the whole script is read, so it comes last (an
                # orphan of that name joins it: _named_orphan_home)
                s = OutSecStmt(name, "--section-start")
                script.sections.append(s)
                appended.append(s)
            if s is None:
                raise LinkError(f"{script.path}: --section-start/-Ttext/-Tdata/-Tbss for {name}, an output "
                                "section the script does not name, is not supported by braze")
            s.addr = Expr("num", addr)
    st = ctx.lscript = ScriptState(script)
    st.section_starts = tuple(cfg.section_starts)
    st.addr_stmts = {id(s) for s in appended} if cfg.section_starts else set()
    st.build_id = bool(cfg.build_id)
    st.interp = ctx.dynamic and not cfg.shared and not cfg.no_dynamic_linker
    _undeclared_regions(script)
    from .scriptmerge import flat
    st.stmts = flat(script)         # (top-level commands among the SECTIONS statements, in file order)


def _undeclared_regions(script) -> None:
    """bfd: `>REGION` (or AT>REGION) naming no MEMORY region warns and makes an unbounded region
    (origin 0, all of the address space) under that name."""
    from .inputs.ldscript import Region
    for stmt in script.sections:
        if not isinstance(stmt, OutSecStmt):
            continue
        for ref in (stmt.region, stmt.lma_region):
            if ref is not None and ref[0] not in script.memory:
                where = ref[-1].rsplit(":", 1)[0]      # (bfd: the line of the token after the name)
                diag.warn(f"{where}: memory region `{ref[0]}' not declared")
                script.memory[ref[0]] = Region(ref[0], "", Expr("num", 0), Expr("num", (1 << 64) - 1), ref[1])


def _all_assigns(script):
    for c in script.top:
        yield c, None
    for c in script.sections:
        if isinstance(c, OutSecStmt):
            for b in c.body:
                if isinstance(b, Assign):
                    yield b, c
        else:
            yield c, None


def define_script_symbols(ctx) -> None:
    """Before symbol checks: the names the script assigns become definitions (PROVIDE only for a
    name the objects reference and do not define), so references resolve and archives stay as bfd
    has them; their values come with the layout."""
    from .passes import ScriptDefs
    st = ctx.lscript
    f = ScriptDefs(st.script.path)
    st.defs = f
    for a, in_sec in _all_assigns(st.script):
        if not isinstance(a, Assign) or a.name == ".":
            continue
        s = ctx.sym(a.name)
        if a.kind.startswith("PROVIDE"):
            if not (s.rank == NONE and s.ref_regular and not s.linker_defined) and a.name not in st.provided:
                continue
            st.provided.add(a.name)
        s.rank = STRONG
        s.file = f
        s.linker_defined = False
        s.section = None
        s.value = 0
        s.size = 0
        s.type = STT_NOTYPE
        s.bind = STB_GLOBAL
        # `sym = .` in an output section is section-relative: known now, so that a PIC GOT slot of it
        # gets its RELATIVE relocation (the layout sets the rest, after the slots are made)
        s.is_abs = not (in_sec is not None and a.expr.op == "dot")
        s.script_abs = True
        s.dyn_version = s.verneed = None
        s.ref_regular = True
        s.keep = True
        if a.kind.endswith("HIDDEN"):
            s.visibility = STV_HIDDEN
            ctx.script_hidden.add(id(s))


# the kind of an expression's value when bfd checks relocations (before the layout: its "mark
# phase"): a plain number, an address in the absolute section, one relative to a section (or to `.`),
# or not known yet (ADDR of a section, a symbol defined later: the symbol is then still undefined);
# _K_DOT: from `.` outside any output section (bfd's rel_from_abs: an address, though in the absolute
# section, so a later reference to the symbol is absolute)
_K_NUM, _K_ABS, _K_DOT, _K_REL, _K_UNDEF = 0, 1, 2, 3, 4
_REL_CALLS = frozenset(("ALIGN", "BLOCK", "NEXT", "DATA_SEGMENT_ALIGN", "DATA_SEGMENT_END",
                        "DATA_SEGMENT_RELRO_END"))
_UNDEF_CALLS = frozenset(("ADDR", "LOADADDR"))


def _check_kind(ctx, kinds: dict, e, in_sec: bool) -> int:
    op = e.op
    if op == "num":
        return _K_NUM
    if op == "dot":
        return _K_REL if in_sec else _K_DOT
    if op == "sym":
        k = kinds.get(e.a)
        if k is None:
            s = ctx.symtab.get(e.a)
            if s is None or s.file is ctx.lscript.defs or not (s.rank >= COMMON or s.linker_defined):
                return _K_UNDEF
            k = _K_ABS if s.is_abs and s.section is None else _K_REL
        if k == _K_ABS:     # (bfd: an absolute symbol is a number inside an output section)
            return _K_NUM if in_sec else _K_ABS
        return k
    if op == "call":
        fn = e.a
        if fn in _UNDEF_CALLS:
            return _K_UNDEF
        if fn in _REL_CALLS and e.c is None:
            return _K_REL if in_sec else _K_DOT
        if fn == "ABSOLUTE":
            return _K_UNDEF if _check_kind(ctx, kinds, e.b, in_sec) == _K_UNDEF else _K_ABS
        subs = [x for x in (e.b, e.c) if x is not None and not isinstance(x, str)]
    elif op == "un":
        subs = [e.b]
    elif op == "bin" and e.a in _ARITH:
        # bfd's fold_binary (see _binop): with one operand a bare number the other's section; else
        # operands of two sections are both made absolute, and arithmetic on one section's values is
        # a bare number (absolute at top level, where a number is an absolute address: _top_abs).
        # Linux's arm64 `_kernel_size_le_lo32 = ((_end - _text) & 0xffffffff)` is absolute there.
        ka = _check_kind(ctx, kinds, e.b, in_sec)
        kb = _check_kind(ctx, kinds, e.c, in_sec)
        if ka == _K_UNDEF or kb == _K_UNDEF:
            return _K_UNDEF
        num_abs = not in_sec and not ctx.lscript.script.sane_expr
        if ka == _K_NUM and not num_abs:
            return kb
        if kb == _K_NUM and not num_abs:
            return ka
        if ka != _K_REL and kb != _K_REL:
            return max(ka, kb)      # (one section, bfd's absolute one: `.` read stays read)
        return _K_NUM if in_sec else _K_ABS
    else:
        subs = [x for x in (e.a, e.b, e.c) if x is not None and not isinstance(x, str)]
    ks = [_check_kind(ctx, kinds, x, in_sec) for x in subs]
    return max(ks) if ks else _K_NUM


def check_time_relative(ctx) -> set:
    """The script symbols bfd's check_relocs sees as addresses, not values: a target whose bfd refuses
    a narrow absolute relocation against an address in PIC output refuses it against these, while a
    number, an ABSOLUTE() or a symbol not yet defined then (`x = ADDR(.s)`) passes. Relative: `.` (at top level too: bfd's rel_from_abs), a
    section's symbol, a number assigned inside an output section; a reference at top level to an
    absolute-section symbol (`d = a + 4` after `a = .`) is absolute there."""
    st = ctx.lscript
    kinds: dict = {}
    rel: set = set()
    for a, in_sec in _all_assigns(st.script):
        if not isinstance(a, Assign) or a.name == "." or not _wanted(st, a):
            continue
        k = _check_kind(ctx, kinds, a.expr, in_sec is not None)
        if a.op != "=":
            k = max(k, kinds.get(a.name, _K_UNDEF))
        if k == _K_NUM:
            k = _K_REL if in_sec is not None else _K_ABS
        kinds[a.name] = _K_ABS if k == _K_DOT else k
        s = ctx.symtab.get(a.name)
        if s is not None and s.file is st.defs:
            (rel.add if k == _K_DOT or k == _K_REL else rel.discard)(id(s))
    return rel


def _wanted(st, a) -> bool:
    return not a.kind.startswith("PROVIDE") or a.name in st.provided


# -------------------------------------------------------------------- matching (before --gc-sections)

def match_inputs(ctx) -> None:
    """Give each input section its statement (first matching description in script order), record
    KEEP and /DISCARD/. Runs before --gc-sections, which keeps the KEEP ones."""
    st = ctx.lscript
    _check_constraints(ctx, st)
    matchers = []
    for stmt in st.script.sections:
        if isinstance(stmt, OutSecStmt) and not getattr(st, "ignored", set()).__contains__(id(stmt)):
            for i, b in enumerate(stmt.body):
                if isinstance(b, InputDesc):
                    matchers.append(_Matcher(stmt, b, i))
    st.matchers = matchers
    st.discarded = set()
    st.common_to = None
    for m in matchers:
        if any(p[3] == "COMMON" for p in m.pats):
            st.common_to = m
            break
    assign = st.assign_of
    names = set()
    for obj in ctx.objs:
        names.update(_file_names(obj))
    for m in matchers:
        f = m.desc.file
        if f != "*" and not any(c in f for c in "*?[") and f not in names:
            # bfd loads a file a description names that is not an input yet
            raise LinkError(f"{m.desc.where}: input file {f} named in the linker script is not among the "
                            "inputs: loading files from a SECTIONS description is not supported by braze")
    for obj in ctx.objs:
        fnames = _file_names(obj)
        cands = [m for m in matchers if m.file_ok(obj.name, fnames)]
        for sec in obj.sections:
            if sec is None or not sec.alive:
                continue
            name = sec.name
            for m in cands:
                sort = m.match(name, fnames, sec.flags)
                if sort is not False:
                    if m.stmt.name == "/DISCARD/":
                        sec.alive = False
                        st.discarded.add(id(sec))
                        break
                    assign[id(sec)] = (m, sort)
                    if m.desc.keep:
                        st.keep.add(id(sec))
                    break
    _build_id_as_input(ctx, st, matchers)
    # bfd's lang_gc_sections marks what every KEEP pattern matches, before constraints are decided and
    # whichever statement places the section: a KEEP in a later statement or an ONLY_IF_* one dropped
    # (only --gc-sections reads st.keep)
    keepers = [_Matcher(stmt, b, i) for stmt in st.script.sections if isinstance(stmt, OutSecStmt)
               and stmt.name != "/DISCARD/" for i, b in enumerate(stmt.body)
               if isinstance(b, InputDesc) and b.keep] if ctx.config.gc_sections else []
    if keepers:
        for obj in ctx.objs:
            fnames = _file_names(obj)
            kc = [m for m in keepers if m.file_ok(obj.name, fnames)]
            for sec in obj.sections if kc else ():
                if sec is not None and sec.alive and id(sec) not in st.keep and \
                        any(m.match(sec.name, fnames, sec.flags) is not False for m in kc):
                    st.keep.add(id(sec))


def _build_id_as_input(ctx, st, matchers) -> None:
    """--build-id: bfd makes its note an input section of the first input object (ldelf_setup_build_id),
    which the script's patterns place like any other. Where the statement that takes it takes other
    input too (Linux's vmlinux.lds `.notes : { *(.note.*) }`, its vDSO's `.note : { *(.note.*) }`),
    braze makes that input section as well (zeros for the digest, written at the end: writer); where
    it is alone or an orphan it stays the output section synthetic/notes.BuildId."""
    cfg = ctx.config
    if not cfg.build_id or cfg.output_kind != "elf" or not ctx.objs:
        return
    first = ctx.objs[0]
    fnames = _file_names(first)
    m = next((m for m in matchers if m.file_ok(first.name, fnames)
              and m.match(".note.gnu.build-id", fnames, SHF_ALLOC) is not False), None)
    if m is None or m.stmt.name == "/DISCARD/":
        return
    stmt = m.stmt
    if not any(isinstance(b, DataCmd) for b in stmt.body) and \
            not any(a[0].stmt is stmt for a in st.assign_of.values()):
        return
    from .inputs.objparse import InputSection
    from .synthetic.notes import BuildId
    note = BuildId(cfg.build_id)
    data = bytearray(note.size)
    note.offset = 0
    note.write(ctx, data)           # the note's header; the digest's bytes zero until the end
    sec = InputSection(first, len(first.sections), ".note.gnu.build-id",
                       (0, SHT_NOTE, SHF_ALLOC, 0, 0, note.size, 0, 0, 4, 0))
    sec.data_override = bytes(data)
    st.assign_of[id(sec)] = (m, m.match(".note.gnu.build-id", fnames, SHF_ALLOC))
    st.keep.add(id(sec))            # (bfd's linker-made sections are never collected)
    st.build_id_input = (first, sec)


def _check_constraints(ctx, st) -> None:
    """ONLY_IF_RO / ONLY_IF_RW: a statement whose matching input sections are not all read-only (or
    all writable) is dropped as if it were not in the script (bfd's constraint -1), and its inputs
    go to later statements. Decided in script order, each statement seeing the inputs that the
    statements before it (kept ones) do not take."""
    st.ignored = set()
    if not any(isinstance(s, OutSecStmt) and s.constraint for s in st.script.sections):
        return
    taken = set()
    secs = [(obj, _file_names(obj), sec) for obj in ctx.objs for sec in obj.sections
            if sec is not None and sec.alive]
    for stmt in st.script.sections:
        if not isinstance(stmt, OutSecStmt):
            continue
        ms = [_Matcher(stmt, b, i) for i, b in enumerate(stmt.body) if isinstance(b, InputDesc)]
        mine = []
        for obj, fnames, sec in secs:
            if id(sec) in taken:
                continue
            if any(m.file_ok(obj.name, fnames) and m.match(sec.name, fnames) is not False for m in ms):
                mine.append(sec)
        if stmt.constraint:
            rw = [bool(s.flags & SHF_WRITE) for s in mine]
            # (bfd's all_input_readonly starts true: no input at all is read-only, so ONLY_IF_RW fails)
            ok = not any(rw) if stmt.constraint == "ONLY_IF_RO" else bool(rw) and all(rw)
            if not ok:
                st.ignored.add(id(stmt))
                continue
        taken.update(id(s) for s in mine)
    st.stmts = [_Dropped(s) if id(s) in st.ignored else s for s in st.stmts]
    st.ghosts = _ghosts(st) if st.ignored else []


def _ghosts(st) -> list:
    """Dropped ONLY_IF_* statements bfd still writes a section for: an ADDR()/LOADADDR() met ahead
    of the statement (map_input_to_output_sections' order) creates its output section, the failed
    constraint then leaves it out of the layout but also out of the empty sections bfd strips. It
    stays in the headers, empty, unallocated, at 0. A name resolves to its first statement not yet
    dropped (bfd looks the name up among statements whose constraint is not failed)."""
    stmts = [s.stmt if isinstance(s, _Dropped) else s for s in st.stmts
             if not (isinstance(s, OutSecStmt) and s.orphan)]
    reached = set()
    made = []

    def mention(*exprs):
        names = []
        for e in exprs:
            _addr_mentions(e, names)
        for n in names:
            t = next((s for s in stmts if isinstance(s, OutSecStmt) and s.name == n and id(s) not in reached), None)
            if t is not None and id(t) in st.ignored and t not in made:
                made.append(t)

    for s in st.stmts:
        if isinstance(s, _Dropped):
            reached.add(id(s.stmt))
        elif isinstance(s, OutSecStmt):
            if s.orphan or s.name == "/DISCARD/":
                continue
            mention(s.addr, s.lma)
            for b in s.body:
                if isinstance(b, (Assign, AssertCmd, DataCmd)):
                    mention(b.expr)
        elif isinstance(s, (Assign, AssertCmd)):
            mention(s.expr)
    return made


class _Dropped:
    """A statement ONLY_IF_RO/ONLY_IF_RW dropped, where it stood: bfd makes no section of it but
    its assignments walk still evaluates the body at `.` (see _walk)."""

    def __init__(self, stmt):
        self.stmt = stmt


class _Und:
    """bfd's *UND* section, the section of what a dropped statement's body assigns: values are
    addresses (vma 0), and such symbols are left out of .symtab."""
    addr = 0
    flags = 0
    name = "*UND*"


_UND = _Und()


def gc_roots(ctx) -> list:
    """Sections --gc-sections must keep: KEEP'd ones and those defining symbols the script uses."""
    st = ctx.lscript
    out = []
    for obj in ctx.objs:
        for sec in obj.sections:
            # (a KEEP'd .eh_frame is kept by gc_sections without marking what its FDEs refer to)
            if sec is not None and id(sec) in st.keep and not sec.name == ".eh_frame":
                out.append(sec)
    for name in _expr_symbols(st.script):
        s = ctx.symtab.get(name)
        if s is not None and s.section is not None:
            out.append(s.section)
    return out


def _expr_symbols(script) -> set:
    names = set()

    def walk(e):
        if e is None or not isinstance(e, Expr):
            return
        if e.op == "sym":
            names.add(e.a)
        elif e.op == "call" and e.a == "DEFINED":
            return
        for x in (e.a, e.b, e.c):
            if isinstance(x, Expr):
                walk(x)

    cmds = list(script.top) + list(script.sections)
    for c in cmds:
        if isinstance(c, (Assign,)):
            walk(c.expr)
        elif isinstance(c, AssertCmd):
            walk(c.expr)
        elif isinstance(c, OutSecStmt):
            walk(c.addr)
            walk(c.lma)
            walk(c.align)
            for b in c.body:
                if isinstance(b, (Assign, DataCmd, AssertCmd)):
                    walk(b.expr)
    return names


# -------------------------------------------------------------------- binning

class DataMember:
    """BYTE/SHORT/LONG/QUAD: bytes of an output section written from an expression's value."""
    type = SHT_PROGBITS
    file = None
    merge = None
    alive = True
    name = "*data*"

    def __init__(self, size):
        self.size = size
        self.align = 1
        self.data = bytes(size)
        self.out = None
        self.out_off = 0


class SynMember:
    """A linker-made .got/.got.plt (.plt, .eh_frame) laid out as an input section of an output section
    that holds other input or data too (bfd: its dynobj's sections are input sections like any;
    gnu-efi's script puts them in `.data` among .rodata* and .data*). The chunk keeps its addr/offset
    (set from this member's place: GOT slot addresses and the dynamic relocations read them) but gets
    no section header."""
    type = SHT_PROGBITS
    file = None
    merge = None
    alive = True

    def __init__(self, ctx, chunk):
        self.ctx = ctx
        self.chunk = chunk
        self.name = chunk.name
        self.out = None
        self.out_off = 0

    @property
    def size(self) -> int:
        self.chunk.update_size(self.ctx)
        return self.chunk.size

    @property
    def align(self) -> int:
        return self.chunk.align

    @property
    def data(self) -> bytes:
        """The chunk's words, written as its own section would write them (at offset 0 of a buffer
        of its size)."""
        c = self.chunk
        buf = bytearray(c.size)
        # (-z now: a .got.plt also writes the .got merged after its words, at that one's offset)
        parts = [x for x in (c, getattr(c, "merged_got", None)) if x is not None]
        base = c.offset
        for x in parts:
            x.offset -= base
        try:
            c.write(self.ctx, buf)
        finally:
            for x in parts:
                x.offset += base
        return bytes(buf)


def _order_key(sort, sec, m):
    if sort == "name":
        return (0, sec.name)
    if sort == "align":
        return (0, -sec.align)
    if sort == "name+align":
        return (0, sec.name, -sec.align)
    if sort == "align+name":
        return (0, -sec.align, sec.name)
    if sort == "init":
        return (0, _init_priority(sec.name))
    return (1,)


def _sorted_eh_inputs(st, eh_inputs, eh_sorts):
    """.eh_frame inputs matched by a sorted pattern (SORT_BY_ALIGNMENT(.eh_frame), or any pattern
    with --sort-section): bfd reads them in the sorted order (a zero-sized one, like crtbeginT.o's
    with __EH_FRAME_BEGIN__, moves with its alignment)."""
    kinds = set(eh_sorts)
    if len(kinds) > 1:
        raise LinkError(f"{st.script.path}: .eh_frame input sections matched by patterns sorted in different "
                        "ways is not supported by braze")
    kind = eh_sorts[0]
    keyed = sorted(((_order_key(kind, sec, None), i), sec) for i, sec in enumerate(eh_inputs))
    return [sec for _, sec in keyed]


def _compare_sections(sort, a, b) -> int:
    """bfd's compare_section: a's sort kind decides how a compares with b (whatever b's kind)."""
    if sort == "init":
        d = _init_priority(a.name) - _init_priority(b.name)
        if d:
            return d
        sort = "name"
    if sort == "align+name":
        d = b.align - a.align
        if d:
            return d
        sort = "name"
    if sort in ("name", "name+align"):
        d = (a.name > b.name) - (a.name < b.name)
        if d or sort == "name":
            return d
    return b.align - a.align


def _bst_order(lst, sort_kind):
    """Members of one description that mixes sort kinds (`*(SORT(.a.*) .a)`) in bfd's order: its
    wild_sort inserts each section, in input order, into a binary tree: an unsorted one at the
    rightmost place, a sorted one by descending from the root, compared (by its own kind) with every
    node on the way, sorted or not; the output is the tree in order."""
    walk = sorted(lst, key=lambda x: (x[0][0] == 2, x[0][-1]))
    left, right = {}, {}            # node index -> child index
    root = None
    rightmost = None                # (parent index or None, side)
    for i, (_, sec) in enumerate(walk):
        kind = sort_kind.get(id(sec))
        if root is None:
            root = i
            rightmost = i
            continue
        if kind is None:
            right[rightmost] = i
            rightmost = i
            continue
        node = root
        while True:
            go_left = _compare_sections(kind, sec, walk[node][1]) < 0
            child = (left if go_left else right).get(node)
            if child is None:
                (left if go_left else right)[node] = i
                if not go_left and node == rightmost:
                    rightmost = i
                break
            node = child
    out = []
    stack, node = [], root
    while stack or node is not None:
        while node is not None:
            stack.append(node)
            node = left.get(node)
        node = stack.pop()
        out.append(walk[node][1])
        node = right.get(node)
    return out


# names bfd types as dynamic, relocation or symbol tables: braze does not give a section made of data
# commands (.rela.x : { QUAD(0) }) that type, so it refuses it
# (bfd's table: these names exactly, any name starting `.rel`, and `.stab…str`)
_SPECIAL_REFUSED = frozenset((".dynamic", ".dynstr", ".dynsym", ".hash", ".gnu.hash", ".relr.dyn", ".gnu.version",
                              ".gnu.version_d", ".gnu.version_r", ".gnu.liblist", ".gnu.conflict", ".symtab",
                              ".strtab", ".shstrtab"))


def _file_sort_key(obj) -> tuple:
    """`SORT(*)(...)`/`SORT_BY_NAME(*)(...)`: bfd orders the matched sections by their file's name as
    the link names it (an archive member by its archive's, then by its own), byte-wise; within one file
    as the section patterns sort them, else in input order. (bfd takes only a by-name sort of the file
    names: another kind there is no sort at all.)"""
    name = obj.name
    ar = getattr(obj, "archive", None)
    if ar is not None and name.startswith(ar.path + "(") and name.endswith(")"):
        mem = name[len(ar.path) + 1:-1]     # (the member's own name, whatever characters it holds)
        return (ar.path.encode("utf-8", "surrogateescape"), mem.encode("utf-8", "surrogateescape"))
    b = name.encode("utf-8", "surrogateescape")
    return (b, b)


def _init_priority(name):
    """bfd's get_init_priority: .init_array.N/.fini_array.N sort by N, .ctors.N/.dtors.N by
    65535 - N (gcc writes 65535 - priority there); any other name counts as 0."""
    for prefix, flip in ((".init_array.", False), (".fini_array.", False), (".ctors.", True), (".dtors.", True)):
        if name.startswith(prefix):
            tail = name[len(prefix):]
            if not tail.isdigit():
                return 0
            return 65535 - int(tail) if flip else int(tail)
    return 0


def bin_sections(ctx) -> None:
    """Input sections into output sections by the script; SHF_MERGE ones merged per output section;
    COMMON symbols where `*(COMMON)` is (else .bss's statement or an orphan .bss)."""
    from .passes import Blob
    from .elf import STT_TLS
    st = ctx.lscript
    cfg = ctx.config
    outs = {}               # id(stmt) -> OutputSection
    per_desc = {}           # (id(stmt), desc index) -> [(key, member)]
    orphans = {}            # name -> OutputSection (in first-seen order)
    orphan_members = {}
    merged = {}
    eh_inputs = []
    eh_sorts = []           # per .eh_frame input: how its pattern sorts (None: unsorted or an orphan)
    assign = st.assign_of
    by_name = {}
    for stmt in st.stmts:
        if isinstance(stmt, OutSecStmt) and stmt.name != "/DISCARD/":
            by_name.setdefault(stmt.name, stmt)
    unwind = ctx.target.unwind_section_type
    raw = cfg.output_kind != "elf"      # bfd's generic link: .eh_frame and SHF_MERGE sections as they are
    sort_kind = {}          # id(input section) -> how its (sorted) pattern sorts
    seq = 0
    file_seq = {}           # id(object) -> the number of its last section (its COMMON comes after it)
    # --orphan-handling=warn|error|discard: the orphans, as bfd meets them (files, then sections)
    report: list | None = [] if cfg.orphan_handling != "place" else None
    discard = cfg.orphan_handling == "discard"
    bid_in = st.build_id_input
    named_orphans = []      # (seq, file no., section): orphans with a statement of their name
    for obj_idx, obj in enumerate(ctx.objs):
        # (the build-id note made an input section: the first object's last, as bfd's)
        for sec in obj.sections if bid_in is None or obj is not bid_in[0] else obj.sections + [bid_in[1]]:
            if sec is None or not sec.alive:
                continue
            seq += 1
            file_seq[id(obj)] = seq
            if not sec.flags & SHF_ALLOC and (cfg.strip_debug or cfg.strip_all) and \
                    sec.name.startswith((".debug", ".zdebug", ".line", ".stab")):
                sec.alive = False
                continue
            a = assign.get(id(sec))
            if a is None and report is not None:
                report.append((obj_idx, sec))
                if discard:
                    if sec.name == ".eh_frame":
                        raise LinkError(f"{st.script.path}: --orphan-handling=discard with .eh_frame an orphan "
                                        "is not supported by braze")
                    sec.alive = False
                    st.discarded.add(id(sec))
                    continue
            if sec.name == ".eh_frame" and sec.type in (SHT_PROGBITS, unwind) and not raw:
                sec.is_eh_frame = True
                eh_inputs.append(sec)
                eh_sorts.append(a[1] if a else None)
                if a and st.eh_stmt is None:
                    st.eh_stmt, st.eh_index = a[0].stmt, a[0].index
                elif a is None and ".eh_frame" not in orphans and ".eh_frame" not in by_name:
                    # bfd: an orphan of the first file that has one, among the other orphans in
                    # input order (the merged section takes this place: attach_synthetic)
                    os_ = orphans[".eh_frame"] = _new_out(".eh_frame", sec, unwind)
                    os_.is_orphan = True
                    os_.first_obj = obj_idx
                    os_.first_seq = seq
                    os_.eh_placeholder = True
                    _add_flags(os_, sec)
                continue
            if a is not None:
                m, sort = a
                stmt = m.stmt
                os_ = outs.get(id(stmt))
                if os_ is None:
                    os_ = outs[id(stmt)] = _new_out(stmt.name, sec, unwind)
                    st.chunk_of[id(stmt)] = os_
                lst = per_desc.setdefault((id(stmt), m.index), [])
                key = _order_key(sort, sec, m) + (seq,)
                if m.desc.sort_files == "name":
                    key = (0,) + _file_sort_key(obj) + key
                if sort and sort != "none":
                    sort_kind[id(sec)] = sort
            elif sec.name in by_name:
                # (bfd places the orphans once every script input is in: whether one joins the
                # statement of its name depends on what the statement got)
                named_orphans.append((seq, obj_idx, sec))
                continue
            else:
                os_, lst = _orphan_section(orphans, orphan_members, sec, obj_idx, seq, unwind)
                key = (1, seq)
            _add_input(os_, lst, key, sec, merged, raw)
    if named_orphans:
        homes: dict = {}
        for seq, obj_idx, sec in named_orphans:
            stmt = _named_orphan_home(st, sec, per_desc, outs, merged, homes)
            if stmt is not None:
                os_ = outs.get(id(stmt))
                if os_ is None:
                    os_ = outs[id(stmt)] = _new_out(stmt.name, sec, unwind)
                    st.chunk_of[id(stmt)] = os_
                lst = per_desc.setdefault((id(stmt), 1 << 30), [])
            else:
                os_, lst = _orphan_section(orphans, orphan_members, sec, obj_idx, seq, unwind)
            _add_input(os_, lst, (1, seq), sec, merged, raw)
        # (orphan sections are placed in the order of their first input sections)
        orphans = dict(sorted(orphans.items(), key=lambda kv: getattr(kv[1], "first_seq", 0)))
    _copy_areas(ctx, st, outs, per_desc, orphans, orphan_members, by_name, file_seq)
    if report is not None:
        report_orphans(ctx, st, report, by_name)
    for ms in merged.values():
        ms.lst.extend(ms.finish())
    # COMMON symbols
    commons = [s for s in ctx.symtab.values() if s.rank == COMMON and s.file is not None]
    if raw and len(commons) > 1:
        from .oformat import hash_order
        commons = hash_order(ctx, commons)
    if cfg.sort_common:
        from .passes import common_sort_pass
        commons.sort(key=lambda s: common_sort_pass(s, cfg.sort_common))
    if commons and cfg.sort_section is not None:
        # (bfd sorts each file's COMMON section, made of its commons, among the other inputs)
        raise LinkError(f"{commons[0].file.name}: COMMON symbol {commons[0].name} with --sort-section is not "
                        "supported by braze")
    for s in commons:
        if s.type == STT_TLS:
            _tls_common(st, s, outs, per_desc, len(commons))
            continue
        if s.large_common:
            _large_common(ctx, st, s, outs, per_desc, len(commons))
            continue
        b = Blob("COMMON", s.size, max(1, s.common_align))
        m = st.common_to
        key = (2, len(commons))
        if m is not None and m.file_ok(s.file.name, _file_names(s.file)):
            stmt = m.stmt
            lst = per_desc.setdefault((id(stmt), m.index), [])
        else:
            # no `*(COMMON)`: each file's commons are an input section after that file's own
            key = (1, file_seq.get(id(s.file), 0) + 0.5)
            stmt = by_name.get(".bss")
            if stmt is not None:
                lst = per_desc.setdefault((id(stmt), 1 << 30), [])
            else:
                stmt = None
                if ".bss" not in orphans:
                    orphans[".bss"] = OutputSection(".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE)
                lst = orphan_members.setdefault(".bss", [])
        if stmt is not None:
            os_ = outs.get(id(stmt))
            if os_ is None:
                os_ = outs[id(stmt)] = OutputSection(stmt.name, SHT_NOBITS, SHF_ALLOC | SHF_WRITE)
                st.chunk_of[id(stmt)] = os_
            os_.flags |= SHF_ALLOC | SHF_WRITE
        else:
            os_ = orphans[".bss"]
        lst.append((key + (len(lst),), b))
        s.section = b
        s.value = 0
        if s.type == STT_COMMON:        # allocated, an object (as passes.bin_sections)
            s.type = STT_OBJECT
    made = _first_made(st)
    # members in order: descriptions in body order, each sorted
    for stmt in list(st.stmts):
        if not isinstance(stmt, OutSecStmt) or stmt.orphan:
            continue
        os_ = outs.get(id(stmt))
        body_members = []
        for i, b in enumerate(stmt.body):
            if isinstance(b, InputDesc):
                lst = per_desc.get((id(stmt), i), [])
                if len({sk if sk != "none" else None for _, _, sk in b.pats}) > 1:
                    if b.sort_files == "name":
                        raise LinkError(f"{st.script.path}: {stmt.name}: SORT of file names with section "
                                        "patterns sorted in different ways in one input description is not "
                                        "supported by braze")
                    body_members.append(_bst_order(lst, sort_kind))
                    continue
                lst.sort(key=lambda x: x[0])
                body_members.append([m for _, m in lst])
            else:
                body_members.append(None)
        extra = per_desc.get((id(stmt), 1 << 30), [])
        extra.sort(key=lambda x: x[0])
        st.body_members[id(stmt)] = (body_members, [m for _, m in extra])
        has_data = any(isinstance(b, DataCmd) for b in stmt.body)
        if os_ is None and not _needs_section(stmt) and by_name.get(stmt.name) is stmt and stmt.name in made:
            # bfd made it (FILL, or ADDR() naming it) but nothing fills it: removed, with no flags;
            # ADDR, LOADADDR, ALIGNOF still give what it would have had
            os_ = outs[id(stmt)] = OutputSection(stmt.name, SHT_NOBITS, 0)
            os_.script_made = True
            st.chunk_of[id(stmt)] = os_
        elif os_ is None and _needs_section(stmt):
            # bfd's flags for an output section no input makes (_first_made): data first gives a
            # read-only one, anything else first a writable one; only `.` moved: allocated, no contents
            special_t, special_f = _special_section(ctx, stmt.name)
            if has_data and stmt.sectype is None and (stmt.name in _SPECIAL_REFUSED or stmt.name.startswith(".rel")
                                                      or stmt.name.startswith(".stab") and stmt.name.endswith("str")):
                raise LinkError(f"{stmt.where}: output section {stmt.name} made only of data commands is not "
                                "supported by braze (bfd types it by its name)")
            if has_data:
                if special_t == SHT_NOBITS:
                    diag.warn(f"section `{stmt.name}' type changed to PROGBITS")
                    special_t = SHT_PROGBITS
                os_ = OutputSection(stmt.name, special_t or SHT_PROGBITS,
                                    SHF_ALLOC if made.get(stmt.name) else SHF_ALLOC | SHF_WRITE)
            else:
                os_ = OutputSection(stmt.name, SHT_NOBITS, SHF_ALLOC | SHF_WRITE)
            # (bfd: in the header only; its layout, segments and PT_TLS go by the flags above)
            os_.shdr_flags = special_f & ~os_.flags
            if special_t in (14, 15, 16):
                os_.entsize = 8
            outs[id(stmt)] = os_
            os_.script_made = True
            st.chunk_of[id(stmt)] = os_
        elif os_ is not None and has_data and os_.type == SHT_NOBITS:
            os_.type = SHT_PROGBITS
        if has_data and stmt.sectype is not None:
            t = _section_type(stmt)
            if getattr(os_, "script_made", False):
                os_.type = t            # (an input section's type wins over it, as in bfd)
                os_.typed = True
                os_.entsize = 8 if t in (14, 15, 16) else 0
        if os_ is not None:
            ms = []
            for bm in body_members:
                if bm:
                    ms.extend(bm)
            ms.extend(m for _, m in extra)
            os_.members = ms
            for m in ms:
                m.out = os_
            if stmt.type == "NOLOAD":
                os_.type = SHT_NOBITS
            elif stmt.type == "NOALLOC":
                # (COPY)/(INFO)/(DSECT)/(OVERLAY): not allocated, but given an address like the rest
                os_.flags &= ~SHF_ALLOC
                os_.typed_noalloc = True

    st.dynobj_places = None
    st.future_dyn = _future_dynamic(ctx, st)
    for name, os_ in orphans.items():
        if st.dynobj_places is None and getattr(os_, "first_obj", 0) > 0:
            # bfd's linker-made dynamic sections belong to its dynobj, the first input object: as
            # orphans they come after that file's orphans, before the next files'
            st.dynobj_places = dict(st.orphan_after)
        lst = orphan_members.get(name, [])
        lst.sort(key=lambda x: x[0])
        os_.members = [m for _, m in lst]
        for m in os_.members:
            m.out = os_
        eh = getattr(os_, "eh_placeholder", False)
        if eh and st.eh_stmt is not None:
            continue            # (a later .eh_frame went to a statement: the merged one goes there)
        stmt = OutSecStmt(os_.name, "")
        stmt.orphan = True
        st.chunk_of[id(stmt)] = os_
        st.body_members[id(stmt)] = ([], os_.members)
        if eh:
            st.eh_orphan = stmt
        _place_orphan(st, stmt, os_)
    for stmt in st.stmts:
        if isinstance(stmt, OutSecStmt) and stmt.type == "READONLY" and id(stmt) in outs:
            # (after the orphans are placed: bfd does not take such a section for a read-only one then)
            outs[id(stmt)].flags &= ~SHF_WRITE
    for os_ in outs.values():
        os_.update_size(ctx)
    for os_ in orphans.values():
        os_.update_size(ctx)
    st.merged_unplaced = list(merged.values())    # placed once the members have their final offsets
    all_outs = {}
    for stmt in st.stmts:
        if isinstance(stmt, OutSecStmt):
            c = st.chunk_of.get(id(stmt))
            if c is not None:
                all_outs[f"{stmt.name}\0{id(stmt)}"] = c
    ctx.out_sections = all_outs
    ctx.merged = merged
    if any(k and k != "none" for k in eh_sorts):
        eh_inputs = _sorted_eh_inputs(st, eh_inputs, eh_sorts)
    ctx.eh_inputs = eh_inputs
    if st.discarded:
        _check_discarded_refs(ctx, st)
    if st.script.nocrossrefs:
        _check_nocrossrefs(ctx, st.script.nocrossrefs)


def _add_input(os_, lst, key, sec, merged, raw) -> None:
    """An input section into an output section's member list `lst` (at `key`); a mergeable one into
    the list's MergedSection."""
    _add_flags(os_, sec)
    flags = sec.flags
    if flags & SHF_MERGE and sec.entsize and not sec.size % sec.entsize and not raw and \
            sec.type == SHT_PROGBITS and not sec.rel_size and sec.align <= 4096 and \
            mergeable_entsize(sec.entsize, sec.align or 1, flags & SHF_STRINGS):
        mkey = (id(os_), id(lst), flags & ~SHF_GROUP, sec.entsize, sec.align)
        ms = merged.get(mkey)
        if ms is None:
            ms = merged[mkey] = MergedSection(os_.name, flags & ~SHF_GROUP, sec.entsize, sec.align,
                                              bool(flags & SHF_STRINGS))
            ms.out = os_
            ms.lst = lst
        ms.add(sec)
        ms.keys[-1] = key
        sec.out = None
        return
    lst.append((key, sec))


def _orphan_section(orphans, orphan_members, sec, obj_idx, seq, unwind):
    """The orphan output section of `sec`'s name and its member list: bfd's orphan placement puts an
    orphan into an earlier orphan section of its name only when they agree on ALLOC and LOAD and
    on the ELF type (that section's first input's), else makes another one (keyed `name\0n` here)."""
    key = sec.name
    n = 0
    while True:
        os_ = orphans.get(key)
        if os_ is None:
            os_ = orphans[key] = _new_out(sec.name, sec, unwind)
            os_.is_orphan = True
            os_.first_obj = obj_idx
            os_.first_seq = seq
            os_.first_type = sec.type
            break
        t = getattr(os_, "first_type", None)
        if t is None or t == sec.type and not (os_.flags ^ sec.flags) & SHF_ALLOC:
            break       # (same type: LOAD, which NOBITS lacks, agrees too)
        n += 1
        key = f"{sec.name}\0{n}"
    return os_, orphan_members.setdefault(key, [])


def _named_orphan_home(st, sec, per_desc, outs, merged, homes):
    """The statement an orphan joins when the script has statements of its name, or None for an
    orphan output section of its own. bfd's ELF orphan placement (ldelf_place_orphan) takes the
    first such statement whose output section exists and either has no flags yet (only assignments
    or ADDR() made it) or agrees with the orphan on ALLOC and LOAD and on the ELF type (an output
    section's type is its first input's; one made only of data has none); failing that, the last
    statement with no output section yet. `homes` caches, per statement, [its type or None] once
    it has one."""
    alloc = sec.flags & SHF_ALLOC
    load = alloc and sec.type != SHT_NOBITS
    unused = None
    made = st.__dict__.get("first_made")
    if made is None:
        made = st.first_made = _first_made(st)
    for stmt in st.stmts:
        if not isinstance(stmt, OutSecStmt) or stmt.name != sec.name or stmt.orphan:
            continue
        os_ = outs.get(id(stmt))
        data = any(isinstance(b, DataCmd) for b in stmt.body)
        if os_ is None and stmt.name not in made:
            unused = stmt
            continue
        if os_ is None and not data:
            homes[id(stmt)] = [sec.type]      # (no flags: joined; the orphan is its first input)
            return stmt
        h = homes.get(id(stmt))
        if h is None:
            h = homes[id(stmt)] = [_bfd_out_type(stmt, per_desc, merged)]
        s_alloc = data or os_ is not None and os_.flags & SHF_ALLOC
        # (an input other than NOBITS made braze's output section PROGBITS: _add_flags)
        s_load = stmt.type != "NOLOAD" and (data or os_ is not None and os_.flags & SHF_ALLOC and
                                            os_.type != SHT_NOBITS)
        if bool(s_alloc) == bool(alloc) and bool(s_load) == bool(load) and h[0] == sec.type:
            return stmt
    if unused is not None:
        homes[id(unused)] = [sec.type]
    return unused


def _bfd_out_type(stmt, per_desc, merged):
    """The ELF type bfd's output section of `stmt` has before the orphans: its first input's (in
    script order), unless the flags it had by then differ from that input's (a data command
    before a NOBITS input, a NOLOAD or NOALLOC statement): then none (None)."""
    if stmt.type in ("NOLOAD", "NOALLOC"):
        return None
    data = False
    for i, b in enumerate(stmt.body):
        if isinstance(b, DataCmd):
            data = True
        if not isinstance(b, InputDesc):
            continue
        lst = per_desc.get((id(stmt), i))
        firsts = [min(lst, key=lambda x: x[0])] if lst else []
        firsts += [(min(ms.keys), None) for ms in merged.values() if ms.lst is lst and ms.keys]
        if not firsts:
            continue
        first = min(firsts, key=lambda x: x[0])[1]
        t = first.type if first is not None else SHT_PROGBITS
        return None if data and t == SHT_NOBITS else t
    return None


def check_orphan_handling(ctx) -> None:
    """--orphan-handling=warn|error|discard is reproduced where bfd's list of orphans is known, in
    links laid out by a SECTIONS script given with -T: static non-PIE x86-64 ones (bfd's list there
    holds the linker-made sections its relocation check puts in its dynobj, see report_orphans),
    and -pie or -shared ones without shared libraries (any target) whose script places a superset
    of bfd's dynobj sections (_check_pie_dynobj_placed); elsewhere that set depends on bfd
    internals braze does not model: refused."""
    from .passes import _assign_re
    cfg = ctx.config
    mode = cfg.orphan_handling
    if mode == "place":
        return
    why = None
    if cfg.relocatable:
        why = "with -r"
    elif ctx.pending_lscript is None or ctx.insert_scripts or \
            any(not _assign_re().match(e) for _n, e in cfg.defsyms):
        # (a --defsym expression beyond SYMBOL±NUMBER lays the link out by bfd's default script)
        why = "without a SECTIONS script given with -T (bfd's default script)"
    elif ctx.dsos:
        why = "with shared libraries"
    elif cfg.shared or cfg.pie:
        # (a superset of bfd's dynobj sections must be placed by the script: _check_pie_dynobj_placed;
        # Linux's vDSO and arm64 vmlinux, -shared -T)
        pass
    elif ctx.target.orphan_static_dynobj is None:
        why = f"for {ctx.target.name} static links"
    elif not cfg.z_combreloc:
        why = "with -z nocombreloc"
    if why is not None:
        raise LinkError(f"--orphan-handling={mode} is not supported by braze {why}: only in static links "
                        "laid out by a -T SECTIONS script")


def _bfd_dynreloc_wanted(s) -> bool:
    """bfd's static-link test for a relocation naming global symbol `s` when it checks relocations
    (after reading every input, before the script's assignments run): the symbol is not yet defined
    by an input object (undefined, or defined by the script or the linker), or only weakly."""
    f = s.file
    if s.rank < COMMON or s.linker_defined or f is None or isinstance(f, ScriptDefs) or f.is_shared:
        return True
    return s.rank == WEAK


def _linker_made_orphans(ctx, st) -> list:
    """The sections bfd has made in its dynobj (the first input object) by the time it places
    orphans in a static link: the target's fixed ones, then `.rela<section>` for each input section
    (in input order, /DISCARD/ed ones too) with a relocation of a pointer type naming a symbol
    _bfd_dynreloc_wanted, or an IFUNC from a 64-bit word outside code."""
    t = ctx.target
    # (--build-id: bfd makes its note in the first input object first)
    names = ([".note.gnu.build-id"] if ctx.config.build_id else []) + list(t.orphan_static_dynobj or ())
    seen = set(names)
    ptr, gotl, abs64 = t.orphan_pointer_relocs, t.orphan_got_loads, t.orphan_abs64
    gone = st.discarded
    for obj in ctx.objs:
        syms = obj.syms
        fg = obj.first_global
        for sec in obj.sections:
            if sec is None or not sec.flags & SHF_ALLOC or not sec.rel_size or \
                    not sec.alive and id(sec) not in gone:
                continue
            name = ".rela" + sec.name
            if name in seen:
                continue
            for _off, info, _a in sec.relocs:
                idx = info >> 32
                typ = info & 0xffffffff
                if idx < fg or (typ not in ptr and typ not in gotl):
                    continue
                s = syms[idx]
                if s is None:
                    continue
                if _bfd_dynreloc_wanted(s) or typ == abs64 and s.type == STT_GNU_IFUNC and \
                        not sec.flags & SHF_EXECINSTR:
                    if typ in gotl:
                        if s.rank >= COMMON and not s.linker_defined:
                            # (bfd may turn the GOT load of a defined symbol into a pointer type
                            # first; an undefined one stays a GOT load: checked)
                            raise LinkError(f"--orphan-handling: a GOT load of `{s.name}' in {sec.name} of "
                                            f"{obj.name}: whether bfd makes {name} for it is not reproduced "
                                            "by braze")
                        continue
                    names.append(name)
                    seen.add(name)
                    break
    return names


_MADE_FLAGS = {".note.gnu.build-id": SHF_ALLOC, ".got": SHF_ALLOC | SHF_WRITE, ".got.plt": SHF_ALLOC | SHF_WRITE,
               ".igot.plt": SHF_ALLOC | SHF_WRITE, ".iplt": SHF_ALLOC | SHF_EXECINSTR}


def _check_pie_dynobj_placed(ctx, st, first) -> None:
    """--orphan-handling with -pie or -shared (no .interp then): which sections bfd makes in its dynobj (the first input object)
    depends on more than braze models (x86-64 -pie --no-dynamic-linker: the version sections,
    .dynsym, .dynstr, .dynamic, both hash tables, .plt, .rela.plt, .rela.got, .got, .got.plt, .dynbss,
    .rela.bss, .rela.data.rel.ro, .rela.ifunc, .plt.got, .sframe, and .rela<section> for input sections
    with dynamic relocations; no .iplt/.igot.plt/.rela.iplt, made for position-dependent links only). Reproduced where the script's patterns place (or discard) every
    section of a superset of that list, so bfd has no linker-made orphan whichever it made (Linux's
    boot code: `*(.rela.*)`, `*(.plt.*)`, a /DISCARD/ of the dynamic tables); else refused."""
    cfg = ctx.config
    names = [".gnu.version_d", ".gnu.version", ".gnu.version_r", ".dynsym", ".dynstr", ".dynamic", ".hash",
             ".gnu.hash", ".plt", ".rela.plt", ".rela.got", ".got", ".got.plt", ".dynbss", ".rela.bss",
             ".rela.data.rel.ro", ".rela.ifunc", ".plt.got", ".plt.sec", ".rela.dyn"]
    if not cfg.no_dynamic_linker and not cfg.shared:
        names.append(".interp")
    if cfg.plt_unwind:
        names += [".eh_frame", ".sframe"]
    if cfg.build_id:
        names.append(".note.gnu.build-id")
    seen = set(names)
    for obj in ctx.objs:
        for sec in obj.sections:
            if sec is not None and sec.flags & SHF_ALLOC and ".rela" + sec.name not in seen:
                seen.add(".rela" + sec.name)
                names.append(".rela" + sec.name)
    fnames = _file_names(first)
    for name in names:
        flags = _MADE_FLAGS.get(name, SHF_ALLOC)
        if not any(m.file_ok(first.name, fnames) and m.match(name, fnames, flags) is not False
                   for m in st.matchers):
            raise LinkError(f"{st.script.path}: --orphan-handling={cfg.orphan_handling} with "
                            f"{'-shared' if cfg.shared else '-pie'} where the "
                            f"script does not place the section {name} the linker may make is not supported "
                            "by braze")


def report_orphans(ctx, st, found, by_name) -> None:
    """--orphan-handling=warn|error|discard: bfd's message for each orphan, in its order (files in
    link order, each file's sections in order, the dynobj's linker-made ones after the first
    file's own); `found` are the input orphans [(file index, section)]. warn: bfd's warning naming
    the output section; error: bfd's error (the link goes on and fails at the end, no output);
    discard: the input orphans were dropped already (references to them are bfd's errors), and a
    linker-made orphan the link needs is refused."""
    mode = ctx.config.orphan_handling
    objs = ctx.objs
    rows = []
    n0 = 0
    by_obj: dict = {}
    for i, sec in found:
        by_obj.setdefault(i, {})[sec.shndx] = sec
    prop_seen = False
    gc = ctx.config.gc_sections
    for i, obj in enumerate(objs):
        mine = by_obj.get(i, {})
        fnames = _file_names(obj)
        # (--gc-sections: bfd keeps a file's unreferenced sections without flags, .note.GNU-stack
        # among them, only when some allocated non-note section of that file is kept)
        stack_kept = not gc or any(x is not None and x.alive and x.flags & SHF_ALLOC and x.type != SHT_NOTE
                                   for x in obj.sections)
        heads = _header_names(obj) if mine or getattr(obj, "view", None) is not None and \
            type(obj).__name__ == "ObjectFile" else []
        if mine and not heads:
            heads = [(k, s.name) for k, s in mine.items()]
        for idx, name in heads:
            sec = mine.get(idx)
            if sec is None:
                # sections braze's reader sets aside that bfd still has when it places orphans:
                # every .note.GNU-stack, and the first file's .note.gnu.property (the others merged)
                if name == ".note.gnu.property":
                    if prop_seen:
                        continue
                    prop_seen = True
                elif name != ".note.GNU-stack" or not stack_kept:
                    continue
                if any(m.file_ok(obj.name, fnames) and m.match(name, fnames, 0) is not False for m in st.matchers):
                    continue
                if name == ".note.gnu.property" and mode == "discard":
                    raise LinkError("--orphan-handling=discard with .note.gnu.property an orphan is not "
                                    "supported by braze")
            rows.append((name, obj.name, _orphan_out(ctx, name, by_name)))
        if i == 0:
            n0 = len(rows)
    made = []
    if objs and (ctx.config.pie or ctx.config.shared):
        _check_pie_dynobj_placed(ctx, st, objs[0])
    elif objs:
        first = objs[0]
        fnames = _file_names(first)
        for name in _linker_made_orphans(ctx, st):
            flags = _MADE_FLAGS.get(name, SHF_ALLOC)
            m = next((m for m in st.matchers if m.file_ok(first.name, fnames)
                      and m.match(name, fnames, flags) is not False), None)
            if m is None:
                if name == ".note.gnu.build-id" and mode == "discard":
                    raise LinkError("--orphan-handling=discard with .note.gnu.build-id an orphan is not "
                                    "supported by braze")
                made.append((name, first.name, _orphan_out(ctx, name, by_name)))
        rows[n0:n0] = made
    st.made_orphans = {r[0] for r in made}
    for name, fname, out in rows:
        if mode == "warn":
            diag.warn(f"orphan section `{name}' from `{fname}' being placed in section `{out}'")
        elif mode == "error":
            diag.error(f"unplaced orphan section `{name}' from `{fname}'", at_end=True)


def _header_names(obj) -> list:
    """[(section index as braze numbers it, name)] of every section header of `obj`, in order."""
    from .inputs.objparse import read_headers
    from .elf import ET_REL
    v = obj.view
    _e, shdrs, shstrndx = read_headers(v, obj.error, ET_REL, obj.target)
    sh = shdrs[shstrndx]
    tab = bytes(v[sh[4]:sh[4] + sh[5]])
    big = len(shdrs) > 0xff00
    out = []
    for i in range(1, len(shdrs)):
        o = shdrs[i][0]
        name = tab[o:tab.index(b"\0", o)].decode("utf-8", "replace")
        out.append((i + 0x100 if big and i >= 0xff00 else i, name))
    return out


def _orphan_out(ctx, name, by_name) -> str:
    """The output section bfd's ELF orphan code puts an orphan of this name in: .rela.dyn for an
    allocated relocation section, .text for an executable's .gnu.warning.SYM (when the script has
    a .text and no statement of that name), else one of its own name."""
    if name.startswith(".rela"):
        return ".rela.dyn"
    if name.startswith(".gnu.warning.") and name not in by_name and ".text" in by_name and \
            not ctx.config.shared:
        return ".text"
    return name


def _large_common(ctx, st, s, outs, per_desc, n) -> None:
    """A large COMMON symbol (Target.large_common_shndx): bfd allocates it in its file's
    LARGE_COMMON input section, which the script places (bfd's default script: `*(LARGE_COMMON)`
    last in .lbss). A script naming no LARGE_COMMON is not reproduced: refused."""
    fnames = _file_names(s.file)
    m = next((c for c in st.matchers if any(p[3] == "LARGE_COMMON" for p in c.pats)
              and c.file_ok(s.file.name, fnames)), None)
    if m is None or m.stmt.name == "/DISCARD/":
        raise LinkError(f"{st.script.path}: a large COMMON symbol ({s.name}) with a SECTIONS script that "
                        "does not place `LARGE_COMMON' is not supported by braze")
    _place_common(st, s, m, outs, per_desc, n, "LARGE_COMMON", ctx.target.large_common_flags)
    if s.type == STT_COMMON:
        s.type = STT_OBJECT


def _tls_common(st, s, outs, per_desc, n) -> None:
    """A thread-local COMMON symbol: bfd allocates it in its file's `.tcommon` input section, which
    the script places (bfd's default script: `*(.tcommon)` last in .tbss). A script naming no
    `.tcommon` makes bfd an orphan .tcommon placed ahead of .tbss: not reproduced, refused."""
    fnames = _file_names(s.file)
    flags = SHF_ALLOC | SHF_WRITE | SHF_TLS
    m = next((c for c in st.matchers if c.file_ok(s.file.name, fnames) and
              c.match(".tcommon", fnames, flags) is not False), None)
    if m is None or m.stmt.name == "/DISCARD/":
        raise LinkError(f"{st.script.path}: a thread-local COMMON symbol ({s.name}) with a SECTIONS script "
                        "that does not place `.tcommon` is not supported by braze")
    _place_common(st, s, m, outs, per_desc, n, "COMMON", flags)


def _place_common(st, s, m, outs, per_desc, n, blob_name: str, flags: int) -> None:
    """Allocate common symbol `s` as a Blob of the description matcher `m` places it in (its output
    section made NOBITS with FLAGS if the script has none yet)."""
    from .passes import Blob
    b = Blob(blob_name, s.size, max(1, s.common_align))
    lst = per_desc.setdefault((id(m.stmt), m.index), [])
    lst.append(((2, n, len(lst)), b))
    os_ = outs.get(id(m.stmt))
    if os_ is None:
        os_ = outs[id(m.stmt)] = OutputSection(m.stmt.name, SHT_NOBITS, flags)
        st.chunk_of[id(m.stmt)] = os_
    os_.flags |= flags
    s.section = b
    s.value = 0


def _copy_areas(ctx, st, outs, per_desc, orphans, orphan_members, by_name, file_seq) -> None:
    """The copy-relocation areas of a dynamic executable: bfd's dynobj (the first input object) owns
    input sections `.dynbss` and `.data.rel.ro` (copies of read-only data) that the script places as
    any of that file's sections: by the first matching description, after the file's own sections
    there; else into an output section of their name, else as orphans. Empty ones go with the other
    empty sections. (The scan sizes them later: passes._allocate.)"""
    from .passes import Blob
    st.dynbss = st.dynrelro = None
    if not ctx.dynamic or ctx.config.shared or not ctx.objs:
        return
    first = ctx.objs[0]
    fnames = _file_names(first)
    for name, typ in ((".dynbss", SHT_NOBITS), (".data.rel.ro", SHT_PROGBITS)):
        b = Blob(name, 0, 1)
        b.type = typ
        b.flags = SHF_ALLOC | SHF_WRITE
        after = file_seq.get(id(first), 0) + 0.5
        m = sort = None
        for cand in st.matchers:
            if cand.file_ok(first.name, fnames):
                got = cand.match(name, fnames, b.flags)
                if got is not False:
                    m, sort = cand, got
                    break
        if m is not None and m.stmt.name == "/DISCARD/":
            continue            # (a copy relocation then is refused: passes._allocate)
        if m is not None:
            stmt = m.stmt
            lst = per_desc.setdefault((id(stmt), m.index), [])
            key = _order_key(sort, b, m) + (after,)
        else:
            stmt = by_name.get(name)
            key = (1, after)
            if stmt is not None:
                lst = per_desc.setdefault((id(stmt), 1 << 30), [])
        if stmt is not None:
            os_ = outs.get(id(stmt))
            if os_ is None:
                os_ = outs[id(stmt)] = OutputSection(stmt.name, typ, 0)
                st.chunk_of[id(stmt)] = os_
        else:
            os_ = orphans.get(name)
            if os_ is None:
                os_ = orphans[name] = OutputSection(name, typ, 0)
                os_.is_orphan = True
                os_.first_obj = 0
            lst = orphan_members.setdefault(name, [])
        _add_flags(os_, b)
        lst.append((key, b))
        if name == ".dynbss":
            st.dynbss = b
        else:
            st.dynrelro = b


def _out_name(sec):
    out = getattr(sec, "out", None)
    if out is None:
        m = getattr(sec, "merge", None)
        out = m[0].out if m else None
    return out.name if out is not None else None


def _check_nocrossrefs(ctx, lists) -> None:
    """NOCROSSREFS(a b …): no relocation in one of the output sections may refer to a symbol defined
    in another of them; NOCROSSREFS_TO(t a b …): none in a, b… to one in t. bfd's error for each
    such relocation (all reported, then the link fails). Only scripts with the command pay for the
    walk over the relocations."""
    from .elf import STT_SECTION
    from . import symwarn
    sources = set()
    for first, names, _w in lists:
        sources.update(names)
    for obj in ctx.objs:
        secs = obj.sections
        syms = obj.syms
        fg = obj.first_global
        for sec in secs:
            if sec is None or not sec.alive or not sec.rel_size:
                continue
            src = _out_name(sec)
            if src not in sources:
                continue
            for off, info, _a in sec.relocs:
                idx = info >> 32
                if idx == 0:
                    continue
                if idx >= fg:
                    sym = syms[idx]
                    if sym is None or sym.section is None:
                        continue
                    tsec, name = sym.section, sym.name
                else:
                    if idx >= len(obj.esyms):
                        continue
                    sh = obj.sym_shndx(idx)
                    tsec = secs[sh] if 0 < sh < len(secs) else None
                    if tsec is None:
                        continue
                    e = obj.esyms[idx]
                    name = tsec.name if (e[1] & 0xf) == STT_SECTION else obj.sym_names[idx]
                dst = _out_name(tsec)
                if dst is None or dst == src:
                    continue
                for first, names, _w in lists:
                    if first is None and src in names and dst in names or \
                            first is not None and dst == first[0] and src in names:
                        diag.error(f"{symwarn.where(obj, sec, off)}: prohibited cross reference from {src} to "
                                   f"`{name}' in {dst}")
                        break
    diag.check_errors()


def _check_discarded_refs(ctx, st) -> None:
    """bfd's error for a kept allocated section that refers to a symbol /DISCARD/ (or
    --orphan-handling=discard) removed (a COMDAT or --gc-sections removal is not this; only the
    script's): one line per relocation, with no program name, as bfd's final link meets them (files
    in the order their sections first come in the output sections, each file's sections and
    relocations in order; the link goes on, as bfd's, and fails before writing). Only links whose
    script discards something pay for the walk."""
    from .elf import STT_SECTION
    from .passes import DISCARD_EXEMPT
    gone = st.discarded
    order = {}
    for stmt in st.stmts:
        c = st.chunk_of.get(id(stmt)) if isinstance(stmt, OutSecStmt) else None
        for m in getattr(c, "members", None) or ():
            f = getattr(m, "file", None)
            if f is not None and id(f) not in order:
                order[id(f)] = len(order)
    objs = sorted(ctx.objs, key=lambda o: order.get(id(o), len(order)))
    for obj in objs:
        secs = obj.sections
        syms = obj.syms
        fg = obj.first_global
        for sec in secs:
            if sec is None or not sec.alive or not sec.flags & SHF_ALLOC or not sec.rel_size or \
                    sec.name in DISCARD_EXEMPT:
                continue
            for _off, info, _a in sec.relocs:
                idx = info >> 32
                if idx >= fg:
                    s = syms[idx]
                    tsec = s.section if s is not None else None
                    name = s.name if s is not None else ""
                else:
                    if idx >= len(obj.esyms):
                        continue
                    sh = obj.sym_shndx(idx)
                    tsec = secs[sh] if 0 < sh < len(secs) else None
                    e = obj.esyms[idx]
                    name = tsec.name if (e[1] & 0xf) == STT_SECTION and tsec is not None else obj.sym_names[idx]
                if tsec is None or id(tsec) not in gone:
                    continue
                diag.error_at_write(f"`{name}' referenced in section `{sec.name}' of {obj.name}: defined in "
                                    f"discarded section `{tsec.name}' of {tsec.file.name}")


def _needs_section(stmt) -> bool:
    """A statement with commands besides input descriptions gets an output section object (its
    symbols are relative to it even when it is removed)."""
    return any(isinstance(b, (Assign, DataCmd)) for b in stmt.body)


def _keeps_section(stmt) -> bool:
    """bfd keeps an output section with no input sections when it holds data or assigns `.`
    (symbol assignments alone do not keep it)."""
    return any(isinstance(b, DataCmd) or isinstance(b, Assign) and b.name == "." and not _idle_align(b)
               for b in stmt.body)


def _first_made(st) -> dict:
    """bfd's map_input_to_output_sections creates an output section (its flags, and its place in
    the section list) at the first of: an input section put in it; a data command in it (flags
    ALLOC|LOAD|READONLY); FILL(), an assignment or ASSERT in it, or an ADDR()/LOADADDR() naming it
    in an assignment, a data command or a section's address or AT() (flags 0: later data does not
    make it read-only). name -> True when a data command comes first, False otherwise, for the names
    such a statement makes (inputs aside)."""
    made = {}

    def mention(*exprs):
        names = []
        for e in exprs:
            _addr_mentions(e, names)
        for n in names:
            made.setdefault(n, False)

    for s in st.stmts:
        if isinstance(s, OutSecStmt):
            if s.orphan or s.name == "/DISCARD/":
                continue
            mention(s.addr, s.lma, s.align)
            for b in s.body:
                if isinstance(b, DataCmd):      # (bfd: the names in its expression first)
                    mention(b.expr)
                    made.setdefault(s.name, True)
                elif isinstance(b, (Assign, AssertCmd, FillCmd)):
                    made.setdefault(s.name, False)
                    if not isinstance(b, FillCmd):
                        mention(b.expr)
        elif isinstance(s, (Assign, AssertCmd)):
            mention(s.expr)
    return made


def _idle_align(a) -> bool:
    """`. = ALIGN(. != 0 ? N : 1)` (bfd's default scripts end .bss/.ldata so): in a section with
    nothing in it `.` stays put, and bfd removes the section."""
    e = a.expr
    if a.op != "=" or e.op != "call" or e.a != "ALIGN" or e.c is not None or e.b.op != "?:":
        return False
    c = e.b.a
    return c.op == "bin" and c.a == "!=" and c.b.op == "dot" and c.c.op == "num" and c.c.a == 0


_ARRAY_TYPES = {".init_array": 14, ".fini_array": 15, ".preinit_array": 16}

# bfd's table of special ELF section names (elf.c special_sections, after the target's own): an
# output section no input section made takes its header flags and type: NOTE, an array type, or
# NOBITS (when data fills it, bfd warns and makes it PROGBITS). (name, how it matches: 0 exactly,
# 1 as NAME or NAME.suffix, 2 as a prefix; type; flags),
# the first match wins. Types braze does not give such a section (HASH, RELA...) are left out.
_AW, _AX = SHF_ALLOC | SHF_WRITE, SHF_ALLOC | SHF_EXECINSTR
_SPECIAL_SECTIONS = (
    (".bss", 1, SHT_NOBITS, _AW), (".data", 1, 0, _AW), (".data1", 0, 0, _AW), (".dynamic", 0, 0, SHF_ALLOC),
    (".dynstr", 0, 0, SHF_ALLOC), (".dynsym", 0, 0, SHF_ALLOC), (".fini", 0, 0, _AX),
    (".fini_array", 1, 15, _AW), (".gnu.linkonce.b", 1, SHT_NOBITS, _AW), (".gnu.linkonce.n", 1, SHT_NOBITS, _AW),
    (".gnu.linkonce.p", 1, 0, _AW), (".got", 0, 0, _AW), (".gnu.liblist", 0, 0, SHF_ALLOC),
    (".gnu.conflict", 0, 0, SHF_ALLOC), (".gnu.hash", 0, 0, SHF_ALLOC), (".hash", 0, 0, SHF_ALLOC),
    (".init", 0, 0, _AX), (".init_array", 1, 14, _AW), (".noinit", 1, SHT_NOBITS, _AW),
    (".note.GNU-stack", 0, 0, 0), (".note", 2, SHT_NOTE, 0), (".persistent.bss", 0, SHT_NOBITS, _AW),
    (".persistent", 1, 0, _AW), (".preinit_array", 1, 16, _AW), (".plt", 0, 0, _AX), (".rodata", 1, 0, SHF_ALLOC),
    (".rodata1", 0, 0, SHF_ALLOC), (".relr.dyn", 0, 0, SHF_ALLOC), (".text", 1, 0, _AX),
    (".tbss", 1, SHT_NOBITS, _AW | SHF_TLS), (".tdata", 1, 0, _AW | SHF_TLS))


def _special_section(ctx, name: str) -> tuple:
    """(type, flags) of bfd's special-section entry for `name`, or (0, 0)."""
    for base, how, t, f in tuple(ctx.target.special_sections) + _SPECIAL_SECTIONS:
        if name == base or (how == 1 and name.startswith(base + ".")) or (how == 2 and name.startswith(base)):
            return t, f
    return 0, 0


# `(TYPE = t)`: the names bfd 2.40 knows, and the numbers braze writes as bfd would (an array type
# gets bfd's entry size 8; other numbers bfd takes, such as SHT_SYMTAB, get entry sizes and links
# braze does not reproduce, so they are refused)
_SECTION_TYPES = {"SHT_PROGBITS": 1, "SHT_STRTAB": 3, "SHT_NOTE": 7, "SHT_NOBITS": 8, "SHT_INIT_ARRAY": 14,
                  "SHT_FINI_ARRAY": 15, "SHT_PREINIT_ARRAY": 16}


def _const(e):
    """A constant expression's value (bfd folds `(TYPE = expr)` before any address is known)."""
    if e.op == "num":
        return e.a
    if e.op == "bin" and e.a in ("+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>"):
        a, b = _const(e.b), _const(e.c)
        return None if a is None or b is None else _apply(e.a, a, b, e.where)
    if e.op == "un" and e.a in ("-", "~", "!"):
        a = _const(e.b)
        return None if a is None else {"-": -a, "~": ~a, "!": int(not a)}[e.a] & ((1 << 64) - 1)
    return None


def _section_type(stmt) -> int:
    """The sh_type `(TYPE = t)` gives an output section made by data commands (BYTE, LONG…): bfd's
    lang_data_statement mapping, with its fatal error for a name it does not know."""
    t, where = stmt.sectype
    if isinstance(t, str):
        if t not in _SECTION_TYPES:
            raise LinkError(f"{where}: invalid type for output section `{stmt.name}'")
        return _SECTION_TYPES[t]
    v = _const(t)
    if v is None:
        raise LinkError(f"{where}: linker script construct (TYPE = expression) is not supported by braze")
    if v not in _SECTION_TYPES.values():
        raise LinkError(f"{where}: linker script construct (TYPE = {v:#x}) is not supported by braze")
    return v


def _array_type(name):
    """.init_array, .fini_array, .preinit_array (or NAME.suffix): bfd's type for such an output."""
    for base, t in _ARRAY_TYPES.items():
        if name == base or name.startswith(base + "."):
            return t
    return 0


def _new_out(name, sec, unwind=None):
    t = sec.type
    if t == unwind:                 # (the psABI's .eh_frame type: the output is PROGBITS, as bfd)
        t = SHT_PROGBITS
    if _array_type(name) and t == SHT_PROGBITS:
        t = _array_type(name)       # bfd's special-section table types an output section by its name
    os_ = OutputSection(name, t, 0)
    if t in (14, 15, 16):          # init/fini/preinit arrays
        os_.entsize = 8
    return os_


def _add_flags(os_, sec):
    """bfd's lang_add_section: flags OR'd together, except that the merge flags and entry size stay
    only while every input agrees on them."""
    flags = sec.flags & ~(SHF_GROUP | SHF_MERGE | SHF_STRINGS | SHF_INFO_LINK | SHF_LINK_ORDER | SHF_GNU_RETAIN)
    mflags = sec.flags & (SHF_MERGE | SHF_STRINGS)
    if getattr(os_, "is_orphan", False):
        flags |= sec.flags & SHF_GNU_RETAIN         # bfd keeps it on orphan sections
    if not getattr(os_, "has_input", False):
        os_.has_input = True
        os_.flags |= flags | mflags
        if mflags:
            os_.entsize = sec.entsize
    else:
        if (os_.flags & (SHF_MERGE | SHF_STRINGS)) != mflags or (mflags and os_.entsize != sec.entsize):
            os_.flags &= ~(SHF_MERGE | SHF_STRINGS)
            if os_.type not in (14, 15, 16):
                os_.entsize = 0
        os_.flags |= flags
    if os_.type == SHT_NOBITS and sec.type != SHT_NOBITS:
        os_.type = SHT_PROGBITS
    elif os_.type != sec.type and sec.type != SHT_NOBITS and os_.type != SHT_PROGBITS and \
            os_.type != _array_type(os_.name):
        os_.type = SHT_PROGBITS
        os_.entsize = 0


# -------------------------------------------------------------------- orphans

def _class(c):
    f = c.flags
    if not f & SHF_ALLOC:
        return "nonalloc"
    if c.type == SHT_NOBITS:
        return "tbss" if f & SHF_TLS else "bss"
    if c.type == SHT_NOTE:
        return "note"
    if c.type in (SHT_RELA, SHT_REL) and not f & SHF_WRITE:
        return "rel"
    if f & SHF_TLS:
        return "tdata"
    if f & SHF_WRITE:
        return "data"
    if f & SHF_EXECINSTR:
        return "text"
    return "rodata"


_HOLD = {"text": ".text", "rodata": ".rodata", "tdata": ".tdata", "data": ".data", "bss": ".bss",
         "tbss": ".tdata", "note": ".interp"}


def _loaded(c):
    return c.flags & SHF_ALLOC and c.type != SHT_NOBITS


_FIND_BY_FLAGS = {
    "text": lambda c: _loaded(c) and not c.flags & SHF_WRITE and c.flags & SHF_EXECINSTR,
    "rodata": lambda c: _loaded(c) and not c.flags & (SHF_WRITE | SHF_TLS),
    "data": lambda c: _loaded(c) and not c.flags & SHF_TLS,
    "bss": lambda c: c.flags & SHF_ALLOC and not c.flags & SHF_TLS,
    "tdata": lambda c: c.flags & SHF_ALLOC and c.flags & SHF_TLS,
    "tbss": lambda c: c.flags & SHF_ALLOC and c.flags & SHF_TLS,
    "note": lambda c: c.flags & SHF_ALLOC and _note(c),
}


def _last_readonly(st, stmts):
    """bfd's lang_output_section_find_by_flags for read-only data: the last read-only data section
    (.eh_frame's statement among them; one of data commands alone, read-only when data comes first,
    counts too), else the last read-only one, code included."""
    eh = st.eh_stmt
    after = code = None
    for s in stmts:
        if isinstance(s, OutSecStmt):
            c = st.chunk_of.get(id(s))
            if s is eh or c is not None and (getattr(c, "members", None) or c.is_synthetic or
                                            s.orphan or getattr(c, "script_made", False)) and \
                    _loaded(c) and not c.flags & (SHF_WRITE | SHF_TLS):
                if s is eh or not c.flags & SHF_EXECINSTR:
                    after = s
                else:
                    code = s
    return after if after is not None else code


def _insert_os_after(st, stmts, i) -> int:
    """bfd's insert_os_after: where an orphan goes after a script statement (stmts[i-1]): past the
    symbol assignments that follow it; an assignment to `.` among them stays after the orphan when
    the next output section is allocated or has no input, else (a non-allocated one with input,
    gnu-efi's `.ignored.reloc` or a `.comment 0`) the orphan goes past it too, right before that
    section; at the end of the script, past all of them."""
    assign = None
    while i < len(stmts):
        s = stmts[i]
        if isinstance(s, Assign):
            if assign is None and s.name == ".":
                assign = i
        elif isinstance(s, OutSecStmt):
            if assign is not None:
                c = st.chunk_of.get(id(s))
                if c is not None and getattr(c, "members", None):
                    if c.flags & SHF_ALLOC:
                        return assign
                elif not _gets_dropped_input(st, s):
                    return assign
            return i
        elif not isinstance(s, AssertCmd):
            return assign if assign is not None else i
        i += 1
    return i


def _gets_dropped_input(st, stmt) -> bool:
    """The statement is the first to match .note.GNU-stack, which every gcc object has: braze drops it
    on reading, bfd maps it there (a non-allocated output section with input)."""
    m = next((m for m in st.matchers if m.file is None and any(p[1](".note.GNU-stack") for p in m.pats)), None)
    return m is not None and m.stmt is stmt


def _kept_desc(s, c) -> bool:
    """The input description that named the linker-made section c in statement s is a KEEP()."""
    i = getattr(c, "syn_index", None)
    b = s.body[i] if i is not None and i < len(s.body) else None
    return bool(getattr(b, "keep", False))


def _future_dynamic(ctx, st) -> dict:
    """The statements that will hold a dynamic link's linker-made .dynsym, .dynstr, .dynamic, .hash and
    .gnu.hash (attached after the input orphans are placed): bfd's dynobj has them when it places
    orphans, so its lang_output_section_find_by_flags sees those output sections (gnu-efi's script
    ends with .dynsym and .dynstr: a .bss.* orphan goes after them). id(statement) -> a stand-in
    chunk with the section's flags."""
    if not ctx.dynamic or ctx.config.relocatable:
        return {}
    from .chunks import Chunk
    want = [(".dynsym", SHT_DYNSYM, SHF_ALLOC), (".dynstr", SHT_STRTAB, SHF_ALLOC),
            (".dynamic", SHT_DYNAMIC, SHF_ALLOC | SHF_WRITE)]
    hs = ctx.config.hash_style
    if hs in ("sysv", "both"):
        want.append((".hash", SHT_HASH, SHF_ALLOC))
    if hs in ("gnu", "both"):
        want.append((".gnu.hash", SHT_GNU_HASH, SHF_ALLOC))
    out = {}
    for name, t, f in want:
        m = next((m for m in st.matchers if m.file is None and any(p[1](name) for p in m.pats)), None)
        if m is not None and m.stmt.name != "/DISCARD/" and st.chunk_of.get(id(m.stmt)) is None:
            out.setdefault(id(m.stmt), Chunk(name, t, f))
    return out


def _note(c) -> bool:
    """A note as bfd's segment map and orphan code see it: by the ELF type inputs gave the section
    (a `(TYPE = SHT_NOTE)` section is typed only when written: no PT_NOTE, no orphan anchor)."""
    return c.type == SHT_NOTE and not getattr(c, "typed", False)


def _note_align(c):
    """(before update_size: the largest member alignment)"""
    return max([getattr(m, "align", 1) for m in getattr(c, "members", None) or ()] + [c.align])


def _find_tls(st, stmts, cls):
    """bfd's lang_output_section_find_by_flags for a thread-local orphan: after the last TLS output
    section of the first run of them (.tdata never after .tbss), else after the last allocated
    section with contents."""
    found = None
    seen = False
    for s in stmts:
        if not isinstance(s, OutSecStmt):
            continue
        c = st.chunk_of.get(id(s))
        if c is None or not (getattr(c, "members", None) or c.is_synthetic or s.orphan):
            continue
        if c.flags & SHF_ALLOC and c.flags & SHF_TLS:
            if not (c.type == SHT_NOBITS and cls == "tdata"):
                found = s
            seen = True
        elif seen:
            break
        elif c.flags & SHF_ALLOC and c.type != SHT_NOBITS:
            found = s
    return found


def _place_orphan(st, stmt, chunk) -> None:
    """bfd's ELF orphan placement: after the statement of the section its kind is named after
    (.text, .rodata, .tdata, .data, .bss), else after the last output section of the same kind,
    else at the end; later orphans of a kind follow the earlier ones. Non-allocated ones go last."""
    cls = _class(chunk)
    places = st.orphan_after
    stmts = st.stmts
    if cls == "nonalloc":
        stmts.append(stmt)
        return
    after = places.get(cls)
    if cls == "note":
        # bfd (ldlang's note grouping): after the last note of the same alignment, else after .interp
        # (the linker-made build-id note, attached later, is bfd's 4-aligned input section)
        same = [s for s in stmts if isinstance(s, OutSecStmt) and
                ((c := st.chunk_of.get(id(s))) is not None and c.flags & SHF_ALLOC and _note(c)
                 and _note_align(c) == _note_align(chunk) or (c is None or not getattr(c, "members", None))
                 and s.name == ".note.gnu.build-id" and _note_align(chunk) == 4)]
        if any(_loaded_note(st, s) for s in stmts):
            st.orphan_note_seen = True
        after = same[-1] if same else \
            next((s for s in stmts if isinstance(s, OutSecStmt) and s.name == ".interp" and not s.orphan), None)
        if after is None:
            # no .interp either: ahead of the first note (measured: bfd puts the 8-aligned
            # .note.gnu.property before a script's .note.gnu.build-id)
            first = next((i for i, s in enumerate(stmts) if isinstance(s, OutSecStmt) and
                          ((c := st.chunk_of.get(id(s))) is not None and c.flags & SHF_ALLOC and
                           _note(c) or s.name == ".note.gnu.build-id")), None)
            if first is not None:
                stmts.insert(first, stmt)
                places[cls] = stmt
                return
            if not (chunk.name == ".note.gnu.build-id" and getattr(chunk, "is_synthetic", False)):
                # bfd's lang_output_section_find_by_flags, again without the type. Not the build-id
                # note, which bfd makes without SEC_HAS_CONTENTS: no flags match, it goes first.
                after = _last_readonly(st, stmts)
    if after is None and cls == "rel":
        # bfd puts an allocated relocation orphan in .rela.dyn (_orphan_out), which no statement
        # names here: after the last output section of its type, else by flags as a note's
        after = next((s for s in reversed(stmts) if isinstance(s, OutSecStmt) and
                      (c := st.chunk_of.get(id(s))) is not None and c.type == chunk.type and _loaded(c)
                      and not c.flags & SHF_WRITE), None) or _last_readonly(st, stmts)
    if after is None and st.section_starts and cls != "note":
        after = _after_placed_notes(st, cls)
    if after is None:
        hold = _HOLD.get(cls)
        after = next((s for s in stmts if isinstance(s, OutSecStmt) and s.name == hold and not s.orphan), None)
        if after is None:
            # bfd's lang_output_section_find_by_flags: the last output section with input whose flags
            # agree on what matters for the kind (code after code; read-only data after anything
            # read-only; data after anything loaded; bss after anything allocated)
            want = _FIND_BY_FLAGS.get(cls)
            if cls in ("tdata", "tbss"):
                after = _find_tls(st, stmts, cls)
                want = None
            future = st.future_dyn
            for s in stmts:
                if isinstance(s, OutSecStmt) and want is not None:
                    c = st.chunk_of.get(id(s)) or future.get(id(s))
                    if c is not None and (getattr(c, "members", None) or c.is_synthetic or s.orphan) and want(c):
                        after = s
    if after is None:
        # bfd finds no output section to follow: after *ABS*, i.e. ahead of the first output section
        # statement (past the assignments that open the script)
        idx = next((i for i, s in enumerate(stmts) if isinstance(s, OutSecStmt)), len(stmts))
        stmts.insert(idx, stmt)
        stmt.region = stmt.lma_region = None
        places[cls] = stmt
        return
    else:
        i = stmts.index(after) + 1
        if not after.orphan:
            i = _insert_os_after(st, stmts, i)
        stmts.insert(i, stmt)
    stmt.region = after.region if after is not None else None
    stmt.lma_region = after.lma_region if after is not None else None
    places[cls] = stmt


def _loaded_note(st, s) -> bool:
    """The statement's output section is a loaded note (the default script's build-id statement
    with --build-id: its note is attached later)."""
    if not isinstance(s, OutSecStmt):
        return False
    c = st.chunk_of.get(id(s))
    if c is not None and c.flags & SHF_ALLOC and c.type != SHT_NOBITS and _note(c):
        return True
    return st.build_id and s.name == ".note.gnu.build-id" and not s.orphan


def _after_placed_notes(st, cls):
    """The first orphan of a kind whose anchor (.text, .rodata, .data, .bss...) an address option
    placed: bfd made that output section first, so in its section list the anchor is followed by the
    next placed one or else by the first section the script made; when that is a loaded note and an
    orphan note has met another note before, lang_insert_orphan keeps the notes together and puts
    the orphan after the last loaded note of the list instead (in the headers' segment). None
    otherwise."""
    hold = _HOLD[cls]
    starts = st.section_starts
    if not st.orphan_note_seen or hold not in starts:
        return None
    stmts = st.stmts
    placed = set(starts)
    k = starts.index(hold)
    nxt = None
    if k + 1 < len(starts):
        nxt = next((s for s in stmts if isinstance(s, OutSecStmt) and s.name == starts[k + 1]), None)
    else:
        for s in stmts:
            if isinstance(s, OutSecStmt) and s.name not in placed and \
                    (s.orphan or _loaded_note(st, s) or getattr(st.chunk_of.get(id(s)), "members", None)
                     or st.interp and s.name == ".interp"):
                nxt = s
                break
    if nxt is None or not _loaded_note(st, nxt):
        return None
    # (the list: the placed sections, then the others in statement order)
    rest = [s for s in stmts if _loaded_note(st, s) and s.name not in placed]
    if rest:
        return rest[-1]
    return next((s for s in stmts if isinstance(s, OutSecStmt) and s.name == starts[-1]), None) \
        if k + 1 < len(starts) else nxt


# -------------------------------------------------------------------- synthetic sections

def attach_synthetic(ctx, chunks) -> None:
    """Synthetic sections (.eh_frame, .got, notes…) take the place of the statement whose
    description names them (which must hold nothing else), else are orphans."""
    st = ctx.lscript
    mine = set(id(c) for c in st.chunk_of.values())
    if ctx.syn.plt is not None and ctx.syn.plt.align > ctx.target.plt_input_align:
        # (the layout without a script gives .plt the default script's ALIGN(); here the statement does)
        ctx.syn.plt.align = ctx.target.plt_input_align
    if ctx.dynamic:
        _place_dynamic_orphans(ctx, st, chunks, mine)
    static_got = []
    for c in chunks:
        if id(c) in mine:
            continue
        target = None
        idx = None
        syn = ctx.syn
        if c is syn.eh_frame and st.eh_orphan is not None:
            stmt = st.eh_orphan     # (the orphan place of the first input .eh_frame)
            st.chunk_of[id(stmt)] = c
            st.body_members[id(stmt)] = ([], [])
            mine.add(id(c))
            continue
        if c is syn.eh_frame and st.eh_stmt is not None:
            target, idx = st.eh_stmt, st.eh_index
        else:
            # the input section names the linker-made section stands for (bfd's .iplt, .igot…)
            names = {id(syn.rela_plt): [".rela.plt" if ctx.dynamic else ".rela.iplt"],
                     # bfd's dynamic relocations sit in .rela.got, .rela.bss and .rela<section>
                     # inputs that its scripts gather into .rela.dyn (or gnu-efi's .rela)
                     id(syn.rela_dyn): [".rela.dyn", ".rela.got", ".rela.data", ".rela.data.rel.ro",
                                        ".rela.bss", ".rela.ifunc", ".rela.text"],
                     id(syn.plt): [".plt", ".iplt"], id(syn.gotplt): [".got.plt", ".igot.plt"],
                     id(syn.got): [".got", ".igot"]}.get(id(c), [c.name])
            if c is syn.rela_dyn and not ctx.config.z_combreloc:
                target, idx = _nocombreloc_target(ctx, st, c)
            else:
                for m in st.matchers:
                    if m.file is None and any(p[1](n) for p in m.pats for n in names):
                        target, idx = m.stmt, m.index
                        break
        if target is not None:
            if target.name == "/DISCARD/" and c is syn.eh_frame and not c.size:
                c.keep_empty = False        # (nothing to discard: x86-64's empty PLT .eh_frame)
                continue
            if target.name == "/DISCARD/" and _discardable_dynamic(ctx, c):
                # (bfd drops it: an output with no dynamic table, no PT_DYNAMIC; Linux's boot code is
                # a -pie that discards .dynamic, .dynsym, .dynstr, .hash, .gnu.hash, .gnu.version*)
                mine.add(id(c))
                if c is syn.dynsym:
                    # (bfd: the dynamic relocations' sh_link is then .symtab: arm64 vmlinux's .rela.dyn)
                    syn.rela_dyn.link_symtab = True
                continue
            if target.name == "/DISCARD/":
                raise LinkError(f"{target.where}: discarding the linker-made section {c.name} is not "
                                "supported by braze")
            old = st.chunk_of.get(id(target))
            if old is not None and not old.is_synthetic and old.members and (c is syn.got or c is syn.gotplt):
                _embed_synthetic(ctx, st, target, idx, old, c)
                mine.add(id(c))
                continue
            mixed = old is not None and not old.is_synthetic and bool(old.members)
            if (old is None or not old.is_synthetic) and _embeddable(syn, c) \
                    and not (mixed and c is syn.eh_frame) \
                    and (mixed or getattr(old, "script_made", False) or _room_ahead(target, idx)):
                # (data, `.` moved or other input ahead of the contents, or data after them: an output
                # section holding the contents as an input section, at the `.` of their description.
                # Not .eh_frame with other input: bfd's .eh_frame parser gives up there, "no
                # .eh_frame_hdr table will be created", and its output does not unwind; refused below)
                if c is syn.eh_frame and ctx.config.emit_relocs:
                    # (emitrelocs writes .rela.eh_frame for an .eh_frame that is its own output section)
                    raise LinkError(f"{target.where}: --emit-relocs with data or an assignment to `.' in the "
                                    "output section of the linker-made .eh_frame is not supported by braze")
                out = old
                if out is None:
                    out = OutputSection(target.name, c.type, c.flags)
                    chunks.append(out)
                    mine.add(id(out))
                    st.chunk_of[id(target)] = out
                    bm = st.body_members.get(id(target))
                    if bm is None or len(bm[0]) != len(target.body):
                        st.body_members[id(target)] = ([None] * len(target.body), [])
                elif getattr(out, "script_made", False):
                    # (made for the data alone: the linker-made input gives it its type and flags)
                    out.script_made = False
                    out.type, out.flags, out.shdr_flags, out.entsize = c.type, c.flags, 0, 0
                else:
                    out.flags |= c.flags
                _embed_synthetic(ctx, st, target, idx, out, c)
                mine.add(id(c))
                continue
            if old is not None and (old is syn.got or old is syn.gotplt) and (c is syn.got or c is syn.gotplt) \
                    and getattr(old, "synthetic_in_script", False):
                # (.got and .got.plt in one statement, `.got : { *(.got) *(.got.plt) }` without -z now:
                # one output section holding both as members)
                out = OutputSection(target.name, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE)
                chunks.append(out)      # (sized with the others; this loop meets it as placed)
                mine.add(id(out))
                st.chunk_of[id(target)] = out
                st.body_members[id(target)] = ([None] * len(target.body), [])
                old.synthetic_in_script = False
                old.name = ".got" if old is syn.got else ".got.plt"
                _embed_synthetic(ctx, st, target, old.syn_index, out, old)
                _embed_synthetic(ctx, st, target, idx, out, c)
                mine.add(id(c))
                continue
            if old is not None and old.is_synthetic:
                # (two linker-made sections in one statement, bfd's .rela.dyn taking an orphan
                # .rela.plt by `*(.rela*)`: one would replace the other, so refused)
                raise LinkError(f"{target.where}: output section {target.name} holds both the linker-made "
                                f"{old.name} and {c.name}: not supported by braze")
            if old is not None and (old.members or getattr(old, "script_made", False) and
                                    any(isinstance(b, DataCmd) for b in target.body)):
                raise LinkError(f"{target.where}: output section {target.name} mixes the linker-made "
                                f"{c.name} with other input: not supported by braze")
            if c is syn.rela_plt and target.name != ".rela.plt":
                # (in another output section bfd's IRELATIVE table is a plain RELA section)
                c.flags &= ~SHF_INFO_LINK
                c.info = 0
                c.link_symtab = True
            c.name = target.name
            c.syn_index = idx
            st.chunk_of[id(target)] = c
            mine.add(id(c))
            bm = st.body_members
            bm[id(target)] = ([None] * len(target.body), [])
            c.synthetic_in_script = True
        else:
            if ctx.config.orphan_handling == "discard" and c is not syn.eh_frame and c.type != SHT_NOTE:
                # (bfd's orphan .got/.iplt/.rela.iplt… go to /DISCARD/: only empty ones are reproduced)
                raise LinkError(f"{st.script.path}: --orphan-handling=discard would discard the linker-made "
                                f"section {c.name} this link needs: not supported by braze")
            if ctx.dynamic and any(c is x for x in (syn.rela_dyn, syn.rela_plt, syn.pltsec)):
                # bfd places these orphans by its own rules (and folds an orphan .rela.plt into
                # .rela.dyn): not reproduced, so refused rather than laid out differently
                raise LinkError(f"{st.script.path}: the linker-made section {c.name} has no place in the "
                                "SECTIONS script: placing it as an orphan in a dynamic link is not supported "
                                "by braze (give it an output section statement)")
            if not ctx.dynamic and (c is syn.got or c is syn.gotplt):
                static_got.append(c)    # (bfd's dynobj's, placed with the target's empty ones below)
                continue
            _place_synthetic_orphan(st, c, mine)
    _place_empty_got(ctx, st, chunks, mine, static_got)
    if ctx.dynamic and ctx.objs:
        _empty_dynobj_flags(ctx, st, chunks)


def _empty_dynobj_flags(ctx, st, chunks) -> None:
    """bfd's dynobj sections that stay empty (Target.dynamic_empty_dynobj) give their flags to the
    output section the script's first matching description puts them in, when that output section
    is made anyway (no alignment: bfd sizes without them)."""
    syn = ctx.syn
    first = ctx.objs[0]
    fnames = _file_names(first)
    for name, flags in ctx.target.dynamic_empty_dynobj:
        if any(c.name == name and c.is_synthetic and c.size for c in chunks) or \
                name == ".plt" and syn.plt is not None and syn.plt.size:
            continue
        m = next((m for m in st.matchers if m.file_ok(first.name, fnames)
                  and m.match(name, fnames, flags) is not False), None)
        if m is None or m.stmt.name == "/DISCARD/":
            continue
        out = st.chunk_of.get(id(m.stmt))
        if out is not None:
            out.flags |= flags


def _embeddable(syn, c) -> bool:
    """The linker-made sections that can sit at an offset of their output section, after data or
    padding, as bfd places them: their users take the contents' address (GOT slots, DT_PLTGOT,
    _GLOBAL_OFFSET_TABLE_, the PLT's code and unwind FDE, the FDEs' .eh_frame_hdr entries).  Not the
    tables bfd points at by their output section's start (.dynamic's PT_DYNAMIC, DT_RELA/DT_JMPREL
    and their sizes, .eh_frame_hdr's PT_GNU_EH_FRAME, DT_SYMTAB...): there bfd's output reads the
    data as the table, refused in _body."""
    return any(c is x for x in (syn.got, syn.gotplt, syn.plt, syn.pltgot, syn.pltsec, syn.eh_frame)
               if x is not None)


def _room_ahead(target, idx) -> bool:
    """Data anywhere in the statement, or an assignment to `.` ahead of description idx: what may put
    bytes ahead of (or after) the linker-made contents there."""
    for i, b in enumerate(target.body):
        if isinstance(b, DataCmd):
            return True
        if i < idx and isinstance(b, Assign) and b.name == ".":
            return True
    return False


def _embed_synthetic(ctx, st, target, idx, out, c) -> None:
    """The linker-made .got/.got.plt (or, after data or padding, .plt/.eh_frame: _embeddable) as a
    member of an output section, where the statement's description names it (bfd lays its dynobj's
    sections out like input sections: first among that description's inputs, the dynobj being the
    first input file)."""
    c.update_size(ctx)              # (its entry size and alignment may follow its contents: a static .plt)
    m = SynMember(ctx, c)
    m.out = out
    c.embedded_in = out
    if c is ctx.syn.gotplt:
        # (bfd: an input section's flags, `.rodata : { *(.got.plt) }` is WA; not the .got's, Linux's
        # arm64 `.text : { ... *(.got) }` stays AX)
        out.flags |= SHF_ALLOC | SHF_WRITE
    # (bfd's x86 finish_dynamic_sections gives the output section of .got/.got.plt the GOT entry size)
    out.entsize = c.entsize
    lists, extra = st.body_members[id(target)]
    lst = lists[idx]
    if lst is None:
        lst = lists[idx] = []
    # (one description naming both: bfd made .got before .got.plt)
    lst.insert(1 if c is ctx.syn.gotplt and lst and type(lst[0]) is SynMember else 0, m)
    out.members = [x for bm in lists if bm for x in bm] + list(extra)


def _discardable_dynamic(ctx, c) -> bool:
    """A dynamic table (.dynamic, .dynsym, .dynstr, the hash tables, the version sections) a script's
    /DISCARD/ may take, as bfd drops it, while no dynamic relocation names a symbol and there is no
    import (which would need the tables at run time: not reproduced, refused)."""
    syn = ctx.syn
    if not any(c is x for x in (syn.dynamic, syn.dynsym, syn.dynstr, syn.hash, syn.gnu_hash, syn.versym,
                                syn.verdef, syn.verneed)):
        return False
    if syn.rela_plt.relocs or ctx.needed_dsos:
        return False
    # (Linux's arm64 vmlinux, -shared -Bsymbolic, discards them all and applies the RELATIVE ones
    # of its .rela.dyn itself; bfd still writes the others, with their index in the discarded
    # .dynsym: .tmp_vmlinux.kallsyms1's GLOB_DAT of the undefined weak kallsyms_* symbols)
    return True


def _place_empty_got(ctx, st, chunks, mine, static_got=()) -> None:
    """bfd's static link still has its (empty) .got, .got.plt and .igot.plt when sizing: an orphan
    after .data that no output keeps, but which becomes the section whose VMA-LMA relation the next
    ones copy (its LMA aligned, so the LMAs after a `.data : AT(x)` move to that alignment). The
    target's other empty ones and the static .got/.got.plt orphans are placed as bfd's dynobj's."""
    syn = ctx.syn
    if ctx.dynamic or ctx.config.relocatable:
        for c in static_got:
            _place_synthetic_orphan(st, c, mine)
        return
    if ctx.config.orphan_handling == "discard":
        return          # (bfd's empty .got/.iplt… orphans went to /DISCARD/: they carry no LMA on)
    _as_dynobj_orphans(st, lambda: _place_static_dynobj(ctx, st, chunks, mine, static_got))
    align = ctx.target.static_empty_got_align
    if not align or any(c is syn.got or c is syn.gotplt for c in chunks) \
            or _script_names(ctx, st, syn.got, [".got", ".igot", ".got.plt", ".igot.plt"]):
        return
    stmt = OutSecStmt(syn.got.name, "")
    stmt.orphan = True
    stmt.phantom_align = align
    st.chunk_of[id(stmt)] = syn.got
    st.body_members[id(stmt)] = ([], [])
    _as_dynobj_orphans(st, lambda: _place_orphan(st, stmt, syn.got))
    mine.add(id(syn.got))


def _place_static_dynobj(ctx, st, chunks, mine, static_got) -> None:
    """A static link's sections of bfd's dynobj: the target's empty IFUNC sections (made at the
    first relocation that wants them), then the .got and .got.plt orphans."""
    for name, flags, align, *typ in ctx.target.static_empty_sections(ctx):
        # (the target's other empty sections: an orphan of their kind, unless a script statement or
        # a real section of that name is there; the relocation one's is .rela.dyn, and its inputs
        # are the dynobj's .rela.iplt and .rela.got)
        sh_type = typ[0] if typ else SHT_PROGBITS
        inputs = (".rela.iplt", ".rela.got") if sh_type == SHT_RELA else (name,)
        if any(c.name == name or c.type == sh_type == SHT_RELA and c.flags & SHF_ALLOC for c in chunks) \
                or any(isinstance(s, OutSecStmt) and s.name == name for s in st.stmts) \
                or any(m.file is None and any(p[1](n) for p in m.pats for n in inputs) for m in st.matchers):
            continue
        c = OutputSection(name, sh_type, flags)
        c.align = align
        c.members = []
        stmt = OutSecStmt(name, "")
        stmt.orphan = True
        stmt.phantom_align = align
        st.chunk_of[id(stmt)] = c
        st.body_members[id(stmt)] = ([], [])
        _place_orphan(st, stmt, c)
    for c in static_got:
        _place_synthetic_orphan(st, c, mine)


def gotplt_leads_got(st) -> bool:
    """The output section .got.plt's words go to is the one .got's go to, with .got.plt's pattern
    first (bfd's -z relro -z now script: `.got : { *(.got.plt) *(.igot.plt) *(.got) *(.igot) }`)."""
    def first(name):
        return next((m for m in st.matchers if m.file is None and any(p[1](name) for p in m.pats)), None)
    a, b = first(".got.plt"), first(".got")
    return a is not None and b is not None and a.stmt is b.stmt and a.index < b.index


def _place_synthetic_orphan(st, c, mine) -> None:
    """A linker-made section no statement names: an orphan statement of its own, placed by kind."""
    stmt = OutSecStmt(c.name, "")
    stmt.orphan = True
    st.chunk_of[id(stmt)] = c
    st.body_members[id(stmt)] = ([], [])
    _place_orphan(st, stmt, c)
    mine.add(id(c))


def _script_names(ctx, st, c, names) -> bool:
    return any(m.file is None and any(p[1](n) for p in m.pats for n in names) for m in st.matchers)


def _place_dynamic_orphans(ctx, st, chunks, mine) -> None:
    """The linker-made dynamic sections no statement names, placed as bfd places its dynobj's
    sections: in the order it makes them (.interp, .gnu.version_d, .gnu.version, .gnu.version_r,
    .dynsym, .dynstr, .dynamic, .hash, .gnu.hash, .got, .got.plt, .plt, .plt.got), each by the orphan
    rules of its kind (read-only data after .rodata, .dynamic/.got/.got.plt after .data, .plt/.plt.got
    after .text), where the first input file's orphans end."""
    syn = ctx.syn
    order = [syn.interp, syn.verdef, syn.versym, syn.verneed, syn.dynsym, syn.dynstr, syn.dynamic, syn.hash,
             syn.gnu_hash, syn.got, syn.gotplt, syn.plt, syn.pltgot]
    present = {id(c) for c in chunks}
    names = {id(syn.plt): [".plt", ".iplt"], id(syn.gotplt): [".got.plt", ".igot.plt"],
             id(syn.got): [".got", ".igot"]}
    todo = [c for c in order if c is not None and id(c) in present and id(c) not in mine and
            not _script_names(ctx, st, c, names.get(id(c), [c.name]))]
    if todo:
        _as_dynobj_orphans(st, lambda: [_place_synthetic_orphan(st, c, mine) for c in todo])


def _as_dynobj_orphans(st, place) -> None:
    """Runs `place` (which places orphans) as bfd places its dynobj's sections: where the first input
    file's orphans end, ahead of the later files' orphans of the same kind."""
    places = st.orphan_after
    final = dict(places)
    snap = st.dynobj_places
    if snap is not None:
        places.clear()
        places.update(snap)
    place()
    if snap is not None:
        for cls, last in final.items():
            if snap.get(cls) is not last:       # (a later file's orphan ends that chain)
                places[cls] = last


def _nocombreloc_target(ctx, st, c):
    """-z nocombreloc: bfd's dynamic relocations stay in input sections named .rela.got, .rela.data…
    (one per relocated section), each going where the script's descriptions send it. braze writes
    one section: accepted when they all land in one output statement (gnu-efi's `.rela`), else
    refused."""
    from .synthetic.rela import bfd_input_names
    names = bfd_input_names(ctx, c.relocs)
    if names is None or c.emptied:
        raise LinkError(f"{st.script.path}: -z nocombreloc with these dynamic relocations is not supported "
                        "by braze")
    where = {}
    for n in sorted(names):
        where[n] = next(((m.stmt, m.index) for m in st.matchers
                         if m.file is None and any(p[1](n) for p in m.pats)), (None, None))
    stmts = {id(t) for t, _ in where.values()}
    if len(stmts) > 1 or None in [t for t, _ in where.values()]:
        spread = ", ".join(f"{n} -> {t.name if t is not None else '(orphan)'}" for n, (t, _) in where.items())
        raise LinkError(f"{st.script.path}: -z nocombreloc: bfd would keep the dynamic relocations in several "
                        f"output sections ({spread}): not supported by braze, which writes them in one")
    if not where:
        return None, None
    t, _ = next(iter(where.values()))
    return t, min(i for _, i in where.values())


def _nocombreloc_info(ctx, chunks) -> None:
    """bfd's assign_section_numbers: the dynamic relocation section in an output section named
    `.rela<X>` (-z nocombreloc) gets SHF_INFO_LINK and sh_info = output section <X>, when there is one."""
    c = ctx.syn.rela_dyn
    if c is None or not c.name.startswith(".rela") or not any(x is c for x in chunks):
        return
    target = next((x for x in chunks if x.name == c.name[5:] and x.flags & SHF_ALLOC), None)
    if target is not None:
        c.flags |= SHF_INFO_LINK
        c.info = target


# -------------------------------------------------------------------- expressions

class _Env:
    def __init__(self, ctx, st):
        self.ctx = ctx
        self.st = st
        self.dot = 0
        self.sec = None          # the output section being laid out (None: top level)
        self.rel_from_abs = False
        self.final = False
        self.hdr_size = 64
        self.defined_now = set()


def _abs(v):
    val, sec = v
    return val + sec.addr if sec is not None and sec != "num" else val


_CMP = {"==", "!=", "<", ">", "<=", ">=", "&&", "||"}
# bfd's arith_result_section: these lose the operands' common section (two values in one section
# give a number); MAX, MIN and ALIGN(exp, n) keep it
_ARITH = {"+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^"}
_M64 = (1 << 64) - 1


def _signed(v):
    return v - (1 << 64) if v >> 63 else v


def _align_n(v, n):
    """bfd's align_n: rounds up to any multiple, not only a power of two."""
    return (v + n - 1) // n * n if n > 1 else v


# the binary operators on two 64-bit values (division and modulo: _apply)
_BINOPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
           "&": lambda a, b: a & b, "|": lambda a, b: a | b, "^": lambda a, b: a ^ b,
           "<<": lambda a, b: a << (b & 63), ">>": lambda a, b: a >> (b & 63),
           "==": lambda a, b: int(a == b), "!=": lambda a, b: int(a != b), "<": lambda a, b: int(a < b),
           ">": lambda a, b: int(a > b), "<=": lambda a, b: int(a <= b), ">=": lambda a, b: int(a >= b),
           "&&": lambda a, b: int(bool(a) and bool(b)), "||": lambda a, b: int(bool(a) or bool(b)),
           "MAX": max, "MIN": min, "ALIGN": lambda a, b: _align_n(a, b)}


def _apply(op, a, b, where):
    if op in ("/", "%") and b == 0:
        raise LinkError(f"{where}: {'division' if op == '/' else 'modulo'} by zero in linker script expression")
    a &= _M64
    b &= _M64
    if op in ("/", "%"):            # (bfd divides as signed 64-bit numbers, truncating toward zero)
        sa, sb = _signed(a), _signed(b)
        q = abs(sa) // abs(sb) * (1 if (sa < 0) == (sb < 0) else -1)
        return (q if op == "/" else sa - q * sb) & _M64
    r = _BINOPS[op](a, b)
    return r & _M64


def _top_abs(env) -> bool:
    """bfd's expressions outside an output section: a number is absolute there (an address, not
    a bare number), unless the script has LD_FEATURE("SANE_EXPR")."""
    return env.sec is None and not env.st.script.sane_expr


def _rel_from_abs(env, value):
    """bfd's new_rel_from_abs (`.`, ALIGN(n), ORIGIN, SEGMENT_START): an address relative to the
    output section being laid out (absolute outside one), remembered as coming from `.`: a symbol
    assigned it at top level belongs to the section where `.` is (see _assign)."""
    env.rel_from_abs = True
    sec = env.sec
    return (value, None) if sec is None else (value - sec.addr, sec)


def _binop(env, op, x, y, where):
    """bfd's fold_binary (ld manual, "The Section of an Expression"): operands in two sections,
    neither a bare number, are both made absolute (which forgets that `.` was read); with one a
    bare number the result takes the other's section. Arithmetic on two values of one section
    gives a bare number (absolute outside an output section), comparisons and && || always one;
    MAX, MIN and ALIGN keep the section. The operation is on the offsets within the section."""
    (av, asec), (bv, bsec) = x, y
    if asec is not bsec:
        if asec != "num" and bsec != "num":
            env.rel_from_abs = False
            av, asec, bv, bsec = _abs(x), None, _abs(y), None
        elif bsec == "num":
            bsec, asec = asec, "num"
    v = _apply(op, av, bv, where)
    if op in _CMP:
        return (v, "num")
    if op in _ARITH and asec is bsec:
        bsec = None if _top_abs(env) else "num"
    return (v, bsec)


def _chunk_by_name(env, name, where, fn):
    c = env.st.by_out_name.get(name)
    if c is None:
        raise LinkError(f"{where}: undefined section `{name}' referenced in expression")
    return c


def _eval(env, e):
    op = e.op
    if op == "num":
        return (e.a, None if _top_abs(env) else "num")
    if op == "dot":
        return _rel_from_abs(env, env.dot)
    if op == "sym":
        return _sym_value(env, e.a, e.where)
    if op == "un":
        v, sec = _eval(env, e.b)      # (bfd: on the offset, in its section)
        return ({"-": -v, "+": v, "~": ~v, "!": int(not v)}[e.a] & _M64, sec)
    if op == "bin":
        return _binop(env, e.a, _eval(env, e.b), _eval(env, e.c), e.where)
    if op == "?:":
        c = _eval(env, e.a)           # (bfd tests the offset: ADDR(.text) is false)
        return _eval(env, e.b) if c[0] else _eval(env, e.c)
    if op == "call":
        return _call(env, e)
    raise LinkError(f"{e.where}: unsupported expression")


def _call(env, e):
    fn = e.a
    where = e.where
    st = env.st
    if fn == "SIZEOF_HEADERS":
        if env.hdr_size:
            st.load_phdrs = True    # bfd: a script that counts the headers gets them loaded
        return (env.hdr_size, "num")
    if fn in ("ADDR", "LOADADDR", "SIZEOF", "ALIGNOF"):
        if fn in ("SIZEOF", "ALIGNOF") and e.b not in st.by_out_name and any(
                isinstance(s, OutSecStmt) and s.name == e.b for s in st.stmts):
            return (0, "num")       # bfd: a section the script declares but nothing fills (.got.plt in a static link)
        c = _chunk_by_name(env, e.b, where, fn)
        if fn == "ADDR":
            return (0, c)
        if fn == "LOADADDR":
            return (getattr(c, "lma", c.addr), None)
        if fn == "SIZEOF":
            return (c.size, "num")
        return (c.alignof or c.align, "num")
    if fn == "DEFINED":
        s = env.ctx.symtab.get(e.b)
        if s is not None and s.rank >= COMMON and s.file is not st.defs:
            return (1, "num")
        return (int(e.b in env.defined_now), "num")
    if fn in ("ORIGIN", "LENGTH"):
        r = st.script.memory.get(e.b)
        if r is None:
            raise LinkError(f"{where}: undefined memory region `{e.b}' referenced in expression")
        v = _abs(_eval(env, r.origin if fn == "ORIGIN" else r.length))
        if fn == "ORIGIN":          # (bfd: an address, placed like `.` when assigned at top level)
            return _rel_from_abs(env, v)
        return (v, "num")
    if fn == "CONSTANT":
        cfg = env.ctx.config
        return (cfg.max_page_size if e.b == "MAXPAGESIZE" else cfg.common_page_size, "num")
    if fn == "ABSOLUTE":
        v = _eval(env, e.b)
        env.rel_from_abs = False
        return (_abs(v), None)
    if fn in ("ALIGN", "BLOCK"):
        if e.c is None:
            return _rel_from_abs(env, _align_n(env.dot, _eval(env, e.b)[0]))
        return _binop(env, "ALIGN", _eval(env, e.b), _eval(env, e.c), where)
    if fn == "NEXT":
        n = _abs(_eval(env, e.b))
        env.rel_from_abs = False    # (bfd's make_abs)
        return (_align_n(env.dot, n), None)
    if fn == "SEGMENT_START":      # (-T<segment> options are refused with a SECTIONS script but bfd's own)
        if e.b == "text-segment" and env.ctx.config.text_segment is not None:
            return _rel_from_abs(env, env.ctx.config.text_segment)
        return _rel_from_abs(env, _eval(env, e.c)[0])
    if fn.startswith("DATA_SEGMENT_"):
        return _data_segment(env, fn, e)
    if fn == "LOG2CEIL":
        v = _eval(env, e.b)[0]
        return ((max(v, 1) - 1).bit_length(), "num")
    if fn in ("MAX", "MIN"):
        return _binop(env, fn, _eval(env, e.b), _eval(env, e.c), where)
    if fn == "ASSERT":
        v = _eval(env, e.b)
        if env.final and not _abs(v):
            raise LinkError(e.c)
        return v
    raise LinkError(f"{where}: linker script function {fn} is not supported by braze")


def _data_segment(env, fn, e):
    """bfd's DATA_SEGMENT_ALIGN / _RELRO_END / _END (ldexp.c): the first walk records where the data
    segment starts, where RELRO ends and where the segment ends (phase none -> align_seen ->
    relro_seen -> end_seen); layout() then picks the base (_dseg_adjust) and walks again with the
    phase "relro_adjust" (RELRO padded to end on a page boundary), "adjust" (a page saved) or "done"."""
    ds = env.st.dseg
    ph = ds["phase"]
    if env.sec is not None:
        raise LinkError(f"{e.where}: {fn} inside an output section is not supported by braze")
    env.rel_from_abs = True
    if fn == "DATA_SEGMENT_ALIGN":
        maxp = _abs(_eval(env, e.b)) or 1
        common = _abs(_eval(env, e.c)) or 1
        dot = env.dot
        v = align_up(dot, maxp)
        if ph == "relro_adjust":
            v = ds["base"]
        elif ph == "adjust":
            if common < maxp:
                v += (dot + common - 1) & (maxp - common)
        else:
            if not ds.get("relro"):         # (bfd: with RELRO the segment starts on a page boundary)
                v += dot & (maxp - 1)
            if ph == "none":
                ds.update(phase="align_seen", base=v, common=common, maxp=maxp, relro_end=0, relro_offset=0)
        return (v, None)
    if fn == "DATA_SEGMENT_RELRO_END":
        off = _abs(_eval(env, e.b))
        addr = _abs(_eval(env, e.c))
        if ph not in ("align_seen", "adjust", "relro_adjust", "done"):
            return (addr, None)
        if ph in ("align_seen", "relro_adjust"):
            ds["relro_end"] = addr + off
            ds["relro_offset"] = off
        page = ds["maxp"]
        if ph == "relro_adjust" and ds["relro_end"] & (page - 1):
            ds["relro_end"] = align_up(ds["relro_end"], page)
            v = ds["relro_end"] - off
        else:
            v = addr
        if ph == "align_seen":
            ds["phase"] = "relro_seen"
        return (v, None)
    v = _abs(_eval(env, e.b))          # DATA_SEGMENT_END
    if ph in ("align_seen", "relro_seen"):
        ds["phase"] = "end_seen"
        ds["end"] = v
    return (v, None)


def _dseg_walk(env_of, st, kept):
    """One sizing as bfd's lang_size_sections does it with DATA_SEGMENT_*: a walk, then when the
    script had the ALIGN..END pair, the base chosen (RELRO ending on a page boundary, or a page
    saved) and the walk again. Returns the last walk's env."""
    env = env_of()
    relro = env.ctx.config.relro
    if relro and st.relro_patterns is None:
        st.relro_patterns = relro_patterns(env.ctx, st)
    st.dseg = {"phase": "none", "relro": relro, "relro_patterns": bool(st.relro_patterns)}
    _walk(env, st, kept)
    ds = st.dseg
    st.relro_range = None
    if relro and ds["phase"] == "end_seen" and ds["relro_end"] and not _relro_has_sections(ds, kept):
        # bfd's lang_find_relro_sections (before any sizing): no RELRO, so DATA_SEGMENT_ALIGN keeps
        # the offset in the page; walked again as bfd's first walk
        relro = False
        st.dseg = {"phase": "none", "relro": relro}
        env = env_of()
        _walk(env, st, kept)
        ds = st.dseg
    if ds["phase"] != "end_seen":
        ds["phase"] = "done"
        return env
    if relro and ds["relro_end"]:
        initial = ds["base"]
        page = ds["maxp"]
        relro_end = align_up(ds["relro_end"], page)
        desired = relro_end - ds["relro_offset"]
        limit = ds["relro_end"] - ds["relro_offset"]
        # (bfd walks the output sections from the last header back: an ADDR() ahead of a section's
        # statement makes its header, and so its place in this walk, earlier)
        for c in reversed(st.hdr_list):
            if c.flags & SHF_ALLOC and ds["base"] <= c.addr < limit:
                size = 0 if c.type == SHT_NOBITS and c.flags & SHF_TLS else c.size    # (.tbss: no room)
                start = c.addr + (desired - (c.addr + size))
                desired = start & -c.align
        ds["phase"] = "relro_adjust"
        ds["base"] = desired
        env = env_of()
        _walk(env, st, kept)
        if ds["relro_end"] > relro_end:
            # assignments added padding: bfd reverts the base, to the page boundary (measured with
            # 2.40, as if its first walk had begun the segment there, see relro_end above)
            ds["base"] = initial & -page
            env = env_of()
            _walk(env, st, kept)
        st.relro_range = (ds["base"], ds["relro_end"])
        return env
    first = -ds["base"] & (ds["maxp"] - 1)
    last = ds["end"] & (ds["maxp"] - 1)
    if first and last and (ds["base"] & -ds["maxp"]) != (ds["end"] & -ds["maxp"]) and \
            first + last <= ds["maxp"]:
        ds["phase"] = "adjust"
        env = env_of()
        _walk(env, st, kept)
    else:
        ds["phase"] = "done"
    return env


def _relro_has_sections(ds, kept) -> bool:
    """bfd's lang_find_relro_sections: -z relro has effect only when some input section with contents
    (or .tbss) lies between DATA_SEGMENT_ALIGN and DATA_SEGMENT_RELRO_END (measured here by address,
    after the first walk)."""
    lo, hi = ds["base"], ds["relro_end"] - ds["relro_offset"]
    if any(c.flags & SHF_ALLOC and lo <= c.addr < hi and (c.size or c.flags & SHF_TLS) for _, c in kept):
        return True
    return bool(ds.get("relro_patterns"))       # (see relro_patterns)


def _has_call(e, name: str) -> bool:
    if not isinstance(e, Expr):
        return False
    if e.op == "call" and e.a == name:
        return True
    return _has_call(e.a, name) or _has_call(e.b, name) or _has_call(e.c, name)


def relro_patterns(ctx, st) -> bool:
    """bfd's lang_find_relro_sections also walks the input patterns of the statements between
    DATA_SEGMENT_ALIGN and DATA_SEGMENT_RELRO_END, those of ONLY_IF_RW statements that were dropped
    too: a non-empty input section they match counts wherever it went (measured: an `.eh_frame` in
    the text segment keeps -z relro's page alignment through `.eh_frame : ONLY_IF_RW`). Whether any
    such pattern matches a live, non-empty input section (once, before sizing)."""
    stmts = [s.stmt if isinstance(s, _Dropped) else s for s in st.stmts]
    start = next((i for i, s in enumerate(stmts) if isinstance(s, Assign) and
                  _has_call(s.expr, "DATA_SEGMENT_ALIGN")), None)
    if start is None:
        return False
    end = next((i for i, s in enumerate(stmts) if i > start and isinstance(s, Assign) and
                _has_call(s.expr, "DATA_SEGMENT_RELRO_END")), None)
    if end is None:
        return False
    ms = [_Matcher(s, b, i) for s in stmts[start + 1:end] if isinstance(s, OutSecStmt) and s.name != "/DISCARD/"
          for i, b in enumerate(s.body) if isinstance(b, InputDesc)]
    for obj in ctx.objs if ms else ():
        fnames = _file_names(obj)
        cands = [m for m in ms if m.file_ok(obj.name, fnames)]
        for sec in obj.sections if cands else ():
            if sec is not None and sec.alive and sec.size and \
                    any(m.match(sec.name, fnames, sec.flags) is not False for m in cands):
                return True
    return False


def _sym_value(env, name, where):
    """A symbol's value; inside an output section an absolute one is a number (the ld manual: such
    expressions treat absolute symbols as numbers)."""
    v = _sym_value1(env, name, where)
    if (env.sec is not None or env.st.script.sane_expr) and v[1] is None:
        return (v[0], "num")
    return v


def _sym_value1(env, name, where):
    st = env.st
    s = env.ctx.symtab.get(name)
    if s is not None and s.file is st.defs:
        # a script symbol: this pass's value, or (a forward reference) the previous pass's
        if name in st.values:
            return st.values[name]
        if env.final:
            raise LinkError(f"{where}: undefined symbol `{name}' referenced in expression")
        return (0, None)
    if s is None or not (s.rank >= COMMON or s.linker_defined):
        raise LinkError(f"{where}: undefined symbol `{name}' referenced in expression")
    from .address import sym_addr
    sec = s.section
    out = None
    if sec is not None:
        m = getattr(sec, "merge", None)
        if m is not None and st.merged_unplaced:
            raise LinkError(f"{where}: `{name}' (in a merged string or constant section) in a linker "
                            "script expression is not supported by braze")
        out = m[0].out if m is not None else getattr(sec, "out", None)
        if out is None and not hasattr(sec, "file"):
            out = sec
    if s.linker_defined:
        return (sym_addr(env.ctx, s), None) if sec is None else (sym_addr(env.ctx, s) - sec.addr, sec)
    if out is None or out.addr is None:
        return (sym_addr(env.ctx, s), None)
    return (sym_addr(env.ctx, s) - out.addr, out)


# -------------------------------------------------------------------- layout

def check_unpaged(ctx) -> None:
    """-N/-n (bfd's unpaged layouts) in what braze lays out as bfd does: static executables."""
    cfg = ctx.config
    opt = "-N/--omagic" if cfg.text_rw else "-n/--nmagic"
    ls = ctx.pending_lscript
    if not cfg.text_rw and not cfg.relocatable and ls is not None and ls.phdrs is not None and \
            not ctx.insert_scripts:
        # -n with a -T script's PHDRS (Linux's arm64 vDSO: -shared -n): the segments are the
        # script's, bfd's unpaged layout only changes each PT_LOAD's alignment (its largest
        # section's, not the page: _user_segments) and the file offsets congruent to it
        return
    if not ctx.target.unpaged_links:
        raise LinkError(f"{opt} is not supported by braze for {ctx.target.name} yet")
    if cfg.shared or cfg.pie:
        raise LinkError(f"{opt} with {'-shared' if cfg.shared else '-pie'} is not supported by braze")
    if ctx.dsos:
        raise LinkError(f"{opt} with a shared library ({ctx.dsos[0].name}) is not supported by braze")
    if ctx.pending_lscript is not None and ctx.pending_lscript.phdrs is not None:
        raise LinkError(f"{ctx.pending_lscript.path}: {opt} with PHDRS is not supported by braze")


def layout(ctx) -> None:
    from .layout import collect_chunks
    st = ctx.lscript
    cfg = ctx.config
    chunks = collect_chunks(ctx)
    attach_synthetic(ctx, chunks)
    if not cfg.relocatable:
        # bfd's lang_process: the (first) output section named .text is writable with -N and never
        # without it, whatever its inputs' flags (an "awx" input section)
        c = next((c for s, c in ((s, st.chunk_of.get(id(s))) for s in st.stmts if isinstance(s, OutSecStmt))
                  if c is not None and s.name == ".text"), None)
        if c is not None:
            if cfg.text_rw:
                c.flags |= SHF_WRITE
            else:
                c.flags &= ~SHF_WRITE
    for c in chunks:
        c.update_size(ctx)
        if c.is_synthetic:
            c.syn_size = c.size
    order = []
    for s in st.stmts:
        if isinstance(s, OutSecStmt):
            c = st.chunk_of.get(id(s))
            if c is not None:
                order.append((s, c))
    st.by_out_name = {}
    for s, c in order:
        if not s.orphan:
            st.by_out_name.setdefault(s.name, c)
    for s, c in order:
        # (bfd finds a name's first output section statement: the script's come before the orphans')
        st.by_out_name.setdefault(s.name, c)
    # empty output sections go (bfd: no input sections and no data/assignments), but with --emit-relocs
    # bfd keeps one whose section symbol an emitted relocation names (as layout.py)
    emit_keep: set = set()
    if cfg.emit_relocs:
        from .emitrelocs import referenced
        emit_keep, ctx.emit_globals = referenced(ctx, [c for _, c in order])
    kept = []
    for s, c in order:
        if not c.size and not c.is_synthetic and not _keeps_section(s) and id(c) not in emit_keep:
            c.dropped = True
            continue
        if c.is_synthetic and not c.size and c is not ctx.syn.gotplt and \
                (not c.keep_empty or c is ctx.syn.eh_frame and (getattr(s, "orphan", False) or not _kept_desc(s, c))):
            # (x86-64's empty PLT .eh_frame stays only where a statement names it with KEEP, as bfd's
            # default script does: bfd drops it orphaned, or named without KEEP (gnu-efi's script))
            continue
        kept.append((s, c))
    if getattr(st, "ghosts", None):
        # (see _ghosts: no flags, so bfd's ELF writer gives it PROGBITS "W"; its ALIGN() is kept)
        pos = {id(s.stmt if isinstance(s, _Dropped) else s): i for i, s in enumerate(st.stmts)}
        for s in st.ghosts:
            g = OutputSection(s.name, SHT_PROGBITS, SHF_WRITE)
            g.addr = g.lma = g.size = 0
            if s.align is not None:
                g.align = _abs(_eval(_Env(ctx, st), s.align))
            st.chunk_of[id(s)] = g
            kept.append((s, g))
        kept.sort(key=lambda sc: pos[id(sc[0])])
    st.kept = {id(s): c for s, c in kept}
    # (symtab: bfd omits _GLOBAL_OFFSET_TABLE_, defined in a GOT section it then strips; as layout.py)
    # (an embedded one counts when it has words: bfd strips an empty one)
    ctx.got_omitted = all(c is not ctx.syn.got and c is not ctx.syn.gotplt for _, c in kept) and \
        not any(g.embedded_in is not None and g.size for g in (ctx.syn.got, ctx.syn.gotplt))
    from .layout import dynsym_section_syms
    dynsym_section_syms(ctx, [c for _, c in kept])
    for c in (ctx.syn.dynsym, ctx.syn.gnu_hash, ctx.syn.hash, ctx.syn.versym):
        if c is not None:
            c.syn_size = c.size
    # bfd gives the first thread-local section the alignment of the whole TLS segment, so the
    # segment (and the offsets the TLS relocations computed from its start) starts aligned
    tls = [c for _, c in kept if c.flags & SHF_TLS and c.flags & SHF_ALLOC]
    if tls:
        tls[0].align = max(max([getattr(m, "align", 1) for m in getattr(c, "members", None) or ()] + [c.align])
                           for c in tls)
    st.order = order
    dyn = ctx.syn.dynamic
    if dyn is not None:
        # the tags name the output sections the script made (.init_array…, .got.plt): rebuilt now
        ctx.chunks = [c for _, c in kept]
        ctx.out_by_name = {}
        for _, c in kept:
            ctx.out_by_name.setdefault(c.name, c)
        dyn.build(ctx)
        dyn.syn_size = dyn.size
    st.hdr_list = _header_order(st, kept)
    if st.section_starts:
        # (-Map lists the sections in statement order, as bfd, not in the header order the address
        # statements changed)
        ctx.layout_order = [c for _, c in kept]
    for c in [c for _, c in kept]:
        c.lma = 0
    user = st.script.phdrs if cfg.output_kind == "elf" else None    # (bfd: no program headers in a raw image)
    nph = len(user) if user is not None else 4
    seg_fn = (lambda ctx_, k, n: _user_segments(ctx_, st, k, n)) if user is not None else _segments
    prev = None
    relr = ctx.syn.relr_dyn
    if relr is None or not relr.relocs or not any(c is relr for _, c in kept):
        relr = None
    thunk_rounds = 0
    for it in range(100):
        env = _dseg_walk(lambda: _new_env(ctx, st, nph), st, kept)
        segs = seg_fn(ctx, [c for _, c in kept], nph)
        if relr is not None:
            # which pointers to assignments' symbols are RELATIVE ones depends on where the symbols
            # landed; .relr.dyn's size on the addresses of what it relocates (as in layout.py): the
            # next walk places everything after it again (it was written unencoded: all zeros)
            relr.regroup_assigned(ctx, lambda s: _script_sym_abs(st, s))
            relr.encode()
            relr.syn_size = relr.size
        # bfd's ldelf_map_segments: the first passes take the program header count the map gave,
        # later ones only a larger one (room for more headers than there are, rather than a
        # layout that flips between two counts)
        nph = len(segs) if it < 4 else max(nph, len(segs))
        snap = ([(c.addr, c.size, c.lma) for _, c in kept], sorted(st.values.items(), key=lambda x: x[0]),
                nph)
        if snap == prev:
            # branch thunks (the target's veneers) grow code sections, which moves what the branches
            # reach: laid out again until none is added (as layout.py does)
            if not _add_thunks(ctx, st, kept):
                break
            thunk_rounds += 1
            if thunk_rounds > 32:
                raise LinkError(f"{st.script.path}: branch thunks: the layout does not converge")
            snap = None
        elif it >= 12 + 2 * thunk_rounds:
            break
        prev = snap
    if snap != prev:
        raise LinkError(f"{st.script.path}: the layout does not converge (addresses keep changing)")
    for s, c in kept:     # (before the final walk: section_for_dot skips unallocated ones)
        if _dot_only(s, c) and not c.size and not getattr(c, "dot_advanced", False):
            # bfd allocates a section kept for its `.` assignments only when one advanced `.` in
            # it; otherwise its flags stay empty: PROGBITS, "W" (but a read-only .text), in no
            # segment; its header then has the type and flags of bfd's special-section entry for
            # the name, if any (Linux's empty .data..percpu: "WA" as a .data.* name; .tdata "WAT")
            special_t, special_f = _special_section(ctx, c.name)
            c.type = special_t or SHT_PROGBITS
            c.flags &= SHF_WRITE
            c.shdr_flags = special_f & ~c.flags
    _dseg_walk(lambda: _new_env(ctx, st, nph), st, kept)
    env = _new_env(ctx, st, nph, final=True)     # (DATA_SEGMENT_* keep the phase settled above)
    _walk(env, st, kept)
    for name, v in st.values.items():
        if v[1] is _UND:
            s = ctx.symtab.get(name)
            if s is not None and s.file is st.defs:
                ctx.script_unlisted.add(id(s))
    if cfg.map_file:                # (-Map's Memory Configuration: each region's origin and length)
        st.region_values = [(r.name, _abs(_eval(env, r.origin)), _abs(_eval(env, r.length)), r.attrs)
                            for r in st.script.memory.values()]
    if cfg.print_memory_usage:      # (--print-memory-usage: each region's use, printed by link.py)
        ctx.memory_usage = [(r.name, r.cur - _abs(_eval(env, r.origin)), _abs(_eval(env, r.length)))
                            for r in st.script.memory.values()]
    for ms in st.merged_unplaced:
        ms.place()
    st.merged_unplaced = []
    if user is None:
        _check_tls_adjacent(st, st.hdr_list)
    from .symtab import build_symtab as _bs
    chunks_final = list(st.hdr_list)
    if cfg.emit_relocs:
        # --emit-relocs: .rela<section> after each section with input relocations (as layout.py);
        # the globals the relocations name stay in .symtab
        from .emitrelocs import add_chunks
        chunks_final = add_chunks(ctx, chunks_final)
    _unclaim_start_stop(ctx, chunks_final)
    for i, c in enumerate(chunks_final, 1):
        c.shndx = i
    tabs = _bs(ctx, chunks_final)
    for c in chunks_final:
        if getattr(c, "link_symtab", False):
            c.link = next((t for t in tabs if t.name == ".symtab"), None)
    for r in getattr(ctx, "emit_relas", ()) if cfg.emit_relocs else ():
        r.link = next((t for t in tabs if t.name == ".symtab"), None)
    chunks_final = chunks_final + tabs
    for i, c in enumerate(chunks_final, 1):
        c.shndx = i
    for _, c in order:
        if getattr(c, "dropped", False) and c.flags & SHF_ALLOC:
            # input symbols of a removed section (crtend's __TMC_END__ in .tm_clone_table): the
            # index of the section bfd moves them to, at the address `.` gave the section
            home = _removed_home(st, c, c.addr)
            c.shndx = home.shndx if home is not None else 0
    ctx.chunks = chunks_final
    ctx.out_by_name = {c.name: c for c in chunks_final}
    if thunk_rounds:
        ctx.target.finish_thunks(ctx)   # (their symbols: .symtab grows before the file offsets)
    _check_overlaps([c for _, c in kept], ctx.config.check_sections)
    segs = seg_fn(ctx, [c for _, c in kept], nph)
    if len(segs) > nph:
        raise LinkError(f"{st.script.path}: the program headers do not converge")
    ctx.segments = segs
    ctx.nph = nph
    if cfg.warn_rwx_segments and cfg.output_kind == "elf" and any(s.type == PT_LOAD and s.flags & (PF_W | PF_X) == PF_W | PF_X for s in segs):
        diag.warn(f"{cfg.output} has a LOAD segment with RWX permissions", from_bfd=True)
    ctx.relro_end = None
    _file_offsets(ctx, chunks_final, segs, nph)
    eh = ctx.symtab.get("__ehdr_start")
    if not ctx.hdr_loaded and eh is not None and eh.linker_defined:
        # bfd defines __ehdr_start only when a PT_LOAD maps the ELF header (-N/-n never do); only
        # weak references: it stays undefined, 0 (and out of .symtab)
        from .passes import _undefined_uses
        refs = _undefined_uses(ctx, [eh]).get(id(eh)) if eh.ref_strong else None
        if not eh.ref_strong:
            eh.linker_defined = False
            eh.visibility = 0
            eh.section = None
            eh.value = 0
            tab = next((t for t in tabs if t.name == ".symtab"), None)
            if tab is not None:
                # out of the table built above (a linker local): the file offsets after it move
                n = len(tab.locals) + len(tab.globals)
                tab.locals = [e for e in tab.locals if not any(x is eh for x in e)]
                tab.globals = [e for e in tab.globals if e[1] is not eh]
                if len(tab.locals) + len(tab.globals) != n:
                    for t in tabs:
                        t.update_size(ctx)
                    _file_offsets(ctx, chunks_final, segs, nph)
        elif refs:
            raise LinkError("\n".join(["undefined symbol: __ehdr_start"] +
                                       [f">>> referenced by {w}" for w in refs[:3]] +
                                       ([">>> referenced by more places"] if len(refs) > 3 else [])))
    if not cfg.z_combreloc:
        _nocombreloc_info(ctx, chunks_final)
    for seg in segs:
        if seg.type == PT_GNU_STACK:
            seg.memsz = cfg.stack_size
    tls = [c for c in chunks_final if c.flags & SHF_TLS and c.flags & SHF_ALLOC]
    if tls:
        ctx.tls_start = tls[0].addr
        ctx.tls_end = max(c.addr + c.size for c in tls)
        ctx.tls_align = max(c.align for c in tls)
        ctx.tp = ctx.target.thread_pointer(ctx.tls_start, ctx.tls_end - ctx.tls_start, ctx.tls_align)
    _set_symbols(ctx, st, env)
    _linker_symbols(ctx)


def _add_thunks(ctx, st, kept) -> bool:
    """The target's branch thunks for the settled addresses; a linker-made input section the target
    put after one of an output section's members is laid out there by the next walks."""
    before = getattr(ctx, "chunks", None)
    ctx.chunks = [c for _, c in kept]       # (what the target scans)
    if not ctx.target.add_thunks(ctx):
        ctx.chunks = before
        return False
    for s, c in kept:
        lists = st.body_members.get(id(s))
        members = getattr(c, "members", None)
        if lists is None or not members:
            continue
        placed = {id(m): lst for lst in lists[0] + [lists[1]] if lst for m in lst}
        for i, m in enumerate(members):
            if id(m) not in placed and i and type(m) is not DataMember:
                lst = placed.get(id(members[i - 1]))
                if lst is None:
                    raise LinkError(f"{s.name}: a linker-made section ({m.name}) the script layout cannot place")
                lst.insert(lst.index(members[i - 1]) + 1, m)
                placed[id(m)] = lst
    return True


def _new_env(ctx, st, nph, final=False):
    env = _Env(ctx, st)
    # (a raw image has no headers: bfd's SIZEOF_HEADERS is 0 for a non-ELF output)
    env.hdr_size = 64 + 56 * nph if ctx.config.output_kind == "elf" else 0
    env.final = final
    return env


def _addr_mentions(e, out):
    if isinstance(e, Expr):
        if e.op == "call" and e.a in ("ADDR", "LOADADDR"):
            out.append(e.b)
        for x in (e.a, e.b, e.c):
            _addr_mentions(x, out)


def _header_order(st, kept):
    """Section header order: bfd creates an output section when the parser first meets its name,
    which an ADDR() or LOADADDR() does ahead of its statement; orphans follow the statement they
    were placed after."""
    by_name = {}
    ghosts = {id(s) for s in getattr(st, "ghosts", ())}
    for s in st.stmts:
        if isinstance(s, _Dropped) and id(s.stmt) in ghosts:
            s = s.stmt
        if isinstance(s, OutSecStmt) and not s.orphan:
            by_name.setdefault(s.name, []).append(s)
    created = []
    seen = set()
    late = []

    def create(s):
        if id(s) not in seen:
            seen.add(id(s))
            created.append(s)

    def mention(*exprs):
        names = []
        for e in exprs:
            _addr_mentions(e, names)
        for n in names:
            t = by_name.get(n)
            if t:
                create(t[0])

    starts = st.section_starts
    for name in starts:
        # (-N/-n with --section-start/-Ttext/-Tdata/-Tbss: bfd's address statements come ahead of
        # the script's, so the sections they name are created first, in the options' order)
        if name in by_name:
            create(by_name[name][0])
    for s in st.stmts:
        if isinstance(s, _Dropped) and id(s.stmt) in ghosts:
            by_name[s.stmt.name].remove(s.stmt)     # (its name now finds a later statement)
        elif isinstance(s, OutSecStmt):
            if s.orphan:
                continue
            # (bfd's map_input_to_output_sections, see _first_made: the first input section, data
            # command, FILL or assignment in it creates it, a data command after the names it reads)
            mention(s.addr, s.lma, s.align)
            c = st.chunk_of.get(id(s))
            lists = st.body_members.get(id(s), ([], []))[0]
            syn = getattr(c, "syn_index", None) if getattr(c, "synthetic_in_script", False) else None
            for i, b in enumerate(s.body):
                if isinstance(b, InputDesc):
                    if i == syn or i < len(lists) and lists[i]:
                        create(s)
                elif isinstance(b, DataCmd):
                    mention(b.expr)
                    create(s)
                elif isinstance(b, (Assign, AssertCmd, FillCmd)):
                    create(s)
                    if not isinstance(b, FillCmd):
                        mention(b.expr)
            if id(s) not in seen:
                late.append(s)
        else:
            mention(getattr(s, "expr", None))
    keptmap = st.kept
    mapped = set(seen)
    for s in late:
        # (nothing made it while bfd mapped the inputs: an orphan of its name that joined it made it
        # then, last in the list)
        create(s)
    # orphans: after the statement (or orphan) they follow in st.stmts; orphan notes are placed
    # afterwards, in their order there

    def is_note(s):
        c = keptmap.get(id(s))
        return c is not None and c.flags & SHF_ALLOC and _note(c)

    follow = {}
    lead = []
    onotes = []
    late_made = set()       # (the linker's build-id orphan: placed after the input files' orphans)
    prev = None
    for s in st.stmts:
        if not isinstance(s, OutSecStmt):
            continue
        if s.orphan:
            c = keptmap.get(id(s))
            if is_note(s) and c.name == ".note.gnu.build-id" and c.is_synthetic:
                late_made.add(id(s))
            elif is_note(s):
                onotes.append(s)
            (follow.setdefault(id(prev), []) if prev is not None else lead).append(s)
        elif id(s) in st.kept if starts else id(s) in mapped:
            # (an orphan follows the last section before it that exists, as bfd's lang_insert_orphan,
            # else leads: not one only an orphan of its name makes; with address statements the
            # order differs from the statements')
            prev = s
    seq = []
    before = {}
    # (not one an address option made for a name outside the script: bfd places the orphan notes
    # before that one has its input, so it is no note yet)
    first_note = next((s for s in created if id(s) in keptmap and _loaded_note(st, s)
                       and id(s) not in st.addr_stmts), None) if starts and lead else None
    for s in lead:
        if first_note is not None and _loaded_note(st, s):
            # (bfd's lang_insert_orphan puts an orphan note ahead of the first note of its section
            # list, which begins with the sections the address options made)
            before.setdefault(id(first_note), []).append(s)
        else:
            seq.append(s)
    for s in created:
        seq.extend(before.get(id(s), ()))
        seq.append(s)
        seq.extend(follow.get(id(s), ()))
    waiting = {id(s) for s in onotes}
    for s in onotes:
        # bfd's lang_insert_orphan groups a note with the section list's notes (the statements'
        # and the orphan ones placed so far): after the last one aligned as much, else before the
        # first. That is where the statements have it, unless a section an ADDR()/LOADADDR() made
        # early sits among them; with no note in the list, it stays where it was.
        waiting.discard(id(s))
        # (a note an address option made has no input yet when bfd places the orphans: not a note then)
        others = [t for t in seq if t is not s and id(t) not in waiting and is_note(t) and id(t) not in late_made
                  and id(t) not in st.addr_stmts]
        if not others:
            continue
        seq.remove(s)
        up = [t for t in others if _note_align(keptmap[id(t)]) >= _note_align(keptmap[id(s)])]
        i = seq.index(up[-1] if up else others[0])
        seq.insert(i + 1 if up else i, s)
    return [keptmap[id(s)] for s in seq if id(s) in keptmap]


def _check_tls_adjacent(st, chunks) -> None:
    """bfd's default segment map makes one PT_TLS of the TLS sections, taken in the section list's
    order (the header order: an ADDR() ahead of a section's statement moves its header earlier): any
    other section between them, allocated or not, is its error "TLS sections are not adjacent"."""
    idx = [i for i, c in enumerate(chunks) if c.flags & SHF_TLS]
    if idx and idx[-1] - idx[0] + 1 != len(idx):
        names = ", ".join(("TLS: " if c.flags & SHF_TLS else "non-TLS: ") + c.name
                          for c in chunks[idx[0]:idx[-1] + 1])
        raise LinkError(f"{st.script.path}: TLS sections are not adjacent ({names})")


def _check_overlaps(chunks, check_sections: bool = True) -> None:
    """bfd's lang_check_section_addresses: loaded sections may not overlap in load addresses, nor
    allocated ones in addresses (an error, not a layout braze would write). With --no-check-sections
    bfd writes such a layout anyway; braze refuses it rather than write a different one."""
    told = set()

    def check(secs, what, key):
        secs = sorted(secs, key=key)
        for a, b in zip(secs, secs[1:]):
            if key(b) < key(a) + a.size and (id(a), id(b)) not in told:
                told.add((id(a), id(b)))
                if not check_sections:
                    raise LinkError(f"section {b.name} overlaps section {a.name} ({what}): with "
                                    "--no-check-sections, overlapping sections are not supported by braze")
                diag.error(f"section {b.name} {what} [{key(b):016x},{key(b) + b.size - 1:016x}] overlaps "
                           f"section {a.name} {what} [{key(a):016x},{key(a) + a.size - 1:016x}]")
    alloc = [c for c in chunks if c.flags & SHF_ALLOC and c.size]
    check([c for c in alloc if c.type != SHT_NOBITS], "LMA", lambda c: c.lma)
    vma = [c for c in alloc if not (c.flags & SHF_TLS and c.type == SHT_NOBITS)]
    # bfd: two sections starting at one address are overlays (OVERLAY makes them): then it does not
    # check the addresses at all
    if len({c.addr for c in vma}) == len(vma):
        check(vma, "VMA", lambda c: c.addr)
    diag.check_errors()


def _eval_assert(env, a):
    if not _abs(_eval(env, a.expr)):
        raise LinkError(a.msg)


def _walk(env, st, kept):
    """One pass over the statements: addresses, sizes, member offsets, symbol values."""
    keptmap = st.kept
    env.defined_now = set()
    last_alloc = None
    regions = st.script.memory
    for r in regions.values():
        r.cur = _abs(_eval(env, r.origin))
    prev_lma_delta = {}
    last_vma = {}
    env.current = None
    env.prefer_next = False
    pending_dot = None
    # env.dot is `.` as bfd's lang_do_assignments sees it (symbol values); `sdot` as its
    # lang_size_sections sees it, and `rcur` the default region's current address there, where a
    # section without an address starts. They part after a non-allocated section (`.` moves past it,
    # the region's address does not) and after a removed section with an address (sizing moves `.`
    # there, the assignments walk does not); a top-level assignment sets `rcur` to the sizing `.`.
    sdot = rcur = env.dot
    for s in st.stmts + [None]:
        if pending_dot is not None:         # after an OVERLAY's last section
            env.dot = sdot = _abs(_eval(env, pending_dot))
            pending_dot = None
        if s is None:
            break
        if isinstance(s, _Dropped):
            _dropped_body(env, st, s.stmt, st.chunk_of.get(id(s.stmt)))
            continue
        if isinstance(s, OutSecStmt):
            pending_dot = s.update_dot
        if isinstance(s, Assign):
            if s.name == "." and sdot != env.dot:
                sdot = _sizing_dot(env, s, sdot)
                _assign(env, st, s, last_alloc)
            else:
                _assign(env, st, s, last_alloc)
                if s.name == ".":
                    sdot = env.dot
            rcur = sdot
            if s.name == ".":
                env.prefer_next = True
            continue
        if isinstance(s, AssertCmd):
            rcur = sdot                     # (bfd: ASSERT is an assignment statement)
            if env.final:
                _eval_assert(env, s)
            continue
        c = keptmap.get(id(s))
        if c is None and isinstance(s, OutSecStmt) and s.name != "/DISCARD/":
            c = _sized_removed(st, s)
        if isinstance(s, OutSecStmt):
            # bfd's current_section: an allocated output section; not a non-allocated one, nor one
            # removed as empty (bfd marks it ignored unless its body assigns to `.`): `.` stays as
            # it was, and so does a preference for the next section after an assignment to `.`
            k = c if c is not None else st.chunk_of.get(id(s))
            if k is not None and k.flags & SHF_ALLOC and (c is not None or getattr(k, "members", ()) and any(
                    isinstance(b, Assign) and b.name == "." for b in s.body)):
                env.prefer_next = False
                env.current = k
        if c is None and isinstance(s, OutSecStmt) and s.phantom_align:
            # (bfd's empty linker-made .got: `.` stays, the LMA relation moves to it)
            region = regions.get(s.region[0]) if s.region is not None else \
                _default_region(regions, st.chunk_of[id(s)]) if regions else None
            rkey = region.name if region is not None else None
            addr = align_up(region.cur if region is not None else rcur, s.phantom_align)
            if s.lma_region is None and rkey in prev_lma_delta and env.dot >= last_vma[rkey]:
                prev_lma_delta[rkey] = align_up(addr + prev_lma_delta[rkey], s.phantom_align) - addr
                last_vma[rkey] = addr
            continue
        if c is None:
            if getattr(s, "addr", None) is not None:
                sdot = _sizing_addr(env, s, sdot)   # (bfd sizes a removed section's address too)
            c = st.chunk_of.get(id(s))
            members = getattr(c, "members", ())     # (a removed linker-made section has none)
            if c is not None and getattr(c, "script_made", False) and not members:
                sdot = _removed_made(env, st, s, c, sdot, rcur, regions)
            elif c is not None and c.flags & SHF_ALLOC or c is not None and not members:
                # a removed output section: its symbols still get `.` there (fixed up later)
                c.addr = env.dot
                if members and not any(isinstance(b, Assign) for b in s.body):
                    # (its empty inputs' symbols: at `.` aligned as the section would be, as bfd)
                    c.addr = align_up(env.dot, max([c.align] + [getattr(m, "align", 1) for m in members]))
                env.sec = c
                for b in s.body:
                    if isinstance(b, Assign):
                        _assign(env, st, b, c)
                env.sec = None
            continue
        body, extra = st.body_members.get(id(s), ([], []))
        if not c.flags & SHF_ALLOC and not getattr(c, "typed_noalloc", False):
            # bfd: at its address (an orphan's is 0), else where its `>region` or the default region
            # is, aligned (the statement's ALIGN() too, by init_os); `.` goes past it, the region stays
            if s.align is not None and not s.orphan:
                c.align = max(c.align, _abs(_eval(env, s.align)))
            region = regions.get(s.region[0]) if s.region is not None and not s.orphan else None
            c.addr = 0 if s.orphan else _sizing_addr(env, s, sdot, True) if s.addr is not None else \
                align_up(region.cur if region is not None else rcur, c.align)
            c.lma = 0
            env.dot = c.addr
            env.sec = c
            _body(env, st, s, c, body, extra)
            env.sec = None
            env.dot = sdot = c.addr + c.size
            continue
        align = c.align
        if getattr(s, "subalign", None) is not None and c.members:
            # inputs are placed at the SUBALIGN boundary; the section keeps the largest of both
            align = c.align = max(c.__dict__.setdefault("input_align", c.align),
                                  _abs(_eval(env, s.subalign)) or 1)
        if s.align is not None:
            align = max(align, _abs(_eval(env, s.align)))
            c.align = align
        region = None
        if s.region is not None:
            region = regions.get(s.region[0])
            if region is None:
                raise LinkError(f"{s.region[1]}: memory region `{s.region[0]}' is not declared in MEMORY "
                                "(bfd would make an unbounded one): not supported by braze")
        elif regions and s.addr is None and not (_dot_only(s, c) and not getattr(c, "dot_advanced", False)):
            # (bfd's lang_memory_default; a `.`-only section that has not advanced `.` yet has no
            # flags for a region's attributes: where the default region is)
            region = _default_region(regions, c)
            if region is None and not (c.flags & SHF_TLS and c.type == SHT_NOBITS):
                _no_region(env, st, c)
        if s.addr is not None:
            addr = _sizing_addr(env, s, sdot, True)
            if s.align is not None:
                # bfd aligns an address by the statement's ALIGN() (not by its inputs'), and says so
                moved = align_up(addr, _abs(_eval(env, s.align))) - addr
                if moved and env.final:
                    diag.warn(f"start of section {s.name} changed by {moved}")
                addr += moved
        elif region is not None:
            addr = align_up(region.cur, align)
        else:
            addr = align_up(rcur, align)
        c.addr = addr
        if env.final and s.addr is not None and addr & (c.align - 1):
            # bfd (since 2.35): an address the section's alignment does not fit lowers sh_addralign
            c.alignof = c.align
            c.align = addr & -addr
        env.dot = addr
        env.sec = c
        _body(env, st, s, c, body, extra)
        env.sec = None
        size = env.dot - addr
        c.size = size
        if c.flags & SHF_TLS and c.type == SHT_NOBITS:
            env.dot = addr
        rkey = region.name if region is not None else None
        lma_region = _lma_regions(st).get(id(s), s.lma_region)
        # bfd aligns a derived LMA as the VMA was: by the section's alignment, but only by the
        # statement's ALIGN() when it has an address or its LMA region is not its region
        own_align = _abs(_eval(env, s.align)) if s.align is not None else 1
        if s.lma is not None:
            c.lma = _abs(_eval(env, s.lma))
        elif lma_region is not None:
            lr = regions.get(lma_region[0])
            if lr is None:
                raise LinkError(f"{lma_region[1]}: memory region `{lma_region[0]}' not declared")
            c.lma = align_up(lr.cur, own_align if lr is not region or s.addr is not None else align)
            if c.type != SHT_NOBITS:
                lr.cur = c.lma + size
                _check_region(env, lr, c)
        elif rkey in prev_lma_delta:        # (an address given to the section changes nothing here)
            lv = last_vma[rkey]
            if addr < lv and size and addr + size <= lv:
                # bfd: `.` moved back below that section: the LMA is the VMA (with a warning when
                # that changes anything)
                c.lma = addr
                if prev_lma_delta[rkey] and env.final:
                    diag.warn(f"dot moved backwards before `{s.name}'")
            else:
                # bfd: the same VMA-LMA relation as the region's last tracked section, aligned
                c.lma = align_up(addr + prev_lma_delta[rkey], own_align if s.addr is not None else align)
        else:
            c.lma = addr
        # bfd tracks a region's sections for that relation only when they have no LMA region, and
        # (besides an OVERLAY's first section) only when they are not empty, or their LMA differs,
        # or they are not below the last tracked one
        tbss = c.flags & SHF_TLS and c.type == SHT_NOBITS
        if lma_region is None and not tbss and (size or s.overlay == "first" or
                                                rkey not in prev_lma_delta and c.lma != addr or
                                                rkey in prev_lma_delta and env.dot >= last_vma[rkey]):
            prev_lma_delta[rkey] = c.lma - addr
            last_vma[rkey] = addr
        if s.update_dot is not None:        # (bfd: before the region takes `.`)
            env.dot = _abs(_eval(env, s.update_dot))
            pending_dot = None
        if region is not None:
            region.cur = env.dot if not (c.flags & SHF_TLS and c.type == SHT_NOBITS) else addr + size
            _check_region(env, region, c)
        else:
            rcur = env.dot                  # (.tbss takes no room there: bfd's dotdelta 0)
        sdot = env.dot
        last_alloc = c


def _sized_removed(st, s):
    """The chunk of an allocated output section removed for having only empty inputs whose body
    assigns a symbol, else None. bfd (strip_excluded_output_sections) marks such a section not
    ignored (its update_dot): lang_size_sections still gives it an address, aligned by its inputs and
    its ALIGN(), its symbols take that address and `.` moves there, though it gets no header (an empty
    `.data : ALIGN(0x1000) { _data = .; *(.data) }` puts _data and what follows on the next page)."""
    c = st.chunk_of.get(id(s))
    if c is None or not c.flags & SHF_ALLOC or getattr(c, "script_made", False) \
            or getattr(c, "is_synthetic", False) or not getattr(c, "members", ()):
        return None
    if not any(isinstance(b, Assign) and b.name != "." and (not b.kind.startswith("PROVIDE") or _wanted(st, b))
               for b in s.body):
        return None             # (an unreferenced PROVIDE is no assignment there: bfd's etree_provide)
    return c


def _lma_regions(st) -> dict:
    """bfd's lang_propagate_lma_regions: a statement with no address, AT() or AT>region, in the
    same region as the statement before it (removed or not; `AT>R` alone makes R the region too)
    takes that one's LMA region. id(statement) -> (name, where) or None."""
    got = st.lma_regions
    if got is None or got[0] != len(st.stmts):
        out = {}
        prev = None

        def region(s):
            if s.region is not None:
                return s.region[0]
            return s.lma_region[0] if s.lma_region is not None and s.addr is None else None
        for s in st.stmts:
            if not isinstance(s, OutSecStmt) or s.name == "/DISCARD/":
                continue
            lr = s.lma_region
            if lr is None and s.lma is None and s.addr is None and prev is not None and region(s) == region(prev):
                lr = out[id(prev)]
            out[id(s)] = lr
            prev = s
        got = st.lma_regions = (len(st.stmts), out)
    return got[1]


def _removed_made(env, st, s, c, sdot, rcur, regions):
    """A removed section no input made (FILL, an assignment, ADDR() made it: bfd's flags 0), as
    bfd's lang_size_sections sizes it: its address is its own, else the current address of its
    region (the default one for no `>region`: where the top level left `.`), aligned by its ALIGN();
    its LMA by AT(), its LMA region, else its address. ADDR()/LOADADDR()/ALIGNOF() read these. A
    symbol assignment in it (bfd's update_dot) moves `.` to that address; else `.` stays. Returns
    the sizing `.`."""
    align = _abs(_eval(env, s.align)) if s.align is not None else 1
    c.align = max(align, 1)
    if s.addr is not None:
        addr = align_up(sdot, align)
    else:
        region = regions.get(s.region[0]) if s.region is not None else None
        addr = align_up(region.cur if region is not None else rcur, align)
    c.addr = addr
    c.size = 0
    lma_region = _lma_regions(st).get(id(s), s.lma_region)
    if s.lma is not None:
        c.lma = _abs(_eval(env, s.lma))
    elif lma_region is not None and regions.get(lma_region[0]) is not None:
        c.lma = align_up(regions[lma_region[0]].cur, align)
    else:
        c.lma = addr
    moves = any(isinstance(b, Assign) and b.name != "." and (not b.kind.startswith("PROVIDE") or _wanted(st, b))
                for b in s.body)
    save = env.dot
    env.dot = addr
    env.sec = c
    try:
        for b in s.body:
            if isinstance(b, Assign):
                _assign(env, st, b, c)
            elif isinstance(b, AssertCmd) and env.final:
                _eval_assert(env, b)
    finally:
        env.sec = None
    env.dot = addr if moves else save
    return addr if moves else sdot


def _dropped_body(env, st, s, ghost=None):
    """bfd's lang_do_assignments over a statement without a section (ONLY_IF_* not met): the body
    at `.` in *UND*; its data commands move `.`, which the top-level assignments after it see
    (the sizing walk, which places the next section, skips the statement). A ghost's (see _ghosts)
    body is in its section, at 0, and leaves `.` at 0 (the end of a section never sized)."""
    env.sec = _UND if ghost is None else ghost
    if ghost is not None:
        env.dot = 0
    try:
        for b in s.body:
            if isinstance(b, Assign) and b.name == ".":
                if ghost is None:
                    raise LinkError(f"{b.where}: invalid assignment to location counter")
                # (bfd moves `.` in a section only while sizing, which skips the statement)
            elif isinstance(b, Assign):
                _assign(env, st, b, None)
            elif isinstance(b, DataCmd):
                env.dot += b.size
            elif isinstance(b, AssertCmd) and env.final:
                _eval_assert(env, b)
    finally:
        env.sec = None
    if ghost is not None:
        env.dot = 0


def _sizing_dot(env, a, sdot):
    """A top-level `. = …` as bfd's sizing walk evaluates it, with its own `.` (see _walk)."""
    save = env.dot
    env.dot = sdot
    try:
        v = _eval(env, a.expr)
        if a.op != "=":
            v = _binop(env, a.op[:-1], (sdot, None), v, a.where)
        return _abs(v)
    finally:
        env.dot = save


def _sizing_addr(env, s, sdot, strict=False):
    """An output section's address expression, evaluated at the sizing walk's `.`; for a removed
    section (not strict) one braze cannot evaluate leaves `.` alone."""
    save = env.dot
    env.dot = sdot
    try:
        return _abs(_eval(env, s.addr))
    except LinkError:
        if strict:
            raise
        return sdot
    finally:
        env.dot = save


def _dot_only(s, c) -> bool:
    """A section kept for its `.` assignments alone (no input, no data): bfd sizes it without flags
    (unallocated, in the default region) until an assignment advances `.` in it."""
    return getattr(c, "script_made", False) and c.type == SHT_NOBITS and s.type is None \
        and c.flags & ~SHF_WRITE == SHF_ALLOC and not getattr(c, "members", None)


def _no_region(env, st, c):
    """bfd: with MEMORY regions declared, a section without an address that no region takes is an
    error (a warning with --no-check-sections; it then goes where the default region is)."""
    msg = f"no memory region specified for loadable section `{c.name}'"
    if env.ctx.config.check_sections:
        raise LinkError(msg)
    told = st.no_region_told
    if c.name not in told:
        told.add(c.name)
        diag.warn(msg)


def _default_region(regions, c):
    """bfd: a section without `>region` goes to the first region whose attributes admit it."""
    f = c.flags
    # the section's bfd flags as attribute letters: r SEC_READONLY, w SEC_DATA, x SEC_CODE,
    # a SEC_ALLOC, i/l SEC_LOAD (a NOBITS section has only SEC_ALLOC)
    have = {"a"}
    if c.type != SHT_NOBITS:
        have.update("il")
        if not f & SHF_WRITE:
            have.add("r")
        if f & SHF_EXECINSTR:
            have.add("x")
        elif f & SHF_WRITE or not getattr(c, "script_made", False):
            # (SEC_DATA comes from input sections: data commands alone give a read-only section none)
            have.add("w")
    elif not f & SHF_WRITE:
        have.add("r")
    else:
        have.add("w")       # bfd's lang_memory_default: an allocated, writable, non-code one is "data"
    for r in regions.values():
        pos, neg, inv = set(), set(), False
        for ch in r.attrs.lower():
            if ch == "!":
                inv = True
            elif inv:
                neg.add("i" if ch == "l" else ch)
            else:
                pos.add("i" if ch == "l" else ch)
        if pos & have and not neg & have:
            return r
    return None


def _check_region(env, r, c):
    end = _abs(_eval(env, r.origin)) + _abs(_eval(env, r.length))
    if r.cur > end and env.final:
        diag.error(f"section `{c.name}' will not fit in region `{r.name}'")
        diag.error(f"region `{r.name}' overflowed by {r.cur - end} bytes")
        diag.check_errors()


def _fill_bytes(env, spec):
    return None if spec is None else spec[1]


def fill_pattern(e, where) -> bytes:
    """The pattern of `=fill` or FILL(e), as bfd's exp_get_fill makes it while reading the script."""
    v = _read_time(e)
    if v is None:
        raise LinkError(f"{where}: nonconstant expression for fill value")
    val, digits = v
    if digits is not None:          # (a 0x number's digits are the pattern, every one of them)
        return bytes.fromhex("0" * (len(digits) % 2) + digits)
    return (val & 0xffffffff).to_bytes(4, "big")


_READ_TIME_INVALID = {"SIZEOF_HEADERS", "ADDR", "LOADADDR", "SIZEOF", "ALIGNOF", "NEXT", "BLOCK",
                      "DATA_SEGMENT_ALIGN", "DATA_SEGMENT_RELRO_END", "DATA_SEGMENT_END"}


def _read_time(e):
    """A fill expression as bfd's exp_get_fill evaluates it, while reading the script: None when it is
    not constant then (a symbol, ADDR/SIZEOF/LOADADDR, ALIGN(n), NEXT, SIZEOF_HEADERS); `.` is 0,
    DEFINED() false, CONSTANT() 0, a region's ORIGIN 0 and LENGTH ~0 (not yet set). Returns (value,
    digits): the digits of the 0x number that gave the result last (`. + 0x11` fills with 0x11 bytes;
    not when the parser folded its numbers into one, `0x1122 + 0x1`), else None."""
    op = e.op
    if op == "num":
        return (e.a, e.c)
    if op == "un" and e.a == "+":   # (no node in bfd's parser)
        return _read_time(e.b)
    v = _read_time1(e)
    return (v[0], None) if v is not None and _folds(e) else v


def _folds(e) -> bool:
    """bfd's exp_unop/exp_binop/exp_trinop turn an operation on numbers into a number while parsing
    (not ALIGN(a, b) nor ABSOLUTE)."""
    op = e.op
    if op == "num":
        return True
    if op == "un":
        return _folds(e.b)
    if op == "bin" or op == "call" and e.a in ("MAX", "MIN"):
        return _folds(e.b) and _folds(e.c)
    if op == "?:":
        return _folds(e.a) and _folds(e.b) and _folds(e.c)
    return op == "call" and e.a == "LOG2CEIL" and _folds(e.b)


def _read_time1(e):
    op = e.op
    if op == "dot":
        return (0, None)
    if op == "un":
        v = _read_time(e.b)
        if v is None:
            return None
        x = v[0]
        return ({"-": -x, "~": ~x, "!": int(not x)}[e.a] & _M64, v[1])
    if op == "bin":
        a = _read_time(e.b)
        b = _read_time(e.c) if a is not None else None
        return None if b is None else (_apply(e.a, a[0], b[0], e.where), b[1])
    if op == "?:":
        c = _read_time(e.a)
        return None if c is None else _read_time(e.b if c[0] else e.c)
    if op != "call" or e.a in _READ_TIME_INVALID or e.a == "ALIGN" and e.c is None:
        return None
    fn = e.a
    if fn in ("DEFINED", "ORIGIN", "CONSTANT"):
        return (0, None)
    if fn == "LENGTH":
        return (_M64, None)
    if fn == "SEGMENT_START":
        v = _read_time(e.c)
        return None if v is None else (v[0], None)
    if fn in ("ABSOLUTE", "LOG2CEIL", "ASSERT"):
        v = _read_time(e.b)
        if v is None or fn != "LOG2CEIL":
            return v
        return ((max(v[0], 1) - 1).bit_length(), v[1])
    if fn in ("MAX", "MIN", "ALIGN"):
        a = _read_time(e.b)
        b = _read_time(e.c) if a is not None else None
        return None if b is None else (_apply(fn, a[0], b[0], e.where), b[1])
    return None


def _gap(env, c, start, end, fill):
    """Padding inside an output section: recorded (final pass) when a fill pattern is in force, or
    in code without one (bfd pads code with the target's NOPs: pattern None)."""
    if env.final and end > start and c.type != SHT_NOBITS and (fill or c.flags & SHF_EXECINSTR):
        c.__dict__.setdefault("fills", []).append((start - c.addr, end - c.addr, fill or None))


def _body(env, st, s, c, body, extra):
    addr = c.addr
    fill = _fill_bytes(env, s.fill) if s.fill is not None else None
    subalign = _abs(_eval(env, s.subalign)) if getattr(s, "subalign", None) is not None else None
    if env.final:
        c.fills = []
    is_syn = getattr(c, "synthetic_in_script", False) or c.is_synthetic
    placed = False
    if is_syn and not any(isinstance(b, InputDesc) for b in s.body):
        env.dot += c.syn_size           # an orphan linker-made section
        placed = True
    for i, b in enumerate(s.body):
        if isinstance(b, InputDesc):
            if is_syn:
                if not placed and getattr(c, "syn_index", i) in (i, None):
                    if env.dot != addr:
                        # (the tables attach_synthetic does not embed, see _embeddable: bfd places the
                        # contents there but locates the table by its output section's start)
                        raise LinkError(f"{st.script.path}: {s.name}: data or an assignment to `.' ahead of "
                                        f"the linker-made {c.name} contents is not supported by braze (bfd's "
                                        "output locates the table by the output section's start, ahead "
                                        "of it)")
                    env.dot += c.syn_size
                    placed = True
                continue
            ms = body[i] if i < len(body) else None
            if ms:
                for m in ms:
                    if type(m) is SynMember and not m.size:
                        # (bfd's empty .got input is excluded: no room, no padding; its alignment
                        # stays the output section's)
                        m.out_off = env.dot - addr
                        m.chunk.addr = env.dot
                        continue
                    a = align_up(env.dot, subalign or m.align)
                    _gap(env, c, env.dot, a, fill)
                    env.dot = a
                    m.out_off = env.dot - addr
                    if type(m) is SynMember:
                        m.chunk.addr = env.dot      # (GOT slot addresses: the relocations read them)
                    env.dot += m.size
        elif isinstance(b, FillCmd):
            fill = _fill_bytes(env, b.fill)
        elif isinstance(b, Assign) and b.name == ".":
            before = env.dot
            _assign(env, st, b, c)
            _gap(env, c, before, env.dot, fill)
            if env.dot != before:
                # (bfd's lang_size_sections_1: `.` advanced in any sizing pass allocates the section
                # for good, though the final addresses may leave it empty)
                c.dot_advanced = True
        elif isinstance(b, Assign):
            _assign(env, st, b, c)
        elif isinstance(b, DataCmd):
            dm = st.datamembers.get(id(b))
            if dm is None:
                dm = st.datamembers[id(b)] = DataMember(b.size)
                dm.out = c
            dm.out_off = env.dot - addr
            if env.final:
                v = _abs(_eval(env, b.expr)) & ((1 << (8 * b.size)) - 1)
                dm.data = v.to_bytes(b.size, "little")
                if dm not in c.members:
                    _insert_member(c, dm)
            env.dot += b.size
        elif isinstance(b, AssertCmd):
            if env.final:
                _eval_assert(env, b)
    for m in extra:
        # (orphans bfd adds to a statement of their name: lang_add_section gives them its SUBALIGN too)
        a = align_up(env.dot, subalign or m.align)
        _gap(env, c, env.dot, a, fill)
        env.dot = a
        m.out_off = env.dot - addr
        env.dot += m.size
    if env.final and c.fills:
        c.post_write = _fill_writer(c)


def _fill_writer(c):
    """Writes the fill patterns into the section's padding (after the contents are in place)."""
    def post_write(ctx, buf):
        for start, end, pat in c.fills:
            n = end - start
            data = (pat * (n // len(pat) + 1))[:n] if pat else ctx.target.code_fill(n)
            o = c.offset + start
            buf[o:o + n] = data
    return post_write


def _insert_member(c, dm):
    ms = c.members
    i = 0
    while i < len(ms) and ms[i].out_off <= dm.out_off:
        i += 1
    ms.insert(i, dm)


def _assign(env, st, a, cur):
    """`.`, or a symbol (PROVIDE only when wanted)."""
    env.rel_from_abs = False
    if a.name != "." and not _wanted(st, a):
        return
    if a.op != "=":                 # (bfd reads `x += e` as `x = x + e`)
        old = _rel_from_abs(env, env.dot) if a.name == "." else _sym_value(env, a.name, a.where)
        v = _binop(env, a.op[:-1], old, _eval(env, a.expr), a.where)
    else:
        v = _eval(env, a.expr)
    if a.name == ".":
        sec = env.sec
        if sec is not None:
            new = v[0] + sec.addr if v[1] in ("num", sec) else _abs(v)
            if new < env.dot:
                raise LinkError(f"{a.where}: cannot move location counter backwards (from "
                                f"{env.dot:016x} to {new:016x})")
            env.dot = new
        else:
            env.dot = _abs(v)
        return
    val, sec = v
    if sec == "num":                # (a bare number: relative to the section it is assigned in)
        v = (val, env.sec)
    # bfd's update_definedness: an absolute value read from `.` is moved, once the layout is final,
    # into the section where `.` is (section_for_dot); expressions see the absolute value
    home = None
    if v[1] is None and env.rel_from_abs:
        home = _section_for_dot(env, st, a) if env.sec is None else env.sec
    st.values[a.name] = v
    st.dot_home[a.name] = home
    st.types = getattr(st, "types", {})
    names: list = []
    symbol_refs(a.expr, names)
    if len(names) == 1:             # bfd (assign_src): the type of the one symbol the value comes from;
        st.types[a.name] = names[0]     # none when the expression reads two (`x + y`, even `x - x`)
    env.defined_now.add(a.name)


def symbol_refs(e, out: list) -> None:
    """Append the symbols an expression reads (each time it reads one; not DEFINED()'s operand)."""
    if not isinstance(e, Expr):
        return
    if e.op == "sym":
        out.append(e.a)
        return
    if e.op == "call" and e.a in ("DEFINED", "ADDR", "LOADADDR", "SIZEOF", "ALIGNOF", "ORIGIN", "LENGTH"):
        return
    for x in (e.b, e.c) if e.op in ("bin", "call") else (e.a, e.b, e.c):
        symbol_refs(x, out)


def _after_end(st):
    """The output section statements after an assignment to `_end` (or `end`, `__end`…): bfd's
    after_end, past which a top-level assignment always belongs to the section before it."""
    got = getattr(st, "after_end_ids", None)
    if got is None:
        got = st.after_end_ids = set()
        found = False

        def ends(a):
            return isinstance(a, Assign) and a.name.lstrip("_") == "end"
        for t in st.stmts:
            if isinstance(t, OutSecStmt):
                if found:
                    got.add(id(t))
                found = found or any(ends(b) for b in t.body)
            elif ends(t):
                found = True
    return got


def _section_for_dot(env, st, cur_stmt):
    """bfd's section_for_dot: a top-level assignment belongs to the output section before it, or,
    after an assignment to `.`, to the next one; sections not allocated (or TLS) are skipped over
    in the section list."""
    lst = st.hdr_list
    ok = (lambda c: c.flags & SHF_ALLOC and not c.flags & SHF_TLS)
    after_end = _after_end(st)
    if env.current is None or env.prefer_next:
        stmts = st.stmts
        i = stmts.index(cur_stmt) + 1 if cur_stmt is not None else 0
        nxt = None
        for t in stmts[i:]:
            if isinstance(t, OutSecStmt) and id(t) in after_end:
                break
            if isinstance(t, OutSecStmt) and id(t) in st.kept:
                nxt = st.kept[id(t)]
                break
        if nxt is not None or env.current is None:
            j = lst.index(nxt) if nxt is not None else len(lst) - 1
            while j >= 0 and not ok(lst[j]):
                j -= 1
            return lst[j] if j >= 0 else None
        # (bfd: past the assignment to `_end`, or with no section after, the section before)
    c = env.current
    j = lst.index(c) if c in lst else -1
    if j < 0:
        # removed: the kept section before it in statement order
        prev = None
        for t, k in st.order:
            if k is c:
                break
            if id(t) in st.kept:
                prev = k
        j = lst.index(prev) if prev is not None else -1
    while j >= 0 and not ok(lst[j]):
        j -= 1
    if j < 0:
        j = 0
        while j < len(lst) and not ok(lst[j]):
            j += 1
        return lst[j] if j < len(lst) else None
    return lst[j]


# -------------------------------------------------------------------- segments and file offsets

def _segments(ctx, kept, nph):
    """bfd's default program header map (_bfd_elf_map_sections_to_segments) for an executable."""
    from .layout import Segment, _stack_flags
    cfg = ctx.config
    page = cfg.max_page_size
    alloc = [c for c in kept if c.flags & SHF_ALLOC]
    secs = sorted(alloc, key=lambda c: (c.lma, c.addr))
    phdr_size = 64 + 56 * nph
    segs = []
    # bfd: an output section named .interp with contents (the linker-made one, or a static link's
    # own) brings PT_PHDR and PT_INTERP, first in the table
    interp = next((c for c in alloc if c.name == ".interp" and c.type != SHT_NOBITS), None)
    if interp is not None and interp.size:
        segs.append(Segment(PT_PHDR, PF_R, 8))
        s = Segment(PT_INTERP, PF_R, 1)
        s.chunks = [interp]
        segs.append(s)
    loads = []
    # (unpaged, -N/-n: bfd never puts the headers in a PT_LOAD)
    hdr_in = bool(secs) and cfg.paged and (getattr(ctx.lscript, "load_phdrs", False) or
                                           (secs[0].lma & (page - 1)) >= (phdr_size & (page - 1)))
    ctx.hdr_split = None
    if hdr_in:
        s0 = secs[0]
        phdr_lma = (s0.lma - phdr_size) & -page
        separate = False
        if cfg.separate_code and s0.flags & SHF_EXECINSTR:
            separate = True
            if ((phdr_lma + phdr_size - 1) & -page) == (s0.lma & -page):
                if phdr_lma >= page:
                    phdr_lma -= page
                else:
                    separate = False
        if s0.lma < phdr_lma or s0.lma < phdr_size:
            hdr_in = False
        elif separate:
            seg = Segment(PT_LOAD, PF_R, cfg.load_align)
            seg.hdr = True
            seg.paddr = phdr_lma
            seg.vaddr = (s0.addr - phdr_size) & -page
            loads.append(seg)
            hdr_in = False
    cur = None
    last = None
    last_size = 0
    writable = executable = False
    # (bfd's ldlang_override_segment_assignment: sections of different memory regions never share a
    # PT_LOAD; the output section an address option made for a name outside the script has none,
    # the script's the default one)
    st = ctx.lscript
    apart = {id(st.chunk_of[i]) for i in st.addr_stmts if i in st.chunk_of} if st is not None else set()
    for c in secs:
        new = False
        if last is None:
            new = True
        elif last.lma - last.addr != c.lma - c.addr:
            new = True
        elif c.lma < last.lma + last_size:
            new = True
        elif cfg.paged and ((last.lma + last_size - 1) & -page) == (c.lma & -page):
            new = False
        elif align_up(last.lma + last_size, page) + page <= c.lma:
            new = True
        elif last.type == SHT_NOBITS and not last.flags & SHF_TLS and (c.type != SHT_NOBITS or c.flags & SHF_TLS):
            new = True
        elif not cfg.paged:
            new = False         # (bfd: sections of an unpaged file need no other segment break)
        elif cfg.separate_code and executable != bool(c.flags & SHF_EXECINSTR):
            new = True
        elif not writable and c.flags & SHF_WRITE:
            new = True
        if not new and apart and (id(c) in apart) != (id(last) in apart):
            new = True
        if new:
            cur = Segment(PT_LOAD, PF_R, cfg.load_align)
            cur.hdr = hdr_in and not loads
            cur.paddr = None
            loads.append(cur)
            writable = bool(c.flags & SHF_WRITE)
            executable = bool(c.flags & SHF_EXECINSTR)
        else:
            writable |= bool(c.flags & SHF_WRITE)
            executable |= bool(c.flags & SHF_EXECINSTR)
        cur.chunks.append(c)
        if c.flags & SHF_WRITE:
            cur.flags |= PF_W
        if c.flags & SHF_EXECINSTR:
            cur.flags |= PF_X
        last = c
        last_size = 0 if (c.type == SHT_NOBITS and c.flags & SHF_TLS) else c.size
    if loads and len(loads[-1].chunks) == 1 and loads[-1].chunks[0].type == SHT_NOBITS and \
            loads[-1].chunks[0].flags & SHF_TLS:
        loads.pop()
    segs.extend(loads)
    dyn = ctx.syn.dynamic
    if dyn is not None and dyn in alloc:
        s = Segment(PT_DYNAMIC, PF_R | PF_W, 8)
        s.chunks = [dyn]
        segs.append(s)
    # (bfd makes the PT_NOTEs walking its section list: with address options that is not the
    # statements' order, the placed sections come first)
    order = st.hdr_list if st is not None and st.section_starts else kept
    notes = [c for c in order if c.flags & SHF_ALLOC and _note(c)]
    i = 0
    while i < len(notes):
        s = Segment(PT_NOTE, PF_R, notes[i].align)
        s.chunks = [notes[i]]
        j = i + 1
        while j < len(notes) and notes[j].align == notes[i].align and \
                align_up(notes[j - 1].lma + notes[j - 1].size, notes[i].align) == notes[j].lma:
            s.chunks.append(notes[j])
            j += 1
        segs.append(s)
        i = j
    tls = [c for c in kept if c.flags & SHF_TLS and c.flags & SHF_ALLOC]
    if tls:
        s = Segment(PT_TLS, PF_R, max(c.align for c in tls))
        s.chunks = tls
        segs.append(s)
    prop = ctx.syn.property
    if prop is not None and prop in kept and prop.size:
        s = Segment(PT_GNU_PROPERTY, PF_R, 8)
        s.chunks = [prop]
        segs.append(s)
    hdr = ctx.syn.eh_frame_hdr
    if hdr is not None and hdr in alloc and hdr.size:
        s = Segment(PT_GNU_EH_FRAME, PF_R, 4)
        s.chunks = [hdr]
        segs.append(s)
    if ctx.config.output_kind != "elf":
        stack = None        # (a raw image has no PT_GNU_STACK: bfd says nothing about the stack notes)
    else:
        if "script_stack" not in vars(ctx):     # (once: it warns about the inputs' stack notes)
            ctx.script_stack = _stack_flags(ctx)
        stack = ctx.script_stack
    if stack is not None:
        segs.append(Segment(PT_GNU_STACK, stack, 16))
    rr = getattr(ctx.lscript, "relro_range", None)
    if cfg.relro and rr is not None and any(rr[0] <= c.addr < rr[1] for c in alloc if c.size) and \
            any(p.type == PT_LOAD and p.chunks and rr[0] <= p.chunks[0].addr < rr[1] and
                any(c.size and c.type != SHT_NOBITS for c in p.chunks) for p in segs):
        # DATA_SEGMENT_RELRO_END's range (bfd's link_info.relro_start/end); bfd makes the segment
        # only when a PT_LOAD with file contents starts in that range (not when, e.g., a writable
        # section earlier in the script made the text segment writable and the data joined it)
        segs.append(Segment(PT_GNU_RELRO, PF_R, 1))
    return segs


def _user_segments(ctx, st, kept, nph):
    """PHDRS: the segments the script lists, in its order; each allocated section goes to the
    segments its `:name`s say, or to those of the section before it (bfd's lang_record_phdrs)."""
    from .layout import Segment
    cfg = ctx.config
    page = cfg.max_page_size
    env = _Env(ctx, st)
    env.hdr_size = 64 + 56 * nph if cfg.output_kind == "elf" else 0
    by_name = {}
    segs = []
    phmap = {}
    for ph in st.script.phdrs:
        if ph.type not in (1, 2, 3, 4, 6, 7, 0x6474e550, 0x6474e551, 0x6474e553, 0):
            raise LinkError(f"{ph.where}: linker script construct program header type {ph.type:#x} in PHDRS "
                            "is not supported by braze")
        if ph.type == 1 and ph.phdrs and not ph.filehdr:
            # (bfd starts such a segment at the table, 64 bytes into the file, or elsewhere when
            # it is not the lowest: not laid out by braze)
            raise LinkError(f"{ph.where}: linker script construct PT_LOAD with PHDRS but not FILEHDR "
                            "is not supported by braze")
        if ph.type == 6 and ph.phdrs and cfg.output_kind == "elf" and \
                not any(q.type == 1 and q.phdrs for q in st.script.phdrs):
            # (bfd: a PT_PHDR holding the table that no PT_LOAD maps is an error)
            raise LinkError(f"{cfg.output}: PHDR segment not covered by LOAD segment")
        s = Segment(ph.type, 0, page if ph.type == 1 else 8)
        phmap[id(s)] = ph
        s.hdr = ph.filehdr
        by_name[ph.name] = s
        segs.append(s)
    # bfd's lang_record_phdrs walks the output sections once per PHDRS entry, and `last` (the
    # `:phdr` list a section without its own inherits) is not reset between the walks: sections
    # ahead of the first `:phdr` take the first list found further on in the first walk, the
    # last list of the whole script in the others. NOLOAD and unallocated sections inherit none.
    # (in the statements' order, bfd's lang_os_list, not the headers': an ADDR() ahead of a
    # statement makes its section earlier but not its statement)
    stmts = [s for s in st.stmts if isinstance(s, OutSecStmt) and s.name != "/DISCARD/"]
    for s in stmts:
        for n, where in (s.phdrs or ()) if id(s) in st.kept else ():
            if n != "NONE" and n not in by_name:
                raise LinkError(f"{where}: section `{s.name}' assigned to non-existent phdr `{n}'")
    kept = st.kept
    last = None
    for ph in st.script.phdrs:
        seg = by_name[ph.name]
        for i, s in enumerate(stmts):
            c = kept.get(id(s))
            pl = s.phdrs
            if pl is not None:
                last = pl
            else:
                if c is None or s.type == "NOLOAD" or not c.flags & SHF_ALLOC or ph.type == 3:
                    continue
                if last is None:
                    last = next((t.phdrs for t in stmts[i:] if t.phdrs is not None), None)
                    if last is None:
                        raise LinkError(f"{st.script.path}: no sections assigned to phdrs")
                pl = last
            if c is None or not c.flags & SHF_ALLOC:
                continue
            if any(n == ph.name for n, _ in pl) and c not in seg.chunks:
                seg.chunks.append(c)
    for s in segs:
        ph = phmap[id(s)]
        if ph.flags is not None:
            s.flags = _abs(_eval(env, ph.flags))
        elif s.chunks:
            s.flags = PF_R
            for c in s.chunks:
                if c.flags & SHF_WRITE:
                    s.flags |= PF_W
                if c.flags & SHF_EXECINSTR:
                    s.flags |= PF_X
        elif ph.filehdr or ph.phdrs:      # (bfd: the headers are readable; a bare PT_PHDR has no flags)
            s.flags = PF_R
        if (ph.type != 1 or not cfg.paged) and s.chunks:
            # (unpaged, -n: a PT_LOAD's p_align too, bfd's maxpagesize 1 without D_PAGED)
            s.align = max(c.align for c in s.chunks)
        if ph.at is not None:
            s.paddr = _abs(_eval(env, ph.at))
    ctx.user_phdrs = True
    return segs


def _hdr_room(c0, hdr_size: int, page: int) -> int:
    """The file offset of the first section of the headers' segment: past the headers, congruent
    with its address modulo the page size (bfd's vma_page_aligned_bias)."""
    return hdr_size + (c0.addr - hdr_size) % page


def _lma_sorted(chunks: list) -> list:
    """A PHDRS segment's sections in the order bfd gives them file and memory room (its
    elf_sort_sections): by LMA, then address, unloaded ones with a size after the rest, then by
    loaded size, else as listed; a section whose LMA is below another's comes first even when the
    script puts it later (no `lma adjusted' for it)."""
    def key(ic):
        i, c = ic
        load = c.type != SHT_NOBITS
        return (c.lma, c.addr, not load and not c.flags & SHF_TLS and c.size != 0, c.size if load else 0, i)
    return [c for _, c in sorted(enumerate(chunks), key=key)]


def _user_load_sections(cfg, seg, room: int) -> None:
    """A PHDRS PT_LOAD's sections as bfd's assign_file_positions_for_load_sections places them:
    by load address from p_paddr (the headers' room first), so a gap between two sections' LMAs
    is a gap in the file too, and a section whose LMA falls below the end of the one before is
    moved up to it (bfd's `lma adjusted' warning)."""
    memsz = filesz = room
    off = seg.offset + room
    for i, c in enumerate(seg.chunks):
        # (no room in a PT_LOAD; bfd reads the header's flags, see _file_offsets)
        tbss = c.type == SHT_NOBITS and (c.flags | getattr(c, "shdr_flags", 0)) & SHF_TLS
        if not tbss:
            end = seg.paddr + memsz
            adjust = c.lma - end
            if adjust and (c.lma < end or end < seg.paddr):
                diag.warn(f"{cfg.output}: section {c.name} lma {c.lma:#x} adjusted to {end:#x}", from_bfd=True)
                c.lma = end
                adjust = 0
            memsz += adjust
            if c.type != SHT_NOBITS:
                if filesz + adjust < memsz:     # (file space for the NOBITS sections before it)
                    adjust = memsz - filesz
                off += adjust
                filesz += adjust
            elif i == 0:
                off += adjust
        c.offset = off
        if c.type != SHT_NOBITS:
            off += c.size
            filesz += c.size
        if not tbss:
            memsz += c.size
    seg.filesz = filesz
    seg.memsz = memsz


def _file_offsets(ctx, chunks, segs, nph):
    """bfd's assign_file_positions_for_load_sections: each PT_LOAD's offset is congruent to its
    address modulo the page size; sections keep their place within it; non-allocated ones follow."""
    cfg = ctx.config
    page = cfg.max_page_size
    hdr_size = 64 + 56 * nph
    off = hdr_size
    base = None
    user = getattr(ctx, "user_phdrs", False)
    loads = [s for s in segs if s.type == PT_LOAD and (s.chunks or user or s.hdr)]
    if user:
        # bfd gives file space to the PT_LOADs in load-address order, whatever the PHDRS order
        # (bfd's elf_sort_segments: the one with the file header first)
        loads.sort(key=lambda s: (not s.hdr, s.paddr if s.paddr is not None else
                                  (s.chunks[0].lma if s.chunks else 0)))
    for seg in loads:
        off_before = off
        hdr = getattr(seg, "hdr", False)
        if cfg.paged and not user:
            # bfd's assign_file_positions_for_load_sections: a section aligned beyond the page size
            # makes its alignment the PT_LOAD's p_align
            big = max([c.align for c in seg.chunks] + [0])
            if big > seg.align and big >= page:
                seg.align = big
        if hdr and not seg.chunks:          # the headers' own segment (-z separate-code)
            seg.offset = 0
            seg.filesz = seg.memsz = hdr_size
            base = seg.vaddr
            continue
        if not seg.chunks:      # (a PHDRS entry nothing went to: bfd's p_offset is where it stands)
            seg.offset = off
            seg.vaddr = seg.filesz = seg.memsz = 0
            if seg.paddr is None:
                seg.paddr = 0
            continue
        if user and len(seg.chunks) > 1:
            seg.chunks = _lma_sorted(seg.chunks)
        c0 = seg.chunks[0]
        if hdr and user:
            # PHDRS ... FILEHDR (bfd's assign_file_positions_for_load_sections): the headers at
            # offset 0, the first section at the first offset past them congruent to its address;
            # the segment starts that far below the section, in addresses and (unless AT) LMAs
            room = _hdr_room(c0, hdr_size, page if cfg.paged else max(seg.align, 1))
            if c0.addr < room or (seg.paddr is None and c0.lma < room):
                raise LinkError(f"{cfg.output}: not enough room for program headers, try linking with -N")
            seg.offset = 0
            seg.vaddr = c0.addr - room
            if seg.paddr is None:
                seg.paddr = c0.lma - room
            base = seg.vaddr
        elif hdr:
            seg.offset = 0
            seg.vaddr = (c0.addr - hdr_size) & -page
            seg.paddr = c0.lma - (c0.addr - seg.vaddr)     # (bfd: the same distance as the VMA's)
            base = seg.vaddr
        elif not cfg.paged:
            # unpaged (-N/-n): congruent modulo the segment's largest section alignment, which is
            # its p_align (bfd's assign_file_positions_for_load_sections without D_PAGED)
            seg.align = max([c.align for c in seg.chunks] + [1])
            off += (c0.addr - off) % seg.align
            seg.offset = off
            seg.vaddr = c0.addr
            seg.paddr = c0.lma
        else:
            # congruent with the address modulo the page size, or modulo the PT_LOAD's p_align where
            # a section aligned beyond the page size made that larger (as layout._segments)
            off += (c0.addr - off) % max(page, seg.align)
            seg.offset = off
            seg.vaddr = c0.addr
            if not user or seg.paddr is None:
                seg.paddr = c0.lma
        if user:
            _user_load_sections(cfg, seg, c0.addr - seg.vaddr)
        else:
            # (the headers are the file bytes of their segment ahead of its sections: -Tbss below
            # the image puts them ahead of a NOBITS .bss)
            fend = seg.vaddr + (hdr_size if hdr else 0)
            mend = seg.vaddr
            for i, c in enumerate(seg.chunks):
                if c.type != SHT_NOBITS:
                    c.offset = seg.offset + (c.addr - seg.vaddr)
                    fend = c.addr + c.size
                else:
                    # where the segment's file bytes end so far (as bfd), at its address when it is
                    # the segment's first section (bfd's assign_file_positions_for_load_sections)
                    c.offset = seg.offset + ((c.addr if i == 0 else fend) - seg.vaddr)
                # (bfd's ELF_TBSS_SPECIAL reads the header's flags: a made .tdata left empty is
                # NOBITS TLS there, no room in the PT_LOAD either)
                if not (c.type == SHT_NOBITS and (c.flags | getattr(c, "shdr_flags", 0)) & SHF_TLS):
                    mend = max(mend, c.addr + c.size)
            seg.filesz = fend - seg.vaddr
            seg.memsz = mend - seg.vaddr
        if seg.filesz or any(c.type != SHT_NOBITS for c in seg.chunks):
            # (an empty PROGBITS section alone, x86-64's empty PLT .eh_frame: the segment has the
            # section's file offset, and the file goes on from there, as bfd's)
            off = seg.offset + seg.filesz
        else:               # (bfd: a segment with no file bytes takes no file space)
            off = off_before
            seg.offset = seg.vaddr & (page - 1)
    ctx.base = base if base is not None else 0
    ctx.hdr_loaded = base is not None
    for seg in segs:
        if seg.type == PT_LOAD or seg.type == PT_GNU_STACK and not user:
            continue
        rr = getattr(ctx.lscript, "relro_range", None)
        if seg.type == PT_GNU_RELRO and rr is not None:
            # bfd: from the RELRO start (within the PT_LOAD holding it) to the RELRO end
            lp = next((p for p in segs if p.type == PT_LOAD and p.vaddr <= rr[0] < p.vaddr + p.memsz), None)
            start = rr[0]
            if lp is None:
                # (the RELRO start before a PT_LOAD whose first section an ALIGN() moved up: bfd takes
                # the PT_LOAD overlapping the range and starts at its first loaded section in it)
                lp = next((p for p in segs if p.type == PT_LOAD and p.vaddr < rr[1]
                           and p.vaddr + p.memsz > rr[0]), None)
                first = None if lp is None else \
                    min((c.addr for c in lp.chunks if c.addr >= rr[0] and c.type != SHT_NOBITS), default=None)
                if first is None:
                    seg.offset = seg.vaddr = seg.paddr = seg.filesz = seg.memsz = 0
                    continue
                start = first
            seg.vaddr = start
            seg.paddr = lp.paddr + (start - lp.vaddr)
            seg.offset = lp.offset + (start - lp.vaddr)
            seg.memsz = rr[1] - start
            seg.filesz = max(0, min(seg.memsz, lp.vaddr + lp.filesz - start))     # (bfd: within the file bytes)
            continue
        cs = seg.chunks
        if not cs:
            if seg.type == PT_PHDR and base is None and not user:
                # (e.g. a section placed at 0 ahead of the headers: bfd's error, no output)
                raise LinkError(f"{ctx.config.output}: PHDR segment not covered by LOAD segment")
            # (PHDRS: a PT_PHDR holds what its FILEHDR/PHDRS say, nothing without PHDRS; the
            # segments are in the PHDRS order)
            ph = ctx.lscript.script.phdrs[segs.index(seg)] if user and seg.type == 6 else None
            if seg.type == 6 and base is not None and (ph is None or ph.phdrs or ph.filehdr):
                # PT_PHDR: the program header table (and the ELF header before it with FILEHDR)
                start = 0 if ph is not None and ph.filehdr else 64
                seg.offset, seg.vaddr = start, base + start
                if seg.paddr is None:
                    # (bfd: where the PT_LOAD holding the headers loads them, an AT() moving it)
                    hl = next((p for p in loads if p.vaddr == base and p.offset == 0 and p.paddr is not None), None)
                    seg.paddr = hl.paddr + start if hl is not None else seg.vaddr
                seg.filesz = seg.memsz = (56 * nph if ph is None or ph.phdrs else 0) + 64 - start
            else:
                seg.offset = seg.vaddr = seg.filesz = seg.memsz = 0
                seg.paddr = 0 if seg.paddr is None else seg.paddr
            continue
        seg.vaddr = cs[0].addr
        seg.paddr = getattr(cs[0], "lma", cs[0].addr)
        seg.offset = cs[0].offset
        seg.memsz = max(c.addr + c.size for c in cs) - seg.vaddr
        seg.filesz = max(c.offset + (c.size if c.type != SHT_NOBITS else 0) for c in cs) - seg.offset
    in_load = {id(c) for seg in loads for c in seg.chunks}
    for c in chunks:
        if c.flags & SHF_ALLOC and id(c) not in in_load:
            # PHDRS left it out (`:NONE`): bfd's assign_file_positions_for_non_load_sections
            # gives its contents file space after the segments' (a NOBITS one: offset 0)
            c.offset = 0
            if c.type != SHT_NOBITS and c.size:
                diag.warn(f"{cfg.output}: warning: allocated section `{c.name}' not in segment",
                          located=True, from_bfd=True)
                off += (c.addr - off) % page
                c.offset = off
                off += c.size
    nonalloc = chunks
    if cfg.emit_relocs:             # (the .rela sections last but .shstrtab, as bfd)
        from .emitrelocs import file_order
        nonalloc = file_order(ctx, chunks)
    for c in nonalloc:
        if c.flags & SHF_ALLOC:
            continue
        if c.type == SHT_NOBITS:
            # (bfd never gives a non-allocated NOBITS section a file position: offset 0)
            c.offset = 0
            continue
        off = align_up(off, c.align)
        c.offset = off
        if c.type != SHT_NOBITS:
            off += c.size
    syn = ctx.syn
    for c in (syn.got, syn.gotplt, syn.plt, syn.pltgot, syn.pltsec, syn.eh_frame):
        out = c.embedded_in if c is not None else None
        if out is not None:
            # (a linker-made section laid out as a member: SynMember)
            m = next(m for m in out.members if type(m) is SynMember and m.chunk is c)
            c.addr = out.addr + m.out_off
            c.offset = out.offset + m.out_off
            c.shndx = out.shndx
    gp = ctx.syn.gotplt
    if gp.merged_got is not None and gp.flags & SHF_ALLOC:
        # (one .got holding .got.plt's words then .got's: see layout.collect_chunks)
        gp.merged_got.addr = gp.addr + gp.own_size
        gp.merged_got.offset = gp.offset + gp.own_size
    ctx.file_end = off
    ctx.shoff = align_up(off, 8)
    ctx.file_size = ctx.shoff + 64 * (len(chunks) + 1)
    ctx.hdr_size = hdr_size


# -------------------------------------------------------------------- symbols

def _removed_home(st, c, value):
    """bfd's _bfd_fix_excluded_sec_syms: a symbol of a removed output section moves to the kept
    section before or after it that layout.nearby picks (as measured with bfd 2.40: a removed
    section made of no input has no flags, so it leans to a following section alike)."""
    prev = nxt = None
    seen = False
    for s, k in st.order:
        if k is c:
            seen = True
            continue
        if id(s) not in st.kept:
            continue
        if not seen:
            prev = k
        elif nxt is None:
            nxt = k
    return nearby(prev, nxt, bfd_flags(c) if c.members else 0, value)


def _home(st, name, val, sec):
    """A script symbol's (section, value) as the symbol tables give it, from the walk's (value,
    section): sec None or "num" when it is absolute."""
    home = st.dot_home.get(name)
    if sec is None and home is not None:
        sec, val = home, val - home.addr
    if sec not in (None, "num") and getattr(sec, "dropped", False):
        home = _removed_home(st, sec, val + sec.addr)
        if home is None:
            sec, val = None, val + sec.addr
        else:
            sec, val = home, val + sec.addr - home.addr
    if sec is _UND:
        sec = None          # (bfd: defined in *UND*: the value is the address; not in .symtab)
    return sec, val


def _script_sym_abs(st, s) -> bool:
    """Is `s` absolute after the latest walk (a script's symbol by its walked value; --defsym's as
    it is)?"""
    v = st.values.get(s.name) if s.file is st.defs else None
    if v is None:
        return s.script_abs or s.section is None
    sec = _home(st, s.name, v[0], v[1])[0]
    return sec is None or sec == "num"


def _set_symbols(ctx, st, env):
    types = getattr(st, "types", {})
    for name, (val, sec) in st.values.items():
        s = ctx.symtab.get(name)
        if s is None or s.file is not st.defs:
            continue
        sec, val = _home(st, name, val, sec)
        if sec is None or sec == "num":
            s.section = None
            s.value = val
            s.script_abs = True
            s.is_abs = True
        else:
            s.section = sec
            # (a negative number made section-relative, `ADDR(.a) - ADDR(.b)` inside .c: its address
            # wraps to 64 bits as bfd's does, the offset from the section may be negative)
            s.value = ((val + sec.addr) & ((1 << 64) - 1)) - sec.addr
            s.script_abs = False
            s.is_abs = False
        ref = types.get(name)
        if ref is not None:
            r = ctx.symtab.get(ref)
            if r is not None and r.file is not st.defs and r.rank >= COMMON:
                s.type = r.type


def _unclaim_start_stop(ctx, chunks):
    """bfd defines __start_X/__stop_X only for an output section named X: with a script that puts
    the X input sections elsewhere they stay undefined (0 when weak; an error otherwise)."""
    names = {c.name for c in chunks}
    for name, s in ctx.symtab.items():
        if s.linker_defined and name.startswith(("__start_", "__stop_")):
            sec = name[8:] if name.startswith("__start_") else name[7:]
            if sec in names:
                continue
            if s.ref_strong:
                raise LinkError(f"undefined reference to `{name}' (no output section {sec} in the "
                                "linker script's layout)")
            s.linker_defined = False
            s.visibility = 0
            s.section = None
            s.value = 0


def _linker_symbols(ctx):
    from .layout import set_linker_symbol
    syn = ctx.syn
    chunks = ctx.chunks

    def setv(name, value, chunk=None):
        set_linker_symbol(ctx, name, value, chunk)

    from .layout import got_symbol_place
    gotbase, gotsec = got_symbol_place(ctx, chunks)
    ctx.got_base = gotbase
    setv("_GLOBAL_OFFSET_TABLE_", gotbase, gotsec)
    setv("__ehdr_start", ctx.base)
    if syn.dynamic is not None and syn.dynamic in chunks:      # (bfd defines it with .dynamic)
        setv("_DYNAMIC", syn.dynamic.addr, syn.dynamic)
    by = ctx.out_by_name
    for name, s in ctx.symtab.items():
        if not s.linker_defined:
            continue
        if name.startswith(("__start_", "__stop_")):
            start = name.startswith("__start_")
            c = by.get(name[8:] if start else name[7:])
            if c is None:
                setv(name, 0)
            else:
                setv(name, c.addr if start else c.addr + c.size, c)
    tls_first = next((c for c in chunks if c.flags & SHF_TLS and c.flags & SHF_ALLOC), None)
    # (TLS variant I: bfd keeps the block start, as in the default layout)
    setv("_TLS_MODULE_BASE_", ctx.tls_start if ctx.target.tls_variant == 1 else ctx.tp, tls_first)
