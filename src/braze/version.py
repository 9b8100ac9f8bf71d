"""Version scripts and dynamic lists: which symbols are exported (global:/local: with glob patterns,
`extern "C++"` blocks). Version nodes are parsed; emitting .gnu.version_d is issue 3's work."""
from __future__ import annotations

import fnmatch
import re

from .diag import LinkError, cxx_name
from .symbols import COMMON

_TOK = re.compile(r'\s+|#[^\n]*|/\*.*?\*/|"[^"]*"|[{}();:]|[^\s{}();:"]+', re.S)


def _tokens(text: str, path: str) -> list[str]:
    out = []
    pos = 0
    while pos < len(text):
        m = _TOK.match(text, pos)
        if not m:
            raise LinkError(f"{path}: syntax error in version script near {text[pos:pos + 20]!r}")
        pos = m.end()
        t = m.group(0)
        if t[0].isspace() or t.startswith("#") or t.startswith("/*"):
            continue
        out.append(t)
    return out


def parse_version_script(text: str, path: str):
    """Returns a list of nodes: (name or None, [(pattern, is_cxx, scope)], parents)."""
    toks = _tokens(text, path)
    nodes = []
    i = 0
    n = len(toks)

    def need(t):
        nonlocal i
        if i >= n or toks[i] != t:
            raise LinkError(f"{path}: syntax error in version script: expected '{t}' but found "
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
        while i < n and toks[i] != "}":
            t = toks[i]
            if t in ("global", "local") and i + 1 < n and toks[i + 1] == ":":
                scope = t
                i += 2
                continue
            if t == "extern":
                lang = toks[i + 1].strip('"')
                i += 2
                need("{")
                while i < n and toks[i] != "}":
                    if toks[i] != ";":
                        pats.append((toks[i].strip('"'), lang == "C++", scope))
                    i += 1
                need("}")
                if i < n and toks[i] == ";":
                    i += 1
                continue
            if t == ";":
                i += 1
                continue
            pats.append((t.strip('"'), False, scope))
            i += 1
        need("}")
        parents = []
        while i < n and toks[i] != ";":
            parents.append(toks[i])
            i += 1
        need(";")
        nodes.append((name, pats, parents))
    return nodes


def _match(pat: str, name: str, cxx: bool) -> bool:
    target = cxx_name(name) if cxx else name
    if any(c in pat for c in "*?["):
        return fnmatch.fnmatchcase(target, pat)
    return target == pat


def apply_version_scripts(ctx) -> None:
    cfg = ctx.config
    texts = list(ctx.version_texts)
    for p in cfg.version_scripts:
        try:
            with open(p) as f:
                texts.append((p, f.read()))
        except OSError as e:
            raise LinkError(f"cannot open version script {p}: {e.strerror}") from None
    nodes = []
    for path, text in texts:
        nodes.extend(parse_version_script(text, path))
    ctx.version_nodes = nodes
    exact_global, glob_global, exact_local, glob_local = set(), [], set(), []
    for _name, pats, _p in nodes:
        for pat, cxx, scope in pats:
            wild = cxx or any(c in pat for c in "*?[")
            if scope == "global":
                (glob_global.append((pat, cxx)) if wild else exact_global.add(pat))
            else:
                (glob_local.append((pat, cxx)) if wild else exact_local.add(pat))
    for s in ctx.symtab.values():
        if s.rank < COMMON or s.file is None or s.file.is_shared:
            continue
        name = s.name
        if name in exact_global or any(_match(p, name, c) for p, c in glob_global):
            continue
        if name in exact_local or any(_match(p, name, c) for p, c in glob_local):
            s.hidden_local = True
            s.export = False


def apply_dynamic_list(ctx) -> None:
    pats = []
    for p in ctx.config.dynamic_list:
        try:
            with open(p) as f:
                text = f.read()
        except OSError as e:
            raise LinkError(f"cannot open dynamic list {p}: {e.strerror}") from None
        for _n, ps, _p in parse_version_script(text if text.strip().endswith(";") else text + ";", p):
            pats.extend(ps)
    for s in ctx.symtab.values():
        if s.rank < COMMON or s.file is None or s.file.is_shared:
            continue
        if any(_match(p, s.name, c) for p, c, _sc in pats):
            s.export = True
