"""aarch64 range-extension veneers (issue 12): code spanning more than the +-128 MiB of CALL26/JUMP26,
linked by aarch64 ld.bfd and by the linker under test (PIE, non-PIE, -shared), run under qemu.

c/a64v_far: `entry` in .text calls over 129 MiB of padding (.text.pad) forward to another object,
to a local function and tail-calls; the far side calls back to near code and to puts (its PLT entry is
before .text); in the executables a never-run function branches to an absolute --defsym symbol at
8 GiB, which needs the literal (not ADRP) form (in the library, through farabs's PLT entry). Compared: program output; .text's size; per veneer
its name, size, the offset of its stub section in .text and where it goes (section and offset); each
branch that goes through a veneer (function, offset, veneer). bfd orders the veneers inside one stub
section by its hash table, braze by first use: the veneers are compared as sets per stub section.
"""
from __future__ import annotations

import hashlib
import re
import struct
import subprocess
from pathlib import Path

import pytest

import a64_harness as H
from harness import tool_env

SRC = Path(__file__).resolve().parent / "c" / "a64v_far"
NOP = 0xd503201f


@pytest.fixture(scope="session", autouse=True)
def _cross_tools():
    assert H.have_toolchain(), "the aarch64 cross toolchain and qemu-user are needed (Makefile APT_PKGS)"


def _run(cmd, cwd, check=True):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=tool_env(), capture_output=True, text=True,
                       errors="replace", timeout=600)
    if check:
        assert p.returncode == 0, f"command failed (exit {p.returncode})\n$ {cmd}\n{p.stdout}{p.stderr}"
    return p


def _qemu(exe: Path, libdir: Path | None = None):
    env = ["-E", f"LD_LIBRARY_PATH={libdir}"] if libdir else []
    p = subprocess.run([H.QEMU, "-L", H.SYSROOT, *env, str(exe)], cwd=exe.parent, env=tool_env(),
                       capture_output=True, text=True, errors="replace", timeout=120)
    return p.returncode, p.stdout, p.stderr


def _sections(path):
    out = {}
    for m in re.finditer(r"\]\s+(\S+)\s+\S+\s+([0-9a-f]{16}) ([0-9a-f]{6,}) ([0-9a-f]{6,})",
                         H.readelf(["-S"], str(path))):
        out[m.group(1)] = (int(m.group(2), 16), int(m.group(3), 16), int(m.group(4), 16))
    return out


def _symbols(path):
    out = []
    for l in H.readelf(["-s"], str(path)).splitlines():
        f = l.split()
        if len(f) >= 8 and re.match(r"\d+:", f[0]):
            out.append((int(f[1], 16), int(f[2], 0), f[3], f[6], f[7]))
    return out


def _sext(v, bits):
    return v - (1 << bits) if v & (1 << (bits - 1)) else v


def veneer_view(path: Path) -> dict:
    secs = _sections(path)
    taddr, toff, tsize = secs[".text"]
    blob = path.read_bytes()

    def word(a):
        return struct.unpack_from("<I", blob, toff + a - taddr)[0]

    # PLT entries by the symbol objdump names them after (the two linkers order them differently)
    plt = {int(m.group(1), 16): m.group(2) for m in re.finditer(
        r"^([0-9a-f]+) <(\S+)>:", _run([H.PREFIX + "objdump", "-d", "-j", ".plt", path], path.parent).stdout, re.M)}

    def where(a):
        if a in plt:
            return ".plt", plt[a]
        for name, (sa, _o, sz) in secs.items():
            if sa and sa <= a < sa + sz:
                return name, a - sa
        return "ABS", a

    syms = _symbols(path)
    veneers = {v: n for v, _s, t, x, n in syms if t == "FUNC" and n.endswith("_veneer")}
    view = {"text_size": tsize, "veneers": [], "calls": []}
    for v, size, typ, ndx, name in syms:
        if v not in veneers or veneers[v] != name:
            continue
        start = v - 8           # the stub section's header: a branch over it and a nop
        while not (word(start) & 0xfc000000 == 0x14000000 and word(start + 4) == NOP
                   and start + 4 * (word(start) & 0x3ffffff) > v):
            start -= 8
        w0 = word(v)
        if w0 & 0x9f00001f == 0x90000010:          # adrp x16; add x16, x16, #lo12; br x16
            imm = _sext(((w0 >> 5) & 0x7ffff) << 2 | (w0 >> 29) & 3, 21)
            dest = (v & ~0xfff) + (imm << 12) + ((word(v + 4) >> 10) & 0xfff)
        else:                                       # ldr x16, lit; adr x17, #0; add x16, x16, x17; br x16
            assert w0 == 0x58000090, f"unexpected veneer code {w0:#x} at {v:#x}"
            lit = struct.unpack_from("<q", blob, toff + v + 16 - taddr)[0]
            dest = (v + 4 + lit) & 0xffffffffffffffff
        view["veneers"].append((name, size, start - taddr, where(dest)))
    for v, size, typ, ndx, name in syms:
        if typ != "FUNC" or not size or name.endswith("_veneer") or not taddr <= v < taddr + tsize:
            continue
        for a in range(v, v + size, 4):
            w = word(a)
            if w & 0x7c000000 == 0x14000000:       # b / bl
                t = a + (_sext(w & 0x3ffffff, 26) << 2)
                if t in veneers:
                    view["calls"].append((name, a - v, veneers[t]))
    view["veneers"] = sorted(set(view["veneers"]))     # (readelf -s lists .dynsym and .symtab)
    view["calls"] = sorted(set(view["calls"]))
    return view


@pytest.fixture(scope="module")
def objs(tmp_path_factory):
    d = tmp_path_factory.mktemp("a64v")
    for src in ("near.s", "far.s", "main.c"):
        _run([H.PREFIX + "gcc", "-c", "-O2", "-fPIC", SRC / src, "-o", Path(src).stem + ".o"], d)
    return d


def _ld(linker, lddir):
    return ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{lddir}/"]


def _link(objs, mode, linker, lddir):
    d = objs / f"{mode}-{linker}"
    d.mkdir(exist_ok=True)
    cc = H.PREFIX + "gcc"
    if mode == "shared":
        _run([cc, *_ld(linker, lddir), "-shared", objs / "near.o", objs / "far.o",
              "-Wl,--defsym,farabs=0x200000000", "-o", d / "libvf.so"], d)
        # the same host program (linked by bfd) loads either library
        _run([cc, "-fuse-ld=bfd", objs / "main.o", f"-L{d}", "-lvf", "-o", d / "prog"], d)
        return d / "prog", d / "libvf.so"
    flags = ["-no-pie"] if mode == "nopie" else ["-pie"]
    _run([cc, *_ld(linker, lddir), *flags, objs / "main.o", objs / "near.o", objs / "far.o",
          "-Wl,--defsym,farabs=0x200000000", "-o", d / "prog"], d)
    return d / "prog", d / "prog"


@pytest.mark.parametrize("mode", ["pie", "nopie", "shared"])
def test_range_extension_veneers(objs, braze_lddir, mode):
    ref_exe, ref_out = _link(objs, mode, "bfd", braze_lddir)
    got_exe, got_out = _link(objs, mode, "braze", braze_lddir)
    rb = _qemu(ref_exe, ref_exe.parent if mode == "shared" else None)
    rt = _qemu(got_exe, got_exe.parent if mode == "shared" else None)
    assert rb[0] == 0 and "far_tail" in rb[1], rb
    assert rt == rb
    vb, vt = veneer_view(ref_out), veneer_view(got_out)
    # the test reaches what it is about (in the library the calls to its exported functions go to
    # their PLT entries, near .text's start)
    assert len(vb["veneers"]) >= (3 if mode == "shared" else 5) and vb["calls"], vb
    if mode != "shared":        # (in the library the call goes to farabs's PLT entry)
        assert any(v[0] == "__farabs_veneer" and v[1] == 24 for v in vb["veneers"]), vb
    for k in vb:
        assert vt[k] == vb[k], f"{k} differs\nbfd:  {vb[k]}\ntest: {vt[k]}"


def test_veneers_deterministic(objs, braze_lddir, tmp_path):
    """Two links (stub sections grow during layout) give the same bytes."""
    digests = set()
    for i in range(2):
        out = tmp_path / f"p{i}"
        _run([H.PREFIX + "gcc", f"-B{braze_lddir}/", "-no-pie", objs / "main.o", objs / "near.o",
              objs / "far.o", "-Wl,--defsym,farabs=0x200000000", "-o", out], tmp_path)
        digests.add(hashlib.sha256(out.read_bytes()).hexdigest())
        out.unlink()
    assert len(digests) == 1


# ------------------------------------------------------------------ Cortex-A53 erratum 843419 veneers

ERR = Path(__file__).resolve().parent / "c" / "a64v_erratum"


def erratum_view(path: Path) -> dict:
    """c/a64v_erratum/seq.s as linked: .text's size; the code of f1..f5 (ADR rewrites, branches to
    veneers); the entries of the stub section as a set (insn, branch target, both relative to .text:
    bfd orders them by its hash table); the named veneers by the offset in their name (bfd's other
    two fields are its internal stub count and section id)."""
    secs = _sections(path)
    taddr, toff, tsize = secs[".text"]
    blob = path.read_bytes()

    def word(a):
        return struct.unpack_from("<I", blob, toff + a - taddr)[0]

    syms = _symbols(path)
    funcs = {n: (v, s) for v, s, t, x, n in syms if re.fullmatch(r"f[1-5]|run_all", n)}
    view = {"text_size": tsize, "code": {}, "stub": [], "named": []}
    # the stub section (after its group's last input section): it starts with a branch over itself
    # and a nop, 8-aligned, before the first named veneer
    named = [v for v, s, t, x, n in syms if n.startswith("e843419@")]
    a = end = taddr + tsize     # (no stub section: --fix-cortex-a53-843419=adr)
    if named:
        a = min(named) - 8
        while not (word(a) & 0xfc000000 == 0x14000000 and word(a + 4) == NOP and a + 4 * (word(a) & 0x3ffffff) > min(named)):
            a -= 8
        end = a + 4 * (word(a) & 0x3ffffff)
    for n, (v, s) in sorted(funcs.items()):
        code = []
        for p in range(v, v + s, 4):
            w = word(p)
            t = p + (_sext(w & 0x3ffffff, 26) << 2)
            if w & 0xfc000000 == 0x14000000 and a < t < end:
                w = ("b to the veneer holding", word(t))
            code.append(w)
        if n == "f5":           # (its GOT slot's offset: the linkers order .got differently)
            w = code[2]
            code[2] = (w[0], w[1] & ~0x3ffc00) if type(w) is tuple else w & ~0x3ffc00
        view["code"][n] = code
    for e in range(a + 8, end, 8):
        w0, w1 = word(e), word(e + 4)
        if w0 == 0 and w1 == 0:
            continue
        assert w1 & 0xfc000000 == 0x14000000, f"not an erratum veneer at {e:#x}: {w0:#x} {w1:#x}"
        if w0 & 0x3ff == 4 << 5 | 4:            # f5's GOT load (see above)
            w0 &= ~0x3ffc00
        view["stub"].append((w0, e + 4 + (_sext(w1 & 0x3ffffff, 26) << 2) - taddr))
    view["stub"].sort()
    view["named"] = sorted((re.sub(r"^e843419@[0-9a-f]+_[0-9a-f]+_", "e843419@_", n), s, t)
                           for v, s, t, x, n in syms if n.startswith("e843419@"))
    view["stub_at"] = a - taddr
    return view


@pytest.mark.parametrize("mode", ["nopie", "pie", "static"])
def test_erratum_843419_veneers(tmp_path, braze_lddir, mode):
    cc = H.PREFIX + "gcc"
    _run([cc, "-c", ERR / "seq.s", "-o", "seq.o"], tmp_path)
    _run([cc, "-c", "-O2", ERR / "main.c", "-o", "main.o"], tmp_path)
    flags = {"nopie": ["-no-pie"], "pie": ["-pie"], "static": ["-static"]}[mode]
    outs = {}
    for linker in ("bfd", "braze"):
        out = tmp_path / f"prog-{linker}"
        # (gcc passes --fix-cortex-a53-843419 itself: the linkers see what users' links give them)
        _run([cc, *_ld(linker, braze_lddir), *flags, "main.o", "seq.o", "-o", out], tmp_path)
        outs[linker] = out
    rb, rt = _qemu(outs["bfd"]), _qemu(outs["braze"])
    assert rb == (0, "44\n", ""), rb
    assert rt == rb
    vb, vt = erratum_view(outs["bfd"]), erratum_view(outs["braze"])
    # the test reaches what it is about: two veneers used (f2, f3), two ADR rewrites (f1, f5)
    assert len(vb["named"]) == 2 and len(vb["stub"]) == 4, vb
    for k in vb:
        assert vt[k] == vb[k], f"{k} differs\nbfd:  {vb[k]}\ntest: {vt[k]}"

