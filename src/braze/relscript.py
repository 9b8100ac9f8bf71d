"""The SECTIONS command of a linker script given with `-r` (as kbuild's scripts/module.lds for Linux
modules): output sections in order, each a list of input-section patterns (`*(NAME GLOB ...)`,
`SORT(...)`/`SORT_BY_NAME(...)`, `KEEP(...)`), an optional address (ignored: -r addresses are 0) and
`ALIGN(N)`; `/DISCARD/` drops what it matches.  Anything else in SECTIONS is refused with an error,
never ignored.  (Final links with SECTIONS scripts stay unsupported.)"""
from __future__ import annotations

from .diag import LinkError


class OutStatement:
    def __init__(self, name: str):
        self.name = name
        self.align = 1
        self.patterns: list = []      # (globs, sort)
        self.pos = 0


def parse_sections(toks: list, i: int, path: str) -> tuple[list, int]:
    """Parse `{ ... }` after SECTIONS starting at toks[i]; returns (statements, next index)."""
    n = len(toks)

    def err(msg):
        return LinkError(f"{path}: {msg} in SECTIONS (braze supports output sections of input-section "
                         f"patterns with -r only)")

    def expect(t):
        nonlocal i
        if i >= n or toks[i] != t:
            raise err(f"expected '{t}' near {' '.join(toks[i:i + 4])!r}")
        i += 1

    expect("{")
    out = []
    while i < n and toks[i] != "}":
        name = toks[i]
        i += 1
        if name.endswith(":"):
            toks.insert(i, ":")
            name = name[:-1]
            n += 1
        st = OutStatement(name)
        # [address] ':' [ALIGN(N)]
        while i < n and toks[i] != ":":
            t = toks[i]
            if t.endswith(":"):          # `0:`
                toks[i] = ":"
                if t[:-1] and not t[:-1].isdigit():
                    raise err(f"unsupported address {t[:-1]!r}")
                break
            if not (t.isdigit() or t.lower().startswith("0x")):
                raise err(f"unsupported output section address {t!r}")
            i += 1
        expect(":")
        while i < n and toks[i] != "{":
            t = toks[i]
            if t == "ALIGN" and toks[i + 1:i + 2] == ["("] and toks[i + 3:i + 4] == [")"]:
                try:
                    st.align = int(toks[i + 2], 0)
                except ValueError:
                    raise err(f"unsupported ALIGN({toks[i + 2]})") from None
                i += 4
            else:
                raise err(f"unsupported output section attribute {t!r}")
        expect("{")
        while i < n and toks[i] != "}":
            t = toks[i]
            keep = False
            if t == "KEEP":
                i += 1
                expect("(")
                keep = True
                t = toks[i]
            if t != "*":
                raise err(f"unsupported input specification {t!r}")
            i += 1
            expect("(")
            while i < n and toks[i] != ")":
                g = toks[i]
                sort = False
                if g in ("SORT", "SORT_BY_NAME"):
                    i += 1
                    expect("(")
                    globs = []
                    while i < n and toks[i] != ")":
                        globs.append(toks[i])
                        i += 1
                    expect(")")
                    sort = True
                elif g in ("EXCLUDE_FILE", "SORT_BY_ALIGNMENT", "SORT_BY_INIT_PRIORITY", "SORT_NONE", "REVERSE"):
                    raise err(f"unsupported {g}")
                else:
                    globs = [g]
                    i += 1
                st.patterns.append((globs, sort))
            expect(")")
            if keep:
                expect(")")
            if i < n and toks[i] == ";":
                i += 1
        expect("}")
        if i < n and toks[i] not in ("}",) and (toks[i].startswith(">") or toks[i].startswith("AT")):
            raise err(f"unsupported {toks[i]!r}")
        if i < n and toks[i] == ";":
            i += 1
        st.pos = len(out)
        out.append(st)
    expect("}")
    return out, i
