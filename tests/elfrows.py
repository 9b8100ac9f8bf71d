"""What the link-with-bfd-and-braze tests compare, read with binutils (`prefix`: a cross tool's, e.g.
"aarch64-linux-gnu-"): symbol rows, a section's words, the dynamic relocations in their order."""
from __future__ import annotations

import re
import subprocess

from harness import tool_env


def tool(args, cwd, prefix: str = "") -> str:
    """Run a binutils tool (or any command when prefix is empty) and return its stdout."""
    return subprocess.run([prefix + str(args[0]), *map(str, args[1:])], cwd=cwd, capture_output=True,
                          text=True, env=tool_env(), check=True).stdout


def symbol_rows(path, cwd, names, prefix: str = "", dyn: bool = False) -> list[tuple]:
    """(value, type, bind, visibility, section index, name) of the named .symtab (or .dynsym)
    symbols, sorted."""
    out = tool(["readelf", "-W", "--dyn-syms" if dyn else "-s", path], cwd, prefix)
    if not dyn:
        out = out.partition("Symbol table '.symtab'")[2]
    return sorted((f[1], f[3], f[4], f[5], f[6], f[7]) for f in (line.split() for line in out.splitlines())
                  if len(f) == 8 and f[0].endswith(":") and f[7] in names)


def section_names(path, prefix: str = "") -> dict[str, str]:
    """{section index as readelf prints it: its name}, to compare links whose indices differ."""
    secs = {}
    for ln in tool(["readelf", "-SW", path], None, prefix).splitlines():
        f = ln.replace("[ ", "[").split()
        if f and f[0].startswith("[") and f[0][1:-1].isdigit():
            secs[f[0][1:-1]] = f[1]
    return secs


def defined_dynsym_names(path) -> list[str]:
    """The names (with @version) .dynsym defines, sorted."""
    out = tool(["readelf", "-W", "--dyn-syms", str(path)], None)
    return sorted(r.split()[7] for r in out.splitlines() if len(r.split()) >= 8 and r.split()[6] != "UND"
                  and r.split()[3] != "SECTION" and r.split()[0].rstrip(":").isdigit())


def named_symbol_rows(path, names, prefix: str = "") -> list[tuple]:
    """(name, value, type, bind, section *name*) of the named .symtab symbols, sorted: comparable
    between two links whose section indices differ."""
    secs = section_names(path, prefix)
    out = tool(["readelf", "-sW", path], None, prefix).partition("Symbol table '.symtab'")[2]
    return sorted((f[7], f[1], f[3], f[4], secs.get(f[6], f[6])) for f in (ln.split() for ln in out.splitlines())
                  if len(f) == 8 and f[7] in names)


def section_words(path, cwd, section: str, prefix: str = "") -> list[str]:
    """The section's contents as objdump -s shows them (address and words, without the ASCII)."""
    lines = tool(["objdump", "-s", "-j", section, path], cwd, prefix).splitlines()[4:]
    return [" ".join(line.split()[:5]) for line in lines]


def dyn_relocs(path, cwd, prefix: str = "") -> list[str]:
    """The dynamic relocations in file order: type, symbol name and addend (not the offset or value)."""
    out = tool(["readelf", "-rW", path], cwd, prefix)
    return [" ".join(f[2:3] + f[4:]) for f in (line.split() for line in out.splitlines())
            if len(f) > 2 and f[2].startswith("R_")]


def global_syms(path, dyn: bool) -> set:
    """(name@version, type, bind, visibility, defined?) of the non-local entries of .symtab/.dynsym."""
    out = tool(["readelf", "-W", "--dyn-syms" if dyn else "--syms", path], None)
    if not dyn:
        out = out[out.index("'.symtab'"):]
    rows = set()
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 8 and f[0].rstrip(":").isdigit() and f[4] != "LOCAL" and f[0] != "0:":
            rows.add((re.sub(r" \(\d+\)$", "", " ".join(f[7:])), f[3], f[4], f[5], f[6] != "UND"))
    return rows


def set_diff(got: set, ref: set) -> str:
    """An assertion message: what only braze's and only bfd's set holds."""
    return f"\n only braze: {sorted(got - ref)}\n only bfd:   {sorted(ref - got)}"
