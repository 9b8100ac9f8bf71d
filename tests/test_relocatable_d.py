"""`-r -d` (also -dc, -dp): common symbols allocated in .bss, against ld.bfd -r -d.

The inputs hold commons of different sizes and alignments (C with -fcommon), a common that another
object defines (it must end up that object's definition), a TLS common and a 32-aligned common (asm).
bfd -r -d puts every common, the TLS one included, in .bss as a defined GLOBAL symbol.

Normalised, and why: bfd allocates the commons in its symbol hash-table order, which braze does not
reproduce (it uses largest alignment first, then name). So the .bss symbols' values and the .bss size
are left out of the compared readelf views; instead each allocated symbol is checked to be aligned
as its common was (alignment read from `ld.bfd -r` without -d), inside .bss, and not overlapping
another. Everything else (section table, symbol names/types/bindings/sections/sizes, relocations)
is compared as in test_relocatable.py, and both outputs are linked by bfd into programs and run."""
from __future__ import annotations

import pytest

from relocatable_view import view, diff_views
from harness import _clip
from test_relocatable import SRC, _run, _program, ld_bfd  # noqa: F401  (ld_bfd is a fixture)


def _objs(tmp):
    objs = []
    for s in ("rd_common/main.c", "rd_common/def.c", "rd_common/tls.s"):
        out = tmp / (s.split("/")[1].split(".")[0] + ".o")
        _run(["gcc", "-c", "-O2", "-fPIE", "-fcommon", SRC / s, "-o", out], tmp)
        objs.append(out)
    return objs


def _normalised(v):
    v = dict(v)
    v["sections"] = [s[:5] + (None,) if s[0] == ".bss" else s for s in v["sections"]]
    v["symbols"] = [s[:5] + (None,) + s[6:] if s[4] == ".bss" else s for s in v["symbols"]]
    return v


@pytest.mark.parametrize("flag", ["-d", "-dc", "-dp"])
def test_partial_link_define_common(flag, tmp_path, direct_ld, ld_bfd, braze_lddir):
    objs = _objs(tmp_path)
    ref = tmp_path / "bfd.o"
    mine = tmp_path / "mine.o"
    _run([*ld_bfd, "-r", flag, *objs, "-o", ref], tmp_path)
    _run([*direct_ld, "-r", flag, *objs, "-o", mine], tmp_path)
    mv, rv = view(mine), view(ref)
    d = diff_views(_normalised(mv), _normalised(rv))
    assert not d, f"readelf views differ (bss offsets aside):\n{_clip(d)}"
    assert not [s for s in mv["symbols"] if s[4] == "COM"]
    # the alignment each common asked for: its value in a plain -r output (st_value of a common)
    plain = tmp_path / "plain.o"
    _run([*ld_bfd, "-r", *objs, "-o", plain], tmp_path)
    align = {s[0]: int(s[5], 16) for s in view(plain)["symbols"] if s[4] == "COM"}
    assert {"c1", "c2", "c3", "c4", "c5", "tc", "zz"} <= set(align)
    bss = [s for s in mv["symbols"] if s[4] == ".bss"]
    assert {s[0] for s in bss} == set(align)
    size = next(s[5] for s in mv["sections"] if s[0] == ".bss")
    spans = sorted((int(s[5], 16), int(s[5], 16) + int(s[6]), s[0]) for s in bss)
    for lo, hi, name in spans:
        assert lo % align[name] == 0 and hi <= size, (name, lo, hi, size)
    for (_, hi, a), (lo, _, b) in zip(spans, spans[1:]):
        assert hi <= lo, f"{a} and {b} overlap"
    want = _program(tmp_path, ref, ["-fuse-ld=bfd"], "ref", False)
    assert want[0] == 0 and want[1].strip() == "1 2 3 4 15 15"
    assert _program(tmp_path, mine, ["-fuse-ld=bfd"], "mine-bfd", False) == want
    assert _program(tmp_path, mine, [f"-B{braze_lddir}/"], "mine-test", False) == want


def test_final_link_d_changes_nothing(tmp_path, direct_ld, ld_bfd, braze_lddir):
    """In a final link commons are allocated anyway: -d changes nothing in bfd or braze."""
    objs = _objs(tmp_path)
    want = _program(tmp_path, objs[0], ["-fuse-ld=bfd", "-Wl,-d", *map(str, objs[1:])], "ref", False)
    got = _program(tmp_path, objs[0], [f"-B{braze_lddir}/", "-Wl,-d", *map(str, objs[1:])], "mine", False)
    plain = _program(tmp_path, objs[0], [f"-B{braze_lddir}/", *map(str, objs[1:])], "plain", False)
    assert got == want == plain


def test_define_common_with_script_refused(tmp_path, direct_ld):
    objs = _objs(tmp_path)
    (tmp_path / "r.ld").write_text("SECTIONS { .bss : { *(.bss) *(COMMON) } }\n")
    p = _run([*direct_ld, "-r", "-d", "-T", "r.ld", *objs, "-o", "out.o"], tmp_path, check=False)
    assert p.returncode == 1 and "not supported" in p.stderr and "Traceback" not in p.stderr, p.stderr
    assert not (tmp_path / "out.o").exists()
