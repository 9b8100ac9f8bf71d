"""--emit-relocs (-q) against ld.bfd: the relocation sections a final link keeps (.rela.<section>,
not .rela.dyn/.rela.plt) compared entry by entry as (relocation section, offset from the start of its
target section, type, symbol name + addend as readelf prints it), in order; the programs run.

Sources: c/emitrelocs/tls_got.c (TLS general-dynamic sequences relaxed in executables, GOTPCRELX loads
relaxed to lea, strings), c/emitrelocs/relax.s (every GOTPCRELX form: mov, 32-bit mov, test, binop,
call, jmp, a non-relaxable load of a library-style symbol, an initial-exec TLS load), multi_object
with -g (debug sections' relocations), C++ cxx_eh_comdat (.eh_frame with CIEs merged and FDEs of
dropped COMDAT copies, .gcc_except_table).  Offsets are taken from the start of the target section
because braze places some sections at other addresses than bfd (e.g. .tdata/.init_array after TLS
in a non-PIE); for the C++ program the entries are compared as a multiset of (section, type, symbol
name) because braze orders .data.rel.ro's input sections differently from bfd (bfd's script puts
.data.rel.ro.local first), which moves offsets and section-symbol addends."""
from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

import pytest

from harness import REPO, _clip, run_env, tool_env
from relocatable_view import relocations, sections

SRC = REPO / "tests" / "c"
MODES = {"pie": (["-fPIE"], ["-pie"]), "nopie": (["-fno-pie"], ["-no-pie"]),
         "shared": (["-fPIC"], ["-shared"]), "pie-from-pic": (["-fPIC"], ["-pie"])}
CASES = {
    "tls_got": (["emitrelocs/tls_got.c"], [], ("pie", "nopie", "shared", "pie-from-pic")),
    "relax": (["emitrelocs/relax.s", "emitrelocs/ext.c"], [], ("pie", "nopie")),
    "multi_object_g": (["multi_object/list.c", "multi_object/map.c", "multi_object/strbuf.c",
                        "multi_object/util.c", "multi_object/main.c"], ["-g"], ("pie", "nopie")),
}


def _run(cmd, cwd):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=tool_env(), capture_output=True, text=True,
                       errors="replace", timeout=300)
    assert p.returncode == 0, f"$ {' '.join(map(str, cmd))}\n{p.stdout}{p.stderr}"
    return p


def emitted(path: Path) -> list:
    addr = {s[1]: s[7] for s in sections(path)}
    return [(sec, int(off, 16) - addr.get(sec[5:], 0), typ, sym) for sec, off, typ, sym in relocations(path)
            if sec not in (".rela.dyn", ".rela.plt")]


def _build(tmp: Path, srcs, cflags, mode, braze_lddir, cxx=False):
    cc = "g++" if cxx else "gcc"
    objs = []
    for s in srcs:
        o = tmp / (Path(s).stem + ".o")
        _run([cc, "-c", "-O2", *MODES[mode][0], *cflags, SRC / s, "-o", o], tmp)
        objs.append(o)
    out = {}
    for label, flags in (("bfd", ["-fuse-ld=bfd"]), ("test", [f"-B{braze_lddir}/"])):
        exe = tmp / f"{label}.out"
        _run([cc, *flags, *MODES[mode][1], *objs, "-Wl,--emit-relocs", "-o", exe], tmp)
        out[label] = exe
    return out


def _runs(exe: Path, tmp: Path):
    run = tmp / f"run-{exe.name}"
    run.mkdir()
    p = subprocess.run([str(exe)], cwd=run, env=run_env(run, {}), capture_output=True, text=True, timeout=20)
    return p.returncode, p.stdout


@pytest.mark.parametrize("case,mode", [(c, m) for c, v in sorted(CASES.items()) for m in v[2]])
def test_emit_relocs_like_bfd(case, mode, tmp_path, braze_lddir):
    srcs, cflags, _modes = CASES[case]
    out = _build(tmp_path, srcs, cflags, mode, braze_lddir)
    ref, got = emitted(out["bfd"]), emitted(out["test"])
    assert len(ref) > 10, f"harness: bfd kept few relocations: {ref}"
    assert got == ref, ("--emit-relocs relocations differ (- under test, + bfd):\n" +
                        _clip("\n".join(f"- {g}\n+ {r}" for g, r in zip(got, ref) if g != r)
                              + f"\n(counts {len(got)} vs {len(ref)})"))
    if mode != "shared":
        assert _runs(out["test"], tmp_path) == _runs(out["bfd"], tmp_path)
    if case == "relax":         # every relaxed form is in there, with bfd's rewritten type
        types = Counter(t for _s, _o, t, _n in ref if _s == ".rela.text")
        assert types["R_X86_64_PC32"] >= 2 and (mode == "pie" or types["R_X86_64_32S"] >= 3)


@pytest.mark.parametrize("mode", ["pie", "nopie"])
def test_emit_relocs_cxx(mode, tmp_path, braze_lddir):
    out = _build(tmp_path, ["cxx_eh_comdat/factory.cc", "cxx_eh_comdat/main.cc"], [], mode, braze_lddir, cxx=True)

    def key(path):
        return Counter((sec, typ, sym.split(" ")[0]) for sec, _o, typ, sym in emitted(path))
    ref, got = key(out["bfd"]), key(out["test"])
    assert ref[(".rela.eh_frame", "R_X86_64_PC32", ".text")] > 5
    assert got == ref, f"- under test only: {got - ref}\n+ bfd only: {ref - got}"
    assert _runs(out["test"], tmp_path) == _runs(out["bfd"], tmp_path)


def test_emit_relocs_refused_combinations(tmp_path, direct_ld):
    (tmp_path / "a.c").write_text("int main(void) { return 0; }\n")
    _run(["gcc", "-c", "a.c", "-o", "a.o"], tmp_path)
    p = subprocess.run([*direct_ld, "-q", "-s", "a.o", "-o", "out"], cwd=tmp_path, capture_output=True, text=True)
    assert p.returncode == 1 and "not supported with --emit-relocs" in p.stderr
    assert not (tmp_path / "out").exists()


def test_emit_relocs_with_sections_script(tmp_path, braze_lddir):
    """--emit-relocs with a SECTIONS script (bfd's own default script, a PIE): the .rela<section>
    sections as bfd writes them (refused with a clear error before; found by tests/progen.py, made for
    Linux's vmlinux: tests/test_fix_script_emit_relocs.py). Compared: each .rela section's entries
    (place, type, symbol name and value, addend), and the program runs."""
    from test_scripts_dynamic import bfd_default_script
    (tmp_path / "a.c").write_text("int main(void) { return 0; }\n")
    (tmp_path / "s.ld").write_text(bfd_default_script("-z", "relro", "-pie"))
    _run(["gcc", "-fPIE", "-c", "a.c", "-o", "a.o"], tmp_path)
    rows = {}
    for name, ld in (("bfd", "-fuse-ld=bfd"), ("out", f"-B{braze_lddir}/")):
        p = subprocess.run(["gcc", ld, "-pie", "-Wl,-q", "-Wl,-T,s.ld", "a.o", "-o", name], cwd=tmp_path,
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        assert subprocess.run([f"./{name}"], cwd=tmp_path).returncode == 0
        r = subprocess.run(["readelf", "-W", "-r", name], cwd=tmp_path, capture_output=True, text=True).stdout
        rows[name] = out = []
        dynamic = False
        for ln in r.splitlines():
            if ln.startswith("Relocation section"):
                # (.rela.dyn/.rela.plt: the dynamic relocations, whose order differs as known and accepted)
                dynamic = "'.rela.dyn'" in ln or "'.rela.plt'" in ln
                out.append(ln.split(" at offset")[0])
            elif ln[:1] in "0123456789abcdef" and ln.strip() and not dynamic:
                out.append(ln.split()[:1] + ln.split()[2:])     # (no symbol index: .symtab's order may differ)
    assert any("'.rela.text'" in str(x) for x in rows["bfd"])
    assert rows["out"] == rows["bfd"]
