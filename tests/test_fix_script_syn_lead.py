"""Data, an assignment to `.` or padding AHEAD of the linker-made contents in their output section
statement (`.got : { LONG(0x1234) . = ALIGN(16); *(.got) *(.igot) }`), against ld.bfd, x86-64 and
aarch64 (qemu), in an executable, a PIE, a -shared library and a static executable with an IFUNC.

bfd lays its linker-made .got, .got.plt, .plt and .eh_frame out as input sections: at the `.` where
their input description is, after the data; _GLOBAL_OFFSET_TABLE_, DT_PLTGOT, the GOT entries, the
PLT code's GOT displacements and .eh_frame_hdr's table follow the contents' address (bfd's x86-64
PLT FDE and .eh_frame_hdr's eh_frame_ptr keep the output section's start). braze refused every
such script ("data or an assignment to `.' ahead of the linker-made .got contents is not supported";
data gave "mixes the linker-made .got with other input"): the script fuzzer's most frequent
refusal. Compared: the section headers (but the string and symbol tables' sizes), program headers,
the defined symbols, the dynamic section, the dynamic relocations (offsets and types as multisets:
bfd orders GOT slots by its hash table), PLT0's bytes, .eh_frame_hdr's bytes, and the program's
output with lazy binding through the PLT.

Where bfd locates the table by its output section's start (.dynamic's PT_DYNAMIC, DT_RELA/DT_JMPREL
and their sizes, PT_GNU_EH_FRAME) its output reads the padding as the table and does not run:
braze keeps refusing those, with the reason."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import tool_env

LIB = "int lv = 5;\nint lf(int x) { return x + lv; }\n"
MAIN = r"""#include <cstdio>
extern "C" int lf(int);
extern int lv;
int *p = &lv;
__attribute__((noinline)) int thrower(int x) { if (x > 0) throw x; return 0; }
int main() {
  try { thrower(lf(1)); } catch (int e) { printf("caught %d\n", e); }
  printf("%d %d\n", lf(2), *p);
  puts("done");
  return 0;
}
"""
SHLIB = r"""#include <cstdio>
extern "C" int lf(int);
extern int lv;
int *sp = &lv;
int sg = 3;
int *sgp = &sg;
__attribute__((noinline)) int sthrower(int x) { if (x > 0) throw x; return 0; }
extern "C" int shentry(int y) {
  int r = 0;
  try { sthrower(lf(y)); } catch (int e) { r = e; printf("s caught %d\n", e); }
  puts("shentry");
  return r + *sp + *sgp;
}
"""
SMAIN = "#include <stdio.h>\nint shentry(int);\nint main(void) { printf(\"%d\\n\", shentry(4)); return 0; }\n"
STATIC = r"""#include <stdio.h>
static int impl1(void) { return 42; }
static void *resolve_f(void) { return (void *)impl1; }
int f(void) __attribute__((ifunc("resolve_f")));
int (*fp)(void) = f;
int main(void) { printf("%d %d\n", f(), fp()); return 0; }
"""
SYSROOT = "/usr/aarch64-linux-gnu"
ARCHES = {"x86": ("", "ld"), "a64": ("aarch64-linux-gnu-", "aarch64-linux-gnu-ld.bfd")}
AHEAD = ". = . + 0x10; {}"
DATA = "LONG(0x1234) . = ALIGN(16); {}"
BYTE = "BYTE(1) {}"

CASES = [
    # (arch, mode, statement, body with {} for bfd's own descriptions)
    ("x86", "exe", ".got", AHEAD), ("x86", "pie", ".got", DATA), ("x86", "shared", ".got", BYTE),
    ("x86", "exe", ".got.plt", DATA), ("x86", "pie", ".got.plt", AHEAD), ("x86", "shared", ".got.plt", DATA),
    ("x86", "exe", ".plt", DATA), ("x86", "pie", ".plt", AHEAD), ("x86", "shared", ".plt", BYTE),
    ("x86", "pie", ".plt.got", AHEAD),
    ("x86", "exe", ".eh_frame", AHEAD), ("x86", "pie", ".eh_frame", BYTE), ("x86", "shared", ".eh_frame", DATA),
    ("x86", "pie", ".got", "{} LONG(0x99)"), ("x86", "pie", ".plt", ". = ALIGN(8); {}"),
    ("x86", "static", ".got.plt", AHEAD), ("x86", "static", ".plt", BYTE),
    ("a64", "exe", ".got", DATA), ("a64", "pie", ".got", AHEAD), ("a64", "shared", ".got", BYTE),
    ("a64", "exe", ".got.plt", AHEAD), ("a64", "shared", ".got.plt", DATA),
    ("a64", "pie", ".plt", AHEAD), ("a64", "shared", ".plt", DATA),
    ("a64", "exe", ".eh_frame", DATA), ("a64", "pie", ".eh_frame", AHEAD),
    ("a64", "static", ".got", AHEAD),
]
REFUSED = [(".dynamic", AHEAD), (".rela.dyn", AHEAD), (".rela.plt", AHEAD), (".eh_frame_hdr", AHEAD)]


def _script(prefix: str, ld: str, mode: str, sec: str, tmpl: str, cwd: Path) -> str:
    flags = {"exe": [], "pie": ["-pie"], "shared": ["-shared"], "static": ["-static"]}[mode]
    v = subprocess.run([ld, "--verbose", *flags], capture_output=True, text=True, env=tool_env(),
                       check=True).stdout.splitlines()
    marks = [i for i, ln in enumerate(v) if ln.startswith("=====")]
    script = "\n".join(v[marks[0] + 1:marks[1]]) + "\n"
    m = re.search(r"\n\s*" + re.escape(sec) + r"\s*:", script)
    assert m, sec
    i = j = script.index("{", m.end())
    depth = 0
    while True:
        depth += {"{": 1, "}": -1}.get(script[j], 0)
        if not depth:
            break
        j += 1
    return script[:i + 1] + tmpl.replace("{}", script[i + 1:j]) + script[j:]


def _run(cmd, cwd, check=True):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, env=tool_env(),
                       timeout=300)
    if check:
        assert p.returncode == 0, f"{cmd}: {p.stderr}"
    return p


def _view(path: Path, prefix: str) -> dict:
    def readelf(*a):
        return _run(["readelf", "-W", *a, path], path.parent).stdout
    r = {"S": [ln for ln in readelf("-S").splitlines() if re.match(r"\s*\[", ln)
               and not re.search(r"\.(strtab|shstrtab|symtab) ", ln)],
         "l": [ln for ln in readelf("-l").splitlines() if re.match(r"\s+[A-Z_]+\s+0x", ln)],
         "d": readelf("-d").splitlines()}
    rel = [ln.split() for ln in readelf("-r").splitlines() if re.match(r"\s*[0-9a-f]{16}\s", ln)]
    r["r"] = (sorted(f[0] for f in rel), sorted(f[2] for f in rel))
    syms = set()
    for ln in readelf("-s").splitlines():
        f = ln.split()
        if len(f) >= 8 and f[0].endswith(":") and f[0][:-1].isdigit() and f[6] != "UND":
            syms.add(re.sub(r" \(\d+\)$", "", " ".join(f[1:])))
    r["s"] = sorted(syms)
    for name, n in ((".plt", 32), (".eh_frame_hdr", 1 << 20)):
        out = _run([prefix + "objcopy", "-O", "binary", "--only-section", name, path, path.with_suffix(".bin")],
                   path.parent, check=False)
        b = path.with_suffix(".bin")
        r[name] = b.read_bytes()[:n] if out.returncode == 0 and b.exists() else None
    return r


def _exec(arch: str, exe: Path, env_extra=None):
    cmd = (["qemu-aarch64", "-L", SYSROOT] if arch == "a64" else []) + [str(exe)]
    env = tool_env({"QEMU_LD_PREFIX": SYSROOT, **(env_extra or {})})
    env.pop("LD_BIND_NOW", None)
    p = subprocess.run(cmd, cwd=exe.parent, capture_output=True, text=True, env=env, timeout=60)
    return p.returncode, p.stdout, p.stderr


def _link(d: Path, arch: str, mode: str, lddir: str):
    """Both links of the case in d: {label: output}, or the braze link's stderr when it failed."""
    prefix, _ = ARCHES[arch]
    cc, cxx = prefix + "gcc", prefix + "g++"
    outs = {}
    _run([cc, "-O1", "-fPIC", "-c", "lib.c"], d)
    _run([cc, "-fuse-ld=bfd", "-shared", "lib.o", "-o", "liblf.so"], d)
    if mode == "static":
        _run([cc, "-O1", "-fno-pie", "-c", "st.c"], d)
    elif mode == "shared":
        _run([cxx, "-O1", "-fPIC", "-c", "shlib.cc"], d)
    else:
        _run([cxx, "-O1", "-fPIE" if mode == "pie" else "-fno-pie", "-c", "main.cc"], d)
    for label, how in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{lddir}/"])):
        if mode == "static":
            cmd = [cc, *how, "-static", "st.o"]
            out = d / f"p-{label}"
        elif mode == "shared":
            cmd = [cxx, *how, "-shared", "shlib.o", "-L.", "-llf", f"-Wl,-rpath,{d}"]
            out = d / f"libs-{label}.so"
        else:
            cmd = [cxx, *how, "-pie" if mode == "pie" else "-no-pie", "main.o", "-L.", "-llf", f"-Wl,-rpath,{d}"]
            out = d / f"p-{label}"
        p = _run([*cmd, "-Wl,-T,s.ld", "-o", out], d, check=label == "bfd")
        if p.returncode:
            return p.stderr
        outs[label] = out
    return outs


def _program(d: Path, arch: str, mode: str, label: str, out: Path) -> Path:
    if mode != "shared":
        return out
    prefix, _ = ARCHES[arch]
    lib = d / label / "libs.so"
    lib.parent.mkdir(exist_ok=True)
    shutil.copy(out, lib)
    _run([prefix + "gcc", "-fuse-ld=bfd", "smain.c", f"-L{lib.parent}", "-ls", "-L.", "-llf",
          f"-Wl,-rpath,{lib.parent}:{d}", "-o", lib.parent / "sm"], d)
    return lib.parent / "sm"


def _case_dir(tmp_path: Path, arch: str, mode: str, sec: str, tmpl: str) -> Path:
    prefix, ld = ARCHES[arch]
    if not shutil.which(ld) or arch == "a64" and not shutil.which("qemu-aarch64"):
        pytest.fail(f"{ld} or qemu-aarch64 is missing (make deps installs them)")
    for name, text in (("lib.c", LIB), ("main.cc", MAIN), ("shlib.cc", SHLIB), ("smain.c", SMAIN),
                       ("st.c", STATIC)):
        (tmp_path / name).write_text(text)
    (tmp_path / "s.ld").write_text(_script(prefix, ld, mode, sec, tmpl, tmp_path))
    return tmp_path


@pytest.mark.parametrize("arch,mode,sec,tmpl", CASES,
                         ids=[f"{a}-{m}-{s}-{i}" for i, (a, m, s, _t) in enumerate(CASES)])
def test_contents_after_data(tmp_path, braze_lddir, arch, mode, sec, tmpl):
    d = _case_dir(tmp_path, arch, mode, sec, tmpl)
    outs = _link(d, arch, mode, braze_lddir)
    assert isinstance(outs, dict), outs
    prefix, _ = ARCHES[arch]
    vb, vt = _view(outs["bfd"], prefix), _view(outs["braze"], prefix)
    for k in vb:
        assert vt[k] == vb[k], f"{k} differs: bfd {vb[k]}\nbraze {vt[k]}"
    rb = _exec(arch, _program(d, arch, mode, "bfd", outs["bfd"]))
    rt = _exec(arch, _program(d, arch, mode, "braze", outs["braze"]))
    assert rb[0] == 0 and rb[1], rb
    assert rt == rb


@pytest.mark.parametrize("sec,tmpl", REFUSED, ids=[s for s, _t in REFUSED])
def test_table_after_padding_refused(tmp_path, braze_lddir, sec, tmpl):
    """bfd's output points PT_DYNAMIC, DT_RELA/DT_JMPREL (with the output section's size) or
    PT_GNU_EH_FRAME at the padding: it does not load or unwind (checked), so braze refuses it."""
    d = _case_dir(tmp_path, "x86", "pie", sec, tmpl)
    err = _link(d, "x86", "pie", braze_lddir)
    assert isinstance(err, str), "braze linked it"
    assert f"braze: error: s.ld: {sec}: data or an assignment to `.' ahead of the linker-made {sec} contents " \
           "is not supported by braze" in err
    assert "Traceback" not in err and not (d / "p-braze").exists()
    rb = _exec("x86", d / "p-bfd")
    assert rb[0] != 0 or "caught" not in rb[1], rb


FREE = r"""int x = 3;
void _start(void) { __asm__ volatile("mov $60, %%eax; mov %0, %%edi; syscall" :: "r"(x) : "rax", "rdi"); for (;;); }
"""
FREE_BODIES = [". += 16; KEEP(*(.eh_frame))", "BYTE(1) . += 3; KEEP(*(.eh_frame))", "BYTE(1) KEEP(*(.eh_frame))"]


@pytest.mark.parametrize("unwind", [False, True], ids=["no-unwind-tables", "unwind-tables"])
@pytest.mark.parametrize("body", FREE_BODIES, ids=range(len(FREE_BODIES)))
def test_freestanding_eh_frame(tmp_path, braze_lddir, body, unwind):
    """A freestanding static program: with -fno-asynchronous-unwind-tables the linker-made .eh_frame
    is empty (bfd: an output section of `.` alone is NOBITS WA, with data PROGBITS A)."""
    (tmp_path / "f.c").write_text(FREE)
    (tmp_path / "s.ld").write_text("SECTIONS {\n . = 0x400000 + SIZEOF_HEADERS;\n .text : { *(.text*) }\n"
                                   f" .eh_frame : {{ {body} }}\n .data : {{ *(.data*) }}\n}}\n")
    _run(["gcc", "-O1", "-c", "f.c", *([] if unwind else ["-fno-asynchronous-unwind-tables"])], tmp_path)
    views = []
    for label, how in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        out = tmp_path / f"p-{label}"
        _run(["gcc", *how, "-nostdlib", "-static", "f.o", "-Wl,-T,s.ld", "-o", out], tmp_path)
        hdrs = [ln for ln in _run(["readelf", "-W", "-S", "-l", out], tmp_path).stdout.splitlines()
                if re.match(r"\s*\[", ln) and not re.search(r"\.(strtab|shstrtab|symtab) ", ln)
                or re.match(r"\s+[A-Z_]+\s+0x", ln)]
        views.append((hdrs, _exec("x86", out)[0]))
    assert views[1] == views[0]
    assert views[0][1] == 3


def test_emit_relocs_eh_frame_refused(tmp_path, braze_lddir):
    """--emit-relocs: bfd writes .rela.eh_frame for the records after the data; braze's emitted
    relocations know an .eh_frame that is its own output section only, so it refuses (without the
    check it dropped .rela.eh_frame)."""
    d = _case_dir(tmp_path, "x86", "pie", ".eh_frame", BYTE)
    _run(["gcc", "-O1", "-fPIC", "-c", "lib.c"], d)
    _run(["gcc", "-fuse-ld=bfd", "-shared", "lib.o", "-o", "liblf.so"], d)
    _run(["g++", "-O1", "-fPIE", "-c", "main.cc"], d)
    cmd = ["g++", "-pie", "main.o", "-L.", "-llf", "-Wl,--emit-relocs", "-Wl,-T,s.ld"]
    _run([*cmd, "-fuse-ld=bfd", "-o", "p-bfd"], d)
    assert ".rela.eh_frame" in _run(["readelf", "-SW", "p-bfd"], d).stdout
    p = _run([*cmd, f"-B{braze_lddir}/", "-o", "p-braze"], d, check=False)
    assert p.returncode != 0 and "Traceback" not in p.stderr and not (d / "p-braze").exists()
    assert "braze: error: s.ld:" in p.stderr and "--emit-relocs with data or an assignment to `.' in the output " \
        "section of the linker-made .eh_frame is not supported by braze" in p.stderr
