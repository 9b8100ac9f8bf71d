"""A shared library's undefined reference loads the archive member that defines it, against ld.bfd
(found by the binutils 2.40 ld testsuite run with braze, ld-elf/shared.exp "pr17068").

bfd enters a linked library's undefined symbols in its hash table, so an archive later on the
command line (or in the same group) is searched for them like for an object's: `main.o libd.so
libe.a`, where only libd.so calls e_val, puts libe.a's e_val into the program (exported, for
libd.so). braze searched archives only for the objects' references and then failed the link with
"libd.so: undefined reference to `e_val'". A library's weak reference loads nothing (bfd: undefweak).

Compared: the links succeed or fail alike, the programs' output and exit status, and the defined
dynamic symbols."""
from __future__ import annotations

import subprocess

from harness import BuildDir, tool_env

SRC = {
    "d.c": "extern int e_val(void);\n"
           "extern int w_val(void) __attribute__((weak));\n"
           "int d_val(void) { return e_val() + (w_val ? 1000 : 1); }\n",
    "e.c": "int e_val(void) { return 100; }\n",
    "w.c": "int w_val(void) { return 5; }\n",
    "main.c": "#include <stdio.h>\nextern int d_val(void);\n"
              "int main(void) { printf(\"%d\\n\", d_val()); return 0; }\n",
    "a.c": "extern int d_val(void);\nint a_val(void) { return d_val(); }\n",
    "m2.c": "#include <stdio.h>\nextern int a_val(void);\n"
            "int main(void) { printf(\"%d\\n\", a_val()); return 0; }\n",
}


def _defined_dynsyms(path) -> list[str]:
    out = subprocess.run(["readelf", "-W", "--dyn-syms", str(path)], capture_output=True, text=True,
                         env=tool_env(), check=True).stdout
    rows = [l.split() for l in out.splitlines()]
    return sorted(r[7] for r in rows if len(r) > 7 and r[0].endswith(":") and r[6] != "UND")


def _setup(tmp_path, b):
    for n, t in SRC.items():
        (tmp_path / n).write_text(t)
    b.run(["gcc", "-fPIC", "-c", *SRC])
    b.run(["gcc", "-shared", "-o", "libd.so", "d.o"])
    b.run(["ar", "rc", "libe.a", "e.o", "w.o"])
    b.run(["ar", "rc", "liba.a", "a.o"])


def _both(tmp_path, b, name, args):
    got = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"{name}-{linker}"
        p = b.run(["gcc", *b.ld(linker), "-o", exe, *args, f"-Wl,-rpath,{tmp_path}"], check=False)
        if p.returncode:
            got.append(("link failed",))
            continue
        r = b.run([exe], check=False)
        got.append((r.returncode, r.stdout, _defined_dynsyms(exe)))
    return got


def test_library_reference_loads_member(tmp_path, braze_lddir):
    b = BuildDir(tmp_path, braze_lddir)
    _setup(tmp_path, b)
    got = _both(tmp_path, b, "plain", ["main.o", "-Wl,--no-as-needed", "libd.so", "libe.a"])
    assert got[0][:2] == (0, "101\n")        # (bfd: e_val from libe.a, the weak w_val not loaded)
    assert got[1] == got[0]


def test_library_reference_in_group(tmp_path, braze_lddir):
    """--as-needed library inside a group: needed for d_val (from an archive member), its own
    reference then loads e_val from the group's next archive."""
    b = BuildDir(tmp_path, braze_lddir)
    _setup(tmp_path, b)
    got = _both(tmp_path, b, "group", ["m2.o", "-Wl,--as-needed", "-Wl,--start-group", "liba.a", "libd.so",
                                        "libe.a", "-Wl,--end-group"])
    assert got[0][:2] == (0, "101\n")
    assert got[1] == got[0]
