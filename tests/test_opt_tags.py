"""Dynamic tags and notes options, each linked by ld.bfd and by the linker under test from the same
objects (sources tests/c/tags_*.c), compared by behaviour and by readelf's view:

* -F/--filter, -f/--auxiliary (DT_FILTER, DT_AUXILIARY): a filter library really filtering at run time;
* --audit, --depaudit/-P (DT_AUDIT, DT_DEPAUDIT): glibc loading the audit library of the main program;
* -z global/nodefaultlib/nodump/loadfltr/globalaudit (DF_1 bits), -z unique (DT_GNU_FLAGS_1);
* .note.gnu.property merging (IBT/SHSTK AND, ISA needed OR, ISA/feature used OR-if-all), -z ibt,
  -z shstk, -z x86-64-vN, -z cet-report=;
* the IBT PLT (.plt + .plt.sec, 16-byte .plt.got, endbr64 everywhere, its .eh_frame FDEs) with -z ibt,
  -z ibtplt and IBT-marked inputs, in PIE, non-PIE, -z now, -static, -shared;
* --package-metadata (.note.package).
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import BuildDir, RUN_TIMEOUT, _no_core, run_env, tool_env

SRC = Path(__file__).resolve().parent / "c"
LINKERS = ("bfd", "test")


class Build(BuildDir):
    """Compiles once, links with bfd ('bfd') or the linker under test ('test') into per-linker dirs."""

    def obj(self, src: str, *flags: str, name: str | None = None) -> Path:
        out = self.root / (name or (Path(src).stem + ".o"))
        if not out.exists():
            self.run(["gcc", "-c", "-O2", *flags, SRC / src, "-o", out])
        return out

    def link(self, linker: str, out: str, inputs, *flags: str, check=True):
        """gcc-driven link; returns (path, completed process)."""
        d = self.root / linker
        d.mkdir(exist_ok=True)
        path = d / out
        path.unlink(missing_ok=True)
        p = self.run(["gcc", *self.ld(linker), *map(str, inputs), *flags, "-o", path], cwd=d, check=check)
        return path, p


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> Build:
    return Build(tmp_path_factory.mktemp("tags"), braze_lddir)


def run(cmd, env=None, cwd=None):
    cwd = Path(cwd or Path(cmd[0]).parent)
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=run_env(cwd, env or {}), capture_output=True,
                       text=True, errors="replace", timeout=RUN_TIMEOUT, preexec_fn=_no_core)
    return p.returncode, p.stdout, p.stderr


def readelf(*args) -> str:
    return subprocess.run(["readelf", "-W", *map(str, args)], capture_output=True, text=True,
                          env=tool_env()).stdout


# tags whose value is a string or a flag set (the others are addresses and sizes, which move with layout)
_VALUE_TAGS = {"NEEDED", "SONAME", "RPATH", "RUNPATH", "FILTER", "AUXILIARY", "AUDIT", "DEPAUDIT", "FLAGS",
               "FLAGS_1", "GNU_FLAGS_1", "SYMBOLIC", "BIND_NOW", "TEXTREL"}


def dyntags(path: Path) -> list:
    """The dynamic tags in file order, with the values that do not depend on layout."""
    out = []
    for line in readelf("-d", path).splitlines():
        m = re.match(r"\s*0x[0-9a-f]+ \((\w+)\)\s+(.*)$", line)
        if m:
            out.append((m.group(1), m.group(2).strip() if m.group(1) in _VALUE_TAGS else ""))
    return out


# ------------------------------------------------------------------ filters, audit, DF_1 flags

TAG_VARIANTS = {
    "filter": ("-shared", "-Wl,-F,libtags_filtee.so"),
    "filter-long-last-wins": ("-shared", "-Wl,--filter=libfirst.so", "-Wl,--filter,libtags_filtee.so"),
    "auxiliary": ("-shared", "-Wl,-f,libtags_filtee.so", "-Wl,--auxiliary=libtags_other.so"),
    "filter-and-auxiliary": ("-shared", "-Wl,-soname,libtags_filter.so", "-Wl,-rpath,/nonexistent",
                             "-Wl,-Flibtags_filtee.so", "-Wl,-flibtags_aux.so"),
    "audit": ("-shared", "-Wl,--audit=a.so", "-Wl,--audit,b.so:a.so", "-Wl,--audit=c.so",
              "-Wl,--depaudit=d.so", "-Wl,-Pe.so", "-Wl,-P,d.so"),
    "df1-shared": ("-shared", "-Wl,-z,global", "-Wl,-z,nodefaultlib", "-Wl,-z,nodump", "-Wl,-z,loadfltr",
                   "-Wl,-z,globalaudit", "-Wl,-z,unique", "-Wl,-z,now"),
    "df1-pie": ("-pie", "-Wl,-z,global", "-Wl,-z,nodefaultlib", "-Wl,-z,nodump", "-Wl,--audit=a.so",
                "-Wl,--depaudit=d.so", "-Wl,-z,unique", "-Wl,-z,nounique"),
    "df1-nopie": ("-no-pie", "-Wl,-z,nodefaultlib", "-Wl,-z,globalaudit", "-Wl,-z,unique", "-Wl,--audit=a.so"),
}


@pytest.mark.parametrize("variant", sorted(TAG_VARIANTS))
def test_dynamic_tags_match_bfds(build, variant):
    """Same dynamic tags, in the same order, with the same strings and flag bits."""
    flags = TAG_VARIANTS[variant]
    shared = "-shared" in flags
    src = "tags_filter.c" if shared else "tags_filter_main.c"
    obj = build.obj(src, "-fPIC" if shared else "-fPIE" if "-pie" in flags else "-fno-pie",
                    name=f"tagvar-{variant}.o")
    inputs = [obj]
    if not shared:
        inputs.append(build.obj("tags_filter.c", "-fPIC", name="tagvar-defs.o"))
    ref, _ = build.link("bfd", f"tv-{variant}", inputs, *flags)
    got, _ = build.link("test", f"tv-{variant}", inputs, *flags)
    assert dyntags(got) == dyntags(ref)


def filter_setup(build: Build, linker: str, kind: str, with_filtee: bool):
    """libtags_filter.so (filter of libtags_filtee.so, built by `linker`), a program linked against it,
    and the filtee (built by bfd) when `with_filtee`; returns the run result."""
    d = build.root / linker / f"filter-{kind}-{int(with_filtee)}"
    d.mkdir(parents=True, exist_ok=True)
    opt = {"filter": "-Wl,--filter=libtags_filtee.so", "auxiliary": "-Wl,--auxiliary=libtags_filtee.so"}[kind]
    lib = d / "libtags_filter.so"
    build.run(["gcc", *build.ld(linker), "-shared", "-Wl,-soname,libtags_filter.so", opt,
               build.obj("tags_filter.c", "-fPIC"), "-o", lib], cwd=d)
    if with_filtee:
        build.run(["gcc", "-fuse-ld=bfd", "-shared", "-Wl,-soname,libtags_filtee.so",
                   build.obj("tags_filtee.c", "-fPIC"), "-o", d / "libtags_filtee.so"], cwd=d)
    exe = d / "prog"
    build.run(["gcc", *build.ld(linker), build.obj("tags_filter_main.c", "-fPIE"), f"-L{d}", "-ltags_filter",
               "-o", exe], cwd=d)
    return run([exe], env={"LD_LIBRARY_PATH": str(d)})


@pytest.mark.parametrize("kind,with_filtee", [("filter", True), ("auxiliary", True), ("auxiliary", False)])
def test_filter_library_filters_at_run_time(build, kind, with_filtee):
    """glibc's loader resolves a filter's symbols in its filtee: the program prints the filtee's values
    (an auxiliary filter falls back to its own definitions when the filtee is missing)."""
    ref = filter_setup(build, "bfd", kind, with_filtee)
    got = filter_setup(build, "test", kind, with_filtee)
    assert got == ref
    # the bfd-built control shows the test is meaningful: the filtee's definitions were used
    assert ref[1].startswith("filtee" if with_filtee else "filter"), ref


@pytest.mark.parametrize("opt", ["--audit", "--depaudit"])
def test_audit_library_is_loaded(build, opt):
    """A program linked with --audit/--depaudit naming an rtld-audit library: glibc loads it and
    calls la_version/la_objopen for the program's libraries."""
    audit = build.root / "libtags_audit.so"
    if not audit.exists():
        build.run(["gcc", "-fuse-ld=bfd", "-shared", build.obj("tags_audit.c", "-fPIC"), "-o", audit])
    lib = build.root / "libtags_filtee.so"
    if not lib.exists():
        build.run(["gcc", "-fuse-ld=bfd", "-shared", "-Wl,-soname,libtags_filtee.so",
                   build.obj("tags_filtee.c", "-fPIC"), "-o", lib])
    res = {}
    for linker in LINKERS:
        exe, _ = build.link(linker, f"audit{opt}", [build.obj("tags_filter_main.c", "-fPIE"), lib],
                            f"-Wl,{opt}={audit}")
        res[linker] = run([exe], env={"LD_LIBRARY_PATH": str(build.root)})
    assert res["test"] == res["bfd"]
    assert "audit: la_version" in res["bfd"][1] and "libtags_filtee.so" in res["bfd"][1], res["bfd"]
    assert dyntags(build.root / "test" / f"audit{opt}") == dyntags(build.root / "bfd" / f"audit{opt}")


ERROR_CASES = {
    "filter-without-shared": ("-Wl,-F,libx.so",),
    "auxiliary-without-shared": ("-Wl,--auxiliary=libx.so",),
    "bad-cet-report": ("-Wl,-z,cet-report=sometimes",),
    "bad-isa-level": ("-Wl,-z,x86-64-v5",),
}


def _messages(stderr: str) -> list:
    """The linker's own lines, program prefix and bfd's/braze's 'error:' placement normalised."""
    out = []
    for line in stderr.splitlines():
        if "collect2" in line:
            continue
        line = re.sub(r"^\S*(ld\.bfd|ld|braze): ", "", line)
        out.append(line.replace("error: ", ""))
    return out


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_option_errors_like_bfds(build, case):
    """Refused as bfd refuses them: exit status 1, the same message, no output file."""
    obj = build.obj("tags_filter_main.c", "-fPIE")
    extra = build.obj("tags_filter.c", "-fPIC")
    res = {}
    for linker in LINKERS:
        out, p = build.link(linker, f"err-{case}", [obj, extra], *ERROR_CASES[case], check=False)
        assert p.returncode != 0 and not out.exists(), (linker, p.stderr)
        res[linker] = _messages(p.stderr)
    assert res["test"] == res["bfd"]


def test_isa_level_report_is_ignored_like_bfds(build):
    """GNU ld 2.40 does not know -z isa-level-report=: it warns and links."""
    obj = build.obj("tags_filter_main.c", "-fPIE")
    extra = build.obj("tags_filter.c", "-fPIC")
    res = {}
    for linker in LINKERS:
        out, p = build.link(linker, "isa-report", [obj, extra], "-Wl,-z,isa-level-report=all")
        res[linker] = (_messages(p.stderr), run([out])[1])
    assert res["test"] == res["bfd"]
    assert res["bfd"][0], "bfd should warn"


# ------------------------------------------------------------------ .note.gnu.property

PROP_CFLAGS = {
    "plain": (),
    "v3-used": ("-march=x86-64-v3", "-Wa,-mx86-used-note=yes"),
    "used": ("-Wa,-mx86-used-note=yes",),
    "v3-needed": ("-march=x86-64-v3", "-mneeded"),
    "cet": ("-fcf-protection=full",),
    "cet-used": ("-fcf-protection=full", "-Wa,-mx86-used-note=yes"),
    "ibt": ("-fcf-protection=branch",),
    "shstk": ("-fcf-protection=return",),
}


def prop_obj(build: Build, src: str, kind: str) -> Path:
    return build.obj(src, "-fPIC", *PROP_CFLAGS[kind], name=f"{Path(src).stem}-{kind}.o")


def notes(path: Path) -> list:
    """readelf -n without the build-id's hash."""
    return [l for l in readelf("-n", path).splitlines() if "Build ID" not in l]


PROP_LINKS = {
    # (kind of tags_props_a.o, kind of tags_props_b.o, gcc flags)
    "v3-used+plain": ("v3-used", "plain", ("-nostdlib", "-shared")),
    "v3-used+used": ("v3-used", "used", ("-nostdlib", "-shared")),
    "used+v3-used": ("used", "v3-used", ("-nostdlib", "-shared")),
    "v3-needed+used": ("v3-needed", "used", ("-nostdlib", "-shared")),
    "v3-needed+plain-pie": ("v3-needed", "plain", ("-pie",)),
    "v3-used+used-pie": ("v3-used", "used", ("-pie",)),
    "cet+cet": ("cet", "cet", ("-nostdlib", "-shared")),
    "cet-used+cet-used": ("cet-used", "cet-used", ("-nostdlib", "-shared")),
    "cet+ibt": ("cet", "ibt", ("-nostdlib", "-shared")),
    "cet+shstk": ("cet", "shstk", ("-nostdlib", "-shared")),
    "cet+plain": ("cet", "plain", ("-nostdlib", "-shared")),
    "plain+cet": ("plain", "cet", ("-nostdlib", "-shared")),
    "cet+cet-pie": ("cet", "cet", ("-pie",)),
    "z-ibt": ("plain", "plain", ("-pie", "-Wl,-z,ibt")),
    "z-shstk": ("plain", "shstk", ("-pie", "-Wl,-z,shstk")),
    "z-ibt-shstk-shared": ("plain", "used", ("-nostdlib", "-shared", "-Wl,-z,ibt", "-Wl,-z,shstk")),
    "z-v2": ("v3-used", "used", ("-pie", "-Wl,-z,x86-64-v2")),
    "z-v4-nostdlib": ("plain", "plain", ("-nostdlib", "-shared", "-Wl,-z,x86-64-v4")),
    # (bfd 2.40 aborts with an internal error for -z x86-64-baseline when an input has ISA_1_NEEDED)
    "z-v2-v3-needed": ("v3-needed", "used", ("-nostdlib", "-shared", "-Wl,-z,x86-64-v2")),
    # -z stack-size: bfd adds GNU_PROPERTY_STACK_SIZE (8 bytes) to a property note the output has
    "stack-size-pie": ("v3-used", "used", ("-pie", "-Wl,-z,stack-size=0x200000")),
    "stack-size-cet-shared": ("cet", "cet", ("-nostdlib", "-shared", "-Wl,-z,stack-size=0x3000")),
    "stack-size-plain-shared": ("plain", "plain", ("-nostdlib", "-shared", "-Wl,-z,stack-size=0x100000")),
}


@pytest.mark.parametrize("case", sorted(PROP_LINKS))
def test_property_note_matches_bfds(build, case):
    """Same .note.gnu.property (readelf -n) and PT_GNU_PROPERTY, and the program runs the same."""
    ka, kb, flags = PROP_LINKS[case]
    inputs = [prop_obj(build, "tags_props_a.c", ka), prop_obj(build, "tags_props_b.c", kb)]
    ref, _ = build.link("bfd", f"prop-{case}", inputs, *flags)
    got, _ = build.link("test", f"prop-{case}", inputs, *flags)
    assert notes(got) == notes(ref)
    phdrs = [re.findall(r"^\s+(GNU_PROPERTY|NOTE)\s", readelf("-l", p), re.M) for p in (ref, got)]
    assert phdrs[1] == phdrs[0]
    if "-shared" not in flags:
        assert run([got]) == run([ref])


CET_REPORTS = {
    "warning": ("cet", "plain", ("-Wl,-z,cet-report=warning",)),
    "warning-ibt-missing": ("cet", "shstk", ("-Wl,-z,cet-report=warning",)),
    "warning-z-ibt": ("cet", "shstk", ("-Wl,-z,cet-report=warning", "-Wl,-z,ibt")),
    "warning-z-shstk": ("ibt", "plain", ("-Wl,-z,cet-report=warning", "-Wl,-z,shstk")),
    "error": ("cet", "ibt", ("-Wl,-z,cet-report=error",)),
    "error-then-none": ("cet", "plain", ("-Wl,-z,cet-report=error", "-Wl,-z,cet-report=none")),
    "gcc-archive": ("cet", "plain", ("-Wl,-z,cet-report=warning", "ARCHIVE")),
}


@pytest.mark.parametrize("case", sorted(CET_REPORTS))
def test_cet_report_like_bfds(build, case):
    """-z cet-report=warning|error names each input object (crt files, archive members included) that
    lacks IBT and/or SHSTK, as bfd does; error fails the link."""
    ka, kb, flags = CET_REPORTS[case]
    a, b = prop_obj(build, "tags_props_a.c", ka), prop_obj(build, "tags_props_b.c", kb)
    inputs = [b, a]
    if "ARCHIVE" in flags:
        flags = tuple(f for f in flags if f != "ARCHIVE")
        ar = build.root / f"libtags_cet_{ka}.a"
        if not ar.exists():
            build.run(["ar", "rcs", ar, a])
        inputs = [b, ar]
    res = {}
    for linker in LINKERS:
        out, p = build.link(linker, f"cet-{case}", inputs, "-pie", *flags, check=False)
        msgs = [re.sub(r"^.*?(\S+\.[ao]\)?): ", r"\1: ", l) for l in _messages(p.stderr)]
        res[linker] = (p.returncode != 0, out.exists(), msgs)
    assert res["test"] == res["bfd"]
    assert bool(res["bfd"][2]) == (case != "error-then-none"), res["bfd"]


# ------------------------------------------------------------------ the IBT PLT

def plt_view(path: Path) -> dict:
    """What the PLT sections are and do, independent of the order of PLT entries and of the GOT's layout:
    section (size, entsize, alignment); for each PLT relocation (by symbol, or the IFUNC resolver's
    address for IRELATIVE), the code of the .plt entry its GOT slot initially points to (relative
    targets resolved to section+offset) and of the entry that jumps through the slot; the code of each
    .plt.got entry."""
    from elftools.elf.elffile import ELFFile
    from elftools.elf.relocation import RelocationSection
    with open(path, "rb") as f:
        elf = ELFFile(f)
        secs = {s.name: s for s in elf.iter_sections()}
        view = {"sections": {n: (secs[n]["sh_size"], secs[n]["sh_entsize"], secs[n]["sh_addralign"])
                             for n in (".plt", ".plt.sec", ".plt.got") if n in secs}}
        code = {n: (secs[n]["sh_addr"], secs[n].data()) for n in (".plt", ".plt.sec", ".plt.got") if n in secs}

        def where(addr):
            for n, (a, d) in code.items():
                if a <= addr < a + len(d):
                    return n, addr - a
            for s in elf.iter_sections():
                if s["sh_addr"] <= addr < s["sh_addr"] + s["sh_size"] and s["sh_flags"] & 2:
                    return s.name, None
            return None, None

        def entry(addr, size=16):
            n, off = where(addr)
            if n is None:
                return None
            a, d = code[n]
            b = d[off - off % size:off - off % size + size]
            # endbr64 / push $imm / jmp rel32 / jmp *rel(%rip): keep opcodes, resolve targets
            out, i, ea = [], 0, a + off - off % size
            while i < len(b):
                if b[i:i + 4] == b"\xf3\x0f\x1e\xfa":
                    out.append("endbr64"); i += 4
                elif b[i] == 0x68:
                    out.append(f"push ${int.from_bytes(b[i + 1:i + 5], 'little')}"); i += 5
                elif b[i] == 0xe9:
                    t = ea + i + 5 + int.from_bytes(b[i + 1:i + 5], "little", signed=True)
                    out.append(f"jmp {where(t)}"); i += 5
                elif b[i:i + 2] in (b"\xff\x25", b"\xff\x35"):
                    t = ea + i + 6 + int.from_bytes(b[i + 2:i + 6], "little", signed=True)
                    out.append(("jmp *" if b[i + 1] == 0x25 else "push *") + str(slots.get(t, where(t)[0])))
                    i += 6
                else:
                    out.append(b[i:].hex()); break
            return (n, off % size if off is not None else None, tuple(out))

        slots, inits, index = {}, {}, {}
        gotdata = [(s["sh_addr"], s.data()) for s in elf.iter_sections() if s.name in (".got", ".got.plt")]
        dynsym = elf.get_section_by_name(".dynsym")
        plt_rel = elf.get_section_by_name(".rela.plt")
        if isinstance(plt_rel, RelocationSection):
            for k, r in enumerate(plt_rel.iter_relocations()):
                name = dynsym.get_symbol(r["r_info_sym"]).name if r["r_info_sym"] else "IRELATIVE"
                slots[r["r_offset"]] = f"slot({name})"
                index[r["r_offset"]] = k
                for a, d in gotdata:
                    if a <= r["r_offset"] < a + len(d):
                        inits[r["r_offset"]] = int.from_bytes(d[r["r_offset"] - a:r["r_offset"] - a + 8], "little")
        dyn_rel = elf.get_section_by_name(".rela.dyn")
        if isinstance(dyn_rel, RelocationSection):
            for r in dyn_rel.iter_relocations():
                if r["r_info_type"] == 6:       # GLOB_DAT: what .plt.got entries jump through
                    slots[r["r_offset"]] = f"got({dynsym.get_symbol(r['r_info_sym']).name})"
        callers = {}
        for n in (".plt.sec", ".plt"):
            if n in code:
                a, d = code[n]
                for off in range(0, len(d), 16):
                    e = entry(a + off)
                    for ins in e[2]:
                        if ins.startswith("jmp *slot("):
                            callers.setdefault(ins[5:], e)
        per_slot = []
        for slot, k in index.items():
            name = slots[slot]
            init = entry(inits[slot]) if slot in inits else None
            if init is not None:     # the lazy entry must push this slot's own relocation index
                init = (init[0], init[1], tuple("push $<own index>" if i == f"push ${k}" else i for i in init[2]))
            per_slot.append((name, init, callers.get(name)))
        view["slots"] = sorted(per_slot, key=str)
        if ".plt.got" in code:
            a, d = code[".plt.got"]
            step = secs[".plt.got"]["sh_entsize"] or 8
            view["plt.got"] = sorted((entry(a + off, step) for off in range(0, len(d), step)), key=str)
    return view


def plt_fdes(path: Path) -> list:
    """The CFA programs of the .eh_frame FDEs that cover the PLT sections (in address order)."""
    text = subprocess.run(["readelf", "--debug-dump=frames", str(path)], capture_output=True, text=True,
                          env=tool_env()).stdout
    ranges = {}
    for line in readelf("-S", path).splitlines():
        m = re.search(r"\] (\.plt\S*)\s+\S+\s+([0-9a-f]+) [0-9a-f]+ ([0-9a-f]+)", line)
        if m:
            ranges[m.group(1)] = (int(m.group(2), 16), int(m.group(3), 16))
    out, cur = [], None
    for line in text.splitlines():
        m = re.search(r"FDE cie=\S+ pc=([0-9a-f]+)\.\.([0-9a-f]+)", line)
        if m:
            lo, hi = int(m.group(1), 16), int(m.group(2), 16)
            cur = None
            for n, (a, sz) in ranges.items():
                if lo == a and hi == a + sz:
                    cur = [n]
                    out.append(cur)
        elif cur is not None and line.strip().startswith("DW_") and "DW_CFA_nop" not in line:
            cur.append(re.sub(r"to [0-9a-f]+", "", line.strip()))
    return out


IBT_CASES = {
    # name: (mode cflags, link flags, with the library)
    "pie-z-ibt": (("-fPIE",), ("-pie", "-Wl,-z,ibt"), False),
    "nopie-z-ibt": (("-fno-pie",), ("-no-pie", "-Wl,-z,ibt"), False),
    "pie-z-ibt-now": (("-fPIE",), ("-pie", "-Wl,-z,ibt", "-Wl,-z,now"), False),
    "nopie-z-ibt-now": (("-fno-pie",), ("-no-pie", "-Wl,-z,ibt", "-Wl,-z,now"), False),
    "pie-z-ibtplt": (("-fPIE",), ("-pie", "-Wl,-z,ibtplt"), False),
    "pie-lib-z-ibt": (("-fPIE", "-DWITH_LIB"), ("-pie", "-Wl,-z,ibt"), True),
    "nopie-lib-z-ibt": (("-fno-pie", "-DWITH_LIB"), ("-no-pie", "-Wl,-z,ibt,-z,shstk"), True),
    "static-z-ibt": (("-fno-pie",), ("-static", "-Wl,-z,ibt"), False),
}


def ibt_lib(build: Build, linker: str, flags=("-Wl,-z,ibt",)) -> Path:
    d = build.root / linker / ("ibtlib" + "".join(flags).replace(",", "_"))
    d.mkdir(parents=True, exist_ok=True)
    lib = d / "libtags_ibt.so"
    if not lib.exists():
        build.run(["gcc", *build.ld(linker), "-shared", "-Wl,-soname,libtags_ibt.so", *flags,
                   build.obj("tags_ibt_lib.c", "-fPIC", "-fcf-protection=full"), "-o", lib], cwd=d)
    return lib


@pytest.mark.parametrize("case", sorted(IBT_CASES))
def test_ibt_plt_matches_bfds(build, case):
    """Programs whose calls go through the IBT PLT run like bfd's (lazy binding, LD_BIND_NOW, -z now);
    the PLT sections, what each entry does, the GOT slots' initial values and the PLT FDEs match."""
    cflags, flags, with_lib = IBT_CASES[case]
    obj = build.obj("tags_ibt.c", "-fcf-protection=full", *cflags, name=f"ibt-{case}.o")
    res, views = {}, {}
    for linker in LINKERS:
        inputs = [obj]
        env = {}
        if with_lib:
            lib = ibt_lib(build, linker)
            inputs.append(lib)
            env = {"LD_LIBRARY_PATH": str(lib.parent)}
        exe, _ = build.link(linker, f"ibt-{case}", inputs, *flags)
        res[linker] = [run([exe], env=env), run([exe], env=dict(env, LD_BIND_NOW="1"))]
        views[linker] = (plt_view(exe), plt_fdes(exe), notes(exe))
        if with_lib:
            views[linker] += (plt_view(lib), plt_fdes(lib), notes(lib))
    assert res["test"] == res["bfd"]
    assert res["bfd"][0][0] == 0 and "sorted 1 3 5 7 9" in res["bfd"][0][1], res["bfd"]
    assert views["test"] == views["bfd"]
    if "ibt" in " ".join(flags):
        assert ".plt.sec" in views["bfd"][0]["sections"] or "-static" in flags


def test_ibt_plt_when_every_input_is_ibt_marked(build):
    """Without any -z option: a -nostdlib library of IBT-marked objects gets the IBT PLT (bfd's rule),
    one with an unmarked object the ordinary PLT."""
    marked = build.obj("tags_ibt_lib.c", "-fPIC", "-fcf-protection=full", name="ibt-marked.o")
    plain = build.obj("tags_props_a.c", "-fPIC", name="ibt-unmarked.o")
    for name, inputs in (("all-marked", [marked]), ("one-unmarked", [marked, plain])):
        views = {}
        for linker in LINKERS:
            lib, _ = build.link(linker, f"libauto-{name}.so", inputs, "-shared", "-nostdlib", "-lc")
            views[linker] = (plt_view(lib), plt_fdes(lib), notes(lib))
        assert views["test"] == views["bfd"], name
        assert (".plt.sec" in views["bfd"][0]["sections"]) == (name == "all-marked")


@pytest.mark.parametrize("flags", [("-Wl,-z,ibt",), ("-Wl,-z,ibtplt", "-Wl,-z,now")])
def test_ibt_plt_in_tlsdesc_library(build, flags):
    """A -shared library with a lazy TLSDESC trampoline and a .plt.got stub, IBT PLT forced: the same
    PLT sections, entries, slots and FDEs as bfd's."""
    obj = build.obj("tags_tls_lib.c", "-fPIC", "-mtls-dialect=gnu2")
    views = {}
    for linker in LINKERS:
        lib, _ = build.link(linker, "libtls" + "".join(flags).replace(",", "_") + ".so", [obj], "-shared", *flags)
        views[linker] = (plt_view(lib), plt_fdes(lib), notes(lib), dyntags(lib))
    assert views["test"] == views["bfd"]
    assert ".plt.got" in views["bfd"][0]["sections"] and views["bfd"][0]["sections"][".plt.got"][1] == 16


# ------------------------------------------------------------------ --package-metadata

def note_layout(path: Path) -> tuple:
    """.note.package's section header (type, flags, alignment), the notes' order, and the PT_NOTE
    segment that holds it."""
    sec = [l.split("]", 1)[1].split() for l in readelf("-S", path).splitlines() if ".note" in l]
    hdr = [(s[0], s[1], s[-4], s[-1]) for s in sec]
    mapping = re.findall(r"^\s+\d\d\s+(.*\.note\.package.*)$", readelf("-l", path), re.M)
    pkg = [l for l in readelf("-n", path).splitlines() if "FDO" in l or "Packaging" in l]
    return hdr, mapping, pkg


PACKAGE_CASES = {
    "pie": ("-pie", '--package-metadata={"type":"deb","name":"braze-test","version":"1.0"}'),
    "shared": ("-shared", '--package-metadata={"os":"debian","name":"x y"}'),
    "static": ("-static", '--package-metadata=[1, 2]'),
    "last-wins": ("-pie", '--package-metadata={"a":1}', '--package-metadata={"bb":"22"}'),
    "cleared": ("-pie", '--package-metadata={"a":1}', "--package-metadata"),
    "empty": ("-pie", "--package-metadata="),
    "invalid": ("-pie", "--package-metadata=not json"),
}


@pytest.mark.parametrize("case", sorted(PACKAGE_CASES))
def test_package_metadata_note_like_bfds(build, case):
    mode, *opts = PACKAGE_CASES[case]
    shared = mode == "-shared"
    pic = "-fPIC" if shared else "-fno-pie" if mode == "-static" else "-fPIE"
    obj = build.obj("tags_filter.c" if shared else "tags_filter_main.c", pic, name=f"pkg-{case}.o")
    inputs = [obj] if shared else [obj, build.obj("tags_filter.c", pic, name=f"pkg-defs-{case}.o")]
    res = {}
    for linker in LINKERS:
        xl = [a for o in opts for a in ("-Xlinker", o)]
        out, p = build.link(linker, f"pkg-{case}", inputs, mode, *xl)
        # bfd's JSON parser (jansson) words its reason differently from braze's: compare up to it
        warn = [m.split("ignoring:")[0] for m in _messages(p.stderr)]
        res[linker] = (note_layout(out), warn, None if shared else run([out])[:2])
    assert res["test"] == res["bfd"]
