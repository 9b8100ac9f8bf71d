"""aarch64 veneers in links with a SECTIONS script, against aarch64 ld.bfd (run under qemu-aarch64).

bfd's aarch64 back end makes its stub sections in a script link as without one: one per stub group,
inside the output section, after the group's last input section (erratum 843419 veneers: after the
input section holding the sequence). braze refused such links (an error where a veneer was needed).

Compared with bfd's output: the exit status or program output, the allocated sections and program
headers, each veneer (name, size, output section, where its stub section starts, where it goes) and
each branch through one (function, offset, veneer), as test_aarch64_veneers.py does without a script.
bfd orders the veneers inside one stub section by its hash table (braze by first use), so veneers are
compared by name, not address.
"""
from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest

import a64_harness as H
from test_aarch64_scripts import FREE, _both, _free, _qemu, _view
from test_aarch64_veneers import _run, _sext, _symbols, erratum_view, veneer_view

HERE = Path(__file__).resolve().parent
NOP = 0xd503201f

# near code calls two functions the script puts out of branch range, which call back
NEAR = """int far1(int), far2(int);
int near_back(int x) { return x + 1; }
int main(void) { return far1(3) + far2(4) - 10; }
"""
FAR = """int near_back(int);
__attribute__((section(".text.far"))) int far1(int x) { return near_back(x) + 1; }
__attribute__((section(".text.far"))) int far2(int x) { return near_back(x) * 2; }
"""
SCRIPTS = {
    # two output sections far apart: a stub section in each
    "apart": """SECTIONS
{
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { *(.text .text.[!f]*) }
  .far 0x10000000 : { *(.text.far) }
  .data : { *(.data .data.*) }
  .bss : { *(.bss .bss.*) *(COMMON) }
}
""",
    # one output section, `.` moved by more than the branch range between its inputs
    "gap": """SECTIONS
{
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { *(.text) . += 0x8000000; *(.text.far) }
  .data : { *(.data .data.*) }
  .bss : { *(.bss .bss.*) *(COMMON) }
}
""",
}


def _secs(path: Path) -> dict:
    out = {}
    for m in re.finditer(r"\]\s+(\S+)\s+\S+\s+([0-9a-f]{16}) ([0-9a-f]{6,}) ([0-9a-f]{6,})",
                         H.readelf(["-S"], str(path))):
        out[m.group(1)] = (int(m.group(2), 16), int(m.group(3), 16), int(m.group(4), 16))
    return out


def script_veneer_view(path: Path) -> dict:
    """Veneers in any code section: (name, size, section, stub section offset there, destination
    symbol); branches to them from the program's functions (function, offset, veneer)."""
    secs = _secs(path)
    blob = path.read_bytes()
    syms = _symbols(path)

    def section_of(a):
        return next((n, sa, so) for n, (sa, so, sz) in secs.items() if sa and sa <= a < sa + sz)

    def word(a):
        _n, sa, so = section_of(a)
        return struct.unpack_from("<I", blob, so + a - sa)[0]

    funcs = {v: n for v, _s, t, _x, n in syms if t == "FUNC" and not n.endswith("_veneer")}
    veneers = {v: n for v, _s, t, _x, n in syms if t == "FUNC" and n.endswith("_veneer")}
    view = {"veneers": set(), "calls": set()}
    for v, name in veneers.items():
        start = v - 8           # the stub section's header: a branch over it and a nop
        while not (word(start) & 0xfc000000 == 0x14000000 and word(start + 4) == NOP
                   and start + 4 * (word(start) & 0x3ffffff) > v):
            start -= 8
        w0 = word(v)
        assert w0 & 0x9f00001f == 0x90000010, f"{name}: not adrp x16 ({w0:#x})"
        dest = (v & ~0xfff) + (_sext(((w0 >> 5) & 0x7ffff) << 2 | (w0 >> 29) & 3, 21) << 12) \
            + ((word(v + 4) >> 10) & 0xfff)
        sname, sa, _so = section_of(v)
        size = next(s for a, s, t, _x, n in syms if a == v and n == name)
        view["veneers"].add((name, size, sname, start - sa, funcs.get(dest, hex(dest))))
    for v, size, typ, _x, name in syms:
        if typ != "FUNC" or name.endswith("_veneer") or not size:
            continue
        for a in range(v, v + size, 4):
            w = word(a)
            if w & 0x7c000000 == 0x14000000:       # b / bl
                t = a + (_sext(w & 0x3ffffff, 26) << 2)
                if t in veneers:
                    view["calls"].add((name, a - v, veneers[t]))
    return view


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_range_extension_veneers_with_script(tmp_path, braze_lddir, script):
    objs = _free(tmp_path, {"near.c": NEAR, "far.c": FAR})
    (tmp_path / "s.ld").write_text(SCRIPTS[script])
    bfd, braze = _both(tmp_path, script, [*FREE, *objs, "-Wl,-T,s.ld"], braze_lddir)
    rb = _qemu(bfd)
    assert rb[0] == 5, rb          # (far1(3) = 5, far2(4) = 10)
    assert _qemu(braze) == rb
    assert _view(braze) == _view(bfd)
    vb, vt = script_veneer_view(bfd), script_veneer_view(braze)
    # the test reaches what it is about: veneers both ways
    assert {v[0] for v in vb["veneers"]} == {"__far1_veneer", "__far2_veneer", "__near_back_veneer"}, vb
    assert len(vb["calls"]) == 4, vb
    assert vt == vb


def _default_script(d: Path) -> None:
    verbose = _run([H.PREFIX + "ld.bfd", "--verbose"], d).stdout.splitlines()
    marks = [i for i, line in enumerate(verbose) if line.startswith("=====")]
    (d / "default.ld").write_text("\n".join(verbose[marks[0] + 1:marks[1]]) + "\n")


@pytest.mark.parametrize("mode", ["pie", "nopie"])
def test_veneers_with_bfds_default_script(tmp_path, braze_lddir, mode):
    """tests/c/a64v_far (calls over 129 MiB of padding, to the PLT and to an absolute symbol at
    8 GiB) linked with bfd's own default script given with -T."""
    _default_script(tmp_path)
    src = HERE / "c" / "a64v_far"
    for f in ("near.s", "far.s", "main.c"):
        _run([H.PREFIX + "gcc", "-c", "-O2", "-fPIC", src / f, "-o", Path(f).stem + ".o"], tmp_path)
    flags = ["-no-pie"] if mode == "nopie" else ["-pie"]
    bfd, braze = _both(tmp_path, mode, [*flags, "main.o", "near.o", "far.o", "-Wl,--defsym,farabs=0x200000000",
                                        "-Wl,-T,default.ld"], braze_lddir)
    rb = _qemu(bfd)
    assert rb[0] == 0 and b"far_tail" in rb[1], rb
    assert _qemu(braze) == rb
    assert _view(braze) == _view(bfd)
    vb, vt = veneer_view(bfd), veneer_view(braze)
    assert any(v[0] == "__farabs_veneer" and v[1] == 24 for v in vb["veneers"]), vb
    assert vt == vb


@pytest.mark.parametrize("fix", ["", "=full", "=adrp"])
def test_erratum_843419_veneers_with_script(tmp_path, braze_lddir, fix):
    """tests/c/a64v_erratum (sequences at page offsets 0xff8/0xffc; f2, f3 beyond ADR's reach) in a
    -static link with bfd's default script: an ADR where it reaches (=adrp: never), else the veneer in a
    stub section after the input section (braze refused both veneer cases with a script)."""
    _default_script(tmp_path)
    src = HERE / "c" / "a64v_erratum"
    _run([H.PREFIX + "gcc", "-c", src / "seq.s", "-o", "seq.o"], tmp_path)
    _run([H.PREFIX + "gcc", "-c", "-O2", src / "main.c", "-o", "main.o"], tmp_path)
    bfd, braze = _both(tmp_path, "e", ["-static", "main.o", "seq.o", "-Wl,-T,default.ld",
                                       f"-Wl,--fix-cortex-a53-843419{fix}"], braze_lddir)
    rb = _qemu(bfd)
    assert rb == (0, b"44\n"), rb
    assert _qemu(braze) == rb
    assert _view(braze) == _view(bfd)
    vb, vt = erratum_view(bfd), erratum_view(braze)
    assert len(vb["named"]) == (4 if fix == "=adrp" else 2), vb
    assert vt == vb
