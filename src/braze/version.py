"""Version scripts, .symver versions and dynamic lists: which symbols are exported and with which
version (global:/local: with glob patterns, `extern "C++"` blocks, named nodes with dependencies).
The rules are bfd's: the first exact name match wins, wildcards only when nothing names the symbol
exactly, `*` last; a .symver version is taken as given and only its own node can make it local."""
from __future__ import annotations

import os

from . import diag
from .diag import LinkError, _demangle_batch, option_file_error
from .elf import STB_GLOBAL, STT_COMMON, STT_OBJECT, STV_HIDDEN, STV_INTERNAL, VERSYM_HIDDEN
from .symbols import COMMON, STRONG, Symbol, SCRIPT_EXPORTABLE, ScriptDefs

# `::` belongs to C++ names (vns::g*); a single ':' ends global/local
_TOK_RE = r'\s+|#[^\n]*|/\*.*?\*/|"[^"]*"|(?:[^\s{}();:"]|::)+|[{}();:]'
_TOK = None     # compiled on first use: importing re costs every link ~6 ms of start-up


def _tokens(text: str, path: str, what: str = "version script") -> list[str]:
    global _TOK
    if _TOK is None:
        import re
        _TOK = re.compile(_TOK_RE, re.S)
    out = []
    pos = 0
    while pos < len(text):
        m = _TOK.match(text, pos)
        if not m:
            raise LinkError(f"{path}: syntax error in {what} near {text[pos:pos + 20]!r}")
        pos = m.end()
        t = m.group(0)
        if t[0].isspace() or t.startswith("#") or t.startswith("/*"):
            continue
        out.append(t)
    return out


def _pattern(tok: str, cxx: bool, scope: str) -> tuple:
    """A quoted pattern is a literal name even if it contains glob characters."""
    if tok.startswith('"'):
        return tok.strip('"'), cxx, scope, True
    return tok, cxx, scope, not any(c in tok for c in "*?[")


def parse_version_script(text: str, path: str, what: str = "version script",
                         problems: list | None = None):
    """Returns a list of nodes: (name or None, [(pattern, is_cxx, scope, literal)], parents).  WHAT
    names the kind of file in a syntax error (bfd: "dynamic list" for --dynamic-list's). PROBLEMS
    collects bfd's non-fatal errors (an unknown `extern` language): the caller reports them."""
    toks = _tokens(text, path, what)
    if not toks and what == "version script":
        # (bfd's grammar wants at least one node: an empty or comment-only file, or `VERSION { }`
        # in a linker script, is its syntax error)
        raise LinkError(f"{path}: syntax error in {what}: no version node")
    nodes = []
    i = 0
    n = len(toks)

    def need(t):
        nonlocal i
        if i >= n or toks[i] != t:
            raise LinkError(f"{path}: syntax error in {what}: expected '{t}' but found "
                            f"'{toks[i] if i < n else 'end of file'}'")
        i += 1

    while i < n:
        name = None
        if toks[i] != "{":
            name = toks[i]
            i += 1
        need("{")
        pats = []
        scope = "global"
        # bfd's grammar for a node: empty, or NAMES ';', or `global:` NAMES ';' [`local:` NAMES ';'],
        # or `local:` NAMES ';' -- each list non-empty, every name followed by one ';'. bfd refuses
        # anything else (`global:` with no names, `local:` before `global:`, `;;`, a missing ';').
        # (A dynamic list or a script's VERSION stays lenient, as before.)
        strict = what == "version script"
        labels: list = []
        state = "start"     # start | label (names needed) | item (';' needed) | sep

        def bad(found):
            raise LinkError(f"{path}: syntax error in {what}: unexpected '{found}'"
                            + (f" in version node `{name}'" if name else ""))
        while i < n and toks[i] != "}":
            t = toks[i]
            if t in ("global", "local") and i + 1 < n and toks[i + 1] == ":":
                if strict and not (state == "start" or (state == "sep" and labels == ["global"] and t == "local")):
                    bad(f"{t}:")
                labels.append(t)
                state = "label"
                scope = t
                i += 2
                continue
            if t == ";":
                if strict and state != "item":
                    bad(";")
                state = "sep"
                i += 1
                continue
            if strict and state == "item":
                bad(t)
            state = "item"
            if t == "extern":
                if i + 1 >= n:
                    raise LinkError(f"{path}: syntax error in {what}: 'extern' at end of file")
                lang = toks[i + 1].strip('"')
                # bfd compares the language case-insensitively (`extern "c++"` is C++); any
                # other than C, C++ and Java is an error, and its names are taken as C's
                if lang.lower() not in ("c", "c++", "java") and problems is not None:
                    problems.append(f"unknown language `{lang}' in version information")
                is_cxx = lang.lower() == "c++"
                i += 2
                need("{")
                if strict and i < n and toks[i] in ("}", ";"):
                    bad(toks[i])
                while i < n and toks[i] != "}":
                    if toks[i] != ";":
                        pats.append(_pattern(toks[i], is_cxx, scope))
                    i += 1
                need("}")
                if not strict and i < n and toks[i] == ";":
                    i += 1
                continue
            pats.append(_pattern(t, False, scope))
            i += 1
        if strict and state in ("label", "item") and i < n:
            bad("}")
        need("}")
        parents = []
        while i < n and toks[i] != ";":
            parents.append(toks[i])
            i += 1
        need(";")
        nodes.append((name, pats, parents))
    return nodes


class Node:
    """One version node; `index` is its .gnu.version number (1 for the anonymous node)."""

    def __init__(self, name, pats, parents, index):
        self.name = name
        self.parents = parents
        self.index = index
        self.pats = pats
        self.lists = {}
        for scope in ("global", "local"):
            ps = [p for p in pats if p[2] == scope]
            exact = {}
            for p in ps:
                if p[3]:
                    exact.setdefault((p[0], p[1]), p)
            self.lists[scope] = (exact, [p for p in ps if not p[3]])

    def match(self, scope, name, cxx_name):
        """The patterns of `scope` matching the symbol: an exact match alone, else the wildcards."""
        exact, globs = self.lists[scope]
        p = exact.get((name, False))
        if p is None and cxx_name is not None:
            p = exact.get((cxx_name, True))
        if p is not None:
            return [p]
        if not globs:
            return []
        import fnmatch      # here, not at import: fnmatch imports re, ~6 ms of every link's start-up
        return [g for g in globs if (cxx_name is not None or not g[1]) and
                fnmatch.fnmatchcase(cxx_name if g[1] else name, g[0])]


def _find_version(nodes, name, cxx_name, used):
    """bfd's search: (node, is_global) or None when no node mentions the symbol."""
    glob_v = loc_v = star_glob = star_loc = None
    for t in nodes:
        for scope in ("global", "local"):
            ms = t.match(scope, name, cxx_name)
            literal = False
            for p in ms:
                used.add(id(p))
                if p[3] or p[0] != "*":
                    if scope == "global":
                        glob_v = t
                    else:
                        loc_v = t
                else:
                    if scope == "global":
                        star_glob = t
                    else:
                        star_loc = t
                literal = literal or p[3]
            if literal:
                if scope == "local":
                    glob_v = star_glob = None
                break
        else:
            continue
        break
    if glob_v is None and loc_v is None:
        glob_v = star_glob
    if glob_v is not None:
        return glob_v, True
    loc_v = loc_v or star_loc
    return (loc_v, False) if loc_v is not None else None


def _report_once(ctx, problems: list) -> None:
    """bfd's `%X` errors from reading a script: the link goes on and fails before writing. The LTO
    plugin's resolutions read the scripts before the export pass does: each is reported once."""
    if not problems:
        return
    seen = ctx.__dict__.setdefault("_script_problems", set())
    for m in problems:
        if m not in seen:
            seen.add(m)
            diag.error(m)


def _check_duplicates(earlier: list, pats: list) -> None:
    """bfd's lang_register_vers_node: a pattern that a new node makes global and an earlier node
    made local (or the reverse) is an error, `duplicate expression`, when both are the same
    literal name or the same wildcard text in the same language. Within one node, and between the
    global lists (or the local lists) of two nodes, a repeated pattern is allowed."""
    for scope, other in (("global", "local"), ("local", "global")):
        for p in sorted((p for p in pats if p[2] == scope), key=lambda p: not p[3]):
            for t in earlier:
                exact, globs = t.lists[other]
                if ((p[0], p[1]) in exact if p[3]
                        else any(g[0] == p[0] and g[1] == p[1] for g in globs)):
                    raise LinkError(f"duplicate expression `{p[0]}' in version information")


def _load_nodes(ctx) -> list:
    cfg = ctx.config
    texts = list(ctx.version_texts)
    for p in cfg.version_scripts:
        try:
            with open(p, encoding="utf-8", errors="replace") as f:
                texts.append((p, f.read()))
        except OSError as e:
            raise option_file_error(LinkError(f"cannot open version script {p}: {e.strerror}")) from None
    raw = []
    for path, text in texts:
        problems: list = []
        try:
            raw.extend(parse_version_script(text, path, problems=problems))
        except LinkError as e:
            if path in cfg.version_scripts:
                option_file_error(e)
            raise
        finally:
            _report_once(ctx, problems)
    if any(n[0] is None for n in raw) and len(raw) > 1:
        raise LinkError("anonymous version tag cannot be combined with other version tags")
    nodes = []
    by_name = {}
    nxt = 3 if cfg.default_symver else 2     # --default-symver's node comes first
    for name, pats, parents in raw:
        if name is not None and name in by_name:
            raise LinkError(f"duplicate version tag `{name}'")
        for par in parents:
            if par not in by_name:
                raise LinkError(f"unable to find version dependency `{par}'")
        _check_duplicates(nodes, pats)
        node = Node(name, pats, parents, 1 if name is None else nxt)
        if name is not None:
            nxt += 1
            by_name[name] = node
        nodes.append(node)
    return nodes


def assign_versions(ctx) -> None:
    """Export control from version scripts, and the .gnu.version number of every own definition.
    Builds ctx.verdefs [(name, parents)] (index 1 = the base version) and ctx.version_syms."""
    cfg = ctx.config
    nodes = _load_nodes(ctx) if (ctx.version_texts or cfg.version_scripts) else []
    named = {n.name: n for n in nodes if n.name is not None}
    order = [n for n in nodes if n.name is not None]
    out_name = cfg.soname or os.path.basename(cfg.output)
    default = None
    if cfg.default_symver:
        default = Node(out_name, [], [], 2)
        order.insert(0, default)
    ours = [s for s in ctx.symtab.values()
            if s.rank >= COMMON and s.file is not None and not s.file.is_shared]
    # (bfd applies a version script's `local:` only to an output with dynamic sections: a static
    # executable's .symtab keeps its globals)
    hide = bool(ctx.dynamic)
    cxx = _demangler([p for n in nodes for p in n.pats],
                     [s.name.partition("@")[0] for s in ours] + ctx.symver_aliases)
    used = set()
    symver_nodes = set()      # nodes a `.symver` name assigned a symbol to
    for s in ours:
        name = s.name.partition("@")[0] if s.dyn_version else s.name
        cxx_name = cxx(name)
        if s.dyn_version is not None:
            vname, hidden = s.dyn_version
            if not vname:
                # `.symver x, foo@` / `foo@@`: bfd gives foo the base version and no version script
                # node applies to it (not even `local: *`)
                s.version = 1 | (VERSYM_HIDDEN if hidden else 0)
                continue
            t = named.get(vname)
            if hidden and hide and not cfg.shared and not s.export and not s.ref_dynamic:
                # bfd (_bfd_elf_fix_symbol_flags): a dynamic executable's hidden version that
                # nothing exports (-E, a dynamic list, a library's reference) is forced local;
                # its node still counts as one a .symver uses (no VER_FLG_WEAK)
                s.hidden_local = True
                if t is not None:
                    symver_nodes.add(t.name)
                continue
            if t is None:
                if cfg.shared:
                    diag.error(f"{cfg.output}: version node not found for symbol {_symver(s)}")
                    continue
                if not s.export:
                    continue
                t = named[vname] = Node(vname, [], [], 2 + len(order))
                order.append(t)
            ms = t.match("global", name, cxx_name)
            used.update(id(p) for p in ms)
            if not ms and t.match("local", name, cxx_name) and not cfg.export_dynamic:
                s.hidden_local = hide
                s.export = False
            s.version = t.index | (VERSYM_HIDDEN if hidden else 0)
            symver_nodes.add(t.name)
            continue
        found = _find_version(nodes, name, cxx_name, used) if nodes else None
        if found is not None and found[1] and (name, False) in found[0].lists["global"][0] and \
                _defined_here(ctx.symtab.get(f"{name}@{found[0].name}")):
            # bfd: a node naming `foo` literally while the objects define foo@NODE hides plain foo
            s.hidden_local = hide
            s.export = False
            continue
        _apply_found(s, found, default, hide)
    for name in ctx.symver_aliases if nodes else ():
        # bfd still gives the aliased plain name (resolve._bind_hidden_version_aliases) its version
        # node, so the pattern naming it counts as used for --no-undefined-version
        _find_version(nodes, name, cxx(name), used)
    if nodes or default is not None:
        # bfd: the symbols its default script defines that an output exports (an executable's -E:
        # _edata, _end, __bss_start, and those PROVIDEd it refers to; a library's PROVIDEd ones) and
        # the __start_X/__stop_X it defines go through the version script as the objects' do:
        # `local: *` keeps them out of .dynsym (LOCAL in .symtab), a global pattern gives them its
        # version, --default-symver its own
        names = SCRIPT_EXPORTABLE + ctx.target.extra_linker_syms + ctx.target.provided_syms if nodes else ()
        for n in names:
            s = ctx.symtab.get(n)
            if s is None or not s.linker_defined or s.visibility in (1, 2):   # (defined at layout: no rank yet; 1, 2: internal, hidden)
                continue
            if cfg.shared and not s.export:
                continue
            _apply_found(s, _find_version(nodes, n, n, used), default, hide)
        for s in ctx.bound_syms:
            # (as bindsyms.dynsym_choice exports them: a library's always)
            if not s.linker_defined or s.visibility in (1, 2) or \
                    not (cfg.shared or s.ref_dynamic or cfg.export_dynamic or s.export):
                continue
            export = s.export
            s.export = True         # (_apply_found gives an unexported one the base version)
            _apply_found(s, _find_version(nodes, s.name, s.name, used) if nodes else None, default, hide)
            s.export = export and not s.hidden_local
    if cfg.no_undefined_version:
        for t in nodes:
            for p in reversed(t.lists["global"][0].values()):
                if id(p) not in used:
                    diag.error(f"{p[0]}: undefined version: {t.name or ''}")
    diag.check_errors()
    ctx.verdefs = []
    ctx.version_syms = []
    # bfd marks VER_FLG_WEAK a node the script gave no patterns (`V { };`) when no `.symver` put a
    # symbol in it (libdw's `ELFUTILS_0 { };`); --default-symver's node never
    ctx.verdef_weak = {t.name for t in order if t is not default and not t.pats and t.name not in symver_nodes}
    if order:
        ctx.verdefs = [(out_name, [])] + [(t.name, t.parents) for t in order]
        for t in order if hide else ():     # (no version symbols in a static .symtab, as bfd)
            v = Symbol(t.name)
            v.rank = STRONG
            v.is_abs = True
            v.type = STT_OBJECT
            v.bind = STB_GLOBAL
            v.export = True
            v.version = t.index
            ctx.version_syms.append(v)


def _apply_found(s, found, default, hide: bool) -> None:
    """A symbol's version from _find_version's answer: the node of a global pattern, the base (or
    --default-symver's) without one, hidden by a local one (in an output with dynamic sections)."""
    if found is None:
        s.version = default.index if default is not None and s.export else 1
    elif found[1]:
        s.version = found[0].index
    else:
        s.hidden_local = hide
        s.export = False


def _defined_here(s) -> bool:
    return s is not None and s.rank >= COMMON and s.file is not None and not s.file.is_shared


def _symver(s) -> str:
    base = s.name.partition("@")[0]
    vname, hidden = s.dyn_version
    return f"{base}{'@' if hidden else '@@'}{vname}"


# bfd's --dynamic-list-cpp-typeinfo / --dynamic-list-cpp-new lists (extern "C++" globs)
_BUILTIN_LISTS = {"typeinfo": ("typeinfo name for*", "typeinfo for*"),
                  "new": ("operator new*", "operator delete*")}


def dynamic_list_patterns(ctx) -> list:
    """The patterns of the link's dynamic list: --dynamic-list files, the --export-dynamic-symbol(-list)
    patterns that join them (cli decides when), --dynamic-list-cpp-typeinfo/-new."""
    cfg = ctx.config
    pats: list = []
    files = list(cfg.dynamic_list)
    if cfg.dynamic_list_exports:
        for kind, v in cfg.export_dynamic_symbols:
            if kind == "file":
                files.append(v)
            else:
                pats.append(_pattern(v, False, "global"))
    for p in files:
        try:
            with open(p, encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError as e:
            raise option_file_error(LinkError(f"cannot open dynamic list {p}: {e.strerror}")) from None
        problems: list = []
        try:
            for _n, ps, _p in parse_version_script(text if text.strip().endswith(";") else text + ";", p,
                                                   "dynamic list", problems):
                pats.extend(ps)
        except LinkError as e:
            raise option_file_error(e)
        finally:
            _report_once(ctx, problems)
    for b in cfg.dynamic_list_builtin:
        pats.extend(_pattern(p, True, "global") for p in _BUILTIN_LISTS[b])
    return pats


def dynamic_list_matcher(ctx):
    """name, type -> whether the dynamic list (or --dynamic-list-data) names the symbol: the LTO
    plugin's resolutions ask it before the IR is compiled (bfd marks such a symbol as referenced
    from outside the IR, non_ir_ref_dynamic, so GCC keeps it global)."""
    cfg = ctx.config
    pats = dynamic_list_patterns(ctx)
    node = Node("", pats, [], 1)
    data = cfg.dynamic_list_data
    demangle = any(p[1] for p in pats)

    def match(name: str, typ: int) -> bool:
        if data and typ in (STT_OBJECT, STT_COMMON):
            return True
        if not pats:
            return False
        cxx = (diag.cxx_name(name) if name.startswith("_Z") else name) if demangle else None
        return bool(node.match("global", name, cxx))
    return match


def apply_dynamic_list(ctx) -> None:
    """The dynamic list (dynamic_list_patterns): an executable exports the definitions it names;
    in -shared those stay preemptible."""
    cfg = ctx.config
    pats = dynamic_list_patterns(ctx)
    node = Node("", pats, [], 1)
    ours = [s for s in ctx.symtab.values() if s.rank >= COMMON and s.file is not None and not s.file.is_shared]
    data = cfg.dynamic_list_data
    cxx = _demangler(pats, [s.name for s in ours])
    listed = ctx.dynamic_listed
    data_only = ctx.data_only_exports
    for s in ours:
        named = node.match("global", s.name, cxx(s.name))
        # (bfd applies the data rule as it reads an object's symbols: not to --defsym/script ones)
        if named or (data and s.type in (STT_OBJECT, STT_COMMON) and not isinstance(s.file, ScriptDefs)):
            listed.add(id(s))
            if s.visibility not in (STV_HIDDEN, STV_INTERNAL):
                if not named and not s.export and not cfg.shared:
                    # bfd's gc roots an executable's dynamic-list names, not --dynamic-list-data's data
                    # (bfd_elf_gc_mark_dynamic_ref_symbol asks d->match); exported if it survives
                    data_only.add(id(s))
                s.export = True
    if not cfg.shared:
        # an executable also exports the linker-defined symbols listed that bfd would export under
        # --export-dynamic (__start_X/__stop_X, _edata, _end, __bss_start): bindsyms.dynsym_choice
        extra = set(SCRIPT_EXPORTABLE) | set(ctx.target.extra_linker_syms) | set(ctx.target.provided_syms)
        for s in ctx.symtab.values():
            if s.linker_defined and (s.name in extra or s.name.startswith(("__start_", "__stop_"))) and \
                    s.visibility not in (STV_HIDDEN, STV_INTERNAL) and node.match("global", s.name, s.name):
                s.export = True


def _demangler(pats, names):
    """name -> the name `extern "C++"` patterns see (None when there are none): demangled in one
    batch; a name that is not mangled is matched as it is, as bfd does."""
    if not any(p[1] for p in pats):
        return lambda name: None
    mangled = [n for n in names if n.startswith("_Z")]
    table = dict(zip(mangled, _demangle_batch(mangled)))
    return lambda name: table.get(name, name)
