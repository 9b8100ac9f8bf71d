"""Local symbols in .symtab against ld.bfd: the default (local labels dropped only in SHF_MERGE
sections), -X/--discard-locals, -x/--discard-all, --discard-none (the last option wins), for PIE,
non-PIE and -shared outputs (also with -S), from objects that keep their assembler labels (`-Wa,-L`, `-g`) and an
asm file with every kind of name bfd tells apart (`.L`, `..`, `_.L_`, `L<digit>^A`, `L<digit>^B`).

Compared: the objects' locals in bfd's order (names, types, bindings, visibility, sizes, section
names and offsets in them, ABS values), the linker-made and hidden locals and the globals as sets
(their order is bfd's hash-table walk), .symtab's sh_info, and the program's behaviour."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import tool_env
import test_shared as shared

SRC = Path(__file__).resolve().parent / "c" / "locals"
LINKERS = ("bfd", "test")
DISCARD = {"default": [], "X": ["-Wl,-X"], "x": ["-Wl,-x"], "discard-none": ["-Wl,--discard-none"],
           "x-then-none": ["-Wl,-x", "-Wl,--discard-none"], "none-then-X": ["-Wl,--discard-none", "-Wl,-X"],
           "S": ["-Wl,-S"], "S-X": ["-Wl,-S", "-Wl,-X"]}
MODES = {"pie": (["-fPIE"], ["-pie"]), "nopie": (["-fno-pie"], ["-no-pie"]), "shared": (["-fPIC"], ["-shared"])}


def _readelf(*args) -> str:
    p = subprocess.run(["readelf", "-W", *map(str, args)], capture_output=True, text=True, env=tool_env(),
                       errors="surrogateescape")
    assert p.returncode == 0, p.stderr
    return p.stdout


def _sections(path: Path) -> dict:
    """section index -> (name, address, sh_info)"""
    out = {}
    for m in re.finditer(r"^\s*\[\s*(\d+)\]\s+(\S*)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+"
                         r"\s+(?:[A-Za-z]+\s+)?(\d+)\s+(\d+)\s+\d+\s*$", _readelf("-S", path), re.M):
        out[int(m.group(1))] = (m.group(2), int(m.group(3), 16), int(m.group(5)))
    return out


def symtab_view(path: Path):
    """(objects' locals in order, the other locals as a set, the globals as a set, sh_info); each
    symbol as (name, type, bind, vis, section name or ABS/UND, offset in the section or value, size)."""
    secs = _sections(path)
    info = next(i for n, _a, i in secs.values() if n == ".symtab")
    syms, on = [], False
    for line in _readelf("-s", path).splitlines():
        if "'.symtab'" in line:
            on = True
            continue
        f = line.split(None, 7)
        if not on or len(f) < 7 or not f[0].rstrip(":").isdigit() or f[0] == "0:":
            continue
        value, size, typ, bind, vis, ndx = int(f[1], 16), f[2], f[3], f[4], f[5], f[6]
        name = f[7] if len(f) > 7 else ""
        if ndx.isdigit():
            sname, addr, _ = secs[int(ndx)]
            ndx, value = sname, value - addr if typ != "TLS" else value
        syms.append((name, typ, bind, vis, ndx, value, size))
    local, rest = syms[:info - 1], syms[info - 1:]
    assert all(s[2] == "LOCAL" for s in local) and not any(s[2] == "LOCAL" for s in rest), \
        f"{path}: sh_info {info} does not split locals from globals"
    # bfd ends the objects' locals with an empty FILE symbol when linker-made locals follow; with no
    # FILE symbol at all (-x) every local is linker-made
    files = [i for i, s in enumerate(local) if s[1] == "FILE"]
    cut = next((i for i in files if local[i][0] == ""), len(local) if files else 0)
    return local[:cut], set(local[cut:]), set(rest), info


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir):
    return shared.Build(tmp_path_factory.mktemp("locals"), braze_lddir)


def _labels_obj(build, mode: str) -> Path:
    """labels.s assembled keeping .L labels, with ^A/^B put into the L<digit> names (gas cannot)."""
    out = build.root / f"labels-{mode}.o"
    if not out.exists():
        build.run(["gcc", "-c", "-Wa,-L", *MODES[mode][0], SRC / "labels.s", "-o", out])
        d = out.read_bytes()
        for a, b in ((b"\0L7_A\0", b"\0L7\x01A\0"), (b"\0L8_B\0", b"\0L8\x02B\0"), (b"\0L9_B3\0", b"\0L9\x0233\0")):
            assert d.count(a) == 1, f"harness: {a!r} not once in {out}'s string table"
            d = d.replace(a, b)
        out.write_bytes(d)
    return out


def _c_obj(build, src: str, mode: str, debug=True) -> Path:
    out = build.root / f"{Path(src).stem}-{mode}{'' if debug else '-nog'}.o"
    if not out.exists():
        build.run(["gcc", "-c", "-O2", *(["-g"] if debug else []), "-Wa,-L", *MODES[mode][0], SRC / src, "-o", out])
    return out


def _link(build, mode: str, discard: str, linker: str) -> Path:
    d = build.root / linker / f"{mode}-{discard}"
    d.mkdir(parents=True, exist_ok=True)
    out = d / ("liblocals.so" if mode == "shared" else "prog")
    if not out.exists():
        objs = [_c_obj(build, "lib.c" if mode == "shared" else "main.c", mode), _labels_obj(build, mode)]
        build.run(["gcc", *build.ld(linker), *MODES[mode][1], *map(str, objs), *DISCARD[discard], "-o", out], cwd=d)
    return out


@pytest.mark.parametrize("discard", sorted(DISCARD))
@pytest.mark.parametrize("mode", sorted(MODES))
def test_local_symbols_match_bfd(build, mode, discard):
    ref, got = (symtab_view(_link(build, mode, discard, ln)) for ln in LINKERS)
    names = {s[0] for s in ref[0]}
    # the harness exercises what it claims to (readelf shows ^A/^B as two characters)
    if discard == "default":
        assert {".Ltext_label", "..dotdot", "L7^AA", "str_named", ".Ldata_label"} <= names, names
        assert not {".Lstr_label", ".Lcst_label", "..str_dotdot"} & names, names
    if discard in ("X", "none-then-X", "S-X"):
        assert {"L5x", "L12", "L8^BB", "L9^B33", "plain_local", "str_named"} <= names, names
        assert not {".Ltext_label", "..dotdot", "_.L_under", "L7^AA", ".Ldata_label"} & names, names
    if discard in ("discard-none", "x-then-none"):
        assert {".Lstr_label", ".Lcst_label", "..str_dotdot", ".Ltext_label"} <= names, names
    if discard == "x":
        assert not ref[0], ref[0]
    for part, what in ((0, "objects' locals (in order)"), (1, "other locals"), (2, "globals"), (3, "sh_info")):
        if got[part] != ref[part]:
            if part == 0:
                import difflib
                diff = "\n".join(difflib.unified_diff([repr(s) for s in ref[0]], [repr(s) for s in got[0]],
                                                      "bfd", "test", lineterm="", n=1))
                pytest.fail(f"{what} differ:\n{diff}")
            pytest.fail(f"{what} differ:\n only bfd: {ref[part] - got[part] if part < 3 else ref[part]}\n"
                        f" only test: {got[part] - ref[part] if part < 3 else got[part]}")


@pytest.mark.parametrize("mode", ["pie", "nopie"])
def test_programs_run_the_same(build, mode):
    outs = {(ln, dc): shared.run([_link(build, mode, dc, ln)]) for ln in LINKERS for dc in ("default", "x")}
    ref = outs[("bfd", "default")]
    assert ref[0] == 0 and ref[1].startswith("beta "), f"harness: {ref}"
    for k, v in outs.items():
        assert v == ref, f"{k}: {v} != bfd's {ref}"


@pytest.mark.parametrize("variant", ["no-gc", "gc-sections", "gc-sections-g"])
def test_objects_without_output_sections(build, variant):
    """An object all of whose sections --gc-sections removes has no locals in bfd's .symtab (no FILE
    symbol either); with -g its debug sections stay, and its locals come where bfd first meets them
    (after every object with code)."""
    views = {}
    gc = variant != "no-gc"
    for ln in LINKERS:
        d = build.root / ln / f"unused-{variant}"
        d.mkdir(parents=True, exist_ok=True)
        out = d / "prog"
        if not out.exists():
            objs = [_c_obj(build, "main.c", "pie"), _c_obj(build, "unused.c", "pie", debug=variant != "gc-sections"),
                    _labels_obj(build, "pie")]
            build.run(["gcc", *build.ld(ln), "-pie", *map(str, objs), *(["-Wl,--gc-sections"] if gc else []),
                       "-o", out], cwd=d)
        views[ln] = symtab_view(out)
    files = [s[0] for s in views["bfd"][0] if s[1] == "FILE"]
    assert "main.c" in files and ("unused.c" in files) == (variant != "gc-sections"), f"harness: {files}"
    if variant == "gc-sections-g":
        assert files[-1] == "unused.c", f"harness: {files}"
    assert views["test"][0] == views["bfd"][0]
    assert views["test"][1:] == views["bfd"][1:]
