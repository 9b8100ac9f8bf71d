"""The apply pass's (and the symbol table's) two implementations write the same bytes.

arch/x86_64.py applies the common relocations of an output section's members in a librt BytesWriter
(native byte stores, mypy's runtime library) and gives a member with any other relocation its
original bytes back and the general path; without librt (no mypy installed) every section takes the
general path.  Both must give the same output: the same link (ld's argv as gcc passes it) run compiled,
as plain Python, as plain Python with librt hidden, and with --threads=2 (the forked apply), on
programs whose sections mix the kinds: -g debug info against merged strings and discarded code, a
PIC library with GOTPCRELX/TLS/PLT relocations, a non-PIE program with R_X86_64_32 and copy
relocations.  The outputs' behaviour against bfd is what test_opt_apply.py and the rest check.

arch/aarch64.py does the same with aarch64_fast.py (branches, page addresses, data words) for links
with many relocations: a generated aarch64 program with a mix of them, the general path's kinds (GOT,
TLS relaxations that rewrite two instructions, debug info against discarded code) in the same
sections, is linked the four ways, and the output also runs under qemu as bfd's does."""
from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness import REPO, sh, tool_env

SRC = Path(__file__).resolve().parent / "c" / "apply"
LIB_C = r"""
#include <stdio.h>
__thread int tcount = 3;
static __thread int tlocal;
int shared_data[64] = {1, 2, 3};
extern int prog_value;
const char *names[] = {"alpha", "beta", "gamma", "delta"};
int lib_fn(int x) {
    tlocal += x;
    tcount++;
    for (int i = 0; i < 64; i++) shared_data[i] += i * x;
    return printf("%s %d %d %d\n", names[x & 3], tcount, tlocal, shared_data[5]) + prog_value;
}
"""
MAIN_C = r"""
#include <stdio.h>
extern int shared_data[64];
extern int lib_fn(int);
int prog_value = 7;
static const char *msgs[] = {"one", "two", "three"};
int main(void) {
    int t = 0;
    for (int i = 0; i < 3; i++) t += lib_fn(i) + shared_data[i];
    printf("%s %d\n", msgs[t % 3], t);
    return 0;
}
"""

# the ways the pass runs: compiled (the build), plain Python, plain Python without librt, forked
VARIANTS = {
    "default": ({}, "", []),
    "pure": ({"BRAZE_PURE": "1"}, "", []),
    "pure-no-librt": ({"BRAZE_PURE": "1"}, "sys.modules['librt'] = sys.modules['librt.strings'] = None; ", []),
    "forked": ({}, "", ["--threads=2"]),
}


def _ld_argv(tmp: Path, gcc_args: list[str], gcc: str = "gcc") -> list[str]:
    """ld's argv as gcc passes it (gcc -### shows it; the plugin options are dropped)."""
    p = subprocess.run([gcc, "-###", *gcc_args], capture_output=True, text=True, env=tool_env(), cwd=tmp)
    line = [ln for ln in p.stderr.splitlines() if "collect2" in ln or ln.lstrip().startswith('"/')][-1]
    argv, out = shlex.split(line)[1:], []
    skip = False
    for a in argv:
        if skip or a.startswith("-plugin-opt="):
            skip = False
        elif a == "-plugin":
            skip = True
        else:
            out.append(a)
    return out


def _link(tmp: Path, argv: list[str], variant: str, out: str) -> bytes:
    env, pre, extra = VARIANTS[variant]
    code = (f"import sys; {pre}sys.path.insert(0, {str(REPO / 'src')!r}); "
            "from braze.main import main; sys.exit(main())")
    args = [a if a != "OUT" else out for a in argv]
    cmd = [sys.executable, "-E", "-S", "-c", code, *extra, *args]
    p = subprocess.run(cmd, capture_output=True, text=True, env=tool_env(env), cwd=tmp, timeout=300)
    assert p.returncode == 0, f"$ {sh(cmd)}\n{p.stdout}{p.stderr}"
    return (tmp / out).read_bytes()


def _compile(tmp: Path, name: str, text: str, *flags: str) -> Path:
    (tmp / f"{name}.c").write_text(text)
    subprocess.run(["gcc", "-c", "-O1", "-g", *flags, f"{name}.c", "-o", f"{name}.o"], check=True,
                   env=tool_env(), cwd=tmp)
    return tmp / f"{name}.o"


def _many(t: Path) -> list[str]:
    """700 functions and data objects in sections of their own, -g: more relocations than
    relvalues.many_relocations' threshold for the BytesWriter path, more symbols than
    symtab's for symwrite.py (_FAST_MIN_SYMS)."""
    parts = ["#include <stdio.h>", "static const char *tag = \"many\";", "int total;",
             "__thread int tls_n = 5;", "extern int missing __attribute__((weak));",
             "extern char **environ;", "extern int gotplain(void);", "extern int gotx(void);"]
    for i in range(700):
        parts.append(f"int data{i}[4] = {{{i}, {i + 1}}};")
        parts.append(f"int *ptr{i} = &data{i}[1];")
        # every 10th: a TLS access and a GOT load as well (relocations of the general path, in a
        # section among others of the BytesWriter path: its bytes are restored, then relocated)
        # (and a load of libc's `environ` from its GOT slot: a GOTPCRELX the fast loop applies)
        extra = " tls_n += x; if (&missing) total++; if (environ) total++;" if i % 10 == 0 else ""
        parts.append(f"__attribute__((noinline)) int f{i}(int x) {{ total += *ptr{i} + x;{extra} "
                     f"return x * {i % 7 + 1} + data{i}[0]; }}")
    parts.append("int main(void) { int s = 0;")
    parts += [f"  s += f{i}(s & 15);" for i in range(700)]
    parts.append('  s += gotplain() + gotx();')
    parts.append('  printf("%s %d %d %d\\n", tag, s, total, tls_n); return 0; }')
    _compile(t, "many", "\n".join(parts) + "\n", "-ffunction-sections", "-fdata-sections", "-fPIE")
    # plain R_X86_64_GOTPCREL (as rustc's objects have them): libc's symbols keep their GOT loads,
    # data3 (defined in the PIE) becomes a lea, as bfd converts a mov
    _compile(t, "gotplain", "#include <stdio.h>\nextern char **environ;\nextern int data3[4];\n"
             "int gotplain(void) { return (environ != 0) + data3[0] + (stdout != 0); }\n",
             "-fPIC", "-Wa,-mrelax-relocations=no")
    # and R_X86_64_REX_GOTPCRELX loads (-fPIC's) of the PIE's data: the fast loop's mov -> lea
    _compile(t, "gotx", "extern int data5[4], data7[4];\n"
             "int gotx(void) { return data5[1] + data7[0]; }\n", "-fPIC")
    return ["-pie", "many.o", "gotplain.o", "gotx.o", "-o", "OUT"]


CASES = {
    "many-sections": _many,
    # C++ -g with -ffunction-sections and --gc-sections: debug info against merged strings and
    # discarded code (bfd's tombstones), string literals, a negative R_X86_64_64
    "cxx-debug": lambda t: (
        [subprocess.run(["g++", "-c", "-O1", "-g", "-ffunction-sections", "-fdata-sections", "-fPIE",
                         str(SRC / f"apply_{x}.cc"), "-o", f"apply_{x}.o"], check=True, env=tool_env(),
                        cwd=t) and None for x in "ab"],
        ["-pie", "-Wl,--gc-sections", "apply_a.o", "apply_b.o", "-lstdc++", "-o", "OUT"])[1],
    # a PIC library: GOTPCRELX, TLS (general and local dynamic), PLT calls, data pointers
    "pic-lib": lambda t: (_compile(t, "lib", LIB_C, "-fPIC"),
                          ["-shared", "lib.o", "-o", "OUT"])[1],
    # a non-PIE program against that library: R_X86_64_32, copy relocations, PLT32
    "nopie-prog": lambda t: (_compile(t, "lib", LIB_C, "-fPIC"), _compile(t, "main", MAIN_C, "-fno-pie"),
                             subprocess.run(["gcc", "-shared", "lib.o", "-o", "liblib.so"], check=True,
                                            env=tool_env(), cwd=t),
                             ["-no-pie", "main.o", "-L.", "-llib", "-o", "OUT"])[3],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_apply_paths_write_the_same_bytes(tmp_path, case):
    gcc_args = CASES[case](tmp_path)
    argv = _ld_argv(tmp_path, gcc_args)
    outs = {v: _link(tmp_path, argv, v, f"out-{v}") for v in VARIANTS}
    assert len(outs["default"]) > 0
    for v, b in outs.items():
        assert b == outs["default"], f"{case}: the {v} link's output differs from the default one's"


A64_GCC = "aarch64-linux-gnu-gcc"


def _a64_many(t: Path) -> list[str]:
    """An aarch64 program with ~20,000 relocations (past aarch64.apply_jobs' threshold for
    aarch64_fast.py): calls, ADRP/ADD/LDR pairs, data pointers and -g debug info, with GOT loads of a
    weak undefined symbol, general-dynamic TLS (relaxed to LE: two instructions rewritten), an
    undefined weak call (bfd: a NOP) and a COMDAT function whose discarded copies' debug info gets
    bfd's tombstone, spread among them."""
    parts = ["#include <stdio.h>", "int total;", "__thread int tls_n = 5;",
             "extern int missing __attribute__((weak));", "extern void nowhere(void) __attribute__((weak));",
             "int unused_fn(int x) { return x * 3 + total; }"]
    for i in range(700):
        parts.append(f"int data{i}[4] = {{{i}, {i + 1}}};")
        parts.append(f"int *ptr{i} = &data{i}[1];")
        extra = " tls_n += x; if (&missing) total++; if (nowhere) nowhere();" if i % 10 == 0 else ""
        parts.append(f"__attribute__((noinline)) int f{i}(int x) {{ total += *ptr{i} + x;{extra} "
                     f"return x * {i % 7 + 1} + data{i}[0]; }}")
    parts.append("int main(void) { int s = 0;")
    parts += [f"  s += f{i}(s & 15);" for i in range(700)]
    parts.append('  printf("%d %d %d\\n", s, total, tls_n); return 0; }')
    (t / "a64many.c").write_text("\n".join(parts) + "\n")
    subprocess.run([A64_GCC, "-c", "-O1", "-g", "-fPIC", "-mtls-dialect=trad", "-ffunction-sections",
                    "-fdata-sections", "a64many.c", "-o", "a64many.o"], check=True, env=tool_env(), cwd=t)
    return ["-pie", "-Wl,--gc-sections", "a64many.o", "-o", "OUT"]


@pytest.mark.skipif(not shutil.which(A64_GCC) or not shutil.which("qemu-aarch64"),
                    reason="the aarch64 cross toolchain and qemu-user are not installed")
def test_aarch64_apply_paths_write_the_same_bytes_and_run_as_bfd(tmp_path):
    gcc_args = _a64_many(tmp_path)
    relocs = subprocess.run(["aarch64-linux-gnu-readelf", "-r", "a64many.o"], capture_output=True, text=True,
                            env=tool_env(), cwd=tmp_path, check=True).stdout.count("R_AARCH64_")
    assert relocs > 5000 * 2, f"only {relocs} relocations: the case no longer reaches aarch64_fast.py"
    argv = _ld_argv(tmp_path, gcc_args, A64_GCC)
    outs = {v: _link(tmp_path, argv, v, f"out-{v}") for v in VARIANTS}
    for v, b in outs.items():
        assert b == outs["default"], f"the {v} link's output differs from the default one's"
    subprocess.run([A64_GCC, "-fuse-ld=bfd", *[a if a != "OUT" else "out-bfd" for a in gcc_args]], check=True,
                   env=tool_env(), cwd=tmp_path)
    run = {}
    for name in ("out-bfd", "out-default"):
        p = subprocess.run(["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu", f"./{name}"], capture_output=True,
                           text=True, env=tool_env(), cwd=tmp_path, timeout=120)
        run[name] = (p.returncode, p.stdout, p.stderr)
    assert run["out-bfd"][0] == 0 and run["out-bfd"][1].strip(), run["out-bfd"]
    assert run["out-default"] == run["out-bfd"]
