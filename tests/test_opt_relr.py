"""-z pack-relative-relocs (DT_RELR) against ld.bfd, from the same objects (sources tests/c/relr_*.c):
a PIE (also with non-relaxable GOT loads, so linker-made GOT RELATIVE slots), a -shared library
(loaded at link time and by dlopen) and a -static-pie, each run by both and compared by readelf's
view: which dynamic tags (DT_RELR*, DT_RELACOUNT) and their order, .relr.dyn's header and place among
the sections, the version needs (GLIBC_ABI_DT_RELR), .relr.dyn decoded into the set of relocated
addresses as (section, offset in it), and what stays in .rela.dyn (type, section, offset)."""
from __future__ import annotations

import re
from collections import Counter
import subprocess
from pathlib import Path

import pytest

from harness import RUN_TIMEOUT, _no_core, run_env, sh, tool_env

SRC = Path(__file__).resolve().parent / "c"
PACK = "-Wl,-z,pack-relative-relocs"


class Build:
    def __init__(self, root: Path, lddir: str):
        self.root = root
        self.lddir = lddir

    def run(self, cmd, cwd=None):
        p = subprocess.run([str(c) for c in cmd], cwd=cwd or self.root, env=tool_env(), capture_output=True,
                           text=True, errors="replace", timeout=300)
        assert p.returncode == 0, f"command failed (exit {p.returncode})\n$ {sh(cmd)}\n{p.stdout}{p.stderr}"
        return p.stdout

    def obj(self, src: str, *flags: str, name: str) -> Path:
        out = self.root / name
        if not out.exists():
            self.run(["gcc", "-c", "-O2", *flags, SRC / src, "-o", out])
        return out

    def link(self, linker: str, out: str, inputs, *flags: str) -> Path:
        d = self.root / linker
        d.mkdir(exist_ok=True)
        ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{self.lddir}/"]
        self.run(["gcc", *ld, *map(str, inputs), *flags, "-o", d / out], cwd=d)
        return d / out


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> Build:
    return Build(tmp_path_factory.mktemp("relr"), braze_lddir)


def run(cmd):
    cwd = Path(cmd[0]).parent
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=run_env(cwd, {"LD_LIBRARY_PATH": str(cwd)}),
                       capture_output=True, text=True, errors="replace", timeout=RUN_TIMEOUT, preexec_fn=_no_core)
    return p.returncode, p.stdout, p.stderr


def readelf(*args) -> str:
    return subprocess.run(["readelf", "-W", *map(str, args)], capture_output=True, text=True, check=True).stdout


def sections(path) -> list[tuple[str, str, int, int, int, str]]:
    """(name, type, addr, size, entsize, flags) of every section, in order."""
    out = []
    for m in re.finditer(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)"
                         r"\s+(\S*?)\s+\d+\s+\d+\s+\d+$", readelf("-S", path), re.M):
        out.append((m[1], m[2], int(m[3], 16), int(m[4], 16), int(m[5], 16), m[6]))
    return out


def where(secs, addr: int) -> tuple[str, int]:
    for name, typ, a, size, _e, flags in secs:
        # (.tbss has an address but takes no room: what follows it overlaps it)
        if "A" in flags and a <= addr < a + size and not (typ == "NOBITS" and "T" in flags):
            return name, addr - a
    return "?", addr


def relocs(path) -> dict[str, list[tuple]]:
    """readelf -r per relocation section: .relr.dyn as its decoded addresses, the others as
    (type, offset); offsets as (section, offset in it)."""
    secs = sections(path)
    out: dict[str, list[tuple]] = {}
    cur = None
    for line in readelf("-r", path).splitlines():
        m = re.match(r"Relocation section '([^']+)'", line)
        if m:
            cur = out.setdefault(m[1], [])
            continue
        m = re.match(r"^([0-9a-f]{16})(?:\s+[0-9a-f]{16}\s+(\S+))?", line)
        if m and cur is not None:
            loc = where(secs, int(m[1], 16))
            cur.append(loc if m[2] is None else (m[2], *loc))
    return {k: sorted(v) for k, v in out.items()}


def view(path) -> dict:
    secs = sections(path)
    tags = re.findall(r"^\s*0x[0-9a-f]+\s+\((\w+)\)\s+(.*)$", readelf("-d", path), re.M)
    keep = {"RELR", "RELRSZ", "RELRENT", "RELA", "RELASZ", "RELAENT", "RELACOUNT", "VERNEED", "VERNEEDNUM"}
    ver = readelf("-V", path)
    needs = ver[ver.find("Version needs"):] if "Version needs" in ver else ""
    return {
        "tag order": [t for t, _ in tags if t in keep],
        "tag values": [(t, v) for t, v in tags if t in {"RELRENT", "RELACOUNT", "RELAENT", "VERNEEDNUM"}],
        "relr size": [(t, v) for t, v in tags if t == "RELRSZ"],
        "sections": [s[0] for s in secs if s[0].startswith((".rel", ".gnu.version", ".dyn"))],
        "relr header": [(s[1], s[4], s[5]) for s in secs if s[0] == ".relr.dyn"],
        "version needs": re.findall(r"(?:File|Name): (\S+)(?:\s+Flags: \S+\s+Version: (\d+))?", needs),
        "relocs": relocs(path),
    }


def compare(a: Path, b: Path, exact: bool = True) -> None:
    """`exact`: the relocated places themselves; else (static-pie, where the two linkers already order
    libc.a's .data.rel.ro members differently) how many per section and relocation section."""
    va, vb = view(a), view(b)
    if not exact:
        for v in (va, vb):
            v["relocs"] = {k: sorted(Counter(x[:-1] for x in r).items()) for k, r in v["relocs"].items()}
    for k in va:
        assert va[k] == vb[k], f"{k} differs\nbfd:  {va[k]}\ntest: {vb[k]}"


def same_places(packed: Path, plain: Path) -> None:
    """Packing moves RELATIVE relocations, it adds or drops none: .relr.dyn plus the RELATIVE left in
    .rela.dyn are the plain link's RELATIVE relocations, and only the odd ones are left."""
    def relative(r):
        return {x[1:] for x in r.get(".rela.dyn", []) if x[0] == "R_X86_64_RELATIVE"}
    rp, rn = relocs(packed), relocs(plain)
    relr = set(rp.get(".relr.dyn", []))
    assert relr.isdisjoint(relative(rp))
    assert relr | relative(rp) == relative(rn)


def test_pie(build):
    for variant, flags in (("relax", ()), ("norelax", ("-Wa,-mrelax-relocations=no",))):
        objs = [build.obj("relr_main.c", "-fPIE", *flags, name=f"main-{variant}.o"),
                build.obj("relr_lib.c", "-fPIE", *flags, name=f"lib-pie-{variant}.o")]
        exes = [build.link(ld, f"pie-{variant}", objs, "-pie", PACK) for ld in ("bfd", "test")]
        assert view(exes[0])["relocs"].get(".relr.dyn"), "bfd made no .relr.dyn: the test tests nothing"
        assert run([exes[0]]) == run([exes[1]])
        compare(*exes)
        for ld, exe in zip(("bfd", "test"), exes):
            same_places(exe, build.link(ld, f"pie-{variant}-plain", objs, "-pie"))


def test_shared_and_dlopen(build):
    lib = build.obj("relr_lib.c", "-fPIC", name="lib-pic.o")
    main = build.obj("relr_main.c", "-fPIE", name="main.o")
    dl = build.obj("relr_dlopen.c", "-fPIE", name="dlopen.o")
    libs = [build.link(ld, "librelr.so", [lib], "-shared", PACK) for ld in ("bfd", "test")]
    compare(*libs)
    for ld, so in zip(("bfd", "test"), libs):
        same_places(so, build.link(ld, "libplain.so", [lib], "-shared"))
    results = []
    for ld in ("bfd", "test"):
        exe = build.link(ld, "main", [main], "-L.", "-lrelr", PACK)
        dexe = build.link(ld, "dl", [dl], "-ldl", PACK)
        results.append((run([exe]), run([dexe, "./librelr.so"])))
    assert results[0] == results[1]
    assert results[0][0][1] and results[0][0] == results[0][1]


def test_static_pie(build):
    objs = [build.obj("relr_main.c", "-fPIE", name="main.o"),
            build.obj("relr_lib.c", "-fPIE", name="lib-pie-relax.o")]
    exes = [build.link(ld, "static-pie", objs, "-static-pie", PACK) for ld in ("bfd", "test")]
    assert run([exes[0]]) == run([exes[1]])
    compare(*exes, exact=False)
    for ld, exe in zip(("bfd", "test"), exes):
        same_places(exe, build.link(ld, "static-pie-plain", objs, "-static-pie"))


def test_nopack_is_default(build):
    objs = [build.obj("relr_main.c", "-fPIE", name="main.o"),
            build.obj("relr_lib.c", "-fPIE", name="lib-pie-relax.o")]
    for ld in ("bfd", "test"):
        exe = build.link(ld, "nopack", objs, "-pie", PACK, "-Wl,-z,nopack-relative-relocs")
        v = view(exe)
        assert ".relr.dyn" not in v["relocs"] and not v["relr header"], ld
    exes = [build.root / ld / "nopack" for ld in ("bfd", "test")]
    compare(*exes)


def test_libc_needed_without_versions(build):
    """libc.so.6 needed but none of its versions: bfd adds no Verneed for GLIBC_ABI_DT_RELR alone."""
    obj = build.obj("relr_nolibc.c", "-fPIC", name="nolibc.o")
    libs = [build.link(ld, "libnolibc.so", [obj], "-shared", "-nostartfiles", PACK, "-Wl,--no-as-needed", "-lc")
            for ld in ("bfd", "test")]
    assert "libc.so.6" in readelf("-d", libs[0])
    compare(*libs)


def test_pie_ifunc(build):
    """An IFUNC's address in data: its IRELATIVE stays in .rela.dyn (no DT_RELACOUNT then)."""
    obj = build.obj("relr_ifunc.c", "-fPIE", name="ifunc.o")
    exes = [build.link(ld, "ifunc", [obj], "-pie", PACK) for ld in ("bfd", "test")]
    assert any(x[0] == "R_X86_64_IRELATIVE" for x in view(exes[0])["relocs"][".rela.dyn"])
    assert run([exes[0]]) == run([exes[1]])
    compare(*exes)
