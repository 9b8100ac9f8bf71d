"""-Ttext/-Tdata/-Tbss/--section-start without a -T script in links with sections outside bfd's
default script (every static glibc link: __libc_freeres_fn, __libc_IO_vtables, __libc_atexit...;
orphans of one's own), against ld.bfd, x86-64 and aarch64.

bfd's address statements come ahead of its default script: the output sections they name are made
first (first in the section headers), and an orphan placed after one of them follows it in bfd's
section list.  When the next section there is a loaded note and an orphan note has been placed
(static and -shared links with --build-id), lang_insert_orphan keeps the notes together and the
orphan goes after the last note instead, into the headers' segment (-Ttext: __libc_freeres_fn below
.text; -Tdata: __libc_subfreeres and friends in the first PT_LOAD).  A name outside the script
gets its statement after the whole script.  braze refused all of these ("bfd places those next to
the placed section's statement"), and also a RELRO or TLS section given an address; it now lays
such links out with its SECTIONS engine from bfd's default script, the address statements first.

Compared: section headers (name, type, address, offset, size, flags...), program headers,
etext/edata/end/__bss_start/__executable_start/__ehdr_start, and the programs' output (a -shared
library through a program linked by bfd against each)."""
from __future__ import annotations

import re
import subprocess

import pytest

import a64_harness as H
from harness import BuildDir, tool_env

MAIN = r"""#include <stdio.h>
int d = 5; int b; const char r[] = "hi";
int orph(void);
int main(void) { printf("%s %d %d %d\n", r, d, b, orph()); return 0; }
"""
# orphan sections of each kind (code, read-only, data, NOBITS)
ORPH = r"""__attribute__((section(".myx"), noinline)) int myx(int v) { return v + 1; }
__attribute__((section(".myro"))) const int myro = 3;
__attribute__((section(".mydata"))) int mydata = 4;
extern int mybss;
__asm__(".section .mybss,\"aw\",%nobits\n.p2align 2\n.globl mybss\nmybss: .zero 4\n.previous\n");
int orph(void) { return myx(myro) + mydata + mybss; }
"""
LIB = r"""#include <stdio.h>
int d = 5; int b; const char r[] = "hi";
int orph(void);
int libf(void) { printf("%s %d %d %d\n", r, d, b, orph()); return 0; }
"""
USE = "int libf(void);\nint main(void) { return libf(); }\n"
WANT = "hi 5 0 8\n"
SYMS = ("etext", "_etext", "__etext", "edata", "_edata", "end", "_end", "__bss_start", "__executable_start",
        "__ehdr_start")

T, D, B = "-Wl,-Ttext=0x500000", "-Wl,-Tdata=0x600000", "-Wl,-Tbss=0x700000"
RO = "-Wl,--section-start=.rodata=0x600000"
CASES = [
    ("x86_64", "-static", [T], "separate-code"),
    ("x86_64", "-static", [T], "noseparate-code"),
    ("x86_64", "-static", [D], "separate-code"),
    ("x86_64", "-static", [B], "separate-code"),
    ("x86_64", "-static", ["-Wl,-Tbss=0x300000"], "separate-code"),    # the headers ahead of a NOBITS .bss
    ("x86_64", "-static", [RO], "separate-code"),
    ("x86_64", "-static", ["-Wl,--section-start=__libc_IO_vtables=0x800000"], "separate-code"),
    ("x86_64", "-static", [T, D], "noseparate-code"),
    # (.data's successor in bfd's list is the placed build-id note: the data orphans go after the notes)
    ("x86_64", "-static", [D, "-Wl,--section-start=.note.gnu.build-id=0x700000"], "separate-code"),
    ("x86_64", "-no-pie", ["-Wl,--section-start=.data.rel.ro=0x700000"], "separate-code"),   # RELRO
    ("x86_64", "-static-pie", [D], "separate-code"),
    ("x86_64", "-no-pie", [T], "separate-code"),
    ("x86_64", "-no-pie", [D], "noseparate-code"),
    ("x86_64", "-no-pie", ["-Wl,--section-start=.tdata=0x700000"], "separate-code"),     # TLS
    ("x86_64", "-pie", [B], "separate-code"),
    ("x86_64", "-pie", ["-Wl,--section-start=.myx=0x800000"], "separate-code"),
    ("x86_64", "-shared", [T], "separate-code"),
    ("x86_64", "-shared", [D], "noseparate-code"),
    ("aarch64", "-static", [T], "separate-code"),
    ("aarch64", "-static", [D], "noseparate-code"),
    ("aarch64", "-pie", [T], "separate-code"),
    ("aarch64", "-shared", [D], "separate-code"),
]


def _view(path) -> tuple:
    def rd(*a):
        return subprocess.run(["readelf", "-W", *a, str(path)], capture_output=True, text=True,
                              env=tool_env(), check=True).stdout
    secs = [re.sub(r"\s+", " ", ln.split("]", 1)[1]).strip() for ln in rd("-S").splitlines()
            if re.match(r"\s+\[\s*\d+\]", ln)]
    secs = [s for s in secs if not s.startswith((".comment", ".symtab", ".strtab", ".shstrtab"))]
    phdrs = [ln.split() for ln in rd("-l").splitlines() if re.match(r"\s+[A-Z_]+\s+0x", ln)]
    syms = sorted(" ".join(f[1:2] + f[6:8]) for f in (ln.split() for ln in rd("-s").splitlines())
                  if len(f) == 8 and f[7] in SYMS)
    return secs, phdrs, syms


@pytest.mark.parametrize("arch,mode,opts,zsep", CASES,
                         ids=[f"{a}{m}-{'+'.join(o.rsplit('=', 2)[-2].split(',')[-1] for o in opts)}-{z}"
                              for a, m, opts, z in CASES])
def test_section_start_with_orphans(tmp_path, braze_lddir, arch, mode, opts, zsep):
    if arch == "aarch64":
        assert H.have_toolchain(), "the aarch64 cross toolchain and qemu-user are needed (Makefile APT_PKGS)"
    b = BuildDir(tmp_path, braze_lddir)
    cc = H.PREFIX + "gcc" if arch == "aarch64" else "gcc"
    shared = mode == "-shared"
    for name, src in (("main", LIB if shared else MAIN), ("orph", ORPH), ("use", USE)):
        (tmp_path / f"{name}.c").write_text(src)
        b.run([cc, "-O2", "-fPIC", "-c", f"{name}.c", "-o", f"{name}.o"])
    out = {}
    for linker in ("bfd", "test"):
        d = tmp_path / linker
        d.mkdir()
        exe = d / ("libt.so" if shared else "prog")
        p = b.run([cc, *b.ld(linker), mode, "main.o", "orph.o", *opts, f"-Wl,-z,{zsep}", "-o", str(exe)],
                  check=False)
        assert p.returncode == 0, f"{linker}: {p.stderr}"
        out[linker] = exe
    if shared:
        # (one program, linked by bfd against the library; run with each linker's library)
        b.run([cc, "-fuse-ld=bfd", "use.o", f"-L{tmp_path / 'bfd'}", "-lt", "-o", "use"])
    runs = {}
    for linker, exe in out.items():
        prog = str(tmp_path / "use") if shared else str(exe)
        cmd = [H.QEMU, "-L", H.SYSROOT, prog] if arch == "aarch64" else [prog]
        env = tool_env({"LD_LIBRARY_PATH": str(exe.parent)}) if shared else tool_env()
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
        runs[linker] = (r.returncode, r.stdout)
    assert runs["bfd"] == (0, WANT), runs["bfd"]
    assert runs["test"] == runs["bfd"]
    vb, vt = _view(out["bfd"]), _view(out["test"])
    if mode == "-static" and opts == [T]:
        # (the case is reached: bfd put glibc's __libc_freeres_fn below .text, after the notes)
        addr = {s.split()[0]: int(s.split()[2], 16) for s in vb[0] if s.split()[0] in (".text", "__libc_freeres_fn")}
        assert addr["__libc_freeres_fn"] < addr[".text"], vb[0]
    assert vt[0] == vb[0], "section headers differ\nbfd:  " + "\n      ".join(vb[0]) + "\ntest: " + "\n      ".join(vt[0])
    assert vt[1] == vb[1], f"program headers differ\nbfd:  {vb[1]}\ntest: {vt[1]}"
    assert vt[2] == vb[2], f"symbols differ\nbfd:  {vb[2]}\ntest: {vt[2]}"



def _map_sections(path) -> list:
    """The non-empty output sections of a -Map memory map, in map order (bfd lists empty ones too)."""
    text = path.read_text()
    text = text[text.index("Linker script and memory map"):]
    return [n for n, size in re.findall(r"^([._a-zA-Z]\S*)\s*\n?\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)", text, re.M)
            if int(size, 16)]


def test_map_lists_statement_order(tmp_path, braze_lddir):
    """-Map lists the output sections in statement order, as bfd's (.text after .plt), not in the
    section header order the address statement changed (.text first)."""
    b = BuildDir(tmp_path, braze_lddir)
    for name, src in (("main", MAIN), ("orph", ORPH)):
        (tmp_path / f"{name}.c").write_text(src)
        b.run(["gcc", "-O2", "-c", f"{name}.c", "-o", f"{name}.o"])
    maps = {}
    for linker in ("bfd", "test"):
        b.run(["gcc", *b.ld(linker), "-static", "main.o", "orph.o", T, f"-Wl,-Map={linker}.map", "-o", linker])
        maps[linker] = _map_sections(tmp_path / f"{linker}.map")
    assert maps["bfd"].index(".plt") < maps["bfd"].index(".text"), maps["bfd"]
    assert maps["test"] == maps["bfd"]
