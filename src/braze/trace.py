"""-t/--trace, -y/--trace-symbol and --dependency-file: what GNU ld reports about the inputs it reads.

All three follow bfd 2.40's input loading step by step (resolve.Reader calls in here where bfd
would), so their output is compared line for line with bfd's by tests/test_opt_diags.py:
* -t prints (stdout) each input file when it is opened: a file as named, a -l library as found
  (`DIR/libNAME.so` with DIR spelled as the -L option gave it), a linker script (but not a -T
  script), each file a script names.  An archive or a dropped --as-needed library inside a group is
  printed again each time bfd rescans the group (bfd rescans while the previous pass added new
  undefined symbols).  -t -t also prints each archive member loaded, as `(ARCHIVE)MEMBER`.
* -y SYM prints (stderr) `FILE: definition of SYM` / `FILE: reference to SYM` for every input whose
  symbol table mentions SYM as it is read: objects and archive members in symbol table order,
  shared libraries by their .dynsym (a library's versioned reference `SYM@V` is another name for
  bfd; dropped --as-needed libraries and DT_NEEDED libraries bfd reads are reported too).
* --dependency-file lists every file bfd opens, in order and with bfd's repetitions: a script found
  by -l is opened three times, one named on the command line twice, a -T script once (first, as
  bfd reads it while parsing options); DT_NEEDED libraries read for symbol checks come last.
"""
from __future__ import annotations

import _struct as struct
import sys

from . import diag


class Tracer:
    def __init__(self, cfg):
        self.level = cfg.trace
        self.syms = set(cfg.trace_symbols)
        self.deps: list[str] | None = [] if cfg.dependency_file else None
        if self.deps is not None:
            self.deps.extend(s.value for s in cfg.inputs if getattr(s, "tscript", False))

    def opened(self, path: str) -> None:
        """An input file bfd opens (and -t prints)."""
        if self.level:
            sys.stdout.write(path + "\n")
        if self.deps is not None:
            self.deps.append(path)

    def script(self, path: str, from_lib: bool) -> None:
        """bfd opens a script again to read it: once more from the command line, twice from -l."""
        if self.deps is not None:
            self.deps.extend([path] * (2 if from_lib else 1))

    def rescanned(self, path: str) -> None:
        """A group member bfd loads again on a rescan: printed, but not opened again."""
        if self.level:
            sys.stdout.write(path + "\n")

    def member(self, ar, display: str) -> None:
        if self.level >= 2:
            sys.stdout.write(f"({ar.path}){display[len(ar.path) + 1:-1]}\n")

    def needed_library(self, path: str) -> None:
        if self.deps is not None:
            self.deps.append(path)

    def object_mentions(self, obj) -> None:
        if not self.syms:
            return
        names = obj.sym_names
        esyms = obj.esyms
        for i in range(obj.first_global, len(esyms)):
            e = esyms[i]
            if e[1] >> 4 == 0 or names[i] not in self.syms:       # STB_LOCAL
                continue
            what = "reference to" if e[3] == 0 else "definition of"
            diag.info(f"{obj.name}: {what} {names[i]}")

    def linker_definitions(self, first_obj, dynamic: bool) -> None:
        """bfd defines _DYNAMIC (dynamic output) and _GLOBAL_OFFSET_TABLE_ in the sections it creates
        in its "dynobj", the first input object: -y names that file (for a PIE or -shared output when
        that object is added, before its own symbols; otherwise once the command line is read)."""
        for name in ("_DYNAMIC", "_GLOBAL_OFFSET_TABLE_"):
            if name in self.syms and (dynamic or name != "_DYNAMIC"):
                diag.info(f"{first_obj.name}: definition of {name}")

    def dso_mentions(self, so) -> None:
        if not self.syms:
            return
        for what, name in _dynsym_mentions(so, self.syms):
            diag.info(f"{so.name}: {what} {name}")

    def write_deps(self, cfg) -> None:
        """bfd's make-style file: `OUTPUT: \\` and one indented dependency per line, then a phony
        target for each (names are written as they are, without quoting)."""
        if self.deps is None:
            return
        lines = [f"{cfg.output}: \\"]
        lines += [f"  {d} \\" for d in self.deps]
        if self.deps:
            lines[-1] = lines[-1][:-2]
        text = "\n".join(lines) + "\n" + "".join(f"\n{d}:\n" for d in self.deps)
        try:
            with open(cfg.dependency_file, "w") as f:
                f.write(text)
        except OSError as e:
            diag.warn(f"could not write dependency file {cfg.dependency_file}: {e.strerror}")


def _dynsym_mentions(so, wanted: set):
    """(`definition of`|`reference to`, name) for the library's dynamic symbols named in `wanted`, in
    .dynsym order, as bfd enters them in its hash table: a default-version or unversioned definition
    and an unversioned reference under the plain name; hidden definitions and versioned references
    under `name@VERSION`, which -y does not match."""
    from .inputs.elfhdr import read_headers
    from .elf import ET_DYN, SHT_DYNSYM, SHT_GNU_VERSYM
    v = so.view
    _ehdr, shdrs, _x = read_headers(v, so.error, ET_DYN)
    dynsym = next((sh for sh in shdrs if sh[1] == SHT_DYNSYM), None)
    versym = next((sh for sh in shdrs if sh[1] == SHT_GNU_VERSYM), None)
    if dynsym is None or dynsym[6] >= len(shdrs):
        return []
    strsh = shdrs[dynsym[6]]
    strtab = bytes(v[strsh[4]:strsh[4] + strsh[5]])
    cnt = dynsym[5] // 24
    out = []
    for i in range(1, cnt):
        st_name, info, _o, shndx = struct.unpack_from("<IBBH", v, dynsym[4] + i * 24)
        if info >> 4 == 0:
            continue
        end = strtab.find(b"\0", st_name)
        name = strtab[st_name:end].decode("utf-8", "replace")
        if name not in wanted:
            continue
        ver = struct.unpack_from("<H", v, versym[4] + 2 * i)[0] if versym is not None else 1
        if shndx == 0:
            if ver & 0x7fff <= 1:
                out.append(("reference to", name))
        elif not ver & 0x8000 and ver & 0x7fff:
            out.append(("definition of", name))
    return out
