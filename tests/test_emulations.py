"""-V and -m: the emulations braze supports are named as GNU ld names them (ld.bfd -V for x86-64,
aarch64-linux-gnu-ld.bfd -V for aarch64); bfd's other emulations of those machines are refused by name,
with what they would select, and no output file."""
from __future__ import annotations

import re
import subprocess

import pytest

import a64_harness as H
from harness import braze_command, tool_env
from test_aarch64 import views

BFDS = {"x86-64": "ld.bfd", "aarch64": H.PREFIX + "ld.bfd"}


def bfd_emulations(ld: str) -> list[str]:
    p = subprocess.run([ld, "-V"], capture_output=True, text=True, env=tool_env())
    assert p.returncode == 0, p.stderr
    return re.findall(r"^   (\S+)$", p.stdout, re.M)


def braze(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([*braze_command(), *args], capture_output=True, text=True, env=tool_env(), cwd=cwd)


def test_dash_v_lists_each_machines_default_emulation():
    """braze -V lists exactly the emulation each GNU ld lists first (its default): elf_x86_64 and
    aarch64linux; --help ends with the same list, as bfd's does."""
    want = [bfd_emulations(ld)[0] for ld in BFDS.values()]
    assert want == ["elf_x86_64", "aarch64linux"], f"harness: bfd's defaults {want}"
    p = braze("-V")
    assert p.returncode == 0, p.stderr
    assert re.findall(r"^   (\S+)$", p.stdout, re.M) == want, p.stdout
    h = braze("--help")
    assert h.stdout.splitlines()[-1] == "braze: supported emulations: " + " ".join(want)


# bfd's other emulations for the two machines: real names (bfd -V lists them), refused by braze
REFUSED = ["aarch64elf", "aarch64linuxb", "aarch64elfb", "aarch64linux32", "aarch64elf32", "armelf",
           "elf32_x86_64", "elf_i386", "elf_iamcu", "i386pep"]


@pytest.mark.parametrize("m", REFUSED)
def test_other_bfd_emulations_are_refused(tmp_path, m):
    assert any(m in bfd_emulations(ld) for ld in BFDS.values()), f"harness: {m} is no bfd emulation"
    obj = tmp_path / "a.o"
    (tmp_path / "a.s").write_text(".globl _start\n_start:\n")
    subprocess.run([H.PREFIX + "as", str(tmp_path / "a.s"), "-o", str(obj)], check=True)
    p = braze("-m", m, "-o", "out", str(obj), cwd=tmp_path)
    assert p.returncode == 1 and "Traceback" not in p.stderr
    assert re.match(rf"braze: error: unsupported emulation: {m} \(.+\); braze links elf_x86_64, aarch64linux only",
                    p.stderr), p.stderr
    assert not (tmp_path / "out").exists()


def _start_obj(tmp_path):
    src = tmp_path / "s.c"
    src.write_text("static int v = 7;\nvoid _start(void) {\n"
                   "  register long x0 __asm__(\"x0\") = v * 6;\n  register long x8 __asm__(\"x8\") = 93;\n"
                   "  __asm__ volatile(\"svc 0\" :: \"r\"(x0), \"r\"(x8));\n  for (;;) ;\n}\n")
    obj = tmp_path / "s.o"
    subprocess.run([H.PREFIX + "gcc", "-O2", "-fno-pic", "-c", str(src), "-o", str(obj)], check=True, env=tool_env())
    return obj


def test_m_aarch64linux(tmp_path):
    """-m aarch64linux (what gcc passes) given explicitly first, before any input fixes the target:
    the same program as aarch64 ld.bfd's, which runs under qemu; -m elf_x86_64 with the same input is
    refused like bfd refuses it."""
    obj = _start_obj(tmp_path)
    subprocess.run([H.PREFIX + "ld.bfd", "-m", "aarch64linux", "-static", "-o", str(tmp_path / "bfd"), str(obj)],
                   check=True)
    p = braze("-m", "aarch64linux", "-static", "-o", str(tmp_path / "test"), str(obj))
    assert p.returncode == 0, p.stderr
    runs = [subprocess.run([H.QEMU, str(tmp_path / n)], capture_output=True).returncode for n in ("bfd", "test")]
    assert runs == [42, 42], runs
    vb, vt = views(str(tmp_path / "bfd")), views(str(tmp_path / "test"))
    # (known, not about -m: without crtend.o braze still ends .eh_frame with a zero terminator, bfd
    # writes none; same on x86-64. Every other view is compared.)
    for k in vb.keys() - {"eh_frame_sizes"}:
        assert vt[k] == vb[k], f"{k} differs\nbfd:  {vb[k]}\ntest: {vt[k]}"
    q = subprocess.run(["ld.bfd", "-m", "elf_x86_64", "-o", str(tmp_path / "bfd86"), str(obj)],
                       capture_output=True, text=True, env=tool_env())
    assert q.returncode != 0
    r = braze("-m", "elf_x86_64", "-o", str(tmp_path / "test86"), str(obj))
    assert r.returncode == 1 and "braze: error:" in r.stderr and not (tmp_path / "test86").exists(), r.stderr


def test_aarch64elf_is_not_aarch64linux(tmp_path):
    """Why -m aarch64elf is refused, not taken as aarch64linux: bfd's output for it differs (here: a
    dynamic link gets the /lib/ld.so.1 interpreter and another layout)."""
    obj = _start_obj(tmp_path)
    lib = tmp_path / "libx.so"
    (tmp_path / "x.c").write_text("int x(void) { return 1; }\n")
    subprocess.run([H.PREFIX + "gcc", "-fuse-ld=bfd", "-shared", "-fPIC", str(tmp_path / "x.c"), "-o", str(lib)],
                   check=True, env=tool_env())
    interps = {}
    for m in ("aarch64linux", "aarch64elf"):
        out = tmp_path / m
        subprocess.run([H.PREFIX + "ld.bfd", "-m", m, "-o", str(out), str(obj), str(lib)], check=True)
        interps[m] = re.findall(r"interpreter: (\S+)\]", H.readelf(["-l"], str(out)))
    assert interps["aarch64linux"] != interps["aarch64elf"], interps
