"""LTO through GCC's plugin, against ld.bfd loading the same plugin (sources in tests/c/lto_fix/):

* a thread-local variable defined in IR and referenced from a regular object (and the reverse),
  in a program and in a shared library: the plugin's object replaces the typeless IR definition and
  the TLS check sees the regular object's TLS reference, as bfd does;
* the output kind the plugin is told (lto-wrapper's -flinker-output=): rel for -r, dyn, pie, exec;
* -r (partial link) of IR objects: IR only (the output is IR again), with a regular object
  (nolto-rel), fat objects; the same symbols and sections as bfd's -r output, and a program linked
  from it behaves the same; the driver's -pass-through= libraries are dropped, as bfd drops them;
* the output's EI_OSABI: ELFOSABI_GNU when .symtab holds an IFUNC (the LTO plugin's local IFUNC
  included), SYSV when it holds none (-s), whatever the inputs' headers say."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from harness import tool_env
from test_lto import GCC_PLUGIN, LINKERS, Build, both
from test_shared import dynsyms, run

C = Path(__file__).resolve().parent / "c" / "lto_fix"
EXPECT_TLS = "6\n"          # t1 (5) plus t_bss after one bump_tls()


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> Build:
    assert os.path.exists(GCC_PLUGIN), f"{GCC_PLUGIN} missing (gcc's LTO plugin)"
    return Build(tmp_path_factory.mktemp("ltofix"), braze_lddir)


def _readelf(path, *opts) -> str:
    p = subprocess.run(["readelf", "-W", *opts, str(path)], capture_output=True, text=True, env=tool_env())
    assert p.returncode == 0, p.stderr
    return p.stdout


# ------------------------------------------------------------------------------- TLS across IR

@pytest.mark.parametrize("order", ["ir-last", "ir-first"])
def test_tls_defined_in_ir_used_from_regular_object(build, order):
    main = build.obj(C / "tls_main.c", "-fPIE")
    use = build.obj(C / "tls_use.c", "-fPIE")
    ir = build.obj(C / "tls_def.c", "-fPIE", "-flto", name="tls_def_ir.o")
    assert "TLS" in _readelf(use, "-s")
    inputs = [main, use, ir] if order == "ir-last" else [ir, main, use]
    _exes, (_rc, out, _err) = both(build, f"tls_{order}", inputs, "-flto", "-O2")
    assert out == EXPECT_TLS, out


def test_tls_defined_in_regular_object_used_from_ir(build):
    main = build.obj(C / "tls_main.c", "-fPIE", "-flto", name="tls_main_ir.o")
    use = build.obj(C / "tls_use.c", "-fPIE", "-flto", name="tls_use_ir.o")
    plain = build.obj(C / "tls_def.c", "-fPIE", name="tls_def_plain.o")
    for name, inputs in (("tls_rev", [main, use, plain]), ("tls_rev2", [plain, main, use])):
        _exes, (_rc, out, _err) = both(build, name, inputs, "-flto", "-O2")
        assert out == EXPECT_TLS, out


@pytest.mark.parametrize("ir", ["def", "use"])
def test_tls_across_ir_in_shared_library(build, ir):
    d = build.obj(C / "tls_def.c", "-fPIC", *(["-flto"] if ir == "def" else []), name=f"tls_def_pic_{ir}.o")
    u = build.obj(C / "tls_use.c", "-fPIC", *(["-flto"] if ir == "use" else []), name=f"tls_use_pic_{ir}.o")
    libs = {linker: build.link(linker, f"libtls_{ir}.so", [d, u], "-shared", "-flto", "-O2") for linker in LINKERS}
    da, db = dynsyms(libs["bfd"]), dynsyms(libs["test"])
    assert da == db, f".dynsym differs:\n only bfd:  {sorted(da - db)}\n only test: {sorted(db - da)}"
    assert any(n == "t1" for n, *_r in db), sorted(db)
    main = build.obj(C / "tls_main.c", "-fPIE", name="tls_main_host.o")
    res = {}
    for linker in LINKERS:
        exe = build.link(linker, f"tls_host_{ir}", [main, libs[linker]], f"-Wl,-rpath,{libs[linker].parent}")
        res[linker] = run([exe])
    assert res["bfd"] == (0, EXPECT_TLS, "") and res["test"] == res["bfd"], res


def test_tls_mismatch_with_ir_definition_is_refused(build):
    """The plugin's object defines t1 as ordinary data, a regular object reads it as TLS: bfd only
    warns (`type of symbol changed`) and writes a program that reads garbage; braze refuses the link
    with its TLS-mismatch error, as for the same inputs without LTO (where bfd refuses too)."""
    main = build.obj(C / "tls_main.c", "-fPIE")
    use = build.obj(C / "tls_use.c", "-fPIE")
    ir = build.obj(C / "tls_nontls_def.c", "-fPIE", "-flto", name="tls_nontls_ir.o")
    ref = build.link("bfd", "tls_mismatch", [main, use, ir], "-flto", "-O2", check=False)
    assert isinstance(ref, Path), "harness: bfd refused the link"
    for inputs in ([main, use, ir], [ir, main, use]):
        p = build.link("test", "tls_mismatch", inputs, "-flto", "-O2", check=False)
        assert not isinstance(p, Path), "the mismatched TLS link succeeded"
        assert re.search(r"t1: TLS reference in \S*tls_use\.o mismatches non-TLS definition in \S+", p.stderr), \
            p.stderr
        assert "Traceback" not in p.stderr


# ----------------------------------------------------------------------------- output kind, -r

def _linker_output(build, linker, flags, inputs) -> list[str]:
    """The -flinker-output= options lto-wrapper ran with (gcc -v)."""
    d = build.root / linker
    d.mkdir(exist_ok=True)
    p = build.run(["gcc", "-v", *build.ld(linker, "gcc"), *flags, *map(str, inputs), "-o", d / "kind.out"], cwd=d)
    return sorted(set(re.findall(r"-flinker-output=([a-z-]+)", p.stderr)))


@pytest.mark.parametrize("kind", ["-r", "-shared", "-pie", "-no-pie", "-static-pie", "-static"])
def test_output_kind_told_to_plugin(build, kind):
    pic = kind in ("-shared", "-static-pie")
    a = build.obj(C / "part_a.c", "-fPIC" if pic else "-fPIE", "-flto", name=f"kind_a{'_pic' if pic else ''}.o")
    inputs = [a]
    if kind not in ("-r", "-shared"):
        inputs.append(build.obj(C / "part_main.c", "-fPIE", "-flto", name="kind_main.o"))
        inputs.append(build.obj(C / "part_b.c", "-fPIE", "-flto", name="kind_b.o"))
        inputs.append(build.obj(C / "part_plain.c", "-fPIE", "-flto", name="kind_plain.o"))
    got = {linker: _linker_output(build, linker, [kind, "-O2"], inputs) for linker in LINKERS}
    assert got["bfd"] and got["test"] == got["bfd"], got


def _sections(path) -> list[str]:
    """Section names in order (GCC's IR sections without their per-compilation hash suffix, a hex
    number printed without leading zeros)."""
    names = re.findall(r"^\s+\[\s*\d+\]\s+(\S+)", _readelf(path, "-S"), flags=re.M)
    return [re.sub(r"^(\.gnu\.lto_.*)\.[0-9a-f]+$", r"\1", n) for n in names]


def _nm(path) -> list[str]:
    """nm's view (which reads an IR output's symbols through the plugin): type and name."""
    p = subprocess.run(["nm", str(path)], capture_output=True, text=True, env=tool_env())
    assert p.returncode == 0, p.stderr
    return sorted(" ".join(line.split()[-2:]) for line in p.stdout.splitlines() if line.strip())


def _globals(path) -> list[tuple]:
    """The .symtab's global entries: (type, binding, visibility, defined, name)."""
    rows = []
    for line in _readelf(path, "-s").splitlines():
        f = line.split()
        if len(f) >= 8 and f[0].endswith(":") and f[4] in ("GLOBAL", "WEAK"):
            rows.append((f[3], f[4], f[5], f[6] != "UND", f[7]))
    return sorted(rows)


@pytest.mark.parametrize("variant", ["ir", "ir-and-regular", "fat", "fat-and-regular", "flto-ir"])
def test_partial_link_of_ir_objects(build, variant):
    """bfd's -r output from the same inputs: the same symbols and sections (IR only: the output is
    GCC's IR again, for the final LTO link; with a regular object GCC compiles it: nolto-rel), and a
    program linked from it (with each linker) runs the same."""
    fat = variant.startswith("fat")
    extra = ("-ffat-lto-objects",) if fat else ()
    a = build.obj(C / "part_a.c", "-fPIE", "-flto", *extra, name=f"part_a{'_fat' if fat else ''}.o")
    b = build.obj(C / "part_b.c", "-fPIE", "-flto", *extra, name=f"part_b{'_fat' if fat else ''}.o")
    plain = build.obj(C / "part_plain.c", "-fPIE", name="part_plain.o")
    with_plain = variant.endswith("and-regular")
    inputs = [a, plain, b] if with_plain else [a, b]
    flags = ["-r", "-O2"] + (["-flto"] if variant == "flto-ir" else [])
    parts = {}
    for linker in LINKERS:
        p = build.link(linker, f"part_{variant}.o", inputs, *flags, check=False)
        assert isinstance(p, Path), f"{linker}: the -r link failed\n{p.stdout}{p.stderr}"
        parts[linker] = p
    assert _sections(parts["test"]) == _sections(parts["bfd"])
    assert _globals(parts["test"]) == _globals(parts["bfd"])
    assert _nm(parts["test"]) == _nm(parts["bfd"])
    assert "T hello" in _nm(parts["test"]), _nm(parts["test"])
    if not with_plain:      # IR again: the partial link keeps GCC's IR (and its slim marker)
        assert ".gnu.lto_.symtab" in _sections(parts["test"])
    main = build.obj(C / "part_main.c", "-fPIE", name="part_main.o")
    res = {}
    for linker in LINKERS:
        exe = build.link(linker, f"part_{variant}_prog", [main, parts[linker]] + ([] if with_plain else [plain]),
                         "-O2")
        res[linker] = run([exe])
    assert res["bfd"][0] == 0 and "hello" in res["bfd"][1], res["bfd"]
    assert res["test"] == res["bfd"], res


def test_partial_link_drops_pass_through_libraries(build, direct_ld, tmp_path):
    """gcc passes `-plugin-opt=-pass-through=-lc` (and -lgcc, -lgcc_s); bfd never gives those to
    the plugin, so nothing is added after compiling: no libc in a -r link, no missing library."""
    a = build.obj(C / "part_a.c", "-fPIE", "-flto", name="pt_a.o")
    plugin_dir = os.path.dirname(GCC_PLUGIN)
    res = {}
    for linker, cmd in (("bfd", ["ld.bfd"]), ("test", direct_ld)):
        out = tmp_path / f"pt-{linker}.o"
        p = subprocess.run([*cmd, "-r", "-plugin", GCC_PLUGIN, f"-plugin-opt={plugin_dir}/lto-wrapper",
                            f"-plugin-opt=-fresolution={tmp_path}/{linker}.res",
                            "-plugin-opt=-pass-through=-lnonexistent_lib", "-plugin-opt=-pass-through=-lc",
                            str(a), "-o", str(out)], capture_output=True, text=True, cwd=tmp_path,
                           env={**tool_env(), "COLLECT_GCC": "gcc", "COLLECT_GCC_OPTIONS": "'-O2'"})
        res[linker] = (p.returncode, _nm(out) if p.returncode == 0 else p.stderr)
    assert res["bfd"][0] == 0, f"harness: {res['bfd']}"
    assert res["test"] == res["bfd"], res


# ------------------------------------------------------------------------------------- OS/ABI

def _osabi_and_types(path, name) -> tuple:
    osabi = re.search(r"OS/ABI:\s+(.*)", _readelf(path, "-h")).group(1).strip()
    types = sorted({tuple(line.split()[3:5]) for line in _readelf(path, "-s").splitlines()
                    if line.split()[-1:] == [name]})
    return osabi, types


@pytest.mark.parametrize("variant", ["lto", "lto-nopie", "lto-strip", "static-ifunc", "static-ifunc-strip",
                                     "static-ifunc-discard-all", "lto-compressed-debug",
                                     "static-ifunc-compressed-debug"])
def test_osabi_from_output_symbols(build, variant):
    """bfd writes ELFOSABI_GNU when the output .symtab has an IFUNC: the LTO plugin's (local)
    IFUNC counts though the IR input's header says SYSV; with -s (no .symtab) or -x (no locals)
    the output is SYSV whatever the inputs' headers say."""
    g = ("-g",) if "compressed" in variant else ()     # (debug sections to compress)
    if variant.startswith("lto"):
        pie = "-fno-pie" if variant == "lto-nopie" else "-fPIE"
        inputs = [build.obj(C / "ifunc_main.c", pie, "-flto", *g, name=f"ifm_{pie}{'_g' * len(g)}.o"),
                  build.obj(C / "ifunc_def.c", pie, "-flto", *g, name=f"ifd_{pie}{'_g' * len(g)}.o")]
        name, want = "fif", "1001\n"
        assert "UNIX - System V" in _readelf(inputs[1], "-h"), "harness: the IR object is not SYSV"
    else:
        inputs = [build.obj(C / "ifunc_static_main.c", "-fPIE", *g, name=f"ifsm{'_g' * len(g)}.o"),
                  build.obj(C / "ifunc_static.c", "-fPIE", *g, name=f"ifs{'_g' * len(g)}.o")]
        name, want = "sfif", "7\n"
    flags = {"lto": ["-flto"], "lto-nopie": ["-flto", "-no-pie"], "lto-strip": ["-flto", "-s"],
             "static-ifunc": [], "static-ifunc-strip": ["-s"],
             "static-ifunc-discard-all": ["-Wl,--discard-all"],
             # the ELF header is written again after the compression (the symbol table decides it)
             "lto-compressed-debug": ["-flto", "-g", "-Wl,--compress-debug-sections=zlib"],
             "static-ifunc-compressed-debug": ["-g", "-Wl,--compress-debug-sections=zlib"]}[variant]
    exes, (_rc, out, _err) = both(build, f"osabi_{variant}", inputs, "-O2", *flags)
    assert out == want, out
    ref, got = _osabi_and_types(exes["bfd"], name), _osabi_and_types(exes["test"], name)
    assert got == ref, f"bfd {ref}, test {got}"
    if g:
        assert "COMPRESSED" in _readelf(exes["test"], "-t"), "harness: nothing compressed"
    if variant in ("lto", "lto-nopie", "static-ifunc", "lto-compressed-debug", "static-ifunc-compressed-debug"):
        assert ref[0] == "UNIX - GNU", f"harness: {ref}"


# ------------------------------------------------------------------------------ symbol versions

def _res(path: Path) -> str:
    """The resolutions the linker gave GCC's plugin (lto-wrapper's -save-temps copy), paths dropped."""
    return "\n".join(line.rsplit("/", 1)[-1] for line in path.read_text().splitlines())


def test_symver_in_ir_resolutions_match_bfd(build):
    """IR with `.symver` / the symver attribute, in a library (with a version script) and in a
    program referring to a non-default version: the plugin gets the same resolutions from both
    linkers. Top-level `.symver` with a reference to the default version's bare name makes GCC's
    own assembler fail under bfd (GCC drops the definition the asm names), and likewise under braze."""
    vmap = f"-Wl,--version-script={C / 'symver.map'}"
    bad = build.obj(C / "symver_asm.c", "-fPIC", "-flto")
    res = {}
    for linker in LINKERS:
        p = build.link(linker, "libsvbad.so", [bad], "-shared", "-O2", "-flto", "-save-temps", vmap, check=False)
        assert not isinstance(p, Path), f"{linker}: linked"
        res[linker] = ("as default in symbol `ver_api@@VERS_2'" in p.stderr,
                       _res(build.root / linker / "libsvbad.so.res"))
    assert res["bfd"][0], "harness: bfd's link did not fail in GCC's assembler"
    assert res["test"] == res["bfd"], res

    good = build.obj(C / "symver_attr.c", "-fPIC", "-flto")
    main = build.obj(C / "symver_main.c", "-fPIE", "-flto")
    out = {}
    for linker in LINKERS:
        lib = build.link(linker, "libsv.so", [good], "-shared", "-O2", "-flto", "-save-temps", vmap,
                         "-Wl,-soname,libsv.so")
        # (--no-as-needed: with --as-needed bfd unloads a library that the IR reaches only through
        # versioned definitions until after LTO, and tells the plugin UNDEF where braze says
        # RESOLVED_DYN: a known difference, not this test's subject)
        exe = build.link(linker, "sv", ["-Wl,--no-as-needed", main, lib], "-O2", "-flto", "-save-temps", "-ldl")
        vers = sorted(line.split()[-1] for line in _readelf(lib, "--dyn-syms").splitlines() if "ver_" in line)
        out[linker] = (_res(build.root / linker / "libsv.so.res"), _res(build.root / linker / "sv.res"), vers,
                       run([exe], env={**tool_env(), "LD_LIBRARY_PATH": str(lib.parent)}))
    assert out["bfd"][3][:2] == (0, "2 1 20 1 2\n"), out["bfd"]
    assert out["test"] == out["bfd"], out


# ------------------------------------------------------------------- where the compiled objects go

def _tls_offsets(path: Path) -> dict:
    """Each TLS symbol's offset in the TLS block: the order of the files' .tdata/.tbss."""
    rows = (line.split() for line in _readelf(path, "-s").splitlines())
    return {r[7]: r[1] for r in rows if len(r) >= 8 and r[3] == "TLS"}


@pytest.mark.parametrize("inputs", [
    ["main_ir", "plain.o", "ir.o"],                 # IR object first: right after it
    ["main.o", "libir.a", "libplain.a"],            # IR member first: after the last object before it
    ["main.o", "libplain.a", "libir.a"],            # ... so before the members loaded since
    ["main.o", "libplain.a", "libd.so", "libir.a"],  # a library loaded since counts as an object
    ["main.o", "libplain.a", "-Wl,--as-needed", "libd.so", "-Wl,--no-as-needed", "libir.a"],
], ids=["object", "member", "member-after-member", "after-library", "after-as-needed-library"])
def test_compiled_objects_take_the_first_claimed_files_place(build, inputs):
    """bfd inserts the plugin's objects after the first claimed file, or, when that is an archive
    member, after the last object or library loaded before it; sections follow that order, so the
    TLS block's layout (each file's .tdata/.tbss) shows it. braze put them after every input."""
    objs = {"main_ir": build.obj(C / "ord_main.c", "-fPIE", "-flto", name="ord_main_ir.o"),
            "main.o": build.obj(C / "ord_main.c", "-fPIE"),
            "plain.o": build.obj(C / "ord_plain.c", "-fPIE"),
            "ir.o": build.obj(C / "ord_ir.c", "-fPIE", "-flto")}
    for lib, member in (("libir.a", "ir.o"), ("libplain.a", "plain.o")):
        if not (build.root / lib).exists():
            build.run(["gcc-ar", "rcs", build.root / lib, objs[member]])
        objs[lib] = build.root / lib
    if not (build.root / "libd.so").exists():
        (build.root / "d.c").write_text("int d_fn(void) { return 1; }\n")
        build.run(["gcc", "-shared", "-fPIC", build.root / "d.c", "-o", build.root / "libd.so"])
    objs["libd.so"] = build.root / "libd.so"
    args = [objs.get(a, a) for a in inputs]
    name = "ord_" + "_".join(a.strip("-").replace(",", "").replace(".", "") for a in inputs)
    exes, (_rc, out, _err) = both(build, name, args, "-flto", "-O2", f"-Wl,-rpath,{build.root}")
    assert out == "4 5 8\n", out
    a, b = _tls_offsets(exes["bfd"]), _tls_offsets(exes["test"])
    assert len(a) == 6 and a == b, f"TLS layout differs:\n bfd:  {a}\n test: {b}"


def test_definition_in_ir_and_regular_object_is_a_duplicate(build):
    """The same function defined by a regular object and by an IR object: bfd's "multiple definition",
    braze's duplicate-symbol error (it raised an internal AttributeError on the IR file)."""
    plain = build.obj(C / "tls_main.c", "-fPIE", name="dup_main_plain.o")
    ir = build.obj(C / "tls_main.c", "-fPIE", "-flto", name="dup_main_ir.o")
    use = build.obj(C / "tls_use.c", "-fPIE", name="dup_use.o")
    ref = build.link("bfd", "dup_main", [plain, use, ir], "-flto", "-O2", check=False)
    assert not isinstance(ref, Path) and "multiple definition of `main'" in ref.stderr, "harness: bfd linked"
    p = build.link("test", "dup_main", [plain, use, ir], "-flto", "-O2", check=False)
    assert not isinstance(p, Path), "the link succeeded"
    assert "duplicate symbol: main" in p.stderr and "internal error" not in p.stderr, p.stderr
