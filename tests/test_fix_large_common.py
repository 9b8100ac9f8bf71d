"""x86-64 large common symbols (st_shndx SHN_X86_64_LCOMMON: `gcc -fcommon -mcmodel=medium` for an
object above the large-data threshold), against ld.bfd 2.40. braze took them for undefined symbols
("undefined symbol: big"). bfd treats one like a COMMON symbol (a definition overrides it, the largest
size and alignment win, an archive member with one is not loaded for a symbol that is only common so
far) and allocates it in .lbss (its linker-created LARGE_COMMON input section, which keeps .lbss even
when empty); a normal common declaration of the same name makes it a normal common in .bss. `ld -r`
keeps it large (LARGE_COM), merged as commons are; --cref lists it as a common.
A large common in LTO IR: the plugin reports a plain common, which bfd keeps and merges the compiled
object's large one into, so it becomes normal (.bss) as with any normal declaration; braze took the
compiled object's alone (.lbss).
Compared: the program's output, the symbols' sizes and output sections, the .bss/.lbss/.ldata
section headers (size, flags, alignment), the segment mapping, and -r symbol tables."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

SRCS = {
    # (source, extra gcc flags)
    "large": ("char big[1 << 20];\nchar *bigaddr(void) { return big; }\n", ["-mcmodel=medium"]),
    "small": ("char big[16];\nint small_c;\n", []),
    "larger": ("char big[1 << 21];\n", ["-mcmodel=medium"]),
    "normal_larger": ("char big[1 << 21];\n", []),
    "aligned": ("char big[32] __attribute__((aligned(128)));\n", ["-mcmodel=medium", "-mlarge-data-threshold=0"]),
    "others": ("char big2[1 << 17] __attribute__((aligned(64)));\nchar big3[1 << 18];\n", ["-mcmodel=medium"]),
    "defined": ("char big[64] = {1};\n", []),
    "main": ("#include <stdio.h>\nextern char big[1 << 20];\nchar *bigaddr(void);\n"
             "int main(void) { big[5] = 7; printf(\"%d %d\\n\", bigaddr()[5], bigaddr() == big); return 0; }\n",
             []),
    "addr": ("extern char big[];\nchar *bigaddr(void) { return big; }\n", []),
}
NAMES = ("big", "big2", "big3", "small_c")


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    b = BuildDir(tmp_path_factory.mktemp("lcommon"), braze_lddir)
    for name, (text, flags) in SRCS.items():
        (b.root / f"{name}.c").write_text(text)
        for pic in ("-fno-pic", "-fPIC"):
            b.run(["gcc", "-O2", "-fcommon", pic, *flags, "-c", f"{name}.c", "-o", f"{name}{pic}.o"])
    out = subprocess.run(["readelf", "-Ws", str(b.root / "large-fno-pic.o")], capture_output=True, text=True,
                         env=tool_env(), check=True).stdout
    assert re.search(r"LARGE_COM big$", out, re.M), out       # (the compiler made a large common)
    for name in ("large", "others", "main", "larger"):      # GCC IR (LTO); the compiled code's are large
        text, flags = SRCS[name]
        for pic in ("-fno-pic", "-fPIC"):
            b.run(["gcc", "-O2", "-fcommon", "-flto", pic, *flags, "-c", f"{name}.c", "-o", f"{name}{pic}.lto.o"])
    b.run(["ar", "rcs", "liblarge.a", "large-fno-pic.o"])
    b.run(["ar", "rcs", "libdef.a", "defined-fno-pic.o"])
    b.run(["ar", "rcs", "liblarger.a", "larger-fno-pic.o", "addr-fno-pic.o"])
    return b


def _readelf(path, *opts) -> str:
    return subprocess.run(["readelf", "-W", *opts, str(path)], capture_output=True, text=True, env=tool_env(),
                          check=True).stdout


def _structure(path) -> tuple:
    syms = sorted(" ".join((f[2], f[3], f[6], f[7])) for f in map(str.split, _readelf(path, "-s").splitlines())
                  if len(f) == 8 and f[7] in NAMES)
    secs = []
    for line in _readelf(path, "-S").splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\.l?bss|\.l?data)\s+(\S+)\s+\S+\s+\S+\s+(\S+)\s+\S+\s+(\S*)\s+\d+\s+\d+\s+(\d+)$",
                     line)
        if m:
            g = m.groups()
            # (.bss's size depends on the order of its commons, bfd's hash-table order, not reproduced)
            secs.append(g[:2] + ("-" if g[0] == ".bss" else g[2],) + g[3:])
    segs = [line.split(None, 1)[1] for line in _readelf(path, "-l").split("Section to Segment mapping:")[1]
            .splitlines() if re.match(r"\s+\d\d\s", line) and "bss" in line]
    return syms, secs, segs


# (inputs after main.o, output kind)
LINKS = [
    ("large", "exe"), ("large", "pie"), ("large small", "exe"), ("small large", "pie"),
    ("large larger", "exe"), ("larger large", "exe"), ("large normal_larger", "exe"),
    ("large aligned", "exe"), ("small large aligned", "exe"), ("large others larger", "exe"),
    ("large others larger --sort-common", "exe"), ("large defined", "exe"),
    ("liblarge.a", "exe"), ("large libdef.a", "exe"), ("large liblarger.a", "exe"), ("small liblarger.a", "exe"),
]


@pytest.mark.parametrize("inputs,kind", LINKS, ids=[f"{i.replace(' ', '+')}-{k}" for i, k in LINKS])
def test_large_common_link_vs_bfd(work, inputs, kind):
    pic = "-fPIC" if kind == "pie" else "-fno-pic"
    mode = ["-pie"] if kind == "pie" else ["-no-pie"]
    args, opts = [], []
    for a in inputs.split():
        if a.startswith("--"):
            opts.append(f"-Wl,{a}")
        else:
            args.append(a if a.endswith(".a") else f"{a}{pic}.o")
    tag = inputs.replace(" ", "+") + "-" + kind
    res = []
    for linker in ("bfd", "test"):
        out = work.root / f"{tag}-{linker}"
        work.run(["gcc", *work.ld(linker), *mode, f"main{pic}.o", *args, *opts, "-o", out])
        run = subprocess.run([str(out)], capture_output=True, text=True)
        res.append((run.returncode, run.stdout, _structure(out)))
    assert res[0][:2] == (0, "7 1\n")
    assert res[1] == res[0]


def test_large_common_shared_vs_bfd(work):
    res = []
    for linker in ("bfd", "test"):
        out = work.root / f"liblc-{linker}.so"
        work.run(["gcc", *work.ld(linker), "-shared", "large-fPIC.o", "others-fPIC.o", "-o", out])
        dyn = sorted(" ".join((f[2], f[3], f[6], f[7])) for f in map(str.split, _readelf(out, "--dyn-syms").splitlines())
                     if len(f) == 8 and f[7] in NAMES)
        res.append((_structure(out), dyn))
    assert res[1] == res[0]


@pytest.mark.parametrize("inputs", ["large others", "large small", "large larger", "small aligned"])
def test_large_common_relocatable_vs_bfd(work, inputs):
    res = []
    for linker in ("bfd", "test"):
        out = work.root / f"r-{inputs.replace(' ', '+')}-{linker}.o"
        work.run(["gcc", *work.ld(linker), "-r", *[f"{a}-fno-pic.o" for a in inputs.split()], "-o", out])
        syms = sorted(" ".join((f[1], f[2], f[3], f[6], f[7])) for f in map(str.split, _readelf(out, "-s").splitlines())
                      if len(f) == 8 and f[7] in NAMES)
        res.append(syms)
    assert any("LARGE_COM" in s for s in res[0]) == (inputs in ("large others", "large larger"))
    assert res[1] == res[0]


def test_large_common_cref_vs_bfd(work):
    res = []
    for linker in ("bfd", "test"):
        out = work.root / f"cref-{linker}"
        m = work.root / f"cref-{linker}.map"
        work.run(["gcc", *work.ld(linker), "-no-pie", "main-fno-pic.o", "large-fno-pic.o", "small-fno-pic.o", "larger-fno-pic.o",
                  f"-Wl,--cref,-Map,{m}", "-o", out])
        text = m.read_text().split("Cross Reference Table")[1]
        res.append([line for line in text.splitlines() if line.startswith(("big ", "small_c ", " "))][:8])
    assert res[1] == res[0]


# (inputs after main, output kind): `.lto` inputs are GCC IR
LTO_LINKS = [
    ("large.lto", "exe"), ("large.lto", "pie"), ("large.lto others.lto", "exe"), ("large.lto larger", "exe"),
    ("large.lto small", "pie"), ("large larger.lto", "exe"),
]


@pytest.mark.parametrize("inputs,kind", LTO_LINKS, ids=[f"{i.replace(' ', '+')}-{k}" for i, k in LTO_LINKS])
def test_large_common_from_lto_ir_vs_bfd(work, inputs, kind):
    pic = "-fPIC" if kind == "pie" else "-fno-pic"
    mode = ["-pie"] if kind == "pie" else ["-no-pie"]
    args = [f"{a[:-4]}{pic}.lto.o" if a.endswith(".lto") else f"{a}{pic}.o" for a in inputs.split()]
    tag = "lto-" + inputs.replace(" ", "+") + "-" + kind
    res = []
    for linker in ("bfd", "test"):
        out = work.root / f"{tag}-{linker}"
        work.run(["gcc", *work.ld(linker), "-O2", "-flto", "-mcmodel=medium", *mode, f"main{pic}.o", *args,
                  "-o", out])
        run = subprocess.run([str(out)], capture_output=True, text=True)
        res.append((run.returncode, run.stdout, _structure(out)))
    assert res[0][:2] == (0, "7 1\n")
    assert res[1] == res[0]


def test_large_common_from_lto_ir_shared_vs_bfd(work):
    res = []
    for linker in ("bfd", "test"):
        out = work.root / f"liblc-lto-{linker}.so"
        work.run(["gcc", *work.ld(linker), "-O2", "-flto", "-mcmodel=medium", "-shared", "large-fPIC.lto.o",
                  "others-fPIC.lto.o", "-o", out])
        dyn = sorted(" ".join((f[2], f[3], f[6], f[7])) for f in map(str.split, _readelf(out, "--dyn-syms").splitlines())
                     if len(f) == 8 and f[7] in NAMES)
        res.append((_structure(out), dyn))
    assert res[1] == res[0]
