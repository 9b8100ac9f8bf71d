"""Full GNU linker scripts (SECTIONS, MEMORY, expressions): a character-level parser whose errors name
file:line:col, the token found and what was expected. The scanner is context-sensitive as bfd's
lexer is: inside SECTIONS a file or section pattern may hold `*?[]-+/:` that would be operators in an
expression. Constructs braze does not implement are refused here, naming the construct and where it
is, so a script is never half-understood. Layout from the result: scriptlayout.py."""
from __future__ import annotations

from ..diag import LinkError

# -------------------------------------------------------------------- AST

class Expr:
    """An expression node: op is 'num', 'sym', 'dot', 'call', 'un', 'bin', '?:'."""
    __slots__ = ("op", "a", "b", "c", "where")

    def __init__(self, op, a=None, b=None, c=None, where=""):
        self.op, self.a, self.b, self.c, self.where = op, a, b, c, where


class Assign:
    """`name op expr;` (op '=', '+=', …); kind '', PROVIDE, PROVIDE_HIDDEN or HIDDEN."""
    __slots__ = ("name", "op", "expr", "kind", "where")

    def __init__(self, name, op, expr, kind, where):
        self.name, self.op, self.expr, self.kind, self.where = name, op, expr, kind, where


class AssertCmd:
    __slots__ = ("expr", "msg", "where")

    def __init__(self, expr, msg, where):
        self.expr, self.msg, self.where = expr, msg, where


class InputDesc:
    """`[KEEP(] FILEPAT(SECPAT …) [)]`: file pattern and (excluded files, pattern, sort) per pattern."""
    __slots__ = ("file", "file_excl", "pats", "keep", "sort_files", "where", "flags", "bare")

    def __init__(self, file, file_excl, pats, keep, sort_files, where):
        self.file, self.file_excl, self.pats, self.keep = file, file_excl, pats, keep
        self.sort_files = sort_files
        self.where = where
        self.bare = False           # a file name alone (`foo.o`): no section pattern (--sort-section skips it)
        self.flags = None           # INPUT_SECTION_FLAGS: (flags required, flags excluded)


class DataCmd:
    __slots__ = ("size", "expr", "where")

    def __init__(self, size, expr, where):
        self.size, self.expr, self.where = size, expr, where


class FillCmd:
    """FILL(expr) inside an output section, or its `=fill`: ('hex', the pattern's bytes)."""
    __slots__ = ("fill", "where")

    def __init__(self, fill, where):
        self.fill, self.where = fill, where


class OutSecStmt:
    __slots__ = ("name", "addr", "type", "lma", "align", "body", "region", "lma_region", "where", "orphan",
                 "fill", "subalign", "constraint", "phdrs", "update_dot", "overlay", "sectype",
                 "phantom_align")

    def __init__(self, name, where):
        self.update_dot = None      # OVERLAY's last section: `.` after it (bfd's update_dot_tree)
        self.overlay = False        # a section of an OVERLAY (its addresses may coincide)
        self.phdrs = None           # [:phdr names] (None: as the section before)
        self.fill = None
        self.subalign = None
        self.constraint = None      # ONLY_IF_RO / ONLY_IF_RW
        self.name = name
        self.addr = self.lma = self.align = None
        self.type = None
        self.sectype = None         # (TYPE = t): (name or Expr, where); with type "TYPE" or "READONLY"
        self.body = []
        self.region = self.lma_region = None
        self.where = where
        self.orphan = False
        self.phantom_align = 0      # bfd's empty linker-made .got of a static link (see scriptlayout)


class Region:
    __slots__ = ("name", "attrs", "origin", "length", "where", "cur")

    def __init__(self, name, attrs, origin, length, where):
        self.name, self.attrs, self.origin, self.length, self.where = name, attrs, origin, length, where
        self.cur = 0


class FullScript:
    """What a full script says. items/search_dirs/entry/version_text/assigns as in script.ScriptResult
    (INPUT/GROUP etc.); `sections` the SECTIONS commands in order, `memory` the regions by name,
    `asserts` the top-level ASSERTs, `top` the top-level assignments in order."""

    def __init__(self, path):
        self.path = path
        self.items = []
        self.search_dirs = []
        self.entry = None
        self.version_text = None
        self.assigns = []          # (compat with ScriptResult: top-level assignments are kept in `top`)
        self.sections = None
        self.memory = {}
        self.top = []
        self.top_order = []        # per `top` command: does it come after SECTIONS?
        self.top_at = []           # per `top` command: how many SECTIONS statements come before it
        self.inserts = []          # every INSERT: (before?, section, where, len(top), len(sections)) then
        self.phdrs = None          # PHDRS: [Phdr]
        self.output_arch = None    # (OUTPUT_ARCH's name, where)
        self.externs = []
        self.nocrossrefs = []      # (target names or None, [section names], where): NOCROSSREFS(_TO)
        self.sane_expr = False     # LD_FEATURE("SANE_EXPR")
        self.output = None         # OUTPUT(file): the output's name unless -o gives one
        self.output_format = None  # OUTPUT_FORMAT's (first) name: the output format unless --oformat gives one
        self.startup = None        # STARTUP(file): an input linked before all others
        self.insert = None         # INSERT AFTER/BEFORE: (before?, output section, where, len(top) then)


# -------------------------------------------------------------------- scanner

_EXPR_CH = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.$")
_WILD_STOP = frozenset(" \t\n\r\f\v(){};,\"")
_OPS3 = ("<<=", ">>=")
_OPS2 = ("==", "!=", "<=", ">=", "<<", ">>", "&&", "||", "+=", "-=", "*=", "/=", "&=", "|=")
_OPS1 = frozenset("()[]{},;:=+-*/%&|^~!<>?")

_SEC_ATTR_ORDER = {"AT": 0, "ALIGN": 1, "SUBALIGN": 2, "ONLY_IF_RO": 3, "ONLY_IF_RW": 3}

# not implemented: refused by name wherever they appear
_REFUSED = {
    "INSERT": "INSERT AFTER/BEFORE", "SPECIAL": "SPECIAL",
    "ALIGN_WITH_INPUT": "ALIGN_WITH_INPUT", "SECTIONS_IN_SECTIONS": "",
    "TARGET": "TARGET", "FORCE_GROUP_ALLOCATION":
    "FORCE_GROUP_ALLOCATION", "INHIBIT_COMMON_ALLOCATION": "INHIBIT_COMMON_ALLOCATION",
    "HLL": "HLL", "SYSLIB": "SYSLIB", "FLOAT": "FLOAT", "NOFLOAT": "NOFLOAT", "MAP": "MAP",
}
_SORTS = {"SORT": "name", "SORT_BY_NAME": "name", "SORT_BY_ALIGNMENT": "align", "SORT_NONE": "none",
          "SORT_BY_INIT_PRIORITY": "init"}
_DATA = {"BYTE": 1, "SHORT": 2, "LONG": 4, "QUAD": 8, "SQUAD": 8}
_ASSIGN_OPS = ("=", "+=", "-=", "*=", "/=", "<<=", ">>=", "&=", "|=")


class _P:
    def __init__(self, text, path):
        self.t = text
        self.path = path
        self.pos = 0
        self.n = len(text)
        self.overlay_nocross = []     # OVERLAY … NOCROSSREFS lists, shared with INCLUDEd parsers

    # ---- positions and errors
    def where(self, pos=None) -> str:
        p = self.pos if pos is None else pos
        line = self.t.count("\n", 0, p) + 1
        col = p - (self.t.rfind("\n", 0, p) + 1) + 1
        return f"{self.path}:{line}:{col}"

    def fail(self, expected, pos=None):
        p = self.skip() if pos is None else pos
        found = "end of file" if p >= self.n else repr(self._peek_text(p))
        raise LinkError(f"{self.where(p)}: syntax error in linker script: expected {expected}, found {found}")

    def refuse(self, what, pos):
        raise LinkError(f"{self.where(pos)}: linker script construct {what} is not supported by braze")

    def _peek_text(self, p):
        e = p
        while e < self.n and not self.t[e].isspace() and e - p < 20:
            e += 1
        return self.t[p:max(e, p + 1)]

    # ---- scanning
    def skip(self) -> int:
        t, n = self.t, self.n
        p = self.pos
        while p < n:
            c = t[p]
            if c.isspace():
                p += 1
            elif c == "/" and t.startswith("/*", p):
                e = t.find("*/", p + 2)
                if e < 0:
                    self.pos = p
                    raise LinkError(f"{self.where(p)}: unterminated comment in linker script")
                p = e + 2
            elif c == "#":
                e = t.find("\n", p)
                p = n if e < 0 else e + 1
            else:
                break
        self.pos = p
        return p

    def at_end(self) -> bool:
        return self.skip() >= self.n

    def peek_op(self, op) -> bool:
        p = self.skip()
        return self.t.startswith(op, p)

    def accept(self, op) -> bool:
        if self.peek_op(op):
            self.pos += len(op)
            return True
        return False

    def expect(self, op, what=None):
        if not self.accept(op):
            self.fail(what or f"'{op}'")

    def name(self, wild=False, what="a name"):
        """A name: in expression mode [A-Za-z0-9_.$]+ (a number is a name too here); in wild mode
        anything up to a blank or one of (){};,\" (bfd's WILDCHAR class), or a quoted string."""
        p = self.skip()
        t = self.t
        if p < self.n and t[p] == '"':
            e = t.find('"', p + 1)
            if e < 0:
                self.fail("a closing '\"'", p)
            self.pos = e + 1
            return t[p + 1:e]
        e = p
        if wild:
            while e < self.n and t[e] not in _WILD_STOP and not t.startswith("/*", e):
                e += 1
        else:
            while e < self.n and t[e] in _EXPR_CH:
                e += 1
        if e == p:
            self.fail(what, p)
        self.pos = e
        return t[p:e]

    def peek_word(self):
        """The expression-mode word at the current position (not consumed), or ''."""
        p = self.skip()
        e = p
        while e < self.n and self.t[e] in _EXPR_CH:
            e += 1
        return self.t[p:e]

    def word_then(self, op) -> bool:
        """Is the current word followed by `op` (e.g. KEEP followed by '(')?"""
        save = self.pos
        w = self.peek_word()
        self.pos = self.skip() + len(w)
        r = bool(w) and self.peek_op(op)
        self.pos = save
        return r


# -------------------------------------------------------------------- expressions

# (bfd's expression lexer has no `^`: it is an invalid character there, and so here)
_BIN_LEVELS = [("||",), ("&&",), ("|",), ("&",), ("==", "!="), ("<=", ">=", "<", ">"),
               ("<<", ">>"), ("+", "-"), ("*", "/", "%")]
_FUNCS1 = {"ADDR", "LOADADDR", "SIZEOF", "ALIGNOF", "ABSOLUTE", "DEFINED", "ORIGIN", "LENGTH", "NEXT",
           "LOG2CEIL", "CONSTANT", "BLOCK", "DATA_SEGMENT_END"}
_FUNCS2 = {"MAX", "MIN", "DATA_SEGMENT_ALIGN", "DATA_SEGMENT_RELRO_END"}


def _expr(p: _P) -> Expr:
    c = _binary(p, 0)
    if p.accept("?"):
        a = _expr(p)
        p.expect(":")
        b = _expr(p)
        return Expr("?:", c, a, b)
    return c


def _binary(p, level):
    if level == len(_BIN_LEVELS):
        return _unary(p)
    left = _binary(p, level + 1)
    ops = _BIN_LEVELS[level]
    while True:
        pos = p.skip()
        t = p.t
        op = None
        for o in ops:
            if t.startswith(o, pos):
                nxt = t[pos + len(o):pos + len(o) + 1]
                # not the start of a longer operator (`<<` vs `<`, `&&` vs `&`, `+=`, `|=`…)
                if len(o) == 1 and (nxt == "=" and o not in "<>" or nxt == o or
                                    o in "<>" and nxt in "<>="):
                    continue
                if o in ("<<", ">>") and nxt == "=":
                    continue
                if o in ("<", ">") and nxt == "=":
                    continue
                op = o
                break
        if op is None:
            return left
        p.pos = pos + len(op)
        right = _binary(p, level + 1)
        left = Expr("bin", op, left, right)


def _unary(p):
    pos = p.skip()
    t = p.t
    if pos < p.n and t[pos] in "-!~+" and not t.startswith("-=", pos):
        p.pos += 1
        return Expr("un", t[pos], _unary(p))
    return _primary(p)


def _number(text):
    """bfd's integer forms: 0x hex, leading 0 octal, decimal; K/M suffix; trailing h/o/b/d radix."""
    s = text
    mult = 1
    if s[-1] in "kK":
        mult, s = 1024, s[:-1]
    elif s[-1] in "mM":
        mult, s = 1024 * 1024, s[:-1]
    try:
        if s[:2] in ("0x", "0X"):
            v = int(s[2:], 16)
        elif s[:1] == "$":
            v = int(s[1:], 16)
        elif s[-1:] in "hH" and len(s) > 1:
            v = int(s[:-1], 16)
        elif s[-1:] in "oOqQ" and len(s) > 1:
            v = int(s[:-1], 8)
        elif s[-1:] in "bB" and len(s) > 1 and set(s[:-1]) <= set("01"):
            v = int(s[:-1], 2)
        elif s[-1:] in "dD" and len(s) > 1:
            v = int(s[:-1], 10)
        elif len(s) > 1 and s[0] == "0":
            # (bfd_scan_vma reads octal digits up to the first other one: `08` is 0)
            n = 1
            while n < len(s) and s[n] in "01234567":
                n += 1
            if not s[n:].isdigit() and s[n:]:
                return None
            v = int(s[1:n] or "0", 8)
        else:
            v = int(s, 10)
    except ValueError:
        return None
    return v * mult


def _primary(p):
    pos = p.skip()
    where = p.where(pos)
    if p.accept("("):
        e = _expr(p)
        p.expect(")")
        return e
    if pos < p.n and p.t[pos] == '"':
        return Expr("sym", p.name(), where=where)
    w = p.peek_word()
    if not w:
        p.fail("an expression", pos)
    if w[0].isdigit() or (w[0] == "$" and len(w) > 1):
        p.pos = pos + len(w)
        v = _number(w)
        if v is None:
            p.fail("a number", pos)
        # (c: the digits of a 0x number without a K/M suffix, which bfd's lexer keeps for a fill pattern)
        return Expr("num", v, None, w[2:] if w[:2] in ("0x", "0X") and w[-1] not in "kKmM" else None)
    if w in _REFUSED:
        p.refuse(_REFUSED[w] or w, pos)
    if w == ".":
        p.pos = pos + 1
        return Expr("dot", where=where)
    p.pos = pos + len(w)
    if w == "SIZEOF_HEADERS" or w == "sizeof_headers":
        return Expr("call", "SIZEOF_HEADERS", where=where)
    if w == "SEGMENT_START" and p.peek_op("("):
        p.expect("(")
        seg = p.name(wild=True, what="a segment name")
        p.expect(",")
        dflt = _expr(p)
        p.expect(")")
        return Expr("call", "SEGMENT_START", seg, dflt, where=where)
    if w in _FUNCS1 or w in _FUNCS2 or w == "ALIGN" or w == "ASSERT":
        if not p.peek_op("("):
            return Expr("sym", w, where=where)
        p.expect("(")
        if w in ("ADDR", "LOADADDR", "SIZEOF", "ALIGNOF"):
            arg = p.name(wild=True, what="a section name")
            p.expect(")")
            return Expr("call", w, arg, where=where)
        if w in ("DEFINED", "ORIGIN", "LENGTH", "CONSTANT"):
            arg = p.name(what="a name")
            p.expect(")")
            if w == "CONSTANT" and arg not in ("MAXPAGESIZE", "COMMONPAGESIZE"):
                p.fail("MAXPAGESIZE or COMMONPAGESIZE", pos)
            return Expr("call", w, arg, where=where)
        a = _expr(p)
        b = None
        if w in _FUNCS2 or w == "ASSERT":
            p.expect(",")
            b = p.name() if w == "ASSERT" else _expr(p)
        elif w == "ALIGN" and p.accept(","):
            b = _expr(p)
        p.expect(")")
        return Expr("call", w, a, b, where=where)
    if w[0].isupper() and w.isupper() and len(w) > 2 and p.peek_op("("):
        p.refuse(f"{w}()", pos)
    return Expr("sym", w, where=where)


# -------------------------------------------------------------------- statements

def _assignment(p, name, kind, where):
    pos = p.skip()
    for op in _ASSIGN_OPS:
        if p.t.startswith(op, pos) and not (op == "=" and p.t.startswith("==", pos)):
            p.pos = pos + len(op)
            return Assign(name, op, _expr(p), kind, where)
    p.fail("an assignment operator ('=', '+=', …)", pos)


def _statement_assign(p, kind_word=None):
    """`NAME op EXPR` or PROVIDE(NAME = EXPR) and friends, with the trailing ';' (optional after a
    PROVIDE's ')' at the end of a block, as bfd allows)."""
    pos = p.skip()
    where = p.where(pos)
    if kind_word:
        p.pos += len(kind_word)
        p.expect("(")
        name = _sym_name(p)
        a = _assignment(p, name, kind_word, where)
        p.expect(")")
        p.accept(";")
        return a
    name = _sym_name(p)
    a = _assignment(p, name, "", where)
    if not p.accept(";") and not p.peek_op("}"):
        p.fail("';'")
    return a


def _sym_name(p):
    pos = p.skip()
    if pos < p.n and p.t[pos] == '"':
        return p.name()
    w = p.peek_word()
    if not w:
        p.fail("a symbol name", pos)
    p.pos = pos + len(w)
    return w


def _is_assign_ahead(p) -> bool:
    """NAME followed by an assignment operator?"""
    save = p.pos
    try:
        pos = p.skip()
        if pos < p.n and p.t[pos] == '"':
            p.name()
        else:
            w = p.peek_word()
            if not w:
                return False
            p.pos = pos + len(w)
        q = p.skip()
        for op in _ASSIGN_OPS:
            if p.t.startswith(op, q) and not p.t.startswith("==", q):
                return True
        return False
    finally:
        p.pos = save


def _assert(p):
    pos = p.skip()
    where = p.where(pos)
    p.pos += len("ASSERT")
    p.expect("(")
    e = _expr(p)
    p.expect(",")
    msg = p.name(wild=True, what="a message")
    p.expect(")")
    p.accept(";")
    return AssertCmd(e, msg, where)


def _file_list(p, res, as_needed):
    p.expect("(")
    while not p.accept(")"):
        if p.accept(","):
            continue
        if p.word_then("(") and p.peek_word() == "AS_NEEDED":
            p.pos = p.skip() + len("AS_NEEDED")
            _file_list(p, res, True)
            continue
        if p.at_end():
            p.fail("')'")
        t = p.name(wild=True, what="a file name")
        if t.startswith("-l"):
            res.items.append(("lib", t[2:], as_needed))
        else:
            res.items.append(("file", t, as_needed))


def _simple_args(p):
    p.expect("(")
    args = []
    while not p.accept(")"):
        if p.accept(","):
            continue
        if p.at_end():
            p.fail("')'")
        args.append(p.name(wild=True, what="an argument"))
    return args


def parse_full(text: str, path: str, search=()) -> FullScript:
    p = _P(text, path)
    p.search = search
    p.overlay_nocross = []
    res = FullScript(path)
    _top(p, res)
    res.nocrossrefs.extend(p.overlay_nocross)
    return res


def _top(p, res):
    while not p.at_end():
        pos = p.pos
        if p.accept(";"):
            continue
        w = p.peek_word()
        if w == "INCLUDE":
            _top(_include(p, p.skip()), res)
        elif w in ("SECTIONS",):
            p.pos = pos + len(w)
            if res.sections is None:
                res.sections = _sections(p)
            else:       # bfd: the statements of every SECTIONS command, one after the other
                res.sections.extend(_sections(p))
        elif w == "MEMORY":
            p.pos = pos + len(w)
            _memory(p, res)
        elif w == "PHDRS":
            p.pos = pos + len(w)
            if res.phdrs is not None:
                p.refuse("a second PHDRS command", pos)
            res.phdrs = _phdrs(p)
        elif w in ("GROUP", "INPUT"):
            p.pos = pos + len(w)
            if w == "GROUP":
                res.items.append(("group_start", "", False))
            _file_list(p, res, False)
            if w == "GROUP":
                res.items.append(("group_end", "", False))
        elif w in ("OUTPUT_FORMAT", "OUTPUT_ARCH") or w == "TARGET" and p.word_then("("):
            p.pos = pos + len(w)
            args = _simple_args(p)
            from ..arch import targets
            fmts = [t.output_format for t in targets()]
            if w == "OUTPUT_FORMAT":        # (a raw image: oformat.py)
                fmts += [f for t in targets() for f in t.raw_output_formats if f not in fmts]
            # (a format of another target than the link's is the target check's to refuse, with the
            # SECTIONS engine's own refusal for a target it does not lay out)
            if w == "TARGET" and (len(args) != 1 or args[0] not in fmts):
                raise LinkError(f"{p.where(pos)}: input format {' '.join(args)} (TARGET) is not supported by braze "
                                f"(it reads {', '.join(fmts)})")
            if w == "OUTPUT_FORMAT" and args and args[0] not in fmts:
                raise LinkError(f"{p.where(pos)}: unsupported output format {args[0]} (braze writes {', '.join(fmts)})")
            if w == "OUTPUT_FORMAT" and args and res.output_format is None:
                res.output_format = args[0]
            if w == "OUTPUT_ARCH" and args:
                res.output_arch = (args[0], p.where(pos))     # checked against the target (resolve.py)
        elif w == "SEARCH_DIR":
            p.pos = pos + len(w)
            res.search_dirs.extend(_simple_args(p))
        elif w == "ENTRY":
            p.pos = pos + len(w)
            args = _simple_args(p)
            if len(args) != 1:
                p.fail("one symbol name in ENTRY()", pos)
            res.entry = args[0]
        elif w == "EXTERN":
            p.pos = pos + len(w)
            res.externs.extend(_simple_args(p))
        elif w == "FORCE_COMMON_ALLOCATION":
            p.pos = pos + len(w)        # commons are allocated in any executable: nothing to do
        elif w == "VERSION":
            p.pos = pos + len(w)
            p.expect("{")
            start = p.pos
            depth = 1
            while depth:
                if p.at_end():
                    p.fail("'}'")
                c = p.t[p.pos]
                depth += (c == "{") - (c == "}")
                p.pos += 1
            res.version_text = p.t[start:p.pos - 1]
        elif w == "ASSERT":
            res.top.append(_assert(p))
            res.top_order.append(res.sections is not None)
            res.top_at.append(len(res.sections or ()))
        elif w in ("PROVIDE", "PROVIDE_HIDDEN", "HIDDEN") and p.word_then("("):
            res.top.append(_statement_assign(p, w))
            res.top_order.append(res.sections is not None)
            res.top_at.append(len(res.sections or ()))
        elif w in ("NOCROSSREFS", "NOCROSSREFS_TO") and p.word_then("("):
            p.pos = pos + len(w)
            names = _simple_args(p)
            if w == "NOCROSSREFS_TO" and names:
                res.nocrossrefs.append((names[:1], names[1:], p.where(pos)))
            elif w == "NOCROSSREFS":
                res.nocrossrefs.append((None, names, p.where(pos)))
        elif w == "REGION_ALIAS" and p.word_then("("):
            p.pos = pos + len(w)
            args = _simple_args(p)
            if len(args) != 2:
                p.fail("REGION_ALIAS(alias, region)", pos)
            if args[1] not in res.memory:
                raise LinkError(f"{p.where(pos)}: memory region `{args[1]}' for alias `{args[0]}' does not exist")
            if args[0] in res.memory:
                raise LinkError(f"{p.where(pos)}: redefinition of memory region alias `{args[0]}'")
            res.memory[args[0]] = res.memory[args[1]]
        elif w in ("OUTPUT", "STARTUP") and p.word_then("("):
            p.pos = pos + len(w)
            args = _simple_args(p)
            if len(args) != 1:
                p.fail(f"one file name in {w}()", pos)
            if w == "OUTPUT":
                res.output = args[0]
            else:
                res.startup = args[0]
                res.items.insert(0, ("file", args[0], False))
        elif w == "LD_FEATURE" and p.word_then("("):
            p.pos = pos + len(w)
            for a in _simple_args(p):           # (bfd ignores the features it does not know)
                if a.upper() == "SANE_EXPR":
                    res.sane_expr = True
        elif w == "INSERT" and not p.word_then("("):
            p.pos = pos + len(w)
            how = p.peek_word()
            if how not in ("AFTER", "BEFORE"):
                p.fail("AFTER or BEFORE")
            p.pos = p.skip() + len(how)
            if res.sections is None:
                p.fail("SECTIONS before INSERT", pos)
            name = p.name(wild=True, what="an output section name")
            res.inserts.append((how == "BEFORE", name, p.where(pos), len(res.top), len(res.sections)))
            if res.insert is None:
                res.insert = res.inserts[0][:4]
        elif w in _REFUSED:
            p.refuse(_REFUSED[w] or w, pos)
        elif _is_assign_ahead(p):
            res.top.append(_statement_assign(p))
            res.top_order.append(res.sections is not None)
            res.top_at.append(len(res.sections or ()))
        else:
            p.fail("a linker script command", pos)


class Phdr:
    __slots__ = ("name", "type", "filehdr", "phdrs", "at", "flags", "where")

    def __init__(self, name, type_, where):
        self.name, self.type, self.where = name, type_, where
        self.filehdr = self.phdrs = False
        self.at = self.flags = None


_PT = {"PT_NULL": 0, "PT_LOAD": 1, "PT_DYNAMIC": 2, "PT_INTERP": 3, "PT_NOTE": 4, "PT_SHLIB": 5,
       "PT_PHDR": 6, "PT_TLS": 7, "PT_GNU_EH_FRAME": 0x6474e550, "PT_GNU_STACK": 0x6474e551,
       "PT_GNU_RELRO": 0x6474e552, "PT_GNU_PROPERTY": 0x6474e553}


def _phdrs(p):
    """PHDRS { name TYPE [FILEHDR] [PHDRS] [AT(addr)] [FLAGS(flags)] ; ... }"""
    p.expect("{")
    out = []
    while not p.accept("}"):
        if p.at_end():
            p.fail("'}'")
        if p.accept(";"):
            continue
        pos = p.skip()
        name = p.name(what="a program header name")
        q = p.skip()
        w = p.peek_word()
        if w in _PT:
            p.pos = q + len(w)
            t = _PT[w]
        elif w and w[0].isdigit():
            t = _abs_number(p, q)
        else:
            p.fail("a program header type (PT_LOAD, PT_NOTE…)", q)
        ph = Phdr(name, t, p.where(pos))
        while not p.accept(";"):
            q = p.skip()
            w = p.peek_word()
            if w == "FILEHDR":
                p.pos = q + len(w)
                ph.filehdr = True
            elif w == "PHDRS":
                p.pos = q + len(w)
                ph.phdrs = True
            elif w in ("AT", "FLAGS") and p.word_then("("):
                p.pos = q + len(w)
                p.expect("(")
                e = _expr(p)
                p.expect(")")
                if w == "AT":
                    ph.at = e
                else:
                    ph.flags = e
            else:
                p.fail("FILEHDR, PHDRS, AT(…), FLAGS(…) or ';'", q)
        out.append(ph)
    return out


def _abs_number(p, q):
    w = p.peek_word()
    v = _number(w)
    if v is None:
        p.fail("a number", q)
    p.pos = q + len(w)
    return v


def _memory(p, res):
    p.expect("{")
    while not p.accept("}"):
        pos = p.skip()
        if p.at_end():
            p.fail("'}'")
        name = p.name(what="a memory region name")
        attrs = ""
        if p.accept("("):
            q = p.t.find(")", p.pos)
            if q < 0:
                p.fail("')'")
            attrs = p.t[p.pos:q].strip()
            p.pos = q + 1
        p.expect(":")
        vals = {}
        for want in (("ORIGIN", "org", "o"), ("LENGTH", "len", "l")):
            w = p.peek_word()
            if w not in want:
                p.fail(f"{want[0]}")
            p.pos = p.skip() + len(w)
            p.expect("=")
            vals[want[0]] = _expr(p)
            if want[0] == "ORIGIN":
                p.expect(",")
        res.memory[name] = Region(name, attrs, vals["ORIGIN"], vals["LENGTH"], p.where(pos))
        p.accept(";")


def _include(p, pos):
    """INCLUDE FILE: a parser over the named file (searched in the current directory, then the -L
    directories, as bfd does), which the caller reads in its own context."""
    import os
    p.pos = pos + len("INCLUDE")
    name = p.name(wild=True, what="a file name")
    p.accept(";")
    depth = getattr(p, "depth", 0)
    if depth > 16:
        raise LinkError(f"{p.where(pos)}: INCLUDE nested too deeply")
    for d in ["."] + list(getattr(p, "search", ())):
        path = name if os.path.isabs(name) else os.path.join(d, name)
        if os.path.isfile(path):
            break
    else:
        raise LinkError(f"{p.where(pos)}: cannot open linker script file {name}: No such file or directory")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise LinkError(f"{p.where(pos)}: cannot read script file {name}: {e}") from None
    q = _P(text, path if name == path else name)
    q.overlay_nocross = p.overlay_nocross
    q.depth = depth + 1
    q.search = getattr(p, "search", ())
    return q


def _sections(p, until_eof=False):
    if not until_eof:
        p.expect("{")
    cmds = []
    while not (p.at_end() if until_eof else p.accept("}")):
        pos = p.skip()
        if p.at_end():
            p.fail("'}'")
        if p.accept(";"):
            continue
        w = p.peek_word()
        if w == "INCLUDE":
            cmds.extend(_sections(_include(p, pos), until_eof=True))
        elif w == "ASSERT" and p.word_then("("):
            cmds.append(_assert(p))
        elif w in ("PROVIDE", "PROVIDE_HIDDEN", "HIDDEN") and p.word_then("("):
            cmds.append(_statement_assign(p, w))
        elif w == "ENTRY" and p.word_then("("):
            p.refuse("ENTRY inside SECTIONS", pos)
        elif w == "OVERLAY" and not _is_assign_ahead(p):
            cmds.extend(_overlay(p, pos))
        elif w in _REFUSED and p.word_then("("):
            p.refuse(_REFUSED.get(w) or w, pos)
        elif _is_assign_ahead(p):
            cmds.append(_statement_assign(p))
        else:
            cmds.append(_output_section(p))
    return cmds


def _overlay(p, pos):
    """OVERLAY [start] : [NOCROSSREFS] [AT(lma)] [SUBALIGN(n)] { name { … } [:phdr] [=fill] … }
    [>region] [AT>region] [:phdr] [=fill]: written out as bfd's lang_enter/leave_overlay do it, as
    plain output sections: the first at `start`, the others at ADDR(first), each loaded after the
    one before (at the AT address for the first), PROVIDEd __load_start_/__load_stop_ symbols
    after each, and `.` set after the last to ADDR(first) + the largest SIZEOF."""
    where = p.where(pos)
    p.pos = pos + len("OVERLAY")
    start = None
    if not p.peek_op(":"):
        start = _expr(p)
    p.expect(":", "':' after OVERLAY and its address")
    nocross = lma = subalign = None
    while True:
        q = p.skip()
        w = p.peek_word()
        if w == "NOCROSSREFS":
            p.pos = q + len(w)
            nocross = True
        elif w in ("AT", "SUBALIGN") and p.word_then("("):
            p.pos = q + len(w)
            p.expect("(")
            e = _expr(p)
            p.expect(")")
            if w == "AT":
                lma = e
            else:
                subalign = e
        else:
            break
    p.expect("{", "'{' to open the OVERLAY's sections")
    secs = []
    while not p.accept("}"):
        if p.at_end():
            p.fail("'}'")
        if p.accept(",") or p.accept(";"):
            continue
        q = p.skip()
        st = OutSecStmt(p.name(wild=True, what="an overlay section name"), p.where(q))
        st.overlay = "first" if not secs else True
        st.subalign = subalign
        p.expect("{", "'{' to open the overlay section's commands")
        _section_body(p, st.body, False)
        _trailers(p, st, regions=False)
        secs.append(st)
    holder = OutSecStmt("", where)
    _trailers(p, holder, regions=True)
    p.accept(",")
    cmds = []
    first = secs[0].name if secs else None
    size_max = None
    for i, st in enumerate(secs):
        st.addr = start if i == 0 else Expr("call", "ADDR", first, where=where)
        st.region, st.lma_region = holder.region, holder.lma_region
        if i == 0:
            st.lma = lma
        elif holder.lma_region is None:
            prev = secs[i - 1].name
            st.lma = Expr("bin", "+", Expr("call", "LOADADDR", prev, where=where),
                          Expr("call", "SIZEOF", prev, where=where))
        if st.fill is None:
            st.fill = holder.fill
        if st.phdrs is None:
            st.phdrs = holder.phdrs
        size = Expr("call", "SIZEOF", st.name, where=where)
        size_max = size if size_max is None else Expr("call", "MAX", size_max, size, where=where)
        cmds.append(st)
        clean = "".join(ch for ch in st.name if ch.isalnum() and ch.isascii() or ch == "_")
        load = Expr("call", "LOADADDR", st.name, where=where)
        cmds.append(Assign(f"__load_start_{clean}", "=", load, "PROVIDE", where))
        cmds.append(Assign(f"__load_stop_{clean}", "=", Expr("bin", "+", load, size), "PROVIDE", where))
    if secs:
        secs[-1].update_dot = Expr("bin", "+", Expr("call", "ADDR", first, where=where), size_max)
    if nocross and secs:
        p.overlay_nocross.append((None, [st.name for st in secs], where))
    return cmds


def _trailers(p, st, regions):
    """After an output section's '}': [>region] [AT>region] [:phdr…] [=fill] (no regions for the
    sections inside an OVERLAY). bfd's grammar takes them in this order, each once (the phdrs a list
    of their own): another order is its syntax error."""
    stage = 0
    while True:
        q = p.skip()
        if regions and (p.t.startswith("AT>", q) or p.t.startswith("AT >", q)):
            now = 2
        elif regions and p.t.startswith(">", q):
            now = 1
        elif p.t.startswith(":", q) and not p.t.startswith("::", q):
            now = 3
        elif p.t.startswith("=", q) and not p.t.startswith("==", q):
            now = 4
        else:
            break
        if now < stage or (now == stage and now != 3):
            p.fail("'>region', 'AT>region', ':phdr' and '=fill' after '}' in this order, each once", q)
        stage = now
        if now == 2:
            p.pos = q + 2
            p.expect(">")
            st.lma_region = (p.name(what="a memory region name"), p.where(q), p.where(p.skip()))
        elif now == 1:
            p.pos = q + 1
            st.region = (p.name(what="a memory region name"), p.where(q), p.where(p.skip()))
        elif now == 3:
            p.pos = q + 1
            if st.phdrs is None:
                st.phdrs = []
            st.phdrs.append((p.name(what="a program header name"), p.where(q)))
        else:
            p.pos = q + 1
            st.fill = _fill_spec(p)


_TYPES = ("NOLOAD", "COPY", "INFO", "OVERLAY", "DSECT", "READONLY", "TYPE")


def _output_section(p):
    pos = p.skip()
    where = p.where(pos)
    name = p.name(wild=True, what="an output section name")
    if name and p.t[pos] != '"' and (not (name[0].isalpha() or name[0] in "_./\\$~") or any(c in name for c in "*?^[")):
        # bfd's lexer has no such name (`} =0x90 :text` leaves ':text' here): its syntax error, or an
        # "ignoring invalid character" that would name another section
        p.fail("an output section name", pos)
    if name.endswith(":"):          # `.text:` written without a blank
        name = name[:-1]
        p.pos -= 1
    if not name or name in _REFUSED:
        p.refuse(_REFUSED.get(name) or name, pos)
    st = OutSecStmt(name, where)
    # address and type before ':'
    if not p.peek_op(":"):
        if p.peek_op("(") and _type_ahead(p):
            _sec_type(p, st)
        else:
            st.addr = _expr(p)
            if p.peek_op("(") and _type_ahead(p):
                _sec_type(p, st)
    p.expect(":", "':' after the output section name and address")
    stage = -1
    while True:
        q = p.skip()
        w = p.peek_word()
        # (bfd's grammar: AT(), ALIGN(), SUBALIGN(), then the constraint, each at most once)
        at = _SEC_ATTR_ORDER.get(w, -1) if w in ("ONLY_IF_RO", "ONLY_IF_RW") or p.word_then("(") else -1
        if at >= 0:
            if at <= stage:
                p.fail("'{' to open the output section's commands (AT, ALIGN, SUBALIGN and ONLY_IF_RO/RW "
                       "come once each, in that order)", q)
            stage = at
        if w == "AT" and p.word_then("("):
            p.pos = q + 2
            p.expect("(")
            st.lma = _expr(p)
            p.expect(")")
        elif w == "ALIGN" and p.word_then("("):
            p.pos = q + 5
            p.expect("(")
            st.align = _expr(p)
            p.expect(")")
        elif w == "SUBALIGN" and p.word_then("("):
            p.pos = q + 8
            p.expect("(")
            st.subalign = _expr(p)
            p.expect(")")
        elif w in ("ONLY_IF_RO", "ONLY_IF_RW"):
            p.pos = q + len(w)
            st.constraint = w
        elif w in _REFUSED:
            p.refuse(_REFUSED[w], q)
        else:
            break
    p.expect("{", "'{' to open the output section's commands")
    _section_body(p, st.body, False)
    _trailers(p, st, regions=True)
    p.accept(",")
    return st


def _section_body(p, body, until_eof):
    while not (p.at_end() if until_eof else p.accept("}")):
        if p.at_end():
            p.fail("'}'")
        if p.accept(";"):
            continue
        pos = p.skip()
        if p.peek_word() == "INCLUDE" and not p.word_then("("):
            _section_body(_include(p, pos), body, True)
            continue
        cmd = _section_command(p)
        if cmd is not None:
            body.append(cmd)


def _fill_spec(p):
    """ld's fill rule: a bare hex number is the pattern itself, every digit (leading zeros too);
    anything else is an expression bfd evaluates as it reads it (scriptlayout.fill_pattern)."""
    import re
    q = p.skip()
    m = re.compile(r"0[xX]([0-9a-fA-F]+)(?![\w.$])").match(p.t, q)
    if m:
        r = m.end()
        while r < p.n and p.t[r] in " \t\r\n":
            r += 1
        if r < p.n and p.t[r] in "-+*/%&|<>?=!":
            m = None        # an expression that starts with a number
    if m:
        p.pos = m.start() + 2 + len(m.group(1))
        digits = m.group(1)
        if len(digits) % 2:
            digits = "0" + digits
        return ("hex", bytes.fromhex(digits))
    from ..scriptlayout import fill_pattern     # (bfd evaluates it here, while reading the script)
    return ("hex", fill_pattern(_expr(p), p.where(q)))


def _type_ahead(p) -> bool:
    save = p.pos
    p.accept("(")
    w = p.peek_word()
    p.pos = save
    return w in _TYPES


def _sec_type(p, st):
    p.expect("(")
    q = p.skip()
    w = p.peek_word()
    p.pos = q + len(w)
    # bfd's grammar: COPY, INFO, DSECT and OVERLAY all make a section that is not allocated (it
    # still takes an address and moves `.`); READONLY drops the write flag
    if w in ("COPY", "INFO", "DSECT", "OVERLAY"):
        st.type = "NOALLOC"
    elif w in ("NOLOAD", "READONLY") and not p.peek_op("("):
        st.type = w
    elif w == "TYPE" or w == "READONLY" and p.peek_op("(") and _type_ahead(p):
        # bfd 2.40's `(TYPE = t)` and `(READONLY (TYPE = t))`: t is a SHT_ name or an expression
        st.type = w
        if w == "READONLY":
            p.expect("(")
            q = p.skip()
            if p.peek_word() != "TYPE":
                p.fail("TYPE")
            p.pos = q + 4
        p.expect("=")
        q = p.skip()
        tw = p.peek_word()
        if tw and tw.startswith("SHT_") and not p.word_then("("):
            p.pos = q + len(tw)
            st.sectype = (tw, p.where(q))
        else:
            st.sectype = (_expr(p), p.where(q))
        if w == "READONLY":
            p.expect(")")
    else:
        p.refuse(f"output section type ({w})", q)
    p.expect(")")


def _section_command(p):
    pos = p.skip()
    where = p.where(pos)
    w = p.peek_word()
    if w in _DATA and p.word_then("("):
        p.pos = pos + len(w)
        p.expect("(")
        e = _expr(p)
        p.expect(")")
        p.accept(";")
        return DataCmd(_DATA[w], e, where)
    if w in ("PROVIDE", "PROVIDE_HIDDEN", "HIDDEN") and p.word_then("("):
        return _statement_assign(p, w)
    if w == "ASSERT" and p.word_then("("):
        return _assert(p)
    if w == "SORT" and p.word_then("("):
        # SORT(CONSTRUCTORS), as bfd's own default script has it: CONSTRUCTORS, sorted (a no-op for ELF)
        p.pos = p.skip() + 4
        p.expect("(")
        if p.peek_word() == "CONSTRUCTORS":
            p.pos = p.skip() + len("CONSTRUCTORS")
            if p.accept(")"):
                p.accept(";")
                return None
        p.pos = pos
    if w in ("CONSTRUCTORS", "CREATE_OBJECT_SYMBOLS") and not _is_assign_ahead(p):
        # bfd collects a.out constructor sets and makes per-file symbols only for formats that use
        # its generic symbol output: for ELF both change nothing (checked against ld.bfd)
        p.pos = pos + len(w)
        p.accept(";")
        return None
    if w in _REFUSED and w not in ("FILL",) and p.word_then("("):
        p.refuse(_REFUSED[w], pos)
    if w == "FILL" and p.word_then("("):
        p.pos = pos + 4
        p.expect("(")
        f = _fill_spec(p)
        p.expect(")")
        p.accept(";")
        return FillCmd(f, where)
    if _is_assign_ahead(p):
        return _statement_assign(p)
    if w == "KEEP" and p.word_then("("):
        p.pos = pos + 4
        p.expect("(")
        d = _input_desc(p, True, where)
        p.expect(")")
        return d
    return _input_desc(p, False, where)


# the section flag names INPUT_SECTION_FLAGS knows (bfd's ELF table)
_SHF_NAMES = {"SHF_WRITE": 0x1, "SHF_ALLOC": 0x2, "SHF_EXECINSTR": 0x4, "SHF_MERGE": 0x10,
              "SHF_STRINGS": 0x20, "SHF_INFO_LINK": 0x40, "SHF_LINK_ORDER": 0x80,
              "SHF_OS_NONCONFORMING": 0x100, "SHF_GROUP": 0x200, "SHF_TLS": 0x400,
              "SHF_COMPRESSED": 0x800, "SHF_GNU_RETAIN": 0x200000, "SHF_EXCLUDE": 0x80000000}


def _section_flags(p):
    """INPUT_SECTION_FLAGS(SHF_A & !SHF_B …): the flags an input section must have and must not."""
    p.expect("(")
    want = deny = 0
    while True:
        q = p.skip()
        neg = p.accept("!")
        w = p.peek_word()
        if w in _SHF_NAMES:
            bit = _SHF_NAMES[w]
        elif w and w[0].isdigit() and _number(w) is not None:
            bit = _number(w)
        else:
            raise LinkError(f"{p.where(q)}: unrecognized INPUT_SECTION_FLAGS type `{w or p._peek_text(q)}'")
        p.pos = p.skip() + len(w)
        if neg:
            deny |= bit
        else:
            want |= bit
        if not p.accept("&"):
            break
    p.expect(")")
    return want, deny


def _input_desc(p, keep, where):
    flags = None
    if p.peek_word() == "INPUT_SECTION_FLAGS" and p.word_then("("):
        p.pos = p.skip() + len("INPUT_SECTION_FLAGS")
        flags = _section_flags(p)
    d = _input_desc1(p, keep, where)
    d.flags = flags
    return d


def _input_desc1(p, keep, where):
    pos = p.skip()
    file_excl = []
    sort_files = None
    w = p.peek_word()
    if w == "EXCLUDE_FILE" and p.word_then("("):
        p.pos = pos + len(w)
        file_excl = _simple_args(p)
        fpat = p.name(wild=True, what="a file name pattern")
    elif w in _SORTS and p.word_then("("):
        if w in ("SORT_BY_ALIGNMENT", "SORT_BY_INIT_PRIORITY"):
            p.fail("a file name pattern (bfd sorts file names only by name)", pos)
        p.pos = pos + len(w)
        p.expect("(")
        fpat = p.name(wild=True, what="a file name pattern")
        p.expect(")")
        sort_files = _SORTS[w]
    else:
        fpat = p.name(wild=True, what="an input section description")
    if not p.peek_op("("):
        # a bare file name: all of its sections
        d = InputDesc(fpat, file_excl, [([], "*", None)], keep, sort_files, where)
        d.bare = True
        return d
    p.expect("(")
    pats = []
    excl = []
    while not p.accept(")"):
        if p.accept(","):
            continue
        if p.at_end():
            p.fail("')'")
        q = p.skip()
        w = p.peek_word()
        if w == "EXCLUDE_FILE" and p.word_then("("):
            p.pos = q + len(w)
            excl = _simple_args(p)
            continue
        if w in _SORTS and p.word_then("("):
            p.pos = q + len(w)
            p.expect("(")
            inner = p.skip()
            w2 = p.peek_word()
            sort = _SORTS[w]
            if w2 in _SORTS and p.word_then("("):
                p.pos = inner + len(w2)
                p.expect("(")
                pat = p.name(wild=True, what="a section name pattern")
                p.expect(")")
                if _SORTS[w2] != sort:
                    sort = sort + "+" + _SORTS[w2]
            elif w2 in _REFUSED:
                p.refuse(_REFUSED[w2], inner)
            else:
                if w2 == "EXCLUDE_FILE":
                    p.refuse("EXCLUDE_FILE inside SORT", inner)
                pat = p.name(wild=True, what="a section name pattern")
            p.expect(")")
            pats.append((excl, pat, sort))
            excl = []
            continue
        if w in _REFUSED and p.word_then("("):
            p.refuse(_REFUSED[w], q)
        pats.append((excl, p.name(wild=True, what="a section name pattern"), None))
        excl = []
    if not pats:
        p.fail("a section name pattern", pos)
    return InputDesc(fpat, file_excl, pats, keep, sort_files, where)
