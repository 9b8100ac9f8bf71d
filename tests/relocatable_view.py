"""Normalised readelf views of ELF files for the -r and --emit-relocs tests (see test_relocatable.py):
sections by name (not index or file offset), symbols as a set with section names, relocations with
symbol names, COMDAT groups by signature and member names."""
from __future__ import annotations

import difflib
import re
import subprocess

from harness import tool_env

_STRTABS = (".strtab", ".shstrtab")


def _readelf(*args) -> str:
    p = subprocess.run(["readelf", "-W", *map(str, args)], capture_output=True, text=True, env=tool_env(),
                       errors="surrogateescape")
    assert p.returncode == 0, p.stderr
    return p.stdout


_SEC = re.compile(r"^\s*\[\s*(\d+)\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)"
                  r"\s+(\S*?)\s*(\d+)\s+(\d+)\s+(\d+)$")


def sections(path) -> list:
    """(index, name, type, flags, entsize, align, size, address) per section header."""
    out = []
    for line in _readelf("-S", path).splitlines():
        m = _SEC.match(line)
        if m and m.group(1) != "0":
            out.append((int(m.group(1)), m.group(2), m.group(3), m.group(8), m.group(7), m.group(11),
                        int(m.group(6), 16), int(m.group(4), 16)))
    return out


def symbols(path, secnames) -> list:
    syms = []
    on = False
    for line in _readelf("-s", path).splitlines():
        if "'.symtab'" in line:
            on = True
            continue
        if "'.dynsym'" in line:
            on = False
            continue
        m = re.match(r"\s*\d+:\s+([0-9a-f]+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*(.*)$", line)
        if on and m and m.group(3) != "SECTION" and m.group(1) + m.group(7) != "0" * 16:
            ndx = m.group(6)
            syms.append((m.group(7), m.group(3), m.group(4), m.group(5), secnames.get(ndx, ndx),
                         m.group(1), m.group(2)))
    return sorted(syms)


def relocations(path) -> list:
    rels = []
    cur = None
    for line in _readelf("-r", path).splitlines():
        m = re.match(r"Relocation section '(\S+)'", line)
        if m:
            cur = m.group(1)
            continue
        m = re.match(r"([0-9a-f]{16})\s+[0-9a-f]+\s+(\S+)\s+(?:[0-9a-f]{16}\s+)?(.*)$", line)
        if m and cur:
            rels.append((cur, m.group(1), m.group(2), m.group(3).strip()))
    return rels


def groups(path) -> list:
    grps = []
    for line in _readelf("-g", path).splitlines():
        m = re.match(r"COMDAT group section \[\s*\d+\] `(\S+)' \[(.*)\] contains (\d+)", line)
        if m:
            grps.append([m.group(2)])
            continue
        m = re.match(r"\s+\[\s*\d+\]\s+(\S+)", line)
        if m and grps:
            grps[-1].append(m.group(1))
    return sorted(map(tuple, grps))


def notes(path) -> list:
    """readelf -n, the build-id's bytes left out (a hash of the whole file)."""
    return [ln.strip() for ln in _readelf("-n", path).splitlines() if "Build ID:" not in ln and ln.strip()]


def view(path) -> dict:
    secs = sections(path)
    names = {str(s[0]): s[1] for s in secs}
    return {"sections": [s[1:7] if s[1] not in _STRTABS else s[1:6] for s in secs],
            "symbols": symbols(path, names), "relocations": relocations(path), "groups": groups(path),
            "notes": notes(path)}


def diff_views(a: dict, b: dict) -> str:
    out = []
    for k in a:
        if a[k] != b[k]:
            out.append(f"== {k} (- under test, + bfd)")
            out.extend(list(difflib.unified_diff([repr(x) for x in a[k]], [repr(x) for x in b[k]],
                                                 lineterm="", n=1))[2:60])
    return "\n".join(out)
