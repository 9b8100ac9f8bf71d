"""GNU linker scripts as glibc and gcc ship them: GROUP, INPUT, AS_NEEDED, OUTPUT_FORMAT, OUTPUT_ARCH,
SEARCH_DIR, ENTRY, VERSION, and top-level symbol assignments (`sym = expr;`, PROVIDE, HIDDEN,
PROVIDE_HIDDEN). Full SECTIONS scripts are not supported (a clear error says so)."""
from __future__ import annotations

from ..diag import LinkError

_PUNCT = frozenset("(),;{}=")
_WORD_END = frozenset(' \t\n\r\f\v(),;{}="')


def tokenize(text: str, path: str) -> list[str]:
    """Words, quoted strings and punctuation; comments (/* */ and #) and blanks dropped. Written out by
    hand: a gcc link reads libc.so's script every time, and `re` costs more to import than this takes."""
    out = []
    pos = 0
    n = len(text)
    while pos < n:
        c = text[pos]
        if c.isspace():
            pos += 1
        elif c == "/" and text.startswith("/*", pos):
            e = text.find("*/", pos + 2)
            if e < 0:
                raise LinkError(f"{path}: unterminated comment in linker script")
            pos = e + 2
        elif c == "#":
            e = text.find("\n", pos)
            pos = n if e < 0 else e + 1
        elif c == '"':
            e = text.find('"', pos + 1)
            if e < 0:
                raise LinkError(f"{path}: syntax error in linker script near {text[pos:pos + 20]!r}")
            out.append(text[pos:e + 1])
            pos = e + 1
        elif c in _PUNCT:
            out.append(c)
            pos += 1
        else:
            start = pos
            while pos < n and text[pos] not in _WORD_END:
                pos += 1
            out.append(text[start:pos])
    return out


class ScriptResult:
    def __init__(self):
        self.items: list[tuple[str, str, bool]] = []   # (kind, value, as_needed) kinds: file|lib|group_start|group_end
        self.search_dirs: list[str] = []
        self.entry: str | None = None
        self.version_text: str | None = None
        self.assigns: list[tuple[str, str, str]] = []   # (symbol, expression text, PROVIDE/HIDDEN/"")
        self.sections = None    # -r only: SECTIONS statements (relscript.OutStatement)
        self.output = None      # OUTPUT(file): the output's name unless -o gives one
        self.startup = None     # STARTUP(file): an input linked before all others
        self.output_format = None   # OUTPUT_FORMAT's (first) name: the output format unless --oformat gives one


def has_layout_commands(text: str) -> bool:
    """Does a script need the full parser (SECTIONS, MEMORY or anything the small one lacks)? Here, not
    in ldscript.py: a gcc link reads libc.so's script, and importing the full parser to ask cost more."""
    return "SECTIONS" in text or "MEMORY" in text or "PHDRS" in text or "INSERT" in text or \
        "ASSERT" in text or "EXTERN" in text or "NOCROSSREFS" in text or "INCLUDE" in text or \
        "OVERLAY" in text or "REGION_ALIAS" in text or "FORCE_COMMON_ALLOCATION" in text or \
        "LD_FEATURE" in text


def parse_script(text: str, path: str, search=(), relocatable: bool = False) -> ScriptResult:
    """search: the -L directories (INCLUDE looks there after the current directory). relocatable: -r,
    whose SECTIONS (input-section patterns only) relscript.py reduces from the full parser's."""
    if not relocatable:
        if has_layout_commands(text):
            from .ldscript import parse_full
            return parse_full(text, path, search)
    elif "SECTIONS" in text:
        from ..relscript import parse_relocatable      # (the same parser, reduced to what -r lays out)
        return parse_relocatable(text, path, search)
    toks = tokenize(text, path)
    res = ScriptResult()
    i = 0
    n = len(toks)

    def expect(t):
        nonlocal i
        if i >= n or toks[i] != t:
            got = toks[i] if i < n else "end of file"
            raise LinkError(f"{path}: syntax error in linker script: expected '{t}', got '{got}'")
        i += 1

    def file_list(as_needed: bool):
        nonlocal i
        expect("(")
        while i < n and toks[i] != ")":
            t = toks[i]
            if t == ",":
                i += 1
                continue
            if t == "AS_NEEDED":
                i += 1
                file_list(True)
                continue
            i += 1
            if t == "=" and i < n and toks[i] not in _PUNCT:
                t = "=" + toks[i]       # `=/lib/x.so`: a name inside the sysroot (the `=` is punctuation elsewhere)
                i += 1
            t = t.strip('"')
            if t.startswith("-l"):
                res.items.append(("lib", t[2:], as_needed))
            else:
                res.items.append(("file", t, as_needed))
        expect(")")

    while i < n:
        t = toks[i]
        i += 1
        if t == "GROUP":
            res.items.append(("group_start", "", False))
            file_list(False)
            res.items.append(("group_end", "", False))
        elif t == "INPUT":
            file_list(False)
        elif t in ("OUTPUT_FORMAT", "OUTPUT_ARCH", "TARGET", "STARTUP", "OUTPUT", "INCLUDE"):
            expect("(")
            args = []
            while i < n and toks[i] != ")":
                args.append(toks[i].strip('"'))
                i += 1
            expect(")")
            if t == "OUTPUT_FORMAT" and args:
                from ..arch import default_target, targets
                # (libc.so's is the default target's: the other back ends are not imported to check it)
                fmts = [default_target().output_format]
                if args[0] not in fmts:
                    fmts = [x.output_format for x in targets()]
                    fmts += [f for x in targets() for f in x.raw_output_formats if f not in fmts]
                if args[0] not in fmts:
                    raise LinkError(f"{path}: unsupported output format {args[0]} (braze writes {', '.join(fmts)})")
                res.output_format = args[0]
            if t == "STARTUP" and args:
                res.startup = args[0]
                res.items.insert(0, ("file", args[0], False))
            if t == "OUTPUT" and args:
                res.output = args[0]
        elif t == "SEARCH_DIR":
            expect("(")
            res.search_dirs.append(toks[i].strip('"'))
            i += 1
            expect(")")
        elif t == "ENTRY":
            expect("(")
            res.entry = toks[i]
            i += 1
            expect(")")
        elif t == "VERSION":
            # keep the raw text between the outer braces for the version-script parser
            start = text.find("VERSION")
            b = text.find("{", start)
            depth = 0
            j = b
            while j < len(text):
                if text[j] == "{":
                    depth += 1
                elif text[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            res.version_text = text[b + 1:j]
            # skip tokens of the block
            depth = 0
            while i < n:
                if toks[i] == "{":
                    depth += 1
                elif toks[i] == "}":
                    depth -= 1
                    if depth == 0:
                        i += 1
                        break
                i += 1
        elif t == ";":
            continue
        elif t in ("PROVIDE", "HIDDEN", "PROVIDE_HIDDEN") and i < n and toks[i] == "(":
            i += 1
            i = _assignment(toks, i, path, res, t, ")")
            expect(")")
        elif i < n and toks[i] == "=":
            i = _assignment(toks, i - 1, path, res, "", ";")
            expect(";")
        elif t in ("SECTIONS", "MEMORY", "PHDRS"):
            raise LinkError(f"{path}: linker script command {t} is not supported by braze")
        else:
            raise LinkError(f"{path}: syntax error in linker script: unexpected '{t}'")
    return res


def _assignment(toks, i, path, res, kind, end) -> int:
    """`NAME = EXPR` up to `end` (not consumed): the expression's tokens are kept as text for
    passes._define_defsyms, which accepts NUMBER and SYMBOL [+-] NUMBER."""
    n = len(toks)
    if i + 1 >= n or toks[i + 1] != "=":
        got = toks[i + 1] if i + 1 < n else "end of file"
        raise LinkError(f"{path}: syntax error in linker script: expected '=' after '{toks[i]}', got '{got}'")
    name = toks[i]
    j = i + 2
    while j < n and toks[j] not in (end, ";", ")", "(", "{", "}", "="):
        j += 1
    if j >= n or toks[j] != end or j == i + 2:
        raise LinkError(f"{path}: unsupported assignment to {name} in linker script "
                        f"(braze supports NAME = NUMBER or SYMBOL [+-] NUMBER;)")
    res.assigns.append((name, " ".join(toks[i + 2:j]), kind))
    return j
