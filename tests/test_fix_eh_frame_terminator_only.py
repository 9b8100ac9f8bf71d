"""A link whose only input .eh_frame is crtendS.o's zero terminator (`__FRAME_END__`): a -shared link of
objects built without unwind tables, or CPython's libpython3.so (`gcc -shared -o libpython3.so
-Wl,--no-as-needed libpython3.11.so`, no object of its own). bfd writes the 4-byte .eh_frame (the
terminator, `__FRAME_END__` on it) and, with no CIE or FDE in any input, strips .eh_frame_hdr and
PT_GNU_EH_FRAME (_bfd_elf_eh_frame_present). braze dropped .eh_frame (leaving `__FRAME_END__` a local
symbol in no section, or out of .symtab) and wrote a 12-byte .eh_frame_hdr with an empty table.

Compared with ld.bfd: the output's allocated sections (name, type, size), the program header types,
the .eh_frame words and the `__FRAME_END__` / `__GNU_EH_FRAME_HDR` symbols; and a program that loads
the library still runs.
"""
from __future__ import annotations

import pytest

from elfrows import named_symbol_rows, section_words, tool
from harness import BuildDir

LIB = "int foo(int x) { return x * 3 + 1; }\n"
MAIN = '#include <stdio.h>\nint foo(int);\nint main(void) { printf("%d\\n", foo(4)); return 0; }\n'


def _alloc_sections(path) -> list[tuple]:
    """(name, type, size) of the allocated sections, in order."""
    rows = []
    for ln in tool(["readelf", "-SW", path], None).splitlines():
        f = ln.replace("[ ", "[").split()
        if f and f[0].startswith("[") and f[0][1:-1].isdigit() and len(f) >= 8 and "A" in f[7]:
            rows.append((f[1], f[2], f[5]))
    return rows


def _phdr_types(path) -> list[str]:
    out = tool(["readelf", "-lW", path], None).partition("Program Headers:")[2].partition("Section to")[0]
    return [ln.split()[0] for ln in out.splitlines()[2:] if ln.strip()]


def _facts(path) -> dict:
    return {"sections": _alloc_sections(path), "phdrs": _phdr_types(path),
            "eh_frame": section_words(path, None, ".eh_frame") if any(
                r[0] == ".eh_frame" for r in _alloc_sections(path)) else None,
            "syms": named_symbol_rows(path, ("__FRAME_END__", "__GNU_EH_FRAME_HDR"))}


@pytest.mark.parametrize("flags", [[], ["-Wl,--no-eh-frame-hdr"], ["-Wl,--gc-sections"]],
                         ids=["default", "no-hdr", "gc"])
def test_no_unwind_tables_shared_as_bfd(tmp_path, braze_lddir, flags):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "lib.c").write_text(LIB)
    (tmp_path / "main.c").write_text(MAIN)
    b.run(["gcc", "-O2", "-fPIC", "-fno-asynchronous-unwind-tables", "-c", "lib.c", "-o", "lib.o"])
    facts, runs = {}, {}
    for linker in ("bfd", "test"):
        lib = tmp_path / linker / "libfoo.so"
        lib.parent.mkdir()
        b.run(["gcc", *b.ld(linker), "-shared", *flags, "lib.o", "-o", lib])
        facts[linker] = _facts(lib)
        exe = tmp_path / linker / "main"
        b.run(["gcc", "-fuse-ld=bfd", "main.c", f"-L{lib.parent}", "-lfoo", f"-Wl,-rpath,{lib.parent}", "-o", exe])
        runs[linker] = b.run([exe]).stdout
    assert runs["test"] == runs["bfd"] == "13\n"
    assert facts["bfd"]["eh_frame"] is not None and "GNU_EH_FRAME" not in facts["bfd"]["phdrs"]
    assert facts["test"] == facts["bfd"]


def test_library_of_only_a_needed_entry_as_bfd(tmp_path, braze_lddir):
    """libpython3.so's shape: a -shared link of crt files and one library, kept by --no-as-needed."""
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "lib.c").write_text(LIB)
    b.run(["gcc", "-O2", "-fPIC", "-shared", "lib.c", "-o", "libfoo.so"])
    facts = {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"libstub-{linker}.so"
        b.run(["gcc", *b.ld(linker), "-shared", "-Wl,--no-as-needed", "-Wl,-hlibstub.so", "libfoo.so",
               "-o", out])
        facts[linker] = _facts(out)
    assert facts["test"] == facts["bfd"]
